/* BC001: a plain function calls a coroutine_fn directly. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int read_sync(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 512);           // expect: BC001 "coroutine_fn 'bdrv_co_pread' called from non-coroutine function 'read_sync'"
}

/* Near miss: the caller is a coroutine_fn. */
int coroutine_fn co_read(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 512);           // expect-not: BC001
}

/* Near miss: mixed callees (coroutine_mixed_fn, co_wrapper_mixed) are
 * callable from both contexts. */
int read_any(BlockDriverState *bs)
{
    int a = bdrv_mixed_status(bs);              // expect-not: BC001
    return a + bdrv_getlength(bs);              // expect-not: BC001
}
