/* Runner self-test: every expectation here is wrong on purpose (a missing
 * finding, a fired near miss, a wrong message), so run-case.sh must fail.
 * Registered as corpus.runner-selftest.*, which pass only when the runner
 * names each of the three. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int read_sync(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 512);           // expect-not: BC001
}

int coroutine_fn co_read(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 512);           // expect: BC001
}

/* The right rule at the right line, but the message says something else. */
int read_again(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 512);           // expect: BC001 "no such words"
}
