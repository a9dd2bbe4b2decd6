#ifndef H_H
#define H_H
#include "corpus.h"
int h_read(BlockDriverState *bs);   // expect-fixit: "coroutine_fn "
int h_read_any(BlockDriverState *bs);
#endif
