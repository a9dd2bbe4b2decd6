/*
 * test_report.c - text, JSON and SARIF output
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixture.h"
#include "report.h"
#include "rules.h"

/* One BC001, one BC004 with a 2-hop path and one BC010 with fix-its. */
static BcFindings *sample(const char *file)
{
    BcTuFacts *t = fx_tu(file);
    fx_def(t, "co_read", 1, "coroutine_fn");
    fx_def(t, "helper", 20, NULL);
    fx_poll(t, "helper", "AIO_WAIT_WHILE", 21, 0);
    fx_call(t, "co_read", "helper", 2, 0, false);
    fx_def(t, "plain", 10, NULL);
    fx_call(t, "plain", "co_read", 11, 0, false);
    fx_call(t, "co_read", "plain", 3, 0, false);
    return fx_run(&t, 1, NULL, 0);
}

static char *render(BcFormat fmt, const BcFindings *f, const BcRunInfo *info)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    assert_int_equal(bc_report_write(out, fmt, f, info), 0);
    fclose(out);
    return buf;
}

static void text_format(void **state)
{
    BcFindings *f = sample("/tree/src/a.c");
    BcRunInfo info = { .tool_version = "0.1", .root = "/tree" };
    char *out = render(BC_FORMAT_TEXT, f, &info);
    (void)state;
    assert_non_null(strstr(out, "src/a.c:11:5: warning: coroutine_fn 'co_read' called from "
                                "non-coroutine function 'plain' [BC001]\n"));
    assert_non_null(strstr(out, "src/a.c:2:5: warning: coroutine_fn 'co_read' reaches"));
    assert_non_null(strstr(out, "  src/a.c:2:5: note: 'co_read' calls 'helper'\n"
                                "  src/a.c:21:5: note: 'helper' polls (AIO_WAIT_WHILE)\n"));
    assert_non_null(strstr(out, "src/a.c:10:5: note: 'plain' calls coroutine_fn"));
    assert_non_null(strstr(out, "note: fix-it: insert 'coroutine_fn '"));
    assert_null(strstr(out, "/tree/"));
    free(out);
    fx_findings_free(f);
}

static void json_format(void **state)
{
    BcFindings *f = sample("/tree/src/a.c");
    BcRunInfo info = { .tool_version = "0.1", .tus_total = 3, .tus_failed = 1,
                       .failed_files = (const char *[]){ "/tree/bad.c" }, .n_failed_files = 1 };
    char *out = render(BC_FORMAT_JSON, f, &info);
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr), *list, *p4 = NULL;
    size_t i;
    json_t *it;
    (void)state;
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(root, "version")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "summary"),
                                                        "tus_failed")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(root, "failed_files"),
                                                         0)), "/tree/bad.c");
    list = json_object_get(root, "findings");
    assert_int_equal(json_array_size(list), f->v.n);
    json_array_foreach(list, i, it) {
        assert_non_null(json_string_value(json_object_get(it, "fingerprint")));
        assert_true(json_integer_value(json_object_get(it, "line")) > 0);
        if (strcmp(json_string_value(json_object_get(it, "rule")), "BC004") == 0) {
            p4 = it;
        }
    }
    assert_non_null(p4);
    assert_string_equal(json_string_value(json_object_get(p4, "name")), "poll-in-coroutine");
    assert_int_equal(json_array_size(json_object_get(p4, "path")), 2);
    assert_string_equal(json_string_value(json_object_get(
        json_array_get(json_object_get(p4, "path"), 1), "kind")), "poll");
    json_decref(root);
    free(out);
    fx_findings_free(f);
}

static json_t *get_path(json_t *j, const char *path)
{
    char buf[256], *save = NULL;
    strcpy(buf, path);
    for (char *tok = strtok_r(buf, ".", &save); tok && j; tok = strtok_r(NULL, ".", &save)) {
        j = tok[0] >= '0' && tok[0] <= '9' ? json_array_get(j, (size_t)atoi(tok))
                                           : json_object_get(j, tok);
    }
    if (!j) {
        fail_msg("missing SARIF key %s", path);
    }
    return j;
}

static json_t *result_of(json_t *results, const char *rule)
{
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        if (strcmp(json_string_value(json_object_get(r, "ruleId")), rule) == 0) {
            return r;
        }
    }
    fail_msg("no %s result", rule);
    return NULL;
}

static void sarif_required_keys(void **state)
{
    BcFindings *f = sample("/tree/src/a.c");
    BcRunInfo info = { .tool_version = "0.1", .root = "/tree" };
    char *out = render(BC_FORMAT_SARIF, f, &info);
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr), *rules, *results, *r;
    (void)state;
    assert_non_null(root);
    assert_non_null(strstr(json_string_value(get_path(root, "$schema")), "sarif-schema-2.1.0"));
    assert_string_equal(json_string_value(get_path(root, "version")), "2.1.0");
    assert_string_equal(json_string_value(get_path(root, "runs.0.tool.driver.name")), "blkcheck");
    rules = get_path(root, "runs.0.tool.driver.rules");
    assert_int_equal(json_array_size(rules), bc_n_rules);
    for (size_t i = 0; i < 10; i++) {
        json_t *rule = json_array_get(rules, i);
        char id[8], tail[32];
        snprintf(id, sizeof(id), "BC%03zu", i + 1);
        snprintf(tail, sizeof(tail), "docs/rules/%s.md", id);
        assert_string_equal(json_string_value(get_path(rule, "id")), id);
        assert_non_null(json_string_value(get_path(rule, "name")));
        assert_non_null(json_string_value(get_path(rule, "shortDescription.text")));
        assert_non_null(strstr(json_string_value(get_path(rule, "helpUri")), tail));
        assert_non_null(json_string_value(get_path(rule, "defaultConfiguration.level")));
    }
    results = get_path(root, "runs.0.results");
    assert_int_equal(json_array_size(results), f->v.n);
    r = result_of(results, "BC001");
    assert_string_equal(json_string_value(get_path(r, "level")), "warning");
    assert_int_equal(json_integer_value(get_path(r, "ruleIndex")), 0);
    assert_non_null(json_string_value(get_path(r, "message.text")));
    assert_string_equal(json_string_value(get_path(
        r, "locations.0.physicalLocation.artifactLocation.uri")), "src/a.c");
    assert_string_equal(json_string_value(get_path(
        r, "locations.0.physicalLocation.artifactLocation.uriBaseId")), "SRCROOT");
    assert_int_equal(json_integer_value(get_path(
        r, "locations.0.physicalLocation.region.startLine")), 11);
    assert_int_equal(json_string_length(get_path(r, "partialFingerprints.blkcheck/v1")), 32);
    assert_null(json_object_get(r, "codeFlows"));
    r = result_of(results, "BC004");
    assert_int_equal(json_array_size(get_path(r, "codeFlows.0.threadFlows.0.locations")), 2);
    assert_int_equal(json_integer_value(get_path(
        r, "codeFlows.0.threadFlows.0.locations.1.location.physicalLocation.region.startLine")),
        21);
    r = result_of(results, "BC010");
    assert_string_equal(json_string_value(get_path(r, "level")), "note");
    assert_string_equal(json_string_value(get_path(
        r, "fixes.0.artifactChanges.0.replacements.0.insertedContent.text")), "coroutine_fn ");
    assert_int_equal(json_integer_value(get_path(
        r, "fixes.0.artifactChanges.0.replacements.0.deletedRegion.startLine")), 10);
    assert_string_equal(json_string_value(get_path(
        root, "runs.0.originalUriBaseIds.SRCROOT.uri")), "file:///tree/");
    assert_true(json_is_true(get_path(root, "runs.0.invocations.0.executionSuccessful")));
    json_decref(root);
    free(out);
    fx_findings_free(f);
}

/* Paths that are not UTF-8 or need escaping still give valid documents. */
static void odd_paths_stay_valid(void **state)
{
    BcFindings *f = sample("/tmp/d\xe9j\xe0 vu/a b.c");
    BcRunInfo info = { .tool_version = "0.1" };
    json_error_t jerr;
    (void)state;
    for (int fmt = BC_FORMAT_JSON; fmt <= BC_FORMAT_SARIF; fmt++) {
        char *out = render((BcFormat)fmt, f, &info);
        json_t *root = json_loads(out, 0, &jerr);
        if (!root) {
            fail_msg("format %d: invalid JSON: %s", fmt, jerr.text);
        }
        if (fmt == BC_FORMAT_JSON) {
            assert_string_equal(json_string_value(get_path(root, "findings.0.file")),
                                "/tmp/d?j? vu/a b.c");
        }
        if (fmt == BC_FORMAT_SARIF) {
            assert_string_equal(json_string_value(get_path(
                root, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri")),
                "file:///tmp/d%E9j%E0%20vu/a%20b.c");
        }
        json_decref(root);
        free(out);
    }
    fx_findings_free(f);
}

static void format_names(void **state)
{
    BcFormat fmt;
    (void)state;
    assert_int_equal(bc_format_parse("sarif", &fmt), 0);
    assert_int_equal(fmt, BC_FORMAT_SARIF);
    assert_int_equal(bc_format_parse("xml", &fmt), -22);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_format),
        cmocka_unit_test(json_format),
        cmocka_unit_test(sarif_required_keys),
        cmocka_unit_test(odd_paths_stay_valid),
        cmocka_unit_test(format_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
