#include <blkcheck/annotations.h>
#include "h.h"

int coroutine_fn u2_co(BlockDriverState *bs)
{
    return h_read(bs);
}

/* A plain caller of h_read_any: no coroutine_fn suggestion for it. */
int u2_sync(BlockDriverState *bs)
{
    return h_read_any(bs);
}
