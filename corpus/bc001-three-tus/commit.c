#include <blkcheck/annotations.h>
#include "api.h"

int coroutine_fn api_co_commit(BlockDriverState *bs)
{
    return api_co_stage(bs);                    // expect-not: BC001
}
