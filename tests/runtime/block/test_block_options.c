/*
 * test_block_options.c - option strings (runtime/block/options.c): syntax
 * and its error messages, ",," escapes, typed getters, used-key tracking,
 * child prefixes and printing back.
 *
 * Context: single-threaded; option sets need no main loop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "block/options.h"

/* Parse @str, which must fail with exactly @msg. */
static void expect_parse_error(const char *str, const char *msg)
{
    Error *err = NULL;

    assert_null(block_opts_parse(str, &err));
    assert_non_null(err);
    assert_string_equal(error_get_pretty(err), msg);
    error_free(err);
}

static BlockOpts *parse_ok(const char *str)
{
    Error *err = NULL;
    BlockOpts *opts = block_opts_parse(str, &err);

    if (!opts) {
        fail_msg("'%s': %s", str, error_get_pretty(err));
    }
    assert_null(err);
    return opts;
}

static void test_parse_basic(void **state)
{
    BlockOpts *opts = parse_ok("driver=null,size=1G,node-name=n0");
    char *s;

    (void)state;
    assert_string_equal(block_opts_get(opts, "driver"), "null");
    assert_string_equal(block_opts_get(opts, "size"), "1G");
    assert_string_equal(block_opts_get(opts, "node-name"), "n0");
    assert_null(block_opts_get(opts, "nothing"));
    s = block_opts_to_string(opts);
    assert_string_equal(s, "driver=null,size=1G,node-name=n0");
    free(s);
    block_opts_free(opts);
}

static void test_parse_empty(void **state)
{
    BlockOpts *opts = parse_ok("");
    char *s = block_opts_to_string(opts);

    (void)state;
    assert_string_equal(s, "");
    assert_true(block_opts_check_unused(opts, "driver 'x'", NULL));
    free(s);
    block_opts_free(opts);
}

static void test_escapes(void **state)
{
    BlockOpts *opts = parse_ok("a=x,,y,b=2,c=tail,,,d=,e=,,,,");
    char *s;

    (void)state;
    assert_string_equal(block_opts_get(opts, "a"), "x,y");
    assert_string_equal(block_opts_get(opts, "b"), "2");
    assert_string_equal(block_opts_get(opts, "c"), "tail,");
    assert_string_equal(block_opts_get(opts, "d"), "");
    assert_string_equal(block_opts_get(opts, "e"), ",,");
    s = block_opts_to_string(opts);
    assert_string_equal(s, "a=x,,y,b=2,c=tail,,,d=,e=,,,,");
    free(s);
    block_opts_free(opts);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_parse_error("=x", "option string '=x': empty key at position 0");
    expect_parse_error("a=1,", "option string 'a=1,': empty key at position 4");
    expect_parse_error(",a=1", "option string ',a=1': empty key at position 0");
    expect_parse_error("a=1,,,=2",
                       "option string 'a=1,,,=2': empty key at position 6");
}

static void test_syntax_errors_more(void **state)
{
    (void)state;
    expect_parse_error("abc", "option string 'abc': key 'abc' has no '=value'");
    expect_parse_error("driver=null,size",
                       "option string 'driver=null,size': key 'size' has no "
                       "'=value'");
    expect_parse_error("a b=1", "option string 'a b=1': bad key 'a b' (use "
                       "letters, digits, '-', '_' and '.' between names)");
    expect_parse_error("file..x=1", "option string 'file..x=1': bad key "
                       "'file..x' (use letters, digits, '-', '_' and '.' "
                       "between names)");
    expect_parse_error(".x=1", "option string '.x=1': bad key '.x' (use "
                       "letters, digits, '-', '_' and '.' between names)");
    expect_parse_error("a=1,b=2,a=3",
                       "option string 'a=1,b=2,a=3': duplicate key 'a'");
}

static void test_sizes(void **state)
{
    static const struct { const char *v; uint64_t n; } ok[] = {
        { "0", 0 }, { "512", 512 }, { "4k", 4096 }, { "4K", 4096 },
        { "3M", 3ULL << 20 }, { "2G", 2ULL << 30 }, { "1T", 1ULL << 40 },
        { "16777215T", 16777215ULL << 40 },
    };
    Error *err = NULL;
    uint64_t n;

    (void)state;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        BlockOpts *opts = block_opts_new();

        assert_true(block_opts_set(opts, "size", ok[i].v));
        assert_true(block_opts_get_size(opts, "size", 7, &n, &err));
        assert_null(err);
        assert_int_equal(n, ok[i].n);
        block_opts_free(opts);
    }

    BlockOpts *opts = block_opts_new();
    assert_true(block_opts_get_size(opts, "size", 7, &n, NULL));
    assert_int_equal(n, 7);                         /* absent: the default */
    block_opts_free(opts);
}

static void expect_size_error(const char *v, const char *msg)
{
    BlockOpts *opts = block_opts_new();
    Error *err = NULL;
    uint64_t n = 99;

    assert_true(block_opts_set(opts, "size", v));
    assert_false(block_opts_get_size(opts, "size", 0, &n, &err));
    assert_non_null(err);
    assert_string_equal(error_get_pretty(err), msg);
    assert_int_equal(n, 99);                        /* untouched on error */
    error_free(err);
    block_opts_free(opts);
}

static void test_size_errors(void **state)
{
    (void)state;
    expect_size_error("1.5G", "option 'size': '1.5G' is not a size "
                      "(a number with an optional k, M, G or T suffix)");
    expect_size_error("12Q", "option 'size': '12Q' is not a size "
                      "(a number with an optional k, M, G or T suffix)");
    expect_size_error("G", "option 'size': 'G' is not a size "
                      "(a number with an optional k, M, G or T suffix)");
    expect_size_error("-1", "option 'size': '-1' is not a size "
                      "(a number with an optional k, M, G or T suffix)");
    expect_size_error("", "option 'size': '' is not a size "
                      "(a number with an optional k, M, G or T suffix)");
    expect_size_error("1GG", "option 'size': '1GG' is not a size "
                      "(a number with an optional k, M, G or T suffix)");
    expect_size_error("18446744073709551616", "option 'size': "
                      "'18446744073709551616' is not a size "
                      "(a number with an optional k, M, G or T suffix)");
    expect_size_error("16777216T",
                      "option 'size': '16777216T' is too large");
}

static void test_bools(void **state)
{
    static const char *const yes[] = { "on", "true", "yes", "1" };
    static const char *const no[] = { "off", "false", "no", "0" };
    BlockOpts *opts;
    Error *err = NULL;
    bool b;

    (void)state;
    for (int i = 0; i < 4; i++) {
        opts = block_opts_new();
        block_opts_set(opts, "y", yes[i]);
        block_opts_set(opts, "n", no[i]);
        assert_true(block_opts_get_bool(opts, "y", false, &b, NULL));
        assert_true(b);
        assert_true(block_opts_get_bool(opts, "n", true, &b, NULL));
        assert_false(b);
        assert_true(block_opts_get_bool(opts, "absent", true, &b, NULL));
        assert_true(b);
        block_opts_free(opts);
    }
    opts = parse_ok("read-only=maybe");
    assert_false(block_opts_get_bool(opts, "read-only", false, &b, &err));
    assert_string_equal(error_get_pretty(err), "option 'read-only': 'maybe' "
                        "is not a boolean (use on/off, true/false, yes/no "
                        "or 1/0)");
    error_free(err);
    block_opts_free(opts);
}

static void test_uints(void **state)
{
    BlockOpts *opts = parse_ok("a=123,b=12a,c=18446744073709551615");
    Error *err = NULL;
    uint64_t n;

    (void)state;
    assert_true(block_opts_get_uint(opts, "a", 0, &n, NULL));
    assert_int_equal(n, 123);
    assert_true(block_opts_get_uint(opts, "c", 0, &n, NULL));
    assert_true(n == UINT64_MAX);
    assert_true(block_opts_get_uint(opts, "z", 5, &n, NULL));
    assert_int_equal(n, 5);
    assert_false(block_opts_get_uint(opts, "b", 0, &n, &err));
    assert_string_equal(error_get_pretty(err),
                        "option 'b': '12a' is not an unsigned integer");
    error_free(err);
    block_opts_free(opts);
}

static void test_unused(void **state)
{
    BlockOpts *opts = parse_ok("driver=null,sise=1,zz=big");
    Error *err = NULL;

    (void)state;
    assert_string_equal(block_opts_get(opts, "driver"), "null");
    assert_false(block_opts_check_unused(opts, "driver 'null'", &err));
    assert_string_equal(error_get_pretty(err),
                        "driver 'null' has no option 'sise'");
    error_free(err);
    err = NULL;
    block_opts_get(opts, "sise");
    assert_false(block_opts_check_unused(opts, "driver 'null'", &err));
    assert_string_equal(error_get_pretty(err),
                        "driver 'null' has no option 'zz'");
    error_free(err);
    err = NULL;
    /* A failed typed read still counts as read. */
    assert_false(block_opts_get_size(opts, "zz", 0, &(uint64_t){0}, NULL));
    assert_true(block_opts_check_unused(opts, "driver 'null'", &err));
    assert_null(err);
    block_opts_free(opts);
}

static void test_set_replaces(void **state)
{
    BlockOpts *opts = parse_ok("a=1,b=2");
    Error *err = NULL;
    char *s;

    (void)state;
    block_opts_get(opts, "a");
    block_opts_get(opts, "b");
    assert_true(block_opts_set(opts, "a", "x,y"));  /* unread again */
    assert_false(block_opts_set(opts, "bad key", "1"));
    assert_false(block_opts_set(opts, "", "1"));
    assert_false(block_opts_check_unused(opts, "node 'n'", &err));
    assert_string_equal(error_get_pretty(err), "node 'n' has no option 'a'");
    error_free(err);
    s = block_opts_to_string(opts);
    assert_string_equal(s, "a=x,,y,b=2");
    free(s);
    block_opts_free(opts);
}

static void test_extract_prefix(void **state)
{
    BlockOpts *opts = parse_ok("driver=throttle,file.driver=null,"
                               "file.file.size=1M,filex=1,file.a=b,,c");
    BlockOpts *sub, *subsub, *none;
    Error *err = NULL;
    char *s;

    (void)state;
    assert_true(block_opts_has_prefix(opts, "file"));
    assert_true(block_opts_has_prefix(opts, "file.file"));
    assert_false(block_opts_has_prefix(opts, "fil"));
    assert_false(block_opts_has_prefix(opts, "filex"));
    sub = block_opts_extract_prefix(opts, "file");
    s = block_opts_to_string(sub);
    assert_string_equal(s, "driver=null,file.size=1M,a=b,,c");
    free(s);
    subsub = block_opts_extract_prefix(sub, "file");
    s = block_opts_to_string(subsub);
    assert_string_equal(s, "size=1M");
    free(s);
    /* The parent keeps the keys for display, marked as read. */
    s = block_opts_to_string(opts);
    assert_string_equal(s, "driver=throttle,file.driver=null,"
                        "file.file.size=1M,filex=1,file.a=b,,c");
    free(s);
    block_opts_get(opts, "driver");
    assert_false(block_opts_check_unused(opts, "driver 'throttle'", &err));
    assert_string_equal(error_get_pretty(err),
                        "driver 'throttle' has no option 'filex'");
    error_free(err);
    err = NULL;
    /* The extracted set answers for its own keys. */
    block_opts_get(sub, "driver");
    assert_false(block_opts_check_unused(sub, "driver 'null'", &err));
    assert_string_equal(error_get_pretty(err),
                        "driver 'null' has no option 'a'");
    error_free(err);
    none = block_opts_extract_prefix(opts, "backing");
    s = block_opts_to_string(none);
    assert_string_equal(s, "");
    free(s);
    block_opts_free(none);
    block_opts_free(subsub);
    block_opts_free(sub);
    block_opts_free(opts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_basic),
        cmocka_unit_test(test_parse_empty),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_syntax_errors_more),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_size_errors),
        cmocka_unit_test(test_bools),
        cmocka_unit_test(test_uints),
        cmocka_unit_test(test_unused),
        cmocka_unit_test(test_set_replaces),
        cmocka_unit_test(test_extract_prefix),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
