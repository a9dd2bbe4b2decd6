/*
 * test_findings.c - the sink: duplicates, order, cap, fingerprints
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "fixture.h"
#include "rules.h"

static BcFinding mk(int rule, const char *file, unsigned line, const char *msg)
{
    BcFinding f = { 0 };
    f.rule = bc_rule_by_number(rule);
    f.severity = BC_SEV_WARNING;
    f.loc = (BcLoc){ file, line, 3 };
    f.message = msg;
    f.function = "fn";
    f.function_usr = "c:@F@fn";
    f.key = "c:@F@callee";
    return f;
}

static void findings_dedup_and_sort(void **state)
{
    BcFindings f;
    BcFinding a = mk(2, "b.c", 5, "m"), b = mk(1, "a.c", 9, "m"), c = mk(1, "b.c", 5, "m");
    (void)state;
    bc_findings_init(&f);
    bc_findings_add(&f, &a);
    bc_findings_add(&f, &b);
    bc_findings_add(&f, &a);                      /* exact duplicate */
    bc_findings_add(&f, &c);
    assert_int_equal(f.v.n, 3);
    bc_findings_sort(&f);
    assert_string_equal(f.v.v[0].loc.file, "a.c");
    assert_int_equal(f.v.v[1].rule->number, 1);           /* same position: by rule */
    assert_int_equal(f.v.v[2].rule->number, 2);
    bc_findings_add(&f, &b);                      /* still a duplicate after sorting */
    assert_int_equal(f.v.n, 3);
    bc_findings_destroy(&f);
}

static void findings_cap(void **state)
{
    BcFindings f;
    (void)state;
    bc_findings_init(&f);
    f.cap = 2;
    for (unsigned i = 0; i < 5; i++) {
        BcFinding x = mk(1, "a.c", i + 1, "m");
        bc_findings_add(&f, &x);
    }
    assert_int_equal(f.v.n, 2);
    assert_int_equal(f.dropped, 3);
    bc_findings_destroy(&f);
}

static void findings_copy_strings(void **state)
{
    BcFindings f;
    char msg[16] = "original", file[16] = "x.c";
    BcHop hop = { "f", "g", { file, 1, 1 }, BC_HOP_CALL };
    BcFinding x = mk(4, file, 1, msg);
    (void)state;
    x.path = &hop;
    x.n_path = 1;
    bc_findings_init(&f);
    bc_findings_add(&f, &x);
    strcpy(msg, "changed");
    strcpy(file, "y.c");
    assert_string_equal(f.v.v[0].message, "original");
    assert_string_equal(f.v.v[0].path[0].loc.file, "x.c");
    bc_findings_destroy(&f);
}

/* The same code shifted down by N lines keeps every fingerprint. */
static BcFindings *scenario(unsigned shift, const char *callee)
{
    BcTuFacts *t = fx_tu("a.c");
    fx_def(t, "co_read", 1 + shift, "coroutine_fn");
    fx_def(t, callee, 30 + shift, NULL);
    fx_poll(t, callee, "AIO_WAIT_WHILE", 31 + shift, 0);
    fx_def(t, "plain", 10 + shift, NULL);
    fx_call(t, "plain", "co_read", 11 + shift, 0, false);
    fx_call(t, "co_read", callee, 2 + shift, 0, false);
    /* a parameter slot whose USR carries a file offset, as clang writes it */
    BcSymbol p = { bc_arena_printf(t->arena, "c:a.c@%u@F@plain@cb", 400 + shift * 17),
                   "cb", "plain::cb", BC_SYM_PARAM, false, false };
    bc_vec_push(&t->symbols, p);
    BcCall c = { fx_usr(t, "plain"), p.usr, "cb", BC_CALL_SLOT, { "a.c", 12 + shift, 3 },
                 0, 0, false, NULL, 0, 0 };
    bc_vec_push(&t->calls, c);
    BcDecl d = { p.usr, { "a.c", 10 + shift, 20 }, true, NULL, 0 };
    const char **l = BC_ARENA_NEW(t->arena, const char *, 1);
    l[0] = "coroutine_fn";
    d.labels = l;
    d.n_labels = 1;
    bc_vec_push(&t->decls, d);
    return fx_run(&t, 1, NULL, 0);
}

static void fingerprints_survive_line_shifts(void **state)
{
    BcFindings *a = scenario(0, "helper"), *b = scenario(25, "helper");
    (void)state;
    assert_int_equal(fx_count(a, 1), 1);
    assert_int_equal(fx_count(a, 3), 1);
    assert_int_equal(fx_count(a, 4), 1);
    assert_int_equal(a->v.n, b->v.n);
    for (size_t i = 0; i < a->v.n; i++) {
        assert_int_not_equal(a->v.v[i].loc.line, b->v.v[i].loc.line);
        assert_string_equal(a->v.v[i].fingerprint, b->v.v[i].fingerprint);
        assert_int_equal(strlen(a->v.v[i].fingerprint), 32);
    }
    fx_findings_free(a);
    fx_findings_free(b);
}

static void fingerprints_differ_by_what(void **state)
{
    BcFindings *a = scenario(0, "helper"), *b = scenario(0, "other_helper");
    const BcFinding *pa = fx_first(a, 4), *pb = fx_first(b, 4);
    (void)state;
    assert_string_not_equal(pa->fingerprint, pb->fingerprint);
    assert_string_equal(fx_first(a, 1)->fingerprint, fx_first(b, 1)->fingerprint);
    assert_string_not_equal(fx_first(a, 1)->fingerprint, fx_first(a, 3)->fingerprint);
    fx_findings_free(a);
    fx_findings_free(b);
}

static void fingerprints_ignore_usr_offsets(void **state)
{
    BcFindings f;
    BcFinding a = mk(7, "a.c", 1, "m1"), b = mk(7, "a.c", 40, "m2"), c = mk(7, "a.c", 41, "m3");
    (void)state;
    a.key = "c:a.c@400@F@f@cb";
    b.key = "c:a.c@425@F@f@cb";        /* the same local slot, moved */
    c.key = "c:a.c@425@F@g@cb";        /* another function's slot */
    bc_findings_init(&f);
    bc_findings_add(&f, &a);
    bc_findings_add(&f, &b);
    bc_findings_add(&f, &c);
    assert_string_equal(f.v.v[0].fingerprint, f.v.v[1].fingerprint);
    assert_string_not_equal(f.v.v[1].fingerprint, f.v.v[2].fingerprint);
    bc_findings_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(findings_dedup_and_sort),
        cmocka_unit_test(findings_cap),
        cmocka_unit_test(findings_copy_strings),
        cmocka_unit_test(fingerprints_survive_line_shifts),
        cmocka_unit_test(fingerprints_differ_by_what),
        cmocka_unit_test(fingerprints_ignore_usr_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
