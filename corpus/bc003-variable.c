/* BC003 (a) for variables and assignments. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static int plain_len(BlockDriverState *bs)
{
    return 1;
}

static int coroutine_fn co_len(BlockDriverState *bs)
{
    return 2;
}

static int coroutine_fn (*len_fn)(BlockDriverState *bs) = plain_len;   // expect: BC003

void retarget(BlockDriver *drv)
{
    len_fn = co_len;                            // expect-not: BC003
    drv->bdrv_co_flush = plain_len;             // expect: BC003
    drv->bdrv_co_flush = co_len;                // expect-not: BC003
}

/* A coroutine_fn pointer parameter or local takes what is assigned to it. */
int coroutine_fn co_len_with(BlockDriverState *bs,
                             int coroutine_fn (*fallback)(BlockDriverState *bs))
{
    int coroutine_fn (*fn)(BlockDriverState *bs);

    if (!fallback) {
        fallback = plain_len;                   // expect: BC003 "stored in coroutine_fn pointer 'fallback'"
    }
    fn = bs->drv ? co_len : plain_len;          // expect: BC003 "stored in coroutine_fn pointer 'fn'"
    return fn(bs) + fallback(bs);
}
