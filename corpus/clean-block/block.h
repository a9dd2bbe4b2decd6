/*
 * block.h - a small clean block layer: every rule's happy path.  It is a
 * corpus case with no findings (corpus.clean-block) and the second target
 * of the mutation self-check (ci/mutate.sh), which breaks it one rule at a
 * time.  Keep the marked lines stable: ci/mutations/*.txt edit them.
 */
#ifndef CLEAN_BLOCK_H
#define CLEAN_BLOCK_H
#include "corpus.h"

/* io.c */
int coroutine_fn GRAPH_RDLOCK cb_co_child_len(BlockDriverState *bs);
int coroutine_fn cb_co_read(BlockDriverState *bs, long off);
int co_wrapper cb_read(BlockDriverState *bs, long off);
int coroutine_fn cb_co_len(BlockDriverState *bs);
int coroutine_mixed_fn cb_read_any(BlockDriverState *bs);
void cb_io_complete(BlockDriverState *bs);

/* gs.c */
void cb_gs_set_backing(BlockDriverState *bs, BlockDriverState *backing);
void cb_gs_drain(BlockDriverState *bs);
int cb_gs_count_children(BlockDriverState *bs);
int no_coroutine_fn cb_flush_sync(BlockDriverState *bs);

/* drv.c */
extern const BlockDriver cb_drv_null;
#endif
