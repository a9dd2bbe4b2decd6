#ifndef API_H
#define API_H
#include "corpus.h"
int coroutine_fn api_co_commit(BlockDriverState *bs);
int coroutine_fn api_co_stage(BlockDriverState *bs);
int api_commit_now(BlockDriverState *bs);
#endif
