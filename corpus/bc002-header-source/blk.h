#ifndef BLK_H
#define BLK_H
#include "corpus.h"
/* Declared no_coroutine_fn in the header, defined in blk.c. */
int no_coroutine_fn blk_make_empty(BlockDriverState *bs);
int blk_count(BlockDriverState *bs);
#endif
