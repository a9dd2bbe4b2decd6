/*
 * query-fuzz.c - libFuzzer target: the query parser, compiler and search
 *
 * Every input is parsed as a path expression and as a matcher.  Accepted
 * queries are evaluated on a small fixed graph with cycles and a slot edge
 * (so the automaton and the product search run too); rejected ones must
 * carry a message and a position inside the input.
 */
#include "query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static BcGraph *fuzz_graph(void)
{
    static const char *const names[] = { "co_a", "b", "aio_poll", "Drv::op", "c" };
    static const char *const labels[] = { "coroutine_fn", "x:y", "polling_fn", NULL, "code_class:io" };
    static const uint32_t edges[][3] = {
        { 0, 1, BC_EDGE_CALL }, { 1, 2, BC_EDGE_CALL }, { 1, 1, BC_EDGE_CALL },
        { 0, 3, BC_EDGE_SLOT_CALL }, { 3, 4, BC_EDGE_POINTS_TO }, { 4, 0, BC_EDGE_CALL },
    };
    BcGraph *g = bc_graph_new();

    for (int i = 0; i < 5; i++) {
        BcNodeId id = bc_graph_intern(g, names[i], names[i], i == 3 ? BC_SYM_FIELD : BC_SYM_FUNCTION);
        if (labels[i]) {
            bc_graph_add_label(g, id, labels[i]);
        }
    }
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        BcEdge e = { .from = edges[i][0], .to = edges[i][1], .kind = (BcEdgeKind)edges[i][2] };
        bc_graph_add_edge(g, &e);
    }
    bc_graph_finish(g);
    return g;
}

static void check_error(const BcQueryError *err, size_t size)
{
    if (err->pos > size || err->msg[0] == '\0') {
        __builtin_trap();       /* every rejection says where and why */
    }
}

static void run_path(const BcGraph *g, const char *src, size_t size)
{
    BcQueryError err;
    BcQuery *q = bc_query_parse_path(src, &err);
    BcQueryPaths paths;
    BcQuerySubgraph sub;

    if (!q) {
        check_error(&err, size);
        return;
    }
    if (bc_query_paths(q, g, 3, &paths, &err) == 0) {
        for (size_t i = 0; i < paths.n; i++) {
            if (paths.v[i].n_nodes == 0) {
                __builtin_trap();
            }
        }
        bc_query_paths_free(&paths);
    }
    if (bc_query_subgraph(q, g, &sub, &err) == 0) {
        bc_query_subgraph_free(&sub);
    }
    bc_query_free(q);
}

static void run_matcher(const BcGraph *g, const char *src, size_t size)
{
    BcQueryError err;
    BcQuery *q = bc_query_parse_matcher(src, &err);
    BcNodeId *ids;

    if (!q) {
        check_error(&err, size);
        return;
    }
    bc_query_nodes(q, g, &ids);
    free(ids);
    bc_query_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static BcGraph *g;
    char *src;

    if (size > 4096) {
        return 0;
    }
    if (!g) {
        g = fuzz_graph();
    }
    src = malloc(size + 1);
    memcpy(src, data, size);
    src[size] = '\0';
    size = strlen(src);     /* the API takes C strings */
    run_path(g, src, size);
    run_matcher(g, src, size);
    free(src);
    return 0;
}
