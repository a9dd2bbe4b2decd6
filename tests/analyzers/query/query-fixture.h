/*
 * query-fixture.h - a small hand-built call graph shared by the query tests
 *
 *   co_read [coroutine_fn] -> helper [custom_label] -> aio_poll [polling_fn]
 *   co_write [coroutine_fn] -> co_inner [coroutine_fn] -> aio_poll
 *   co_drv [coroutine_fn] ~> Drv::op (slot) => impl_poll -> aio_poll
 *   co_loop [coroutine_fn] -> loop_a <-> loop_b -> aio_poll
 *   rec -> rec,   io_fn [code_class:io] -> gs_fn [code_class:global_state]
 *
 * ~> is a call through the slot, => a POINTS_TO edge.  Every edge is at
 * t.c:LINE:5 with LINE its insertion order + 1.
 */
#ifndef QUERY_FIXTURE_H
#define QUERY_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph.h"
#include "query.h"

static inline BcNodeId fx_node(BcGraph *g, const char *name, BcSymbolKind kind, const char *label)
{
    BcNodeId id = bc_graph_intern(g, name, name, kind);

    if (label) {
        bc_graph_add_label(g, id, label);
    }
    return id;
}

static inline void fx_edge(BcGraph *g, const char *from, const char *to, BcEdgeKind kind)
{
    BcEdge e = { .kind = kind };

    e.from = bc_graph_lookup(g, from);
    e.to = bc_graph_lookup(g, to);
    e.loc.file = "t.c";
    e.loc.line = (uint32_t)g->edges.n + 1;
    e.loc.col = 5;
    bc_graph_add_edge(g, &e);
}

static inline BcGraph *fx_graph(void)
{
    BcGraph *g = bc_graph_new();

    fx_node(g, "co_read", BC_SYM_FUNCTION, "coroutine_fn");
    fx_node(g, "helper", BC_SYM_FUNCTION, "custom_label");
    fx_node(g, "aio_poll", BC_SYM_FUNCTION, "polling_fn");
    fx_node(g, "co_write", BC_SYM_FUNCTION, "coroutine_fn");
    fx_node(g, "co_inner", BC_SYM_FUNCTION, "coroutine_fn");
    fx_node(g, "co_drv", BC_SYM_FUNCTION, "coroutine_fn");
    fx_node(g, "Drv::op", BC_SYM_FIELD, NULL);
    fx_node(g, "impl_poll", BC_SYM_FUNCTION, NULL);
    fx_node(g, "co_loop", BC_SYM_FUNCTION, "coroutine_fn");
    fx_node(g, "loop_a", BC_SYM_FUNCTION, NULL);
    fx_node(g, "loop_b", BC_SYM_FUNCTION, NULL);
    fx_node(g, "rec", BC_SYM_FUNCTION, NULL);
    fx_node(g, "io_fn", BC_SYM_FUNCTION, "code_class:io");
    fx_node(g, "gs_fn", BC_SYM_FUNCTION, "code_class:global_state");

    fx_edge(g, "co_read", "helper", BC_EDGE_CALL);          /* t.c:1 */
    fx_edge(g, "helper", "aio_poll", BC_EDGE_CALL);         /* t.c:2 */
    fx_edge(g, "co_write", "co_inner", BC_EDGE_CALL);       /* t.c:3 */
    fx_edge(g, "co_inner", "aio_poll", BC_EDGE_CALL);       /* t.c:4 */
    fx_edge(g, "co_drv", "Drv::op", BC_EDGE_SLOT_CALL);     /* t.c:5 */
    fx_edge(g, "Drv::op", "impl_poll", BC_EDGE_POINTS_TO);  /* t.c:6 */
    fx_edge(g, "impl_poll", "aio_poll", BC_EDGE_CALL);      /* t.c:7 */
    fx_edge(g, "co_loop", "loop_a", BC_EDGE_CALL);          /* t.c:8 */
    fx_edge(g, "loop_a", "loop_b", BC_EDGE_CALL);           /* t.c:9 */
    fx_edge(g, "loop_b", "loop_a", BC_EDGE_CALL);           /* t.c:10 */
    fx_edge(g, "loop_b", "aio_poll", BC_EDGE_CALL);         /* t.c:11 */
    fx_edge(g, "rec", "rec", BC_EDGE_CALL);                 /* t.c:12 */
    fx_edge(g, "io_fn", "gs_fn", BC_EDGE_CALL);             /* t.c:13 */
    bc_graph_finish(g);
    return g;
}

/* Names of the matched nodes, sorted, joined by spaces (malloc'ed). */
static inline char *fx_nodes(const BcGraph *g, const char *matcher)
{
    BcQueryError err;
    BcQuery *q = bc_query_parse_matcher(matcher, &err);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    BcNodeId *ids;
    size_t n;

    if (!q) {
        fprintf(stderr, "parse error in %s: %s\n", matcher, err.msg);
        abort();
    }
    n = bc_query_nodes(q, g, &ids);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s%s", i ? " " : "", bc_query_node_name(g, ids[i]));
    }
    fclose(f);
    free(ids);
    bc_query_free(q);
    return buf;
}

/* Every path of @expr printed (bc_query_print_path), with a limit. */
static inline char *fx_paths(const BcGraph *g, const char *expr, size_t limit, size_t *n_total)
{
    BcQueryError err;
    BcQuery *q = bc_query_parse_path(expr, &err);
    BcQueryPaths res;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!q || bc_query_paths(q, g, limit, &res, &err) < 0) {
        fprintf(stderr, "error in %s: %s\n", expr, err.msg);
        abort();
    }
    for (size_t i = 0; i < res.n; i++) {
        bc_query_print_path(f, g, &res.v[i]);
    }
    if (n_total) {
        *n_total = res.n_total;
    }
    fclose(f);
    bc_query_paths_free(&res);
    bc_query_free(q);
    return buf;
}

/* The fixture graph one test program shares: cmocka group set-up/teardown. */
static BcGraph *g;

static inline int fx_group_setup(void **state)
{
    (void)state;
    g = fx_graph();
    return 0;
}

static inline int fx_group_teardown(void **state)
{
    (void)state;
    bc_graph_free(g);
    return 0;
}

#endif
