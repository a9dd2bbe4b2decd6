#ifndef H_H
#define H_H
#include "corpus.h"
int h_read(BlockDriverState *bs);
int h_read_any(BlockDriverState *bs);
#endif
