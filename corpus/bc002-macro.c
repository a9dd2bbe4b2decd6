/* BC002 through a macro expanding to a co_wrapper call. */
#include <blkcheck/annotations.h>
#include "corpus.h"

#define SYNC_READ(bs) bdrv_pread((bs), 0, 4096)

int coroutine_fn co_load(BlockDriverState *bs)
{
    return SYNC_READ(bs);                       // expect: BC002
}

int load(BlockDriverState *bs)
{
    return SYNC_READ(bs);                       // expect-not: BC002
}
