/* BC007 and cleanup-guard scope. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_fn co_with(BlockDriverState *bs)
{
    int n = 0;
    WITH_GRAPH_RDLOCK_GUARD() {
        n = bdrv_child_count(bs);               // expect-not: BC007
    }
    return n + bdrv_child_count(bs);            // expect: BC007 "GRAPH_RDLOCK function 'bdrv_child_count' requires the graph reader lock, not held in 'co_with'"
}

int coroutine_fn co_block(BlockDriverState *bs)
{
    int n = 0;
    {
        GRAPH_RDLOCK_GUARD();
        n = bdrv_child_count(bs);               // expect-not: BC007
    }
    return n + bdrv_child_count(bs);            // expect: BC007
}

int coroutine_fn co_explicit(BlockDriverState *bs)
{
    int n;
    bdrv_graph_co_rdlock();
    n = bdrv_child_count(bs);                   // expect-not: BC007
    bdrv_graph_co_rdunlock();
    return n;
}

/* A retry inside the guard's block keeps the lock. */
int coroutine_fn co_retry_in_guard(BlockDriverState *bs, int tries)
{
    int n;

    {
        GRAPH_RDLOCK_GUARD();
    retry:
        n = bdrv_child_count(bs);               // expect-not: BC007
        if (n < 0 && --tries > 0) {
            goto retry;
        }
    }
    return n;
}

/* A goto out of the guard's block ends the guard like falling off it. */
int coroutine_fn co_first_children(BlockDriverState *bs)
{
    int n;

    {
        GRAPH_RDLOCK_GUARD();
        n = bdrv_child_count(bs);               // expect-not: BC007
        if (n > 0) {
            goto found;
        }
        return -1;
    }
found:
    return n + bdrv_child_count(bs);            // expect: BC007
}

/* A guard taken before a loop is the enclosing block's, not the loop's. */
int coroutine_fn co_guard_then_loop(BlockDriverState *bs, int n)
{
    int c = 0;

    GRAPH_RDLOCK_GUARD();
    for (int i = 0; i < n; i++) {
        c += bdrv_child_count(bs);              // expect-not: BC007
    }
    return c + bdrv_child_count(bs);            // expect-not: BC007
}
