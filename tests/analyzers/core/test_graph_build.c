/*
 * test_graph_build.c - merging TU facts into the graph
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "fixture.h"

static const BcNode *node(const BcGraph *g, BcTuFacts *t, const char *name)
{
    BcNodeId id = bc_graph_lookup(g, fx_usr(t, name));
    assert_int_not_equal(id, BC_NO_NODE);
    return bc_graph_node(g, id);
}

static size_t count_edges(const BcGraph *g, BcEdgeKind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < g->edges.n; i++) {
        n += g->edges.v[i].kind == kind;
    }
    return n;
}

static void graph_merges_by_usr(void **state)
{
    BcTuFacts *a = fx_tu("a.c"), *b = fx_tu("b.c"), *probe = fx_tu("p.c");
    BcConfig *cfg = bc_config_default();
    BcNamePair alias = { "qemu_co", "coroutine_fn" };
    (void)state;
    bc_vec_push(&cfg->label_aliases, alias);
    fx_decl(a, "shared", 1, "qemu_co");             /* header, aliased spelling */
    fx_def(b, "shared", 10, "graph_rdlock");        /* source */
    fx_def(a, "a.c#helper", 5, NULL);
    fx_def(b, "b.c#helper", 5, "coroutine_fn");
    BcTuFacts *tus[] = { a, b };
    BcGraph *g = bc_graph_build(tus, 2, cfg);
    const BcNode *s = node(g, probe, "shared");
    assert_true(bc_node_has(s, BC_L_COROUTINE_FN));
    assert_true(bc_node_has(s, BC_L_GRAPH_RDLOCK));
    assert_true(s->is_defined);
    assert_string_equal(s->loc.file, "b.c");        /* definition wins */
    assert_int_equal(s->loc.line, 10);
    assert_false(bc_node_has(node(g, probe, "a.c#helper"), BC_L_COROUTINE_FN));
    assert_true(bc_node_has(node(g, probe, "b.c#helper"), BC_L_COROUTINE_FN));
    assert_true(node(g, probe, "a.c#helper")->is_static);
    assert_int_equal(g->tus.n, 2);
    bc_graph_free(g);
    bc_config_free(cfg);
    bc_facts_free(probe);
}

static void graph_config_labels(void **state)
{
    BcTuFacts *t = fx_tu("a.c"), *probe = fx_tu("p.c");
    BcConfig *cfg = bc_config_default();
    BcNamePair ext = { "qemu_coroutine_yield", "coroutine_fn" };
    (void)state;
    bc_vec_push(&cfg->external_labels, ext);
    fx_def(t, "f", 1, NULL);
    fx_call(t, "f", "qemu_coroutine_yield", 2, 0, false);   /* only seen as a callee */
    fx_call(t, "f", "aio_poll", 3, 0, false);
    BcGraph *g = bc_graph_build(&t, 1, cfg);
    assert_true(bc_node_has(node(g, probe, "qemu_coroutine_yield"), BC_L_COROUTINE_FN));
    assert_true(bc_node_has(node(g, probe, "aio_poll"), BC_L_POLLING_FN));
    assert_false(bc_node_has(node(g, probe, "f"), BC_L_POLLING_FN));
    assert_string_equal(node(g, probe, "aio_poll")->name, "aio_poll");
    bc_graph_free(g);
    bc_config_free(cfg);
    bc_facts_free(probe);
}

static void graph_edges_and_slots(void **state)
{
    BcTuFacts *t = fx_tu("a.c"), *probe = fx_tu("p.c");
    (void)state;
    fx_slot(t, "Drv::cb", "graph_rdlock_ptr");
    fx_def(t, "impl", 1, NULL);
    fx_def(t, "user", 5, NULL);
    fx_addr(t, "impl", "Drv::cb", BC_ADDR_INITIALIZER, NULL, 20);
    fx_addr(t, "impl", NULL, BC_ADDR_ARGUMENT, "user", 6);     /* no edge, kept in facts */
    fx_call_slot(t, "user", "Drv::cb", 7, BC_LOCK_RD, false);
    fx_call(t, "user", "impl", 8, 0, true);
    BcCall unknown = { fx_usr(t, "user"), NULL, NULL, BC_CALL_UNKNOWN, { "a.c", 9, 1 }, 0,
                       0, false, NULL, 0, 0 };
    bc_vec_push(&t->calls, unknown);
    BcGraph *g = bc_graph_build(&t, 1, NULL);
    const BcNode *slot = node(g, probe, "Drv::cb");
    assert_int_equal(slot->kind, BC_SYM_FIELD);
    assert_true(bc_node_has(slot, BC_L_GRAPH_RDLOCK_PTR));
    assert_int_equal(count_edges(g, BC_EDGE_POINTS_TO), 1);
    assert_int_equal(count_edges(g, BC_EDGE_SLOT_CALL), 1);
    assert_int_equal(count_edges(g, BC_EDGE_CALL), 1);
    assert_int_equal(slot->n_out, 1);
    const BcEdge *e = bc_graph_out_edge(g, bc_graph_lookup(g, slot->usr), 0);
    assert_int_equal(e->kind, BC_EDGE_POINTS_TO);
    assert_non_null(e->addr);
    assert_int_equal(e->loc.line, 20);
    const BcNode *user = node(g, probe, "user");
    assert_int_equal(user->n_out, 2);
    assert_int_equal(bc_graph_out_edge(g, bc_graph_lookup(g, user->usr), 0)->lock_state,
                     bc_lock_one_path(BC_LOCK_RD | BC_LOCK_CALLER));
    assert_true(bc_graph_out_edge(g, bc_graph_lookup(g, user->usr), 1)->in_coroutine_check);
    bc_graph_free(g);
    bc_facts_free(probe);
}

/* A static inline function of a header is seen by every TU: one edge. */
static void graph_merges_duplicate_edges(void **state)
{
    BcTuFacts *a = fx_tu("a.c"), *b = fx_tu("b.c"), *probe = fx_tu("p.c");
    (void)state;
    fx_def(a, "h.h#inl", 1, NULL);
    fx_def(b, "h.h#inl", 1, NULL);
    fx_call(a, "h.h#inl", "callee", 2, 0, false);
    fx_call(b, "h.h#inl", "callee", 2, 0, false);
    a->calls.v[0].loc.file = b->calls.v[0].loc.file = "h.h";
    fx_call(b, "h.h#inl", "callee", 3, 0, false);       /* another call site */
    BcTuFacts *tus[] = { a, b };
    BcGraph *g = bc_graph_build(tus, 2, NULL);
    assert_int_equal(node(g, probe, "h.h#inl")->n_out, 2);
    bc_graph_free(g);
    bc_facts_free(probe);
}

static void graph_skips_failed_tus(void **state)
{
    BcTuFacts *a = fx_tu("a.c"), *b = fx_tu("b.c"), *probe = fx_tu("p.c");
    (void)state;
    fx_def(a, "good", 1, NULL);
    fx_def(b, "broken", 1, "coroutine_fn");
    fx_call(b, "broken", "good", 2, 0, false);
    b->status = BC_TU_FAILED;
    BcTuFacts *tus[] = { a, b };
    BcGraph *g = bc_graph_build(tus, 2, NULL);
    assert_int_equal(bc_graph_lookup(g, fx_usr(probe, "broken")), BC_NO_NODE);
    assert_int_equal(g->edges.n, 0);
    assert_int_equal(g->tus.n, 2);              /* kept for reporting */
    bc_graph_free(g);
    bc_facts_free(probe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(graph_merges_by_usr),
        cmocka_unit_test(graph_config_labels),
        cmocka_unit_test(graph_edges_and_slots),
        cmocka_unit_test(graph_merges_duplicate_edges),
        cmocka_unit_test(graph_skips_failed_tus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
