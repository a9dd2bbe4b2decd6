/* BC001 through a macro that expands to a call: reported at the expansion. */
#include <blkcheck/annotations.h>
#include "corpus.h"

#define READ_HEADER(bs) bdrv_co_pread((bs), 0, 512)

int probe_sync(BlockDriverState *bs)
{
    return READ_HEADER(bs);                     // expect: BC001
}

int coroutine_fn co_probe(BlockDriverState *bs)
{
    return READ_HEADER(bs);                     // expect-not: BC001
}

/* The plain twin through the same kind of macro is fine anywhere plain. */
#define READ_HEADER_SYNC(bs) bdrv_pread((bs), 0, 512)

int probe_sync_ok(BlockDriverState *bs)
{
    return READ_HEADER_SYNC(bs);                // expect-not: BC001
}
