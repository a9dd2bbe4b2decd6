/*
 * test_rules_poll.c - BC004 and BC005 (path rules) over hand-built facts
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "fixture.h"

#define CO "coroutine_fn"

static BcFindings *run1(BcTuFacts *t, int rule)
{
    return fx_run(&t, 1, NULL, rule);
}

/* ---- BC004 ---------------------------------------------------------------- */

static void bc004_path_through_helper(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_fn", 1, CO);
    fx_def(t, "helper", 10, NULL);
    fx_call(t, "co_fn", "helper", 2, 0, false);
    fx_poll(t, "helper", "AIO_WAIT_WHILE", 12, 0);
    BcFindings *f = run1(t, 4);
    const BcFinding *fd = fx_first(f, 4);
    assert_int_equal(fx_count(f, 4), 1);
    assert_int_equal(fd->loc.line, 2);              /* first call, in the coroutine */
    assert_int_equal(fd->n_path, 2);
    assert_string_equal(fd->path[0].callee, "helper");
    assert_int_equal(fd->path[1].kind, BC_HOP_POLL);
    assert_string_equal(fd->path[1].callee, "AIO_WAIT_WHILE");
    assert_int_equal(fd->path[1].loc.line, 12);
    fx_findings_free(f);
}

static void bc004_direct_aio_poll_and_vtable(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_fn", 1, CO);
    fx_call(t, "co_fn", "aio_poll", 2, 0, false);       /* polling_fn by config */
    fx_slot(t, "Drv::flush", NULL);
    fx_def(t, "impl", 20, NULL);
    fx_addr(t, "impl", "Drv::flush", BC_ADDR_INITIALIZER, NULL, 30);
    fx_def(t, "co_other", 40, CO);
    fx_call_slot(t, "co_other", "Drv::flush", 41, 0, false);
    fx_call(t, "impl", "aio_poll", 21, 0, false);
    BcFindings *f = run1(t, 4);
    assert_int_equal(fx_count(f, 4), 2);
    assert_int_equal(fx_count_at(f, 4, 2), 1);
    assert_int_equal(fx_count_at(f, 4, 41), 1);
    for (size_t i = 0; i < f->v.n; i++) {
        if (f->v.v[i].loc.line == 41) {
            assert_int_equal(f->v.v[i].n_path, 3);   /* call slot, points to, aio_poll */
            assert_int_equal(f->v.v[i].path[1].kind, BC_HOP_POINTS_TO);
            assert_int_equal(f->v.v[i].path[1].loc.line, 30);
        }
    }
    fx_findings_free(f);
}

static void bc004_three_tus_shortest_path(void **state)
{
    BcTuFacts *a = fx_tu("a.c"), *b = fx_tu("b.c"), *c = fx_tu("c.c");
    (void)state;
    fx_def(a, "co_fn", 1, CO);
    fx_call(a, "co_fn", "mid", 2, 0, false);
    fx_call(a, "co_fn", "long1", 3, 0, false);
    fx_def(a, "long1", 10, NULL);
    fx_call(a, "long1", "long2", 11, 0, false);
    fx_def(a, "long2", 12, NULL);
    fx_call(a, "long2", "leaf", 13, 0, false);
    fx_def(b, "mid", 1, NULL);
    fx_call(b, "mid", "leaf", 2, 0, false);
    fx_def(c, "leaf", 1, NULL);
    fx_poll(c, "leaf", "AIO_WAIT_WHILE", 3, 0);
    BcTuFacts *tus[] = { a, b, c };
    BcFindings *f = fx_run(tus, 3, NULL, 4);
    const BcFinding *fd = fx_first(f, 4);
    assert_int_equal(fx_count(f, 4), 1);            /* one per (start, polling point) */
    assert_int_equal(fd->n_path, 3);
    assert_string_equal(fd->path[1].loc.file, "b.c");
    assert_string_equal(fd->path[2].loc.file, "c.c");
    fx_findings_free(f);
}

static void bc004_through_wrapper_deeper_down(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_fn", 1, CO);
    fx_def(t, "plain", 10, NULL);
    fx_def(t, "bdrv_pread", 20, "co_wrapper, no_coroutine_fn");
    fx_call(t, "co_fn", "plain", 2, 0, false);
    fx_call(t, "plain", "bdrv_pread", 11, 0, false);
    fx_poll(t, "bdrv_pread", "AIO_WAIT_WHILE", 21, 0);
    BcFindings *f = run1(t, 4);
    assert_int_equal(fx_count_at(f, 4, 2), 1);
    assert_int_equal(fx_first(f, 4)->n_path, 3);
    fx_findings_free(f);
}

static void bc004_silent_non_coroutine_or_mixed(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "plain", 1, NULL);
    fx_def(t, "helper", 10, NULL);
    fx_poll(t, "helper", "AIO_WAIT_WHILE", 11, 0);
    fx_call(t, "plain", "helper", 2, 0, false);         /* not a coroutine */
    fx_def(t, "co_fn", 20, CO);
    fx_def(t, "mixed", 30, "coroutine_mixed_fn");
    fx_call(t, "co_fn", "mixed", 21, 0, false);         /* mixed callee: not entered */
    fx_call(t, "mixed", "helper", 31, 0, false);
    BcFindings *f = run1(t, 4);
    assert_int_equal(fx_count(f, 4), 0);
    fx_findings_free(f);
}

static void bc004_silent_direct_wrapper_and_coroutine_callee(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_fn", 1, CO);
    fx_def(t, "bdrv_pread", 20, "co_wrapper, no_coroutine_fn");
    fx_poll(t, "bdrv_pread", "AIO_WAIT_WHILE", 21, 0);
    fx_call(t, "co_fn", "bdrv_pread", 2, 0, false);     /* BC002's finding */
    fx_def(t, "co_callee", 30, CO);
    fx_call(t, "co_fn", "co_callee", 3, 0, false);      /* coroutine: its own start */
    BcFindings *f = run1(t, 4);
    assert_int_equal(fx_count_at(f, 4, 2), 0);
    assert_int_equal(fx_count_at(f, 4, 3), 0);
    fx_findings_free(f);
}

static void bc004_silent_beyond_bound(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    char a[16], b[16];
    (void)state;
    fx_def(t, "co_fn", 1, CO);
    fx_call(t, "co_fn", "f0", 2, 0, false);
    for (int i = 0; i < 40; i++) {
        snprintf(a, sizeof(a), "f%d", i);
        snprintf(b, sizeof(b), "f%d", i + 1);
        fx_def(t, a, 10 + i, NULL);
        fx_call(t, a, b, 10 + i, 0, false);
    }
    fx_def(t, "f40", 60, NULL);
    fx_poll(t, "f40", "AIO_WAIT_WHILE", 61, 0);
    BcFindings *f = run1(t, 4);
    assert_int_equal(fx_count(f, 4), 0);             /* 42 hops > 32 */
    fx_findings_free(f);
}

/* One coroutine reaching many polling points: nearest 16 reported. */
static void bc004_capped_per_start(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    char name[16];
    (void)state;
    fx_def(t, "co_fn", 1, CO);
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "h%d", i);
        fx_def(t, name, 100 + i, NULL);
        fx_call(t, "co_fn", name, 2 + i, 0, false);
        fx_poll(t, name, "AIO_WAIT_WHILE", 200 + i, 0);
    }
    BcFindings *f = run1(t, 4);
    assert_int_equal(fx_count(f, 4), 16);
    fx_findings_free(f);
}

/* ---- BC005 ---------------------------------------------------------------- */

static void bc005_poll_with_lock_held(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "f", 1, NULL);
    fx_call(t, "f", "aio_poll", 2, BC_LOCK_RD, false);
    fx_def(t, "g", 10, "graph_rdlock");
    fx_poll(t, "g", "AIO_WAIT_WHILE", 11, 0);
    BcFindings *f = run1(t, 5);
    assert_int_equal(fx_count(f, 5), 2);
    assert_int_equal(fx_count_at(f, 5, 2), 1);
    assert_int_equal(fx_count_at(f, 5, 11), 1);
    fx_findings_free(f);
}

static void bc005_guard_across_call(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_f", 1, CO);
    fx_call(t, "co_f", "co_helper", 3, BC_LOCK_RD_GUARD, false);
    fx_def(t, "co_helper", 10, CO);                      /* coroutine callees count */
    fx_call(t, "co_helper", "drain", 11, 0, false);
    fx_def(t, "drain", 20, NULL);
    fx_poll(t, "drain", "AIO_WAIT_WHILE", 21, 0);
    BcFindings *f = run1(t, 5);
    const BcFinding *fd = fx_first(f, 5);
    assert_int_equal(fx_count(f, 5), 1);
    assert_int_equal(fd->loc.line, 3);
    assert_int_equal(fd->n_path, 3);
    fx_findings_free(f);
}

static void bc005_rdlock_function_calls_poller(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "locked", 1, "graph_rdlock");
    fx_call(t, "locked", "drain", 2, 0, false);
    fx_def(t, "drain", 10, NULL);
    fx_call(t, "drain", "aio_poll", 11, 0, false);
    BcFindings *f = run1(t, 5);
    assert_int_equal(fx_count_at(f, 5, 2), 1);
    fx_findings_free(f);
}

static void bc005_silent_unlocked(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "f", 1, NULL);
    fx_call(t, "f", "drain", 2, 0, false);              /* no lock */
    fx_call(t, "f", "quiet", 3, BC_LOCK_RD, false);     /* locked, but never polls */
    fx_def(t, "drain", 10, NULL);
    fx_poll(t, "drain", "AIO_WAIT_WHILE", 11, 0);
    fx_def(t, "quiet", 20, NULL);
    fx_call(t, "quiet", "other", 21, 0, false);
    BcFindings *f = run1(t, 5);
    assert_int_equal(fx_count(f, 5), 0);
    fx_findings_free(f);
}

static void bc005_silent_writer_and_rdlock_callee(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "f", 1, NULL);
    fx_call(t, "f", "aio_poll", 2, BC_LOCK_WR, false);  /* writer lock: not BC005 */
    fx_call(t, "f", "locked", 3, BC_LOCK_RD, false);    /* reported inside 'locked' */
    fx_call(t, "f", "drain", 4, BC_LOCK_WR, false);     /* writer lock across a call */
    fx_def(t, "locked", 10, "graph_rdlock");
    fx_poll(t, "locked", "AIO_WAIT_WHILE", 11, 0);
    fx_def(t, "drain", 20, NULL);
    fx_poll(t, "drain", "AIO_WAIT_WHILE", 21, 0);
    BcFindings *f = run1(t, 5);
    assert_int_equal(fx_count_at(f, 5, 2), 0);
    assert_int_equal(fx_count_at(f, 5, 3), 0);
    assert_int_equal(fx_count_at(f, 5, 4), 0);
    assert_int_equal(fx_count(f, 5), 1);                /* the poll inside 'locked' */
    fx_findings_free(f);
}

/* A mixed function polls only on its non-coroutine branch. */
static void bc005_mixed_callee_depends_on_context(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_f", 1, CO);
    fx_call(t, "co_f", "blk_mixed", 2, BC_LOCK_RD_GUARD, false);  /* coroutine: silent */
    fx_def(t, "main_f", 10, NULL);
    fx_call(t, "main_f", "blk_mixed", 11, BC_LOCK_RD, false);     /* main loop: polls */
    fx_def(t, "blk_mixed", 20, "co_wrapper_mixed, no_coroutine_fn, coroutine_mixed_fn");
    fx_poll(t, "blk_mixed", "AIO_WAIT_WHILE", 21, 0);
    BcFindings *f = run1(t, 5);
    assert_int_equal(fx_count_at(f, 5, 2), 0);
    assert_int_equal(fx_count_at(f, 5, 11), 1);
    assert_int_equal(fx_count(f, 5), 1);
    fx_findings_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bc004_path_through_helper),
        cmocka_unit_test(bc004_direct_aio_poll_and_vtable),
        cmocka_unit_test(bc004_three_tus_shortest_path),
        cmocka_unit_test(bc004_through_wrapper_deeper_down),
        cmocka_unit_test(bc004_silent_non_coroutine_or_mixed),
        cmocka_unit_test(bc004_silent_direct_wrapper_and_coroutine_callee),
        cmocka_unit_test(bc004_silent_beyond_bound),
        cmocka_unit_test(bc004_capped_per_start),
        cmocka_unit_test(bc005_poll_with_lock_held),
        cmocka_unit_test(bc005_guard_across_call),
        cmocka_unit_test(bc005_rdlock_function_calls_poller),
        cmocka_unit_test(bc005_silent_unlocked),
        cmocka_unit_test(bc005_silent_writer_and_rdlock_callee),
        cmocka_unit_test(bc005_mixed_callee_depends_on_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
