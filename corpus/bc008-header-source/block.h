#ifndef BLOCK_H
#define BLOCK_H
#include "corpus.h"
int coroutine_fn GRAPH_RDLOCK blk_co_refresh(BlockDriverState *bs);
int coroutine_fn GRAPH_RDLOCK blk_co_truncate(BlockDriverState *bs, long n);
int no_coroutine_fn blk_close(BlockDriverState *bs);
int GRAPH_UNLOCKED blk_open(BlockDriverState *bs);
#endif
