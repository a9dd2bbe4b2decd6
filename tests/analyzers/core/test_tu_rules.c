/*
 * test_tu_rules.c - core/tu-rules.h: the rules the clang plugin runs on one
 * TU's facts
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "fixture.h"
#include "tu-rules.h"

#define CO "coroutine_fn"

static void which_rules(void **state)
{
    (void)state;
    for (int r = 1; r <= 10; r++) {
        bool want = r == 1 || r == 2 || r == 3 || r == 6 || r == 7 || r == 8 || r == 10;
        assert_int_equal(bc_tu_rule(bc_rule_by_number(r)), want);
    }
    assert_false(bc_tu_rule(NULL));
}

/* One TU with a BC001 call, a BC004 path and a BC010 candidate. */
static BcTuFacts *sample(void)
{
    BcTuFacts *t = fx_tu("a.c");

    fx_def(t, "co_read", 1, CO);
    fx_def(t, "sync_read", 10, NULL);
    fx_call(t, "sync_read", "co_read", 11, 0, false);      /* BC001 */
    fx_def(t, "co_user", 20, CO);
    fx_def(t, "helper", 30, NULL);
    fx_call(t, "co_user", "helper", 21, 0, false);
    fx_poll(t, "helper", "AIO_WAIT_WHILE", 31, 0);         /* BC004, whole-program */
    return t;
}

static void runs_one_tu_rules_only(void **state)
{
    BcFindings f;
    (void)state;

    BcConfig *cfg = bc_config_default();
    bc_findings_init(&f);
    bc_tu_rules_run(sample(), cfg, BC_RULES_ALL, &f);
    assert_int_equal(fx_count_at(&f, 1, 11), 1);
    assert_int_equal(fx_count(&f, 4), 0);                   /* not a one-TU rule */
    bc_findings_destroy(&f);
    bc_config_free(cfg);

    /* The same facts through every rule: BC004 is there, so the filter
     * above is what kept it out. */
    BcTuFacts *t = sample();
    BcFindings *all = fx_run(&t, 1, NULL, 0);
    assert_int_equal(fx_count(all, 4), 1);
    fx_findings_free(all);
}

static void respects_enabled(void **state)
{
    BcRuleSet enabled = BC_RULE_BIT(bc_rule_by_number(4))  /* not one-TU: ignored */
                        | BC_RULE_BIT(bc_rule_by_number(2));
    BcFindings f;
    (void)state;

    BcConfig *cfg = bc_config_default();
    bc_findings_init(&f);
    bc_tu_rules_run(sample(), cfg, enabled, &f);
    assert_int_equal(f.v.n, 0);
    bc_findings_destroy(&f);
    bc_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(which_rules),
        cmocka_unit_test(runs_one_tu_rules_only),
        cmocka_unit_test(respects_enabled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
