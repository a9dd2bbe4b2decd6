#ifndef L2_CACHE_H
#define L2_CACHE_H
#include "corpus.h"

int l2_load(BlockDriverState *bs, long l2_offset);       // expect-fixit: "coroutine_fn "
int l2_load_nocheck(BlockDriverState *bs, long l2_offset);
int coroutine_fn l2_co_lookup(BlockDriverState *bs, long l2_offset);
int l2_lookup_any(BlockDriverState *bs, long l2_offset);
int l2_prefetch(BlockDriverState *bs, long l2_offset);
#endif
