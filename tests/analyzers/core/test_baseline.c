/*
 * test_baseline.c - baselines: write, load, filter across line shifts
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "baseline.h"
#include "fixture.h"


/* Two calls to one coroutine_fn from one function, plus one elsewhere. */
static BcFindings *code(unsigned shift, bool extra)
{
    BcTuFacts *t = fx_tu("src/a.c");
    fx_def(t, "co_read", 1, "coroutine_fn");
    fx_def(t, "plain", 10 + shift, NULL);
    fx_call(t, "plain", "co_read", 11 + shift, 0, false);
    fx_call(t, "plain", "co_read", 12 + shift, 0, false);
    fx_def(t, "other", 30 + shift, NULL);
    fx_call(t, "other", "co_read", 31 + shift, 0, false);
    if (extra) {
        fx_def(t, "newcomer", 50 + shift, NULL);
        fx_call(t, "newcomer", "co_read", 51 + shift, 0, false);
    }
    return fx_run(&t, 1, NULL, 1);
}

static void baseline_survives_line_shift(void **state)
{
    BcFindings *old = code(0, false), *now = code(40, true);
    BcBaseline *b = NULL;
    char *err = NULL;
    (void)state;
    assert_int_equal(old->v.n, 3);
    assert_int_equal(bc_baseline_write(fx_tmp_path, old), 0);
    assert_int_equal(bc_baseline_load(fx_tmp_path, &b, &err), 0);
    assert_null(err);
    assert_int_equal(now->v.n, 4);
    assert_int_equal(bc_baseline_filter(b, now), 3);
    assert_int_equal(now->v.n, 1);
    assert_string_equal(now->v.v[0].function, "newcomer");
    bc_baseline_free(b);
    fx_findings_free(old);
    fx_findings_free(now);
}

/* A fingerprint listed once suppresses one finding, not every repeat. */
static void baseline_counts_occurrences(void **state)
{
    BcFindings *old = code(0, false), *now = code(0, false);
    BcBaseline *b = NULL;
    char *err = NULL;
    (void)state;
    /* drop one of the two identical-fingerprint findings from the baseline */
    for (size_t i = 0; i < old->v.n; i++) {
        if (old->v.v[i].loc.line == 12) {
            old->v.v[i] = old->v.v[--old->v.n];
            break;
        }
    }
    assert_int_equal(old->v.n, 2);
    assert_int_equal(bc_baseline_write(fx_tmp_path, old), 0);
    assert_int_equal(bc_baseline_load(fx_tmp_path, &b, &err), 0);
    assert_int_equal(bc_baseline_filter(b, now), 2);
    assert_int_equal(now->v.n, 1);
    assert_string_equal(now->v.v[0].function, "plain");
    bc_baseline_free(b);
    fx_findings_free(old);
    fx_findings_free(now);
}

static void baseline_bad_files(void **state)
{
    BcBaseline *b = NULL;
    char *err = NULL;
    FILE *fp;
    (void)state;
    fp = fopen(fx_tmp_path, "w");
    fputs("{\"version\": 1,\n \"findings\": [ {\"rule\": \"BC001\"} ]}", fp);
    fclose(fp);
    assert_int_equal(bc_baseline_load(fx_tmp_path, &b, &err), -EINVAL);
    assert_null(b);
    assert_non_null(strstr(err, "fingerprint"));
    free(err);
    fp = fopen(fx_tmp_path, "w");
    fputs("{\"version\": 1,\n \"findings\": [ ", fp);
    fclose(fp);
    assert_int_equal(bc_baseline_load(fx_tmp_path, &b, &err), -EINVAL);
    assert_non_null(strstr(err, fx_tmp_path));
    free(err);
    fp = fopen(fx_tmp_path, "w");
    fputs("{\"version\": 2, \"findings\": []}", fp);
    fclose(fp);
    assert_int_equal(bc_baseline_load(fx_tmp_path, &b, &err), -EINVAL);
    free(err);
    assert_int_equal(bc_baseline_load("/nonexistent/baseline.json", &b, &err), -ENOENT);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(baseline_survives_line_shift, fx_tmpfile_setup,
                                        fx_tmpfile_teardown),
        cmocka_unit_test_setup_teardown(baseline_counts_occurrences, fx_tmpfile_setup,
                                        fx_tmpfile_teardown),
        cmocka_unit_test_setup_teardown(baseline_bad_files, fx_tmpfile_setup,
                                        fx_tmpfile_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
