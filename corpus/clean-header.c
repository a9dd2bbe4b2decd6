/* A TU with only the corpus header and clean code: no findings at all. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_fn co_clean(BlockDriverState *bs)
{
    GRAPH_RDLOCK_GUARD();
    return bdrv_co_flush(bs);                   // expect-not: BC001 BC002 BC007
}
