/*
 * test_extract_run.c - compile database, parallel extraction, cache
 *
 * Each test builds a scratch tree in a temp directory: sources, a header,
 * compile_commands.json, and a cache directory.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cache.h"
#include "extract.h"

static BcConfig *cfg;
static char tmp[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmp, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* compile_commands.json for @n sources (relative names, like CMake's). */
static void write_compdb(int n, ...)
{
    char buf[4096];
    size_t len = 0;
    va_list ap;

    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "[\n");
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *src = va_arg(ap, const char *);
        len += (size_t)snprintf(buf + len, sizeof(buf) - len,
            "%s{ \"directory\": \"%s\", \"file\": \"%s\",\n"
            "  \"command\": \"cc -std=gnu11 -I. -c %s -o %s.o\" }\n",
            i ? "," : "", tmp, src, src, src);
    }
    va_end(ap);
    snprintf(buf + len, sizeof(buf) - len, "]\n");
    write_file("compile_commands.json", buf);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/bc-extract-test-XXXXXX");
    assert_non_null(mkdtemp(tmp));
    write_file("common.h", "int shared(void);\n");
    write_file("a.c", "#include \"common.h\"\nint a(void) { return shared(); }\n");
    write_file("b.c", "#include \"common.h\"\nint b(void) { return shared(); }\n");
    write_file("c.c", "int c(void) { return 0; }\n");
    write_file("bad.c", "int bad(void) { return ; ( }\n");
    return 0;
}

static int teardown(void **state)
{
    char cmd[512];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_compdb_missing(void **state)
{
    BcCompdb *db = NULL;
    char *err = NULL;

    (void)state;
    unlink("/nonexistent-dir/compile_commands.json");
    assert_int_equal(bc_compdb_load("/nonexistent-dir", &db, &err), -ENOENT);
    assert_null(db);
    assert_non_null(strstr(err, "compile_commands.json"));
    free(err);
}

static void test_compdb_empty(void **state)
{
    BcCompdb *db = NULL;
    char *err = NULL;

    (void)state;
    write_file("compile_commands.json", "[]\n");
    assert_int_equal(bc_compdb_load(tmp, &db, &err), -EINVAL);
    assert_non_null(strstr(err, "no compile commands"));
    free(err);
}

static void test_compdb_filter(void **state)
{
    BcCompdb *db = NULL;
    char *err = NULL, path[512];
    const char *paths[1] = { path }, *bad = NULL;
    BcConfig *skip = bc_config_default();

    (void)state;
    write_compdb(3, "a.c", "b.c", "c.c");
    assert_int_equal(bc_compdb_load(tmp, &db, &err), 0);
    assert_int_equal(db->cmds.n, 3);
    assert_true(db->cmds.v[0].file[0] == '/');
    snprintf(path, sizeof(path), "%s/b.c", tmp);
    assert_int_equal(bc_compdb_filter(db, paths, 1, cfg, tmp, &bad), 1);
    assert_non_null(strstr(db->cmds.v[0].file, "/b.c"));
    bc_compdb_free(db);

    assert_int_equal(bc_compdb_load(tmp, &db, &err), 0);
    bc_vec_push(&skip->skip_paths, "c.*");
    assert_int_equal(bc_compdb_filter(db, NULL, 0, skip, tmp, &bad), 2);
    snprintf(path, sizeof(path), "%s/nope", tmp);
    assert_int_equal(bc_compdb_filter(db, paths, 1, cfg, tmp, &bad), -ENOENT);
    assert_ptr_equal(bad, path);
    bc_compdb_free(db);
    bc_config_free(skip);
}

static BcTuFacts **run_all(BcCompdb **db, BcCache *cache, BcExtractStats *st)
{
    char *err = NULL;
    BcExtractRun run = { .jobs = 2, .parse = bc_extract_parse, .cache = cache };

    assert_int_equal(bc_compdb_load(tmp, db, &err), 0);
    return bc_extract_all(*db, cfg, &run, st);
}

static void free_all(BcCompdb *db, BcTuFacts **tus)
{
    for (size_t i = 0; i < db->cmds.n; i++) {
        bc_facts_free(tus[i]);
    }
    free(tus);
    bc_compdb_free(db);
}

static void test_parallel(void **state)
{
    BcCompdb *db;
    BcExtractStats st;
    BcTuFacts **tus;

    char before[512], after[512];

    (void)state;
    write_compdb(4, "a.c", "bad.c", "b.c", "c.c");
    assert_non_null(getcwd(before, sizeof(before)));
    tus = run_all(&db, NULL, &st);
    /* Parsing must not move the shared current directory. */
    assert_non_null(getcwd(after, sizeof(after)));
    assert_string_equal(before, after);
    assert_int_equal(st.total, 4);
    assert_int_equal(st.parsed, 4);
    assert_int_equal(st.errors, 1);
    assert_int_equal(tus[0]->status, BC_TU_OK);
    assert_int_equal(tus[1]->status, BC_TU_ERRORS);
    assert_non_null(strstr(tus[0]->main_file, "/a.c"));
    free_all(db, tus);
}

static void test_cache_reuse(void **state)
{
    char dir[512], *warn = NULL;
    BcCompdb *db;
    BcExtractStats st;
    BcTuFacts **tus;
    BcCache *c;

    (void)state;
    write_compdb(3, "a.c", "b.c", "c.c");
    snprintf(dir, sizeof(dir), "%s/cache", tmp);
    for (int round = 0; round < 4; round++) {
        if (round == 2) {
            write_file("common.h", "int shared(void);\nint more(void);\n");
        }
        if (round == 3) {
            write_file("c.c", "int c(void) { return 1; }\n");
        }
        c = bc_cache_open(dir, cfg, &warn);
        assert_non_null(c);
        tus = run_all(&db, c, &st);
        bc_cache_close(c);
        /* cold; warm; header touched (a, b reparse); c.c touched */
        static const unsigned cached[] = { 0, 3, 1, 2 };
        assert_int_equal(st.cached, cached[round]);
        assert_int_equal(tus[0]->calls.n, 1);
        free_all(db, tus);
    }
}

static void test_cache_unusable(void **state)
{
    char *warn = NULL;

    (void)state;
    write_file("not-a-dir", "x");
    char path[512];
    snprintf(path, sizeof(path), "%s/not-a-dir/cache", tmp);
    assert_null(bc_cache_open(path, cfg, &warn));
    assert_non_null(warn);
    assert_non_null(strstr(warn, "uncached"));
    free(warn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_compdb_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compdb_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compdb_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parallel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_unusable, setup, teardown),
    };
    int ret;

    cfg = bc_config_default();
    ret = cmocka_run_group_tests(tests, NULL, NULL);
    bc_config_free(cfg);
    return ret;
}
