#ifndef CHAIN_H
#define CHAIN_H
#include "corpus.h"
void chain_a(BlockDriverState *bs);
void chain_b(BlockDriverState *bs);
void chain_c(BlockDriverState *bs);
#endif
