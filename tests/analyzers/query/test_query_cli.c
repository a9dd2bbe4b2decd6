/*
 * test_query_cli.c - `blkcheck query` subcommands through bc_query_main()
 * and the shell on a pipe, on the fixture graph; plus the text graph format
 * of bc-query-demo.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "query-fixture.h"
#include "query-cmd.h"
#include "graph-gen.h"


/* Run bc_query_main on a NULL-terminated argv; stdout text into *@text. */
static int run(char **text, ...)
{
    char *argv[16], *arg;
    int argc = 0, rc;
    size_t len = 0;
    FILE *f = open_memstream(text, &len);
    va_list ap;

    va_start(ap, text);
    while ((arg = va_arg(ap, char *)) != NULL && argc < 15) {
        argv[argc++] = arg;
    }
    va_end(ap);
    argv[argc] = NULL;
    rc = bc_query_main(g, argc, argv, f);
    fclose(f);
    return rc;
}

static void test_paths_command(void **state)
{
    char *out;

    (void)state;
    assert_int_equal(run(&out, "paths", "--limit", "1",
                         "coroutine_fn [!coroutine_fn]* \"aio_poll\"", NULL), 0);
    assert_string_equal(out, "co_inner -> aio_poll\n  t.c:4:5: co_inner -> aio_poll\n");
    free(out);
    /* words are joined, "query" is tolerated, --limit=N works */
    assert_int_equal(run(&out, "query", "paths", "--limit=0", "\"co_read\"", "...",
                         "polling_fn", NULL), 0);
    assert_string_equal(out, "co_read -> helper -> aio_poll\n"
                             "  t.c:1:5: co_read -> helper\n"
                             "  t.c:2:5: helper -> aio_poll\n");
    free(out);
}

static void test_bad_input_exits_2(void **state)
{
    char *out;

    (void)state;
    assert_int_equal(run(&out, "paths", "coroutine_fn [", NULL), 2);
    free(out);
    assert_int_equal(run(&out, "paths", "--limit", "x", "a", NULL), 2);
    free(out);
    assert_int_equal(run(&out, "paths", NULL), 2);
    free(out);
    assert_int_equal(run(&out, "frobnicate", "a", NULL), 2);
    free(out);
    assert_int_equal(run(&out, "callers", "a b", NULL), 2);
    free(out);
    assert_int_equal(run(&out, NULL), 2);
    free(out);
}

static void test_node_commands(void **state)
{
    char *out;

    (void)state;
    assert_int_equal(run(&out, "callers", "\"impl_poll\"", NULL), 0);
    assert_string_equal(out, "impl_poll (function): 1 caller edge(s)\n"
                             "  t.c:6:5: Drv::op -> impl_poll (stored in pointer)\n");
    free(out);
    assert_int_equal(run(&out, "callees", "\"helper\"", NULL), 0);
    assert_string_equal(out, "helper (function): 1 callee edge(s)\n"
                             "  t.c:2:5: helper -> aio_poll\n");
    free(out);
    assert_int_equal(run(&out, "labels", "/^(io|gs)_fn$/ | \"Drv::op\"", NULL), 0);
    assert_string_equal(out, "Drv::op (field): (no labels)\n"
                             "io_fn (function): code_class:io\n"
                             "gs_fn (function): code_class:global_state\n");
    free(out);
}

static void test_dot_command(void **state)
{
    char *out;

    (void)state;
    assert_int_equal(run(&out, "dot", "code_class:io ...", NULL), 0);
    assert_string_equal(out, "digraph blkcheck_query {\n"
                             "  node [shape=box, fontname=\"monospace\"];\n"
                             "  n12 [label=\"io_fn\\ncode_class:io\"];\n"
                             "  n13 [label=\"gs_fn\\ncode_class:global_state\"];\n"
                             "  n12 -> n13 [tooltip=\"t.c:13:5\"];\n"
                             "}\n");
    free(out);
}

static void test_text_graph(void **state)
{
    static const char text[] =
        "# a vtable\n"
        "fn co_read coroutine_fn\n"
        "slot Drv::op\n"
        "slotcall co_read Drv::op a.c:3:7\n"
        "store Drv::op impl a.c:9:14\n"
        "call impl aio_poll b.c:1:2\n"
        "fn aio_poll polling_fn\n";
    FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
    char err[128], *got;
    BcGraph *tg = bc_graph_text_load(f, err, sizeof(err));

    (void)state;
    fclose(f);
    assert_non_null(tg);
    got = fx_paths(tg, "coroutine_fn [!coroutine_fn]* \"aio_poll\"", 0, NULL);
    assert_string_equal(got, "co_read -> Drv::op -> impl -> aio_poll\n"
                             "  a.c:3:7: co_read -> Drv::op (call through pointer)\n"
                             "  a.c:9:14: Drv::op -> impl (stored in pointer)\n"
                             "  b.c:1:2: impl -> aio_poll\n");
    free(got);
    bc_graph_free(tg);
    f = fmemopen((void *)"fn a\nbogus line\n", 16, "r");
    assert_null(bc_graph_text_load(f, err, sizeof(err)));
    assert_non_null(strstr(err, "2: expected"));
    fclose(f);
}

static void test_random_graph(void **state)
{
    BcGenParams p = { .functions = 500, .edges = 2500, .seed = 7 };
    BcGraph *rg = bc_graph_gen_random(&p);
    size_t total;
    char *got;

    (void)state;
    assert_int_equal(rg->edges.n, 2500);
    got = fx_paths(rg, "coroutine_fn [!coroutine_fn]* \"aio_poll\"", 5, &total);
    assert_true(total > 0);
    assert_non_null(strstr(got, "-> aio_poll\n"));
    free(got);
    bc_graph_free(rg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_command),
        cmocka_unit_test(test_bad_input_exits_2),
        cmocka_unit_test(test_node_commands),
        cmocka_unit_test(test_dot_command),
        cmocka_unit_test(test_text_graph),
        cmocka_unit_test(test_random_graph),
    };
    return cmocka_run_group_tests(tests, fx_group_setup, fx_group_teardown);
}
