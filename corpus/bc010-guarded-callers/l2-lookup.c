#include <blkcheck/annotations.h>
#include "l2-cache.h"

int coroutine_fn l2_co_lookup(BlockDriverState *bs, long l2_offset)
{
    return l2_load(bs, l2_offset) + l2_load_nocheck(bs, l2_offset);
}

/* Outside a coroutine the table is not loaded: the caller retries. */
int l2_lookup_any(BlockDriverState *bs, long l2_offset)
{
    if (qemu_in_coroutine()) {
        return l2_load(bs, l2_offset);
    }
    return -1;
}

int l2_prefetch(BlockDriverState *bs, long l2_offset)
{
    if (l2_offset < 0) {
        return -1;
    }
    return l2_load_nocheck(bs, l2_offset);
}
