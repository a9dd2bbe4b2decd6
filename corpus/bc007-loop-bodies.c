/* BC007 inside every loop form: the body of a while, do/while and a for
 * with all three parts is walked, and what it holds comes from the edges
 * around the loop (first iteration and the back edge). */
#include <blkcheck/annotations.h>
#include "corpus.h"

int while_unlocked(BlockDriverState *bs, int n)
{
    int c = 0;

    while (n-- > 0) {
        c += bdrv_child_count(bs);              // expect: BC007
    }
    return c;
}

int while_locked(BlockDriverState *bs, int n)
{
    int c = 0;

    bdrv_graph_rdlock_main_loop();
    while (n-- > 0) {
        c += bdrv_child_count(bs);              // expect-not: BC007
    }
    bdrv_graph_rdunlock_main_loop();
    return c;
}

/* Unlocked at the end of the first round: the second round is not held. */
int while_drops(BlockDriverState *bs, int n)
{
    int c = 0;

    bdrv_graph_rdlock_main_loop();
    while (n-- > 0) {
        c += bdrv_child_count(bs);              // expect: BC007
        bdrv_graph_rdunlock_main_loop();
    }
    return c;
}

int do_while_unlocked(BlockDriverState *bs, int n)
{
    int c = 0;

    do {
        c += bdrv_child_count(bs);              // expect: BC007
    } while (--n > 0);
    return c;
}

int do_while_relocks(BlockDriverState *bs, int n)
{
    int c = 0;

    bdrv_graph_rdlock_main_loop();
    do {
        c += bdrv_child_count(bs);              // expect-not: BC007
        bdrv_graph_rdunlock_main_loop();
        bdrv_graph_rdlock_main_loop();
    } while (--n > 0);
    bdrv_graph_rdunlock_main_loop();
    return c;
}

int for_three_parts(BlockDriverState *bs, int n)
{
    int c = 0;

    for (int i = 0; i < n; i++) {
        c += bdrv_child_count(bs);              // expect: BC007
    }
    return c;
}

/* The lock taken in the init part covers the body and the step. */
int for_locked_in_init(BlockDriverState *bs, int n)
{
    int c = 0, i;

    for (bdrv_graph_rdlock_main_loop(), i = 0; i < n; i++) {
        c += bdrv_child_count(bs);              // expect-not: BC007
    }
    bdrv_graph_rdunlock_main_loop();
    return c;
}
