/* BC002: a co_wrapper_mixed carries no_coroutine_fn so that coroutine code
 * calls the _co_ twin, even though the wrapper would work there. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_fn co_length(BlockDriverState *bs)
{
    return bdrv_getlength(bs);                  // expect: BC002 "calls co_wrapper_mixed 'bdrv_getlength'"
}

/* Near miss: a plain coroutine_mixed_fn is callable from coroutines. */
int coroutine_fn co_status(BlockDriverState *bs)
{
    return bdrv_mixed_status(bs);               // expect-not: BC002
}

/* Near miss: outside a coroutine the wrapper is the right call. */
int plain_length(BlockDriverState *bs)
{
    return bdrv_getlength(bs);                  // expect-not: BC002
}

/* A hand-written mixed function that still says no_coroutine_fn: its
 * coroutine twin is the one to call from a coroutine. */
int coroutine_mixed_fn no_coroutine_fn bdrv_refresh_total_sectors(BlockDriverState *bs);

int coroutine_fn co_refresh(BlockDriverState *bs)
{
    return bdrv_refresh_total_sectors(bs);      // expect: BC002 "calls mixed no_coroutine_fn"
}
