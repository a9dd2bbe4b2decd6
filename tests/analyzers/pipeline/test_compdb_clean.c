/*
 * test_compdb_clean.c - compile commands made fit for analysis
 * (analyzers/pipeline/compdb-clean.c): plumbing dropped, response files
 * spliced in, relative paths absolute.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pipeline.h"

/* Clean @in (NULL-terminated) in @dir; the result joined with spaces. */
static char *clean(const char *dir, const char *const *in, const char **bad)
{
    BcArena *a = bc_arena_new();
    unsigned argc = 0, out_argc;
    const char **out;
    static char buf[4096];

    while (in[argc]) {
        argc++;
    }
    bc_compile_args_clean(a, dir, in, argc, &out, &out_argc, bad);
    buf[0] = '\0';
    for (unsigned i = 0; i < out_argc; i++) {
        strcat(buf, i ? " " : "");
        strcat(buf, out[i]);
    }
    assert_null(out[out_argc]);
    if (*bad) {
        *bad = strdup(*bad);
    }
    bc_arena_free(a);
    return buf;
}

static void test_meson_plumbing_dropped(void **state)
{
    const char *in[] = { "clang", "-Ilibblock.a.p", "-I../src/include", "-MD", "-MQ",
                         "libblock.a.p/block_io.c.o", "-MF", "libblock.a.p/block_io.c.o.d",
                         "-o", "libblock.a.p/block_io.c.o", "-c", "../src/block/io.c", NULL };
    const char *bad;

    (void)state;
    assert_string_equal(clean("/b", in, &bad),
                        "clang -I/b/libblock.a.p -I/b/../src/include /b/../src/block/io.c");
    assert_null(bad);
}

static void test_joined_and_other_forms(void **state)
{
    const char *in[] = { "cc", "-MMD", "-MP", "-MFdeps/x.d", "-MTx.o", "-ox.o", "-S", "-E",
                         "-MJ", "frag.json", "-save-temps=obj", "-pipe", "-DNAME=v", "-x", "c",
                         "-isystem", "sys", "-includeconfig.h", "-iquote", "/abs", "x.c", NULL };
    const char *bad;

    (void)state;
    assert_string_equal(clean("/d", in, &bad),
                        "cc -DNAME=v -x c -isystem /d/sys -include/d/config.h -iquote /abs /d/x.c");
}

static void test_response_files(void **state)
{
    char dir[] = "/tmp/bc-rsp-XXXXXX", path[256];
    const char *bad;
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/args.rsp", dir);
    fp = fopen(path, "w");
    fputs("-Iinc \"-DMSG=\\\"a b\\\"\" '-DQ=x y'\n -MD -MF out.d @more.rsp\n", fp);
    fclose(fp);
    snprintf(path, sizeof(path), "%s/more.rsp", dir);
    fp = fopen(path, "w");
    fputs("-DMORE\n", fp);
    fclose(fp);

    const char *in[] = { "clang", "@args.rsp", "-c", "x.c", NULL };
    char want[512];
    snprintf(want, sizeof(want), "clang -I%s/inc -DMSG=\"a b\" -DQ=x y -DMORE %s/x.c", dir, dir);
    assert_string_equal(clean(dir, in, &bad), want);
    assert_null(bad);

    /* An unreadable one stays, so clang names it; the caller is told. */
    const char *missing[] = { "clang", "@nope.rsp", "x.c", NULL };
    snprintf(want, sizeof(want), "clang @%s/nope.rsp %s/x.c", dir, dir);
    assert_string_equal(clean(dir, missing, &bad), want);
    assert_non_null(bad);
    assert_non_null(strstr(bad, "nope.rsp"));
    free((char *)bad);

    snprintf(path, sizeof(path), "%s/args.rsp", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/more.rsp", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meson_plumbing_dropped),
        cmocka_unit_test(test_joined_and_other_forms),
        cmocka_unit_test(test_response_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
