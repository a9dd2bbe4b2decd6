/* BC001 and the in-coroutine test kept in a local: only a local that holds
 * the test's result guards a coroutine call; any other local does not. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int read_either(BlockDriverState *bs)   // expect: BC010 // expect-fixit: "coroutine_mixed_fn "
{
    int in_co = qemu_in_coroutine();

    if (in_co) {
        return bdrv_co_pread(bs, 0, 1);         // expect-not: BC001
    }
    return bdrv_pread(bs, 0, 1);
}

int read_if_asked(BlockDriverState *bs, int asked)
{
    int ask = asked;

    if (ask) {
        return bdrv_co_pread(bs, 0, 1);         // expect: BC001
    }
    return 0;
}

int read_if_counted(BlockDriverState *bs)
{
    int n = bdrv_child_count(bs);               // expect: BC007

    if (n) {
        return bdrv_co_pread(bs, 0, 1);         // expect: BC001
    }
    return 0;
}

/* The test assigned to a local after its declaration guards the same. */
int read_either_assigned(BlockDriverState *bs)  // expect: BC010 // expect-fixit: "coroutine_mixed_fn "
{
    int in_co;

    in_co = qemu_in_coroutine();
    if (in_co) {
        return bdrv_co_pread(bs, 0, 1);         // expect-not: BC001
    }
    return bdrv_pread(bs, 0, 1);
}

int read_if_mixed_ok(BlockDriverState *bs)
{
    int ok;

    ok = bdrv_mixed_status(bs);
    if (ok) {
        return bdrv_co_pread(bs, 0, 1);         // expect: BC001
    }
    return 0;
}
