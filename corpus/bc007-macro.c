/* BC007 through a macro expanding to a GRAPH_RDLOCK call. */
#include <blkcheck/annotations.h>
#include "corpus.h"

#define CHILDREN(bs) bdrv_child_count(bs)

int count_unlocked(BlockDriverState *bs)
{
    return CHILDREN(bs);                        // expect: BC007
}

int GRAPH_RDLOCK count_locked(BlockDriverState *bs)
{
    return CHILDREN(bs);                        // expect-not: BC007
}
