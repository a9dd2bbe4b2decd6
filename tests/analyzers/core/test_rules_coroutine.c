/*
 * test_rules_coroutine.c - BC001, BC002, BC003, BC010 over hand-built facts
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "fixture.h"

#define CO "coroutine_fn"
#define MIXED "coroutine_mixed_fn"

static BcFindings *run1(BcTuFacts *t, int rule)
{
    return fx_run(&t, 1, NULL, rule);
}

/* ---- BC001 ---------------------------------------------------------------- */

static void bc001_plain_calls_coroutine(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_read", 1, CO);
    fx_def(t, "plain", 10, NULL);
    fx_call(t, "plain", "co_read", 11, 0, false);
    BcFindings *f = run1(t, 1);
    assert_int_equal(fx_count(f, 1), 1);
    assert_int_equal(fx_count_at(f, 1, 11), 1);
    assert_string_equal(fx_first(f, 1)->function, "plain");
    fx_findings_free(f);
}

static void bc001_mixed_and_no_co_wrapper(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_read", 1, CO);
    fx_decl(t, "bdrv_co_gen", 2, "no_co_wrapper");     /* a coroutine by implication */
    fx_def(t, "mixed", 10, MIXED);
    fx_call(t, "mixed", "co_read", 11, 0, false);      /* unguarded: mixed may be outside */
    fx_def(t, "plain", 20, NULL);
    fx_call(t, "plain", "bdrv_co_gen", 21, 0, false);
    BcFindings *f = run1(t, 1);
    assert_int_equal(fx_count(f, 1), 2);
    assert_int_equal(fx_count_at(f, 1, 11), 1);
    assert_int_equal(fx_count_at(f, 1, 21), 1);
    fx_findings_free(f);
}

static void bc001_static_same_name_two_tus(void **state)
{
    BcTuFacts *a = fx_tu("a.c"), *b = fx_tu("b.c");
    (void)state;
    fx_def(a, "a.c#helper", 1, CO);
    fx_def(a, "a.c#user", 5, NULL);
    fx_call(a, "a.c#user", "a.c#helper", 6, 0, false);
    fx_def(b, "b.c#helper", 1, NULL);                   /* same name, not a coroutine */
    fx_def(b, "b.c#user", 5, NULL);
    fx_call(b, "b.c#user", "b.c#helper", 7, 0, false);
    BcTuFacts *tus[] = { a, b };
    BcFindings *f = fx_run(tus, 2, NULL, 1);
    assert_int_equal(fx_count(f, 1), 1);
    assert_string_equal(fx_first(f, 1)->loc.file, "a.c");
    fx_findings_free(f);
}

static void bc001_silent_coroutine_caller(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_read", 1, CO);
    fx_def(t, "co_caller", 10, CO);
    fx_call(t, "co_caller", "co_read", 11, 0, false);
    fx_def(t, "co_wrapped", 20, "no_co_wrapper_bdrv_rdlock");
    fx_call(t, "co_wrapped", "co_read", 21, 0, false);
    BcFindings *f = run1(t, 1);
    assert_int_equal(fx_count(f, 1), 0);
    fx_findings_free(f);
}

static void bc001_silent_under_in_coroutine_check(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_read", 1, CO);
    fx_def(t, "plain", 10, NULL);
    fx_call(t, "plain", "co_read", 11, 0, true);
    fx_def(t, "mixed", 20, MIXED);
    fx_call(t, "mixed", "co_read", 21, 0, true);
    BcFindings *f = run1(t, 1);
    assert_int_equal(fx_count(f, 1), 0);
    fx_findings_free(f);
}

static void bc001_silent_mixed_callee_and_slot(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "mixed", 1, MIXED);
    fx_decl(t, "bdrv_mixed", 2, "co_wrapper_mixed, no_coroutine_fn, coroutine_mixed_fn");
    fx_slot(t, "Drv::co_cb", CO);
    fx_def(t, "plain", 10, NULL);
    fx_call(t, "plain", "mixed", 11, 0, false);
    fx_call(t, "plain", "bdrv_mixed", 12, 0, false);
    fx_call_slot(t, "plain", "Drv::co_cb", 13, 0, false);   /* BC003's, not BC001's */
    BcFindings *f = run1(t, 1);
    assert_int_equal(fx_count(f, 1), 0);
    fx_findings_free(f);
}

/* ---- BC002 ---------------------------------------------------------------- */

static void bc002_coroutine_calls_no_coroutine(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "blocking", 1, "no_coroutine_fn");
    fx_decl(t, "bdrv_pread", 2, "co_wrapper, no_coroutine_fn");
    fx_def(t, "co_fn", 10, CO);
    fx_call(t, "co_fn", "blocking", 11, 0, false);
    fx_call(t, "co_fn", "bdrv_pread", 12, 0, true);    /* the check does not help */
    BcFindings *f = run1(t, 2);
    assert_int_equal(fx_count(f, 2), 2);
    assert_int_equal(fx_count_at(f, 2, 12), 1);
    assert_non_null(strstr(fx_first(f, 2)->message, "no_coroutine_fn"));
    fx_findings_free(f);
}

static void bc002_wrapper_label_alone(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_decl(t, "bdrv_flush", 2, "co_wrapper_bdrv_rdlock");      /* marker alone */
    fx_def(t, "gen_co", 10, "no_co_wrapper");
    fx_call(t, "gen_co", "bdrv_flush", 11, 0, false);
    BcFindings *f = run1(t, 2);
    assert_int_equal(fx_count_at(f, 2, 11), 1);
    assert_non_null(strstr(fx_first(f, 2)->message, "co_wrapper"));
    fx_findings_free(f);
}

/* A mixed wrapper carries no_coroutine_fn so that coroutines call its
 * twin: BC002 by default, silent when the project's conventions say so. */
static void bc002_mixed_wrapper_and_polling(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_decl(t, "bdrv_mixed", 1, "co_wrapper_mixed, no_coroutine_fn, coroutine_mixed_fn");
    fx_decl(t, "plain_mixed", 2, "coroutine_mixed_fn");
    fx_def(t, "poller", 3, "no_coroutine_fn, polling_fn");
    fx_def(t, "co_fn", 10, CO);
    fx_call(t, "co_fn", "bdrv_mixed", 11, 0, false);
    fx_call(t, "co_fn", "poller", 12, 0, false);        /* BC004 reports this one */
    fx_call(t, "co_fn", "plain_mixed", 13, 0, false);   /* mixed, not no_coroutine_fn */
    BcFindings *f = run1(t, 2);
    assert_int_equal(fx_count(f, 2), 1);
    assert_int_equal(fx_count_at(f, 2, 11), 1);
    assert_non_null(strstr(fx_first(f, 2)->message, "co_wrapper_mixed"));
    assert_non_null(strstr(fx_first(f, 2)->message, "twin"));
    fx_findings_free(f);

    BcConfig *cfg = bc_config_default();
    cfg->mixed_wrappers_no_coroutine = false;
    t = fx_tu("a.c");
    fx_decl(t, "bdrv_mixed", 1, "co_wrapper_mixed, no_coroutine_fn, coroutine_mixed_fn");
    fx_def(t, "co_fn", 10, CO);
    fx_call(t, "co_fn", "bdrv_mixed", 11, 0, false);
    f = fx_run(&t, 1, cfg, 2);
    assert_int_equal(fx_count(f, 2), 0);
    fx_findings_free(f);
    bc_config_free(cfg);
}

static void bc002_silent_non_coroutine_callers(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "blocking", 1, "no_coroutine_fn");
    fx_def(t, "plain", 10, NULL);
    fx_def(t, "mixed", 20, MIXED);
    fx_call(t, "plain", "blocking", 11, 0, false);
    fx_call(t, "mixed", "blocking", 21, 0, false);
    BcFindings *f = run1(t, 2);
    assert_int_equal(fx_count(f, 2), 0);
    fx_findings_free(f);
}

/* ---- BC003 ---------------------------------------------------------------- */

static void bc003_plain_fn_in_coroutine_slot(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_slot(t, "Drv::co_cb", CO);
    fx_def(t, "plain_impl", 1, NULL);
    fx_addr(t, "plain_impl", "Drv::co_cb", BC_ADDR_INITIALIZER, NULL, 30);
    BcFindings *f = run1(t, 3);
    assert_int_equal(fx_count(f, 3), 1);
    assert_int_equal(fx_count_at(f, 3, 30), 1);
    assert_string_equal(fx_first(f, 3)->function, "Drv::co_cb");
    fx_findings_free(f);
}

static void bc003_coroutine_slot_called_from_plain(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_slot(t, "Drv::co_cb", CO);
    fx_def(t, "plain", 1, NULL);
    fx_call_slot(t, "plain", "Drv::co_cb", 40, BC_LOCK_RD, false);
    BcFindings *f = run1(t, 3);
    assert_int_equal(fx_count_at(f, 3, 40), 1);
    assert_int_equal(fx_count(f, 3), 1);
    fx_findings_free(f);
}

static void bc003_coroutine_in_plain_slot_called_from_plain(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_slot(t, "Ops::cb", NULL);
    fx_def(t, "co_impl", 1, CO);
    fx_def(t, "runner", 2, NULL);
    fx_addr(t, "co_impl", "Ops::cb", BC_ADDR_ASSIGNMENT, "runner", 50);
    fx_call_slot(t, "runner", "Ops::cb", 51, 0, false);
    BcFindings *f = run1(t, 3);
    const BcFinding *fd = fx_first(f, 3);
    assert_int_equal(fx_count(f, 3), 1);
    assert_non_null(fd);
    assert_int_equal(fd->loc.line, 50);
    assert_int_equal(fd->n_path, 1);
    assert_int_equal(fd->path[0].loc.line, 51);
    assert_string_equal(fd->function, "runner");
    fx_findings_free(f);
}

static void bc003_coroutine_passed_to_unknown_parameter(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_entry", 1, CO);
    fx_def(t, "starter", 5, NULL);
    fx_addr(t, "co_entry", NULL, BC_ADDR_ARGUMENT, "starter", 6);
    BcFindings *f = run1(t, 3);
    assert_int_equal(fx_count_at(f, 3, 6), 1);
    fx_findings_free(f);
}

static void bc003_silent_matching_slots(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_slot(t, "Drv::co_cb", CO);
    fx_slot(t, "Ops::cb", NULL);
    fx_def(t, "co_impl", 1, CO);
    fx_def(t, "mixed_impl", 2, MIXED);
    fx_def(t, "co_user", 3, CO);
    fx_def(t, "plain", 4, NULL);
    fx_addr(t, "co_impl", "Drv::co_cb", BC_ADDR_INITIALIZER, NULL, 10);
    fx_addr(t, "mixed_impl", "Drv::co_cb", BC_ADDR_INITIALIZER, NULL, 11);
    fx_call_slot(t, "co_user", "Drv::co_cb", 12, 0, false);
    fx_call_slot(t, "plain", "Drv::co_cb", 13, 0, true);       /* under the check */
    fx_addr(t, "co_impl", "Ops::cb", BC_ADDR_ASSIGNMENT, "co_user", 14);
    fx_call_slot(t, "co_user", "Ops::cb", 15, 0, false);       /* only coroutine callers */
    BcFindings *f = run1(t, 3);
    assert_int_equal(fx_count(f, 3), 0);
    fx_findings_free(f);
}

static void bc003_silent_unknown_parameter_in_coroutine(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_entry", 1, CO);
    fx_def(t, "plain_cb", 2, NULL);
    fx_def(t, "co_starter", 5, CO);
    fx_def(t, "starter", 8, NULL);
    fx_addr(t, "co_entry", NULL, BC_ADDR_ARGUMENT, "co_starter", 6);
    fx_addr(t, "plain_cb", NULL, BC_ADDR_ARGUMENT, "starter", 9);
    BcFindings *f = run1(t, 3);
    assert_int_equal(fx_count(f, 3), 0);
    fx_findings_free(f);
}

/* ---- BC010 ---------------------------------------------------------------- */

static void bc010_suggest_coroutine_fn_with_fixits(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_read", 1, CO);
    fx_decl(t, "helper", 3, NULL);
    fx_def(t, "helper", 10, NULL);
    fx_call(t, "helper", "co_read", 11, 0, false);
    fx_def(t, "co_top", 20, CO);
    fx_call(t, "co_top", "helper", 21, 0, false);
    BcFindings *f = run1(t, 10);
    const BcFinding *fd = fx_first(f, 10);
    assert_int_equal(fx_count(f, 10), 1);
    assert_int_equal(fd->loc.line, 10);                 /* the definition */
    assert_int_equal(fd->severity, BC_SEV_NOTE);
    assert_int_equal(bc_finding_n_fixits(fd), 2);       /* definition + declaration */
    assert_int_equal(fd->fixit[0].loc.line, 10);
    assert_int_equal(fd->fixit[1].loc.line, 3);
    assert_string_equal(fd->fixit[0].insert, "coroutine_fn ");
    fx_findings_free(f);
}

static void bc010_suggest_mixed(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_read", 1, CO);
    fx_def(t, "either", 10, NULL);
    fx_call(t, "either", "co_read", 11, 0, true);
    fx_def(t, "plain_user", 20, NULL);
    fx_call(t, "plain_user", "either", 21, 0, false);
    BcFindings *f = run1(t, 10);
    assert_int_equal(fx_count(f, 10), 1);
    assert_string_equal(fx_first(f, 10)->fixit[0].insert, "coroutine_mixed_fn ");
    assert_non_null(strstr(fx_first(f, 10)->message, "coroutine_mixed_fn"));
    fx_findings_free(f);
}

static void bc010_silent_plain_caller_or_no_callers(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_read", 1, CO);
    fx_def(t, "helper", 10, NULL);
    fx_call(t, "helper", "co_read", 11, 0, false);
    fx_def(t, "co_top", 20, CO);
    fx_call(t, "co_top", "helper", 21, 0, false);
    fx_def(t, "plain_top", 30, NULL);
    fx_call(t, "plain_top", "helper", 31, 0, false);    /* one non-coroutine caller */
    fx_def(t, "orphan", 40, NULL);                      /* no callers at all */
    fx_call(t, "orphan", "co_read", 41, 0, false);
    BcFindings *f = run1(t, 10);
    assert_int_equal(fx_count(f, 10), 0);
    fx_findings_free(f);
}

static void bc010_silent_escaping_or_marked(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "co_read", 1, CO);
    fx_def(t, "escapes", 10, NULL);
    fx_call(t, "escapes", "co_read", 11, 0, false);
    fx_def(t, "co_top", 20, CO);
    fx_call(t, "co_top", "escapes", 21, 0, false);
    fx_addr(t, "escapes", NULL, BC_ADDR_OTHER, "co_top", 22);  /* unknown callers */
    fx_def(t, "already", 30, MIXED);
    fx_call(t, "already", "co_read", 31, 0, true);
    BcFindings *f = run1(t, 10);
    assert_int_equal(fx_count(f, 10), 0);
    fx_findings_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bc001_plain_calls_coroutine),
        cmocka_unit_test(bc001_mixed_and_no_co_wrapper),
        cmocka_unit_test(bc001_static_same_name_two_tus),
        cmocka_unit_test(bc001_silent_coroutine_caller),
        cmocka_unit_test(bc001_silent_under_in_coroutine_check),
        cmocka_unit_test(bc001_silent_mixed_callee_and_slot),
        cmocka_unit_test(bc002_coroutine_calls_no_coroutine),
        cmocka_unit_test(bc002_wrapper_label_alone),
        cmocka_unit_test(bc002_mixed_wrapper_and_polling),
        cmocka_unit_test(bc002_silent_non_coroutine_callers),
        cmocka_unit_test(bc003_plain_fn_in_coroutine_slot),
        cmocka_unit_test(bc003_coroutine_slot_called_from_plain),
        cmocka_unit_test(bc003_coroutine_in_plain_slot_called_from_plain),
        cmocka_unit_test(bc003_coroutine_passed_to_unknown_parameter),
        cmocka_unit_test(bc003_silent_matching_slots),
        cmocka_unit_test(bc003_silent_unknown_parameter_in_coroutine),
        cmocka_unit_test(bc010_suggest_coroutine_fn_with_fixits),
        cmocka_unit_test(bc010_suggest_mixed),
        cmocka_unit_test(bc010_silent_plain_caller_or_no_callers),
        cmocka_unit_test(bc010_silent_escaping_or_marked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
