/* BC007 over control flow: an unlock on an error branch that jumps away
 * does not unlock the code after the branch; loops and switch. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int probe(BlockDriverState *bs);

int count_children(BlockDriverState *bs)
{
    int n;

    bdrv_graph_rdlock_main_loop();
    if (probe(bs) < 0) {
        bdrv_graph_rdunlock_main_loop();
        goto fail;
    }
    n = bdrv_child_count(bs);                   // expect-not: BC007
    bdrv_graph_rdunlock_main_loop();
    return n;
fail:
    return bdrv_child_count(bs);                // expect: BC007
}

/* Locked on one branch only: not held on every path. */
int maybe_locked(BlockDriverState *bs, int lock)
{
    int n;

    if (lock) {
        bdrv_graph_rdlock_main_loop();
    }
    n = bdrv_child_count(bs);                   // expect: BC007
    if (lock) {
        bdrv_graph_rdunlock_main_loop();
    }
    return n;
}

int per_round(BlockDriverState *bs, int rounds)
{
    int n = 0;

    for (int i = 0; i < rounds; i++) {
        bdrv_graph_rdlock_main_loop();
        n += bdrv_child_count(bs);              // expect-not: BC007
        bdrv_graph_rdunlock_main_loop();
    }
    return n + bdrv_child_count(bs);            // expect: BC007
}

int by_kind(BlockDriverState *bs, int kind)
{
    int n = 0;

    bdrv_graph_rdlock_main_loop();
    switch (kind) {
    case 0:
        bdrv_graph_rdunlock_main_loop();
        return 0;
    case 1:
        n = bdrv_child_count(bs);               // expect-not: BC007
        break;
    default:
        break;
    }
    n += bdrv_child_count(bs);                  // expect-not: BC007
    bdrv_graph_rdunlock_main_loop();
    return n;
}

/* A GRAPH_RDLOCK function that drops its caller's lock for a while. */
int GRAPH_RDLOCK drops_for_a_while(BlockDriverState *bs)
{
    int n;

    bdrv_graph_rdunlock_main_loop();
    n = bdrv_child_count(bs);                   // expect: BC007
    bdrv_graph_rdlock_main_loop();
    return n + bdrv_child_count(bs);            // expect-not: BC007
}

/* No default: a kind that no case names skips every lock. */
int by_known_kind(BlockDriverState *bs, int kind)
{
    int n;

    switch (kind) {
    case 0:
        bdrv_graph_rdlock_main_loop();
        break;
    case 1:
        bdrv_graph_rdlock_main_loop();
        n = 1;
        break;
    }
    n = bdrv_child_count(bs);                   // expect: BC007
    bdrv_graph_rdunlock_main_loop();
    return n;
}

/* With a default that locks too, every way through holds the lock. */
int by_any_kind(BlockDriverState *bs, int kind)
{
    int n;

    switch (kind) {
    case 0:
        bdrv_graph_rdlock_main_loop();
        break;
    default:
        bdrv_graph_rdlock_main_loop();
        break;
    }
    n = bdrv_child_count(bs);                   // expect-not: BC007
    bdrv_graph_rdunlock_main_loop();
    return n;
}
