/*
 * test_query_eval.c - matchers, suffixes and path search on a hand-built
 * graph (query-fixture.h): every matcher kind, repetition, alternation,
 * '...', slots, --limit, cycles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "query-fixture.h"


static void nodes_are(const char *matcher, const char *want)
{
    char *got = fx_nodes(g, matcher);

    if (strcmp(got, want) != 0) {
        fail_msg("%s: got '%s', wanted '%s'", matcher, got, want);
    }
    free(got);
}

/* The first line of each path (the "a -> b" chain), one per line. */
static char *chains(const char *expr, size_t limit, size_t *n_total)
{
    char *all = fx_paths(g, expr, limit, n_total), *out = calloc(1, strlen(all) + 1);

    for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] != ' ') {
            strcat(strcat(out, line), "\n");
        }
    }
    free(all);
    return out;
}

static void paths_are(const char *expr, const char *want)
{
    char *got = chains(expr, 0, NULL);

    if (strcmp(got, want) != 0) {
        fail_msg("%s:\ngot:\n%swanted:\n%s", expr, got, want);
    }
    free(got);
}

static void test_leaf_matchers(void **state)
{
    (void)state;
    nodes_are("coroutine_fn", "co_read co_write co_inner co_drv co_loop");
    nodes_are("custom_label", "helper");
    nodes_are("code_class:io", "io_fn");
    nodes_are("\"aio_poll\"", "aio_poll");
    nodes_are("\"Drv::op\"", "Drv::op");
    nodes_are("/^co_(read|write)$/", "co_read co_write");
    nodes_are("/::/", "Drv::op");
    nodes_are("\"aio\"", "");
    nodes_are("nosuch_label", "");
    nodes_are("polling", "");
}

static void test_boolean_matchers(void **state)
{
    (void)state;
    nodes_are("!/_/", "helper Drv::op rec");
    nodes_are("[coroutine_fn, /read/]", "co_read");
    nodes_are("[polling_fn | custom_label]", "helper aio_poll");
    nodes_are("polling_fn | custom_label", "helper aio_poll");
    nodes_are("[coroutine_fn, !/co_(read|write)/ | custom_label]", "helper co_inner co_drv co_loop");
    nodes_are("!!custom_label", "helper");
    nodes_are("[., !.]", "");
}

static void test_suffixes(void **state)
{
    (void)state;
    nodes_are("\"aio_poll\":callers", "helper co_inner impl_poll loop_b");
    nodes_are("\"helper\":callees", "aio_poll");
    nodes_are("\"impl_poll\":callers", "Drv::op");
    nodes_are("\"co_drv\":callees", "Drv::op");
    nodes_are("\"co_read\":all_callees", "helper aio_poll");
    nodes_are("\"impl_poll\":all_callers", "co_drv Drv::op");
    /* on a cycle a node is its own transitive caller */
    nodes_are("\"loop_a\":all_callers", "co_loop loop_a loop_b");
    nodes_are("\"rec\":callers", "rec");
    nodes_are("\"gs_fn\":callers:callers", "");
    nodes_are("code_class:io:callees", "gs_fn");
    nodes_are("!\"aio_poll\":all_callers", "aio_poll rec io_fn gs_fn");
}

static void test_design_query(void **state)
{
    (void)state;
    paths_are("coroutine_fn [!coroutine_fn]* \"aio_poll\"",
              "co_inner -> aio_poll\n"
              "co_read -> helper -> aio_poll\n"
              "co_drv -> Drv::op -> impl_poll -> aio_poll\n"
              "co_loop -> loop_a -> loop_b -> aio_poll\n");
}

static void test_repetition(void **state)
{
    (void)state;
    paths_are("\"co_read\" \"aio_poll\"", "");
    paths_are("\"co_read\" . \"aio_poll\"", "co_read -> helper -> aio_poll\n");
    paths_are("\"co_read\" .* \"aio_poll\"", "co_read -> helper -> aio_poll\n");
    paths_are("\"co_read\" .+ \"aio_poll\"", "co_read -> helper -> aio_poll\n");
    paths_are("\"co_read\" \"helper\"? \"aio_poll\"", "co_read -> helper -> aio_poll\n");
    paths_are("\"co_read\" custom_label+ polling_fn", "co_read -> helper -> aio_poll\n");
    paths_are("\"co_read\" [!custom_label]* \"aio_poll\"", "");
    paths_are("\"co_loop\" (\"loop_a\" \"loop_b\")+ \"aio_poll\"",
              "co_loop -> loop_a -> loop_b -> aio_poll\n");
    paths_are("\"co_loop\" \"loop_a\" \"loop_b\" \"loop_a\" \"loop_b\" \"aio_poll\"",
              "co_loop -> loop_a -> loop_b -> loop_a -> loop_b -> aio_poll\n");
}

static void test_alternation_and_ellipsis(void **state)
{
    (void)state;
    paths_are("\"co_read\" (\"helper\" | \"nothing\") \"aio_poll\"",
              "co_read -> helper -> aio_poll\n");
    paths_are("(\"co_read\" | \"co_write\") ... \"aio_poll\"",
              "co_read -> helper -> aio_poll\n"
              "co_write -> co_inner -> aio_poll\n");
    paths_are("\"io_fn\" \"gs_fn\" | \"rec\" \"rec\"", "io_fn -> gs_fn\nrec -> rec\n");
    paths_are("code_class:io ... code_class:global_state", "io_fn -> gs_fn\n");
    paths_are("\"co_drv\" ... \"aio_poll\"", "co_drv -> Drv::op -> impl_poll -> aio_poll\n");
    paths_are("\"co_read\" ...", "co_read\n");
    paths_are("\"gs_fn\" ... \"io_fn\"", "");
}

static void test_slot_path_locations(void **state)
{
    char *got = fx_paths(g, "\"co_drv\" ... polling_fn", 0, NULL);

    (void)state;
    assert_string_equal(got,
        "co_drv -> Drv::op -> impl_poll -> aio_poll\n"
        "  t.c:5:5: co_drv -> Drv::op (call through pointer)\n"
        "  t.c:6:5: Drv::op -> impl_poll (stored in pointer)\n"
        "  t.c:7:5: impl_poll -> aio_poll\n");
    free(got);
}

static void test_limit(void **state)
{
    size_t total;
    char *got = chains("coroutine_fn [!coroutine_fn]* \"aio_poll\"", 2, &total);

    (void)state;
    assert_int_equal(total, 4);
    assert_string_equal(got, "co_inner -> aio_poll\nco_read -> helper -> aio_poll\n");
    free(got);
    got = chains("coroutine_fn [!coroutine_fn]* \"aio_poll\"", 1, &total);
    assert_string_equal(got, "co_inner -> aio_poll\n");
    free(got);
}

static void test_cycles_terminate(void **state)
{
    (void)state;
    paths_are("\"loop_a\" ... \"nothing\"", "");
    paths_are("\"rec\"+ \"aio_poll\"", "");
    paths_are("\"rec\" \"rec\" \"rec\"", "rec -> rec -> rec\n");
    paths_are("(. | ...)* \"gs_fn\"", "gs_fn\nio_fn -> gs_fn\n");
    paths_are("\"loop_b\" ... \"loop_b\"", "loop_b -> loop_a -> loop_b\n");
    paths_are("\"loop_b\" .+ \"loop_b\"", "loop_b -> loop_a -> loop_b\n");
}

static void test_unknown_label_matches_nothing(void **state)
{
    (void)state;
    paths_are("no_such_label ... \"aio_poll\"", "");
    paths_are("coroutine_fn ... no_such_label", "");
    paths_are("[coroutine_fn | no_such_label] \"helper\"", "co_read -> helper\n");
}

static void test_subgraph(void **state)
{
    BcQueryError err;
    BcQuery *q = bc_query_parse_path("coroutine_fn [!coroutine_fn]* \"aio_poll\"", &err);
    BcQuerySubgraph sub;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    assert_non_null(q);
    assert_int_equal(bc_query_subgraph(q, g, &sub, &err), 0);
    assert_true(bc_query_bit(sub.nodes, bc_graph_lookup(g, "helper")));
    assert_true(bc_query_bit(sub.nodes, bc_graph_lookup(g, "Drv::op")));
    assert_false(bc_query_bit(sub.nodes, bc_graph_lookup(g, "co_write")));
    assert_false(bc_query_bit(sub.nodes, bc_graph_lookup(g, "rec")));
    assert_true(bc_query_bit(sub.edges, 9));        /* loop_b -> loop_a: on a match */
    assert_false(bc_query_bit(sub.edges, 2));       /* co_write -> co_inner */
    bc_query_print_dot(f, g, &sub);
    fclose(f);
    assert_non_null(strstr(buf, "digraph blkcheck_query {"));
    assert_non_null(strstr(buf, "  n6 [label=\"Drv::op\", shape=ellipse, style=dashed];"));
    assert_non_null(strstr(buf, "  n6 -> n7 [tooltip=\"t.c:6:5\", style=dashed];"));
    assert_null(strstr(buf, "co_write"));
    free(buf);
    bc_query_subgraph_free(&sub);
    bc_query_free(q);
}

static void test_evaluation_is_pure(void **state)
{
    size_t n_edges = g->edges.n, n_nodes = g->nodes.n;
    char *a = chains("coroutine_fn ... polling_fn", 0, NULL);
    char *b = chains("coroutine_fn ... polling_fn", 0, NULL);

    (void)state;
    assert_string_equal(a, b);
    assert_int_equal(g->edges.n, n_edges);
    assert_int_equal(g->nodes.n, n_nodes);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leaf_matchers),
        cmocka_unit_test(test_boolean_matchers),
        cmocka_unit_test(test_suffixes),
        cmocka_unit_test(test_design_query),
        cmocka_unit_test(test_repetition),
        cmocka_unit_test(test_alternation_and_ellipsis),
        cmocka_unit_test(test_slot_path_locations),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_cycles_terminate),
        cmocka_unit_test(test_unknown_label_matches_nothing),
        cmocka_unit_test(test_subgraph),
        cmocka_unit_test(test_evaluation_is_pure),
    };
    return cmocka_run_group_tests(tests, fx_group_setup, fx_group_teardown);
}
