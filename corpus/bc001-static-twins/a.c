/* Two static functions named `helper`, one per TU: only this one is a
 * coroutine_fn, so only calls to it from plain code fire. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static int coroutine_fn helper(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 1);
}

int a_sync(BlockDriverState *bs)
{
    return helper(bs);                          // expect: BC001
}

int coroutine_fn a_co(BlockDriverState *bs)
{
    return helper(bs);                          // expect-not: BC001
}
