/* Helpers defined here, called from two other TUs; the suggestion is at
 * the definition.  The header declaration would get the fix-it too. */
#include <blkcheck/annotations.h>
#include "h.h"

int h_read(BlockDriverState *bs)                        // expect: BC010 // expect-fixit: "coroutine_fn " // plugin-missing: BC010 its callers are in user1.c and user2.c; this TU shows none
{
    return bdrv_co_pread(bs, 0, 1);             // expect: BC001
}

int h_read_any(BlockDriverState *bs)                    // expect-not: BC010
{
    return bdrv_co_pread(bs, 0, 1);             // expect: BC001
}
