/* BC002: no_coroutine_fn and co_wrapper_bdrv_rdlock callees. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_fn co_drain(BlockDriverState *bs)
{
    return bdrv_drain_sync(bs);                 // expect: BC002
}

int coroutine_fn GRAPH_RDLOCK co_flush_all(BlockDriverState *bs)
{
    return bdrv_flush(bs);                      // expect: BC002
}

/* Near miss: a mixed function calls the blocking twin on its non-coroutine
 * branch. */
int coroutine_mixed_fn flush_any(BlockDriverState *bs)
{
    if (qemu_in_coroutine()) {
        GRAPH_RDLOCK_GUARD();
        return bdrv_co_flush(bs);
    }
    return bdrv_flush(bs);                      // expect-not: BC002
}

/* Near miss: a no_co_wrapper is a coroutine_fn, fine from a coroutine. */
int no_co_wrapper bdrv_co_reopen(BlockDriverState *bs);

int coroutine_fn co_reopen_twice(BlockDriverState *bs)
{
    return bdrv_co_reopen(bs);                  // expect-not: BC002
}
