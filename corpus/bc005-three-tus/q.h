#ifndef Q_H
#define Q_H
#include "corpus.h"
void q_refresh(BlockDriverState *bs);
void q_update(BlockDriverState *bs);
void q_wait(BlockDriverState *bs);
#endif
