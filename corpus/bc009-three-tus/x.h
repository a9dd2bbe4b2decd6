#ifndef X_H
#define X_H
#include "corpus.h"
void x_update(BlockDriverState *bs);
void x_apply(BlockDriverState *bs);
void x_reconfigure(BlockDriverState *bs);
#endif
