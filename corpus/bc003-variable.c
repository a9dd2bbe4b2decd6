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
