/*
 * test_rules_lock.c - BC006 and BC007 (graph lock) over hand-built facts
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "fixture.h"
#include "rules.h"

static BcFindings *run1(BcTuFacts *t, int rule)
{
    return fx_run(&t, 1, NULL, rule);
}

/* ---- BC006 ---------------------------------------------------------------- */

static void bc006_wrlock_in_coroutine_and_io(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_fn", 1, "coroutine_fn");
    fx_lock(t, "co_fn", BC_LOCK_OP_WRLOCK, 2, 0);
    fx_def(t, "io_fn", 10, "code_class:io");
    fx_lock(t, "io_fn", BC_LOCK_OP_WRLOCK, 11, 0);
    BcFindings *f = run1(t, 6);
    assert_int_equal(fx_count(f, 6), 2);
    assert_int_equal(fx_count_at(f, 6, 2), 1);
    assert_non_null(strstr(fx_first(f, 6)->message, "coroutine_fn"));
    assert_int_equal(fx_count_at(f, 6, 11), 1);
    fx_findings_free(f);
}

static void bc006_wrlock_while_reading(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "main_fn", 1, "code_class:global_state");
    fx_lock(t, "main_fn", BC_LOCK_OP_WRLOCK, 2, BC_LOCK_RD_GUARD);
    fx_def(t, "rd_fn", 10, "graph_rdlock");
    fx_lock(t, "rd_fn", BC_LOCK_OP_WRLOCK, 11, 0);
    BcFindings *f = run1(t, 6);
    assert_int_equal(fx_count_at(f, 6, 2), 1);
    assert_int_equal(fx_count_at(f, 6, 11), 1);
    fx_findings_free(f);
}

static void bc006_call_without_lock_event(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_fn", 1, "coroutine_fn");
    fx_call(t, "co_fn", "bdrv_graph_wrlock", 2, 0, false);   /* no event recorded */
    fx_def(t, "co_two", 10, "coroutine_fn");
    fx_call(t, "co_two", "bdrv_graph_wrlock", 11, 0, false); /* event and call: once */
    fx_lock(t, "co_two", BC_LOCK_OP_WRLOCK, 11, 0);
    BcFindings *f = run1(t, 6);
    assert_int_equal(fx_count_at(f, 6, 2), 1);
    assert_int_equal(fx_count_at(f, 6, 11), 1);
    fx_findings_free(f);
}

static void bc006_silent_main_loop(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "main_fn", 1, "code_class:global_state");
    fx_lock(t, "main_fn", BC_LOCK_OP_WRLOCK, 2, 0);
    fx_call(t, "main_fn", "bdrv_graph_wrlock", 2, 0, false);
    fx_def(t, "co_fn", 10, "coroutine_fn");
    fx_lock(t, "co_fn", BC_LOCK_OP_RDLOCK, 11, 0);       /* reader lock is fine */
    fx_lock(t, "co_fn", BC_LOCK_OP_GUARD, 12, 0);
    BcFindings *f = run1(t, 6);
    assert_int_equal(fx_count(f, 6), 0);
    fx_findings_free(f);
}

static void bc006_silent_mixed_and_unlock(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "mixed", 1, "coroutine_mixed_fn");
    fx_lock(t, "mixed", BC_LOCK_OP_WRLOCK, 2, 0);
    fx_def(t, "co_fn", 10, "coroutine_fn");
    fx_lock(t, "co_fn", BC_LOCK_OP_WRUNLOCK, 11, BC_LOCK_WR);
    BcFindings *f = run1(t, 6);
    assert_int_equal(fx_count(f, 6), 0);
    fx_findings_free(f);
}

/* ---- BC007 ---------------------------------------------------------------- */

static void bc007_direct_without_lock(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "needs_rd", 1, "graph_rdlock");
    fx_def(t, "needs_wr", 2, "graph_wrlock");
    fx_def(t, "caller", 10, NULL);
    fx_call(t, "caller", "needs_rd", 11, 0, false);
    fx_call(t, "caller", "needs_wr", 12, BC_LOCK_RD, false);     /* reader is not enough */
    BcFindings *f = run1(t, 7);
    assert_int_equal(fx_count(f, 7), 2);
    assert_int_equal(fx_count_at(f, 7, 11), 1);
    assert_int_equal(fx_count_at(f, 7, 12), 1);
    fx_findings_free(f);
}

static void bc007_through_pointer(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_slot(t, "Drv::co_preadv", "coroutine_fn, graph_rdlock_ptr");
    fx_slot(t, "Drv::change", "graph_wrlock_ptr");
    fx_def(t, "co_io", 10, "coroutine_fn");
    fx_call_slot(t, "co_io", "Drv::co_preadv", 11, 0, false);
    fx_def(t, "reader", 20, "graph_rdlock");
    fx_call_slot(t, "reader", "Drv::change", 21, 0, false);
    BcFindings *f = run1(t, 7);
    assert_int_equal(fx_count_at(f, 7, 11), 1);
    assert_int_equal(fx_count_at(f, 7, 21), 1);
    assert_non_null(strstr(fx_first(f, 7)->message, "GRAPH_RDLOCK_PTR"));
    fx_findings_free(f);
}

static void bc007_silent_lock_held(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "needs_rd", 1, "graph_rdlock");
    fx_def(t, "needs_wr", 2, "graph_wrlock");
    fx_slot(t, "Drv::co_preadv", "graph_rdlock_ptr");
    fx_def(t, "caller", 10, NULL);
    fx_call(t, "caller", "needs_rd", 11, BC_LOCK_RD_GUARD, false);
    fx_call(t, "caller", "needs_rd", 12, BC_LOCK_RD, false);
    fx_call(t, "caller", "needs_wr", 13, BC_LOCK_WR, false);
    fx_call_slot(t, "caller", "Drv::co_preadv", 14, BC_LOCK_RD_GUARD, false);
    BcFindings *f = run1(t, 7);
    assert_int_equal(fx_count(f, 7), 0);
    fx_findings_free(f);
}

static void bc007_silent_annotated_caller(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "needs_rd", 1, "graph_rdlock");
    fx_def(t, "needs_wr", 2, "graph_wrlock");
    fx_slot(t, "Drv::co_preadv", "graph_rdlock_ptr");
    fx_def(t, "rd_caller", 10, "graph_rdlock");
    fx_call(t, "rd_caller", "needs_rd", 11, 0, false);
    fx_call_slot(t, "rd_caller", "Drv::co_preadv", 12, 0, false);
    fx_def(t, "wr_caller", 20, "graph_wrlock");
    fx_call(t, "wr_caller", "needs_rd", 21, 0, false);
    fx_call(t, "wr_caller", "needs_wr", 22, 0, false);
    BcFindings *f = run1(t, 7);
    assert_int_equal(fx_count(f, 7), 0);
    fx_findings_free(f);
}

/* The plugin may run rules without a config: defaults, no crash. */
static void rules_run_without_config(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    BcFindings f;
    (void)state;
    fx_def(t, "co_fn", 1, "coroutine_fn");
    fx_lock(t, "co_fn", BC_LOCK_OP_WRLOCK, 2, 0);
    fx_call(t, "co_fn", "bdrv_graph_wrlock", 2, 0, false);
    fx_call(t, "co_fn", "needs_rd", 3, 0, false);
    fx_def(t, "needs_rd", 10, "graph_rdlock");
    BcGraph *g = bc_graph_build(&t, 1, NULL);
    bc_findings_init(&f);
    bc_rules_run(g, NULL, BC_RULES_ALL, &f);
    assert_int_equal(fx_count_at(&f, 6, 2), 1);
    assert_int_equal(fx_count_at(&f, 7, 3), 1);
    assert_int_equal(fx_first(&f, 6)->severity, BC_SEV_WARNING);
    bc_findings_destroy(&f);
    bc_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bc006_wrlock_in_coroutine_and_io),
        cmocka_unit_test(bc006_wrlock_while_reading),
        cmocka_unit_test(bc006_call_without_lock_event),
        cmocka_unit_test(bc006_silent_main_loop),
        cmocka_unit_test(bc006_silent_mixed_and_unlock),
        cmocka_unit_test(bc007_direct_without_lock),
        cmocka_unit_test(bc007_through_pointer),
        cmocka_unit_test(bc007_silent_lock_held),
        cmocka_unit_test(bc007_silent_annotated_caller),
        cmocka_unit_test(rules_run_without_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
