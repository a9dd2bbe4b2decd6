/* BC010: suggest coroutine_fn for a helper whose every caller is one. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static int helper(BlockDriverState *bs);                // expect-fixit: "coroutine_fn "

static int helper(BlockDriverState *bs)                 // expect: BC010 "mark it coroutine_fn" // expect-fixit: "coroutine_fn "
{
    return bdrv_co_pread(bs, 0, 1);             // expect: BC001
}

int coroutine_fn co_a(BlockDriverState *bs)
{
    return helper(bs);
}

int coroutine_fn co_b(BlockDriverState *bs)
{
    return helper(bs) + 1;
}

/* Near miss: one plain caller, so no suggestion (BC001 still fires). */
static int shared_helper(BlockDriverState *bs)          // expect-not: BC010
{
    return bdrv_co_pread(bs, 0, 2);             // expect: BC001
}

int coroutine_fn co_c(BlockDriverState *bs)
{
    return shared_helper(bs);
}

int plain_c(BlockDriverState *bs)
{
    return shared_helper(bs);
}

/* Near miss: no callers at all. */
int orphan(BlockDriverState *bs)                        // expect-not: BC010
{
    return bdrv_co_pread(bs, 0, 3);             // expect: BC001
}
