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
    return c + bdrv_child_count(bs);            // expect: BC007
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

/* Retry loops: the only way out is the break, which holds the lock. */
int wait_idle_while(BlockDriverState *bs)
{
    int c;

    while (1) {
        bdrv_graph_rdlock_main_loop();
        if (bs->in_flight == 0) {
            break;
        }
        bdrv_graph_rdunlock_main_loop();
        aio_poll(bs->ctx, 1);
    }
    c = bdrv_child_count(bs);                   // expect-not: BC007
    bdrv_graph_rdunlock_main_loop();
    return c;
}

int wait_idle_for(BlockDriverState *bs)
{
    int c;

    for (;;) {
        bdrv_graph_rdlock_main_loop();
        if (bs->in_flight == 0) {
            break;
        }
        bdrv_graph_rdunlock_main_loop();
        aio_poll(bs->ctx, 1);
    }
    c = bdrv_child_count(bs);                   // expect-not: BC007
    bdrv_graph_rdunlock_main_loop();
    return c;
}

/* No condition in the header: the step is not the test. */
int wait_idle_bounded(BlockDriverState *bs, int tries)
{
    int c, i;

    for (i = 0; ; i++) {
        bdrv_graph_rdlock_main_loop();
        if (bs->in_flight == 0 || i == tries) {
            break;
        }
        bdrv_graph_rdunlock_main_loop();
        aio_poll(bs->ctx, 1);
    }
    c = bdrv_child_count(bs);                   // expect-not: BC007
    bdrv_graph_rdunlock_main_loop();
    return c;
}

/* No init: the test still guards the body, and the loop ends. */
int count_rounds(BlockDriverState *bs, int n)
{
    int c = 0;

    for (; n > 0; n--) {
        c += bdrv_child_count(bs);              // expect: BC007
    }
    return c + bdrv_child_count(bs);            // expect: BC007
}

/* A chain walk spelled by a macro: the header's parts are the macro's. */
BlockDriverState *GRAPH_RDLOCK bdrv_filter_or_cow_bs(BlockDriverState *bs);
#define FOR_EACH_BACKING(it, bs) \
    for ((it) = (bs); (it); (it) = bdrv_filter_or_cow_bs(it))

int chain_length(BlockDriverState *bs)
{
    BlockDriverState *it;
    int n = 0;

    FOR_EACH_BACKING(it, bs) {                  // expect: BC007
        n++;
    }
    return n;
}

int chain_length_locked(BlockDriverState *bs)
{
    BlockDriverState *it;
    int n = 0;

    bdrv_graph_rdlock_main_loop();
    FOR_EACH_BACKING(it, bs) {                  // expect-not: BC007
        n++;
    }
    bdrv_graph_rdunlock_main_loop();
    return n;
}

/* A continue leaves the round early: it must unlock first, and the code
 * after it is reached only with the lock. */
int count_active(BlockDriverState *bs, int n)
{
    int c = 0;

    for (int i = 0; i < n; i++) {
        bdrv_graph_rdlock_main_loop();
        if (bs->in_flight == 0) {
            bdrv_graph_rdunlock_main_loop();
            continue;
        }
        c += bdrv_child_count(bs);              // expect-not: BC007
        bdrv_graph_rdunlock_main_loop();
    }
    return c;
}

/* A continue after an inner loop goes to the outer loop, which takes the
 * lock again: the inner loop's body is always held. */
int continue_after_inner(BlockDriverState *bs, int n)
{
    int c = 0;

    for (int i = 0; i < n; i++) {
        bdrv_graph_rdlock_main_loop();
        while (bs->in_flight > c) {
            c += bdrv_child_count(bs);          // expect-not: BC007
        }
        bdrv_graph_rdunlock_main_loop();
        if (bs->backing) {
            continue;
        }
        c++;
    }
    return c;
}

/* A macro's for without an init: its condition still ends the loop, so
 * what follows the loop runs (and is not held). */
#define FOR_REST_OF_CHAIN(bs) for (; (bs); (bs) = (bs)->backing)

int rest_of_chain(BlockDriverState *bs)
{
    int n = 0;

    FOR_REST_OF_CHAIN(bs) {
        n++;
    }
    return n + bdrv_child_count(bs);            // expect: BC007
}
