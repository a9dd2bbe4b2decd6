#include <blkcheck/annotations.h>
#include "h.h"

int coroutine_fn u1_co(BlockDriverState *bs)
{
    return h_read(bs) + h_read_any(bs);
}
