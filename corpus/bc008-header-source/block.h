#ifndef BLOCK_H
#define BLOCK_H
#include "corpus.h"
int coroutine_fn GRAPH_RDLOCK blk_co_refresh(BlockDriverState *bs);       // expect-hop: BC008 "declaration: 'blk_co_refresh' declared here with coroutine_fn GRAPH_RDLOCK"
int coroutine_fn GRAPH_RDLOCK blk_co_truncate(BlockDriverState *bs, long n);
int no_coroutine_fn blk_close(BlockDriverState *bs);                 // expect-hop: BC008 "declaration: 'blk_close' declared here with no_coroutine_fn"
int GRAPH_UNLOCKED blk_open(BlockDriverState *bs);
#endif
