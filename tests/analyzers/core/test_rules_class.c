/*
 * test_rules_class.c - BC008 (annotation mismatch) and BC009 (gs from io)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "config.h"
#include "fixture.h"

static BcFindings *run1(BcTuFacts *t, int rule)
{
    return fx_run(&t, 1, NULL, rule);
}

/* ---- BC008 ---------------------------------------------------------------- */

static void bc008_header_and_source_disagree(void **state)
{
    BcTuFacts *a = fx_tu("a.c"), *b = fx_tu("b.c");
    (void)state;
    /* The header declaration is seen by both TUs at one position. */
    fx_decl(a, "bdrv_co_read", 5, "coroutine_fn");
    a->decls.v[0].loc.file = "blk.h";
    fx_decl(b, "bdrv_co_read", 5, "coroutine_fn");
    b->decls.v[0].loc.file = "blk.h";
    fx_def(a, "bdrv_co_read", 10, NULL);                 /* annotation dropped */
    BcTuFacts *tus[] = { a, b };
    BcFindings *f = fx_run(tus, 2, NULL, 8);
    const BcFinding *fd = fx_first(f, 8);
    assert_int_equal(fx_count(f, 8), 1);
    assert_int_equal(fd->loc.line, 10);                  /* at the definition */
    assert_string_equal(fd->loc.file, "a.c");
    assert_int_equal(fd->n_path, 1);
    assert_int_equal(fd->path[0].kind, BC_HOP_DECL);
    assert_string_equal(fd->path[0].loc.file, "blk.h");
    fx_findings_free(f);
}

static void bc008_graph_lock_mismatch(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_decl(t, "bdrv_get_info", 3, "graph_rdlock");     /* from TSA on the prototype */
    fx_def(t, "bdrv_get_info", 20, "graph_wrlock");
    BcFindings *f = run1(t, 8);
    assert_int_equal(fx_count_at(f, 8, 20), 1);
    assert_non_null(strstr(fx_first(f, 8)->message, "GRAPH_WRLOCK"));
    fx_findings_free(f);
}

static void bc008_slot_lacks_annotation(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_slot(t, "Drv::co_preadv", "coroutine_fn, graph_rdlock_ptr");
    fx_slot(t, "Drv::attach", "graph_wrlock_ptr");
    fx_def(t, "impl_read", 1, "coroutine_fn");           /* missing GRAPH_RDLOCK */
    fx_def(t, "impl_wr", 2, "coroutine_fn, graph_wrlock");
    fx_def(t, "impl_attach", 3, NULL);
    fx_addr(t, "impl_read", "Drv::co_preadv", BC_ADDR_INITIALIZER, NULL, 30);
    fx_addr(t, "impl_wr", "Drv::co_preadv", BC_ADDR_INITIALIZER, NULL, 31);
    fx_addr(t, "impl_attach", "Drv::attach", BC_ADDR_INITIALIZER, NULL, 32);
    BcFindings *f = run1(t, 8);
    assert_int_equal(fx_count(f, 8), 3);
    assert_int_equal(fx_count_at(f, 8, 30), 1);
    assert_int_equal(fx_count_at(f, 8, 31), 1);
    assert_int_equal(fx_count_at(f, 8, 32), 1);
    fx_findings_free(f);
}

/* QEMU's conventions: graph-lock labels once, on the prototype; a weaker
 * function in a stronger slot is fine; coroutine labels still repeated. */
static void bc008_conventions(void **state)
{
    BcConfig *cfg = bc_config_default();
    (void)state;
    cfg->repeat_on_definition.n = 0;
    bc_vec_push(&cfg->repeat_on_definition, "coroutine_fn");
    bc_vec_push(&cfg->repeat_on_definition, "coroutine_mixed_fn");
    bc_vec_push(&cfg->repeat_on_definition, "no_coroutine_fn");
    cfg->weaker_function_in_slot = false;

    BcTuFacts *t = fx_tu("a.c");
    fx_decl(t, "bdrv_get_info", 3, "graph_rdlock");
    fx_def(t, "bdrv_get_info", 20, NULL);               /* merged: fine */
    fx_decl(t, "bdrv_co_read", 4, "coroutine_fn, graph_rdlock");
    fx_def(t, "bdrv_co_read", 21, "graph_rdlock");      /* coroutine_fn dropped */
    fx_slot(t, "Drv::co_preadv", "coroutine_fn, graph_rdlock_ptr");
    fx_def(t, "impl_read", 22, "coroutine_fn");         /* weaker: fine */
    fx_def(t, "impl_wr", 23, "coroutine_fn, graph_wrlock");
    fx_addr(t, "impl_read", "Drv::co_preadv", BC_ADDR_INITIALIZER, NULL, 30);
    fx_addr(t, "impl_wr", "Drv::co_preadv", BC_ADDR_INITIALIZER, NULL, 31);
    BcFindings *f = fx_run(&t, 1, cfg, 8);
    assert_int_equal(fx_count(f, 8), 2);
    assert_int_equal(fx_count_at(f, 8, 21), 1);         /* coroutine labels compared */
    assert_int_equal(fx_count_at(f, 8, 31), 1);         /* stronger in weaker: always */
    for (const BcFinding *fd = fx_first(f, 8); fd; fd = NULL) {
        assert_null(strstr(fd->message, "with  "));     /* never an empty label set */
    }
    fx_findings_free(f);
    bc_config_free(cfg);
}

static void bc008_silent_equivalent_spellings(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    BcConfig *cfg = bc_config_default();
    BcNamePair alias = { "qemu_coroutine", "coroutine_fn" };
    (void)state;
    bc_vec_push(&cfg->label_aliases, alias);
    fx_decl(t, "bdrv_pread", 1, "co_wrapper, no_coroutine_fn");
    fx_def(t, "bdrv_pread", 2, "no_coroutine_fn");      /* generated body */
    fx_decl(t, "co_a", 3, "qemu_coroutine, graph_rdlock");
    fx_def(t, "co_a", 4, "graph_rdlock, coroutine_fn, code_class:io");
    fx_decl(t, "gen", 5, "no_co_wrapper");
    fx_def(t, "gen", 6, "coroutine_fn");
    fx_decl(t, "bdrv_flush", 7, "co_wrapper_bdrv_rdlock");     /* marker alone */
    fx_def(t, "bdrv_flush", 8, "no_coroutine_fn");
    fx_decl(t, "blk_mixed", 9, "co_wrapper_mixed");
    fx_def(t, "blk_mixed", 10, "no_coroutine_fn, coroutine_mixed_fn");
    BcFindings *f = fx_run(&t, 1, cfg, 8);
    assert_int_equal(fx_count(f, 8), 0);
    fx_findings_free(f);
    bc_config_free(cfg);
}

static void bc008_silent_matching_slots(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_slot(t, "Drv::co_preadv", "coroutine_fn, graph_rdlock_ptr");
    fx_slot(t, "Drv::attach", "graph_wrlock_ptr");
    fx_slot(t, "Ops::cb", NULL);
    fx_def(t, "impl_read", 1, "coroutine_fn, graph_rdlock");
    fx_def(t, "impl_attach", 2, "graph_rdlock");         /* writer holders satisfy it */
    fx_def(t, "anything", 3, NULL);
    fx_addr(t, "impl_read", "Drv::co_preadv", BC_ADDR_INITIALIZER, NULL, 30);
    fx_addr(t, "impl_attach", "Drv::attach", BC_ADDR_ASSIGNMENT, NULL, 31);
    fx_addr(t, "anything", "Ops::cb", BC_ADDR_ASSIGNMENT, NULL, 32);
    BcFindings *f = run1(t, 8);
    assert_int_equal(fx_count(f, 8), 0);
    fx_findings_free(f);
}

/* ---- BC009 ---------------------------------------------------------------- */

static void bc009_direct_call(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "io_fn", 1, "code_class:io");
    fx_def(t, "gs_fn", 10, "code_class:global_state");
    fx_call(t, "io_fn", "gs_fn", 2, 0, false);
    BcFindings *f = run1(t, 9);
    assert_int_equal(fx_count_at(f, 9, 2), 1);
    assert_int_equal(fx_first(f, 9)->n_path, 1);
    fx_findings_free(f);
}

static void bc009_through_helper_and_vtable(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "io_fn", 1, "code_class:io");
    fx_def(t, "helper", 5, "code_class:io_or_gs");
    fx_slot(t, "Drv::reopen", NULL);
    fx_def(t, "impl", 10, "code_class:global_state");
    fx_call(t, "io_fn", "helper", 2, 0, false);
    fx_call_slot(t, "helper", "Drv::reopen", 6, 0, false);
    fx_addr(t, "impl", "Drv::reopen", BC_ADDR_INITIALIZER, NULL, 20);
    BcFindings *f = run1(t, 9);
    const BcFinding *fd = fx_first(f, 9);
    assert_int_equal(fx_count(f, 9), 1);
    assert_int_equal(fd->loc.line, 2);
    assert_int_equal(fd->n_path, 3);
    assert_string_equal(fd->path[2].callee, "impl");
    fx_findings_free(f);
}

static void bc009_silent_reported_once_nearest(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "io_top", 1, "code_class:io");
    fx_def(t, "io_low", 5, "code_class:io");
    fx_def(t, "gs_fn", 10, "code_class:global_state");
    fx_call(t, "io_top", "io_low", 2, 0, false);        /* not reported here */
    fx_call(t, "io_low", "gs_fn", 6, 0, false);
    BcFindings *f = run1(t, 9);
    assert_int_equal(fx_count_at(f, 9, 2), 0);
    assert_int_equal(fx_count(f, 9), 1);
    fx_findings_free(f);
}

static void bc009_silent_without_io_code(void **state)
{
    BcTuFacts *t = fx_tu("a.c");
    (void)state;
    fx_def(t, "plain", 1, NULL);
    fx_def(t, "gs_fn", 10, "code_class:global_state");
    fx_def(t, "gs_top", 20, "code_class:global_state");
    fx_def(t, "io_fn", 30, "code_class:io");
    fx_def(t, "both", 40, "code_class:io_or_gs");
    fx_call(t, "plain", "gs_fn", 2, 0, false);
    fx_call(t, "gs_top", "gs_fn", 21, 0, false);
    fx_call(t, "io_fn", "both", 31, 0, false);
    fx_call(t, "gs_top", "io_fn", 22, 0, false);
    BcFindings *f = run1(t, 9);
    assert_int_equal(fx_count(f, 9), 0);
    fx_findings_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bc008_header_and_source_disagree),
        cmocka_unit_test(bc008_graph_lock_mismatch),
        cmocka_unit_test(bc008_slot_lacks_annotation),
        cmocka_unit_test(bc008_conventions),
        cmocka_unit_test(bc008_silent_equivalent_spellings),
        cmocka_unit_test(bc008_silent_matching_slots),
        cmocka_unit_test(bc009_direct_call),
        cmocka_unit_test(bc009_through_helper_and_vtable),
        cmocka_unit_test(bc009_silent_reported_once_nearest),
        cmocka_unit_test(bc009_silent_without_io_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
