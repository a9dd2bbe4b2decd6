/* BC001 in mixed functions: only calls outside the in-coroutine check. */
#include <blkcheck/annotations.h>
#include "corpus.h"

/* A mixed function may run outside a coroutine: unguarded call fires. */
int coroutine_mixed_fn mixed_unguarded(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 512);           // expect: BC001 "called from coroutine_mixed_fn function 'mixed_unguarded'"
}

/* Near miss: the then-branch of if (qemu_in_coroutine()). */
int coroutine_mixed_fn mixed_guarded(BlockDriverState *bs)
{
    if (qemu_in_coroutine()) {
        return bdrv_co_pread(bs, 0, 512);       // expect-not: BC001
    }
    return bdrv_pread(bs, 0, 512);
}

/* Near miss: after if (!qemu_in_coroutine()) return. */
int coroutine_mixed_fn mixed_early_return(BlockDriverState *bs)
{
    if (!qemu_in_coroutine()) {
        return bdrv_pread(bs, 0, 512);
    }
    return bdrv_co_pread(bs, 0, 512);           // expect-not: BC001
}

/* The else-branch of the check is not in a coroutine. */
int coroutine_mixed_fn mixed_wrong_branch(BlockDriverState *bs)
{
    if (qemu_in_coroutine()) {
        return 0;
    } else {
        return bdrv_co_pread(bs, 0, 512);       // expect: BC001
    }
}
