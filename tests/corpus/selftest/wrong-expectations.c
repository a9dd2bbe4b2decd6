/* Runner self-test: every expectation here is wrong on purpose (a missing
 * finding and a fired near miss), so run-case.sh must fail.
 * Registered as corpus.runner-selftest, which passes only when the runner
 * names each of the two. */
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
