#include "compat.h"

int coroutine_fn co_refresh_all(BlockDriverState *bs)
{
    return bdrv_co_refresh(bs);
}
