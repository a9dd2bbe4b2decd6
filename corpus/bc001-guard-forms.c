/* BC001 with the in-coroutine test in other shapes: &&, ?:, a stored flag,
 * `if (!qemu_in_coroutine()) abort();`, __builtin_expect, ||-return. */
#include <stdbool.h>
#include <stdlib.h>
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_mixed_fn mixed_and(BlockDriverState *bs)
{
    return qemu_in_coroutine() && bdrv_co_pread(bs, 0, 512);  // expect-not: BC001
}

/* The right operand of || runs when the test failed. */
int coroutine_mixed_fn mixed_or(BlockDriverState *bs)
{
    return qemu_in_coroutine() || bdrv_co_pread(bs, 0, 512);  // expect: BC001
}

int coroutine_mixed_fn mixed_ternary(BlockDriverState *bs)
{
    return qemu_in_coroutine() ? bdrv_co_pread(bs, 0, 512)    // expect-not: BC001
                               : bdrv_co_pread(bs, 0, 1);       // expect: BC001
}

int coroutine_mixed_fn mixed_flag(BlockDriverState *bs)
{
    bool in_co = qemu_in_coroutine();

    if (in_co) {
        return bdrv_co_pread(bs, 0, 512);       // expect-not: BC001
    }
    return bdrv_co_pread(bs, 0, 1);               // expect: BC001
}

int coroutine_mixed_fn mixed_assert(BlockDriverState *bs)
{
    if (!qemu_in_coroutine()) {
        abort();
    }
    return bdrv_co_pread(bs, 0, 512);           // expect-not: BC001
}

/* Near miss of the above: a call that returns does not end the path. */
void report_not_in_coroutine(void);
int coroutine_mixed_fn mixed_no_abort(BlockDriverState *bs)
{
    if (!qemu_in_coroutine()) {
        report_not_in_coroutine();
    }
    return bdrv_co_pread(bs, 0, 512);           // expect: BC001
}

int coroutine_mixed_fn mixed_likely(BlockDriverState *bs)
{
    if (__builtin_expect(qemu_in_coroutine(), 1)) {
        return bdrv_co_pread(bs, 0, 512);       // expect-not: BC001
    }
    return 0;
}

int coroutine_mixed_fn mixed_or_return(BlockDriverState *bs, bool skip)
{
    if (!qemu_in_coroutine() || skip) {
        return 0;
    }
    return bdrv_co_pread(bs, 0, 512);           // expect-not: BC001
}
