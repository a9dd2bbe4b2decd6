/*
 * test_query_parse.c - the query parser: what it accepts, and where and why
 * it rejects the rest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "query.h"

static void accepts_path(const char *src)
{
    BcQueryError err;
    BcQuery *q = bc_query_parse_path(src, &err);

    if (!q) {
        fail_msg("rejected '%s' at %zu: %s", src, err.pos, err.msg);
    }
    bc_query_free(q);
}

/* @src is rejected with the error at byte @pos and a message containing @what. */
static void rejects(bool path, const char *src, size_t pos, const char *what)
{
    BcQueryError err;
    BcQuery *q = path ? bc_query_parse_path(src, &err) : bc_query_parse_matcher(src, &err);

    if (q) {
        bc_query_free(q);
        fail_msg("accepted '%s'", src);
    }
    if (err.pos != pos || !strstr(err.msg, what)) {
        fail_msg("'%s': error at %zu '%s', wanted %zu '%s'", src, err.pos, err.msg, pos, what);
    }
}

static void test_accepts(void **state)
{
    static const char *const ok[] = {
        "coroutine_fn",
        "coroutine_fn [!coroutine_fn]* \"aio_poll\"",
        "code_class:io ... code_class:global_state",
        "code_class:io:callers",
        "/^bdrv_co_/ . \"x\"",
        "[a, b | c, !d] e",
        "(a | b c)* d+ e? (f)",
        "a | b | c",
        "... \"aio_poll\"",
        "!!a",
        "\"with \\\"quote\\\"\" /a\\/b/",
        "a:callers:all_callees [b:all_callers]:callees",
        "  a\t b\n",
        "$weird_label_1",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        accepts_path(ok[i]);
    }
}

static void test_rejects_with_position(void **state)
{
    (void)state;
    rejects(true, "", 0, "expected a matcher");
    rejects(true, "coroutine_fn [!coroutine_fn* \"aio_poll\"", 27, "to close the '['");
    rejects(true, "a (b c", 6, "to close the '(' at column 3");
    rejects(true, "a )", 2, "unbalanced ')'");
    rejects(true, "a | ", 4, "expected a matcher");
    rejects(true, "a \"open", 2, "unterminated string");
    rejects(true, "a /open", 2, "unterminated regex");
    rejects(true, "a /[/", 2, "invalid regex");
    rejects(true, "\"a\":bogus", 4, "expected a suffix");
    rejects(true, "[a]:io", 4, "expected a suffix");
    rejects(true, "a:callers:io", 10, "expected a suffix");
    rejects(true, "a:", 2, "expected a suffix");
    rejects(true, "a .. b", 2, "'..' is not a token");
    rejects(true, "a @ b", 2, "unexpected character '@'");
    rejects(true, "a \x01", 2, "unexpected byte 0x01");
    rejects(true, "[a,]", 3, "expected a matcher");
    rejects(true, "[]", 1, "expected a matcher");
    rejects(true, "*a", 0, "expected a matcher");
    rejects(true, "()", 1, "expected a matcher");
    rejects(true, "!", 1, "expected a matcher");
    rejects(true, "[a ...]", 3, "to close the '['");
    /* Regex shapes that make glibc's regcomp explode (fuzzer find). */
    rejects(true, "a /o_o++++++++++++++++++++++++++++++++/", 2, "cannot be stacked");
    rejects(true, "/a{1000}/", 0, "interval expressions");
    rejects(true, "/(((((((((a+)+)+)+)+)+)+)+)+)/", 0, "nested more than 8 deep");
    accepts_path("/[[:alpha:]]+_co_[a-z]*/ /\\++/ /[+*]+/ /(a|b)+c?/");
}

static void test_matcher_only(void **state)
{
    BcQueryError err;
    BcQuery *q;

    (void)state;
    q = bc_query_parse_matcher("a, b | !c:callers", &err);
    assert_non_null(q);
    assert_int_equal(bc_query_n_labels(q), 3);
    assert_string_equal(bc_query_label(q, 2), "c");
    bc_query_free(q);
    rejects(false, "a b", 2, "end of matcher");
    rejects(false, "...", 0, "expected a matcher");
    rejects(false, "(a)", 0, "expected a matcher");
    rejects(false, "a*", 1, "end of matcher");
}

static void test_limits(void **state)
{
    char *deep = malloc(1001), *wide = malloc(20001);

    (void)state;
    memset(deep, '(', 1000);
    deep[1000] = '\0';
    rejects(true, deep, 200, "nested too deeply");
    memset(deep, '!', 1000);
    rejects(true, deep, 200, "nested too deeply");
    for (int i = 0; i < 10000; i++) {
        memcpy(wide + 2 * i, "a ", 2);
    }
    wide[20000] = '\0';
    rejects(true, wide, 2048, "query too long");
    memset(wide, '*', 20000);
    wide[0] = 'a';
    rejects(true, wide, 1024, "query too long");
    free(deep);
    free(wide);
}

static void test_labels_recorded(void **state)
{
    BcQueryError err;
    BcQuery *q = bc_query_parse_path("code_class:io:callers \"n\" /r/ [x|y]", &err);

    (void)state;
    assert_non_null(q);
    assert_int_equal(bc_query_n_labels(q), 3);
    assert_string_equal(bc_query_label(q, 0), "code_class:io");
    assert_string_equal(bc_query_label(q, 1), "x");
    assert_null(bc_query_label(q, 3));
    bc_query_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts),
        cmocka_unit_test(test_rejects_with_position),
        cmocka_unit_test(test_matcher_only),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_labels_recorded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
