#include <blkcheck/annotations.h>
#include "l2-cache.h"

/* A caller under the in-coroutine check counts as a coroutine caller. */
int l2_load(BlockDriverState *bs, long l2_offset)       // expect: BC010 "mark it coroutine_fn" // expect-fixit: "coroutine_fn " // plugin-missing: BC010 its callers are in l2-lookup.c
{
    return bdrv_co_pread(bs, l2_offset, 512);           // expect: BC001
}

/* Near miss: l2_prefetch calls it outside the check. */
int l2_load_nocheck(BlockDriverState *bs, long l2_offset)  // expect-not: BC010
{
    return bdrv_co_pread(bs, l2_offset, 512);           // expect: BC001
}
