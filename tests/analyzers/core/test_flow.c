/*
 * test_flow.c - the intra-procedural engine (core/flow.c) on hand-built
 * graphs: joins (every path / some path), the caller's lock, guards,
 * in-coroutine edges, loops and unreachable blocks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "facts.h"
#include "flow.h"

#define MAX_TAGS 16

typedef struct Seen {
    BcFlowState s[MAX_TAGS];
    bool seen[MAX_TAGS];
} Seen;

static void record(void *opaque, uint32_t tag, BcFlowOp op, const BcFlowState *before)
{
    Seen *seen = opaque;

    (void)op;
    if (tag < MAX_TAGS) {
        assert_false(seen->seen[tag]);      /* each event exactly once */
        seen->s[tag] = *before;
        seen->seen[tag] = true;
    }
}

#define PER_LOCK (BC_LOCK_RD | BC_LOCK_WR | BC_LOCK_RD_GUARD | BC_LOCK_CALLER)

/* Per-lock bits as given; the combined bits are checked where they differ
 * from a single path's (test_reacquired_is_still_held). */
static void expect(const Seen *seen, uint32_t tag, uint32_t must, uint32_t may, bool in_co)
{
    assert_true(seen->seen[tag]);
    assert_true(seen->s[tag].reachable);
    assert_int_equal(seen->s[tag].must & PER_LOCK, must);
    assert_int_equal(seen->s[tag].may, bc_lock_one_path(may));
    assert_int_equal(seen->s[tag].in_co, in_co);
}

/*
 * One path drops the caller's lock and takes the reader lock itself, the
 * other never drops it: no single lock is held on every path, but a lock
 * is (the qcow2_do_open() shape).
 */
static void test_reacquired_is_still_held(void **state)
{
    BcFlow *fl = bc_flow_new();
    uint32_t then = bc_flow_block(fl), join = bc_flow_block(fl);
    Seen seen = { 0 };

    (void)state;
    bc_flow_edge(fl, 0, then, BC_FLOW_PLAIN);
    bc_flow_edge(fl, 0, join, BC_FLOW_PLAIN);
    bc_flow_event(fl, then, BC_FLOW_RDUNLOCK, MAX_TAGS);
    bc_flow_event(fl, then, BC_FLOW_RDLOCK, MAX_TAGS);
    bc_flow_edge(fl, then, join, BC_FLOW_PLAIN);
    bc_flow_event(fl, join, BC_FLOW_OBSERVE, 0);
    bc_flow_event(fl, join, BC_FLOW_RDUNLOCK, MAX_TAGS);
    bc_flow_event(fl, join, BC_FLOW_OBSERVE, 1);
    bc_flow_solve(fl, record, &seen);
    expect(&seen, 0, 0, BC_LOCK_RD | BC_LOCK_CALLER, false);
    assert_true(seen.s[0].must & BC_LOCK_ANY_OR_CALLER);
    assert_false(seen.s[0].must & BC_LOCK_ANY);
    /* Released on both paths now: nothing left. */
    assert_false(seen.s[1].must & BC_LOCK_ANY_OR_CALLER);
    assert_int_equal(seen.s[1].may, 0);
    bc_flow_free(fl);
}

/* entry: lock; if (...) { unlock } join: observe */
static void test_join_must_and_may(void **state)
{
    BcFlow *fl = bc_flow_new();
    uint32_t then = bc_flow_block(fl), join = bc_flow_block(fl);
    Seen seen = { 0 };

    (void)state;
    bc_flow_event(fl, 0, BC_FLOW_RDLOCK, 0);
    bc_flow_edge(fl, 0, then, BC_FLOW_PLAIN);
    bc_flow_edge(fl, 0, join, BC_FLOW_PLAIN);
    bc_flow_event(fl, then, BC_FLOW_RDUNLOCK, 1);
    bc_flow_edge(fl, then, join, BC_FLOW_PLAIN);
    bc_flow_event(fl, join, BC_FLOW_OBSERVE, 2);
    bc_flow_solve(fl, record, &seen);
    expect(&seen, 0, BC_LOCK_CALLER, BC_LOCK_CALLER, false);
    expect(&seen, 1, BC_LOCK_RD | BC_LOCK_CALLER, BC_LOCK_RD | BC_LOCK_CALLER, false);
    expect(&seen, 2, BC_LOCK_CALLER, BC_LOCK_RD | BC_LOCK_CALLER, false);
    bc_flow_free(fl);
}

/* An unlock with nothing taken releases the caller's lock. */
static void test_caller_lock_released(void **state)
{
    BcFlow *fl = bc_flow_new();
    Seen seen = { 0 };

    (void)state;
    bc_flow_event(fl, 0, BC_FLOW_RDUNLOCK, 0);
    bc_flow_event(fl, 0, BC_FLOW_OBSERVE, 1);
    bc_flow_event(fl, 0, BC_FLOW_RDLOCK, 2);
    bc_flow_event(fl, 0, BC_FLOW_OBSERVE, 3);
    bc_flow_solve(fl, record, &seen);
    expect(&seen, 1, 0, 0, false);
    expect(&seen, 3, BC_LOCK_RD, BC_LOCK_RD, false);
    bc_flow_free(fl);
}

/* A loop whose body takes a guard and drops it: the head sees both. */
static void test_loop_converges(void **state)
{
    BcFlow *fl = bc_flow_new();
    uint32_t head = bc_flow_block(fl), body = bc_flow_block(fl), exit = bc_flow_block(fl);
    Seen seen = { 0 };

    (void)state;
    bc_flow_edge(fl, 0, head, BC_FLOW_PLAIN);
    bc_flow_event(fl, head, BC_FLOW_OBSERVE, 0);
    bc_flow_edge(fl, head, body, BC_FLOW_PLAIN);
    bc_flow_edge(fl, head, exit, BC_FLOW_PLAIN);
    bc_flow_event(fl, body, BC_FLOW_RDLOCK, 1);       /* taken every round, */
    bc_flow_edge(fl, body, head, BC_FLOW_PLAIN);      /* never released */
    bc_flow_event(fl, exit, BC_FLOW_OBSERVE, 2);
    bc_flow_solve(fl, record, &seen);
    expect(&seen, 0, BC_LOCK_CALLER, BC_LOCK_RD | BC_LOCK_CALLER, false);
    expect(&seen, 2, BC_LOCK_CALLER, BC_LOCK_RD | BC_LOCK_CALLER, false);
    bc_flow_free(fl);
}

/* in_co: set by the true edge, lost at a join with a plain path. */
static void test_in_coroutine_edges(void **state)
{
    BcFlow *fl = bc_flow_new();
    uint32_t t = bc_flow_block(fl), f = bc_flow_block(fl), join = bc_flow_block(fl);
    uint32_t dead = bc_flow_block(fl);
    Seen seen = { 0 };

    (void)state;
    bc_flow_edge(fl, 0, t, BC_FLOW_IN_CO);
    bc_flow_edge(fl, 0, f, BC_FLOW_NOT_IN_CO);
    bc_flow_event(fl, t, BC_FLOW_GUARD_TAKE, 0);
    bc_flow_event(fl, t, BC_FLOW_OBSERVE, 1);
    bc_flow_event(fl, t, BC_FLOW_GUARD_DROP, 2);
    bc_flow_edge(fl, t, join, BC_FLOW_PLAIN);
    bc_flow_event(fl, f, BC_FLOW_OBSERVE, 3);
    bc_flow_edge(fl, f, join, BC_FLOW_PLAIN);
    bc_flow_event(fl, join, BC_FLOW_OBSERVE, 4);
    bc_flow_event(fl, dead, BC_FLOW_OBSERVE, 5);
    bc_flow_solve(fl, record, &seen);
    expect(&seen, 1, BC_LOCK_RD_GUARD | BC_LOCK_CALLER, BC_LOCK_RD_GUARD | BC_LOCK_CALLER, true);
    expect(&seen, 3, BC_LOCK_CALLER, BC_LOCK_CALLER, false);
    expect(&seen, 4, BC_LOCK_CALLER, BC_LOCK_CALLER, false);
    assert_true(seen.seen[5]);
    assert_false(seen.s[5].reachable);
    bc_flow_free(fl);
}

/* Counters saturate instead of wrapping. */
static void test_saturation(void **state)
{
    BcFlow *fl = bc_flow_new();
    Seen seen = { 0 };

    (void)state;
    for (int i = 0; i < BC_FLOW_MAX + 2; i++) {
        bc_flow_event(fl, 0, BC_FLOW_RDLOCK, MAX_TAGS);
    }
    for (int i = 0; i < BC_FLOW_MAX - 1; i++) {
        bc_flow_event(fl, 0, BC_FLOW_RDUNLOCK, MAX_TAGS);
    }
    bc_flow_event(fl, 0, BC_FLOW_OBSERVE, 0);
    bc_flow_solve(fl, record, &seen);
    expect(&seen, 0, BC_LOCK_RD | BC_LOCK_CALLER, BC_LOCK_RD | BC_LOCK_CALLER, false);
    bc_flow_free(fl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_must_and_may),
        cmocka_unit_test(test_caller_lock_released),
        cmocka_unit_test(test_loop_converges),
        cmocka_unit_test(test_in_coroutine_edges),
        cmocka_unit_test(test_saturation),
        cmocka_unit_test(test_reacquired_is_still_held),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
