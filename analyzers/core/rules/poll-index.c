/*
 * poll-index.c - every function's polling points (poll-index.h)
 */
#include "rule-util.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static int cmp_point(const void *pa, const void *pb)
{
    const BcPollPoint *a = pa, *b = pb;
    int r;

    if (a->func != b->func) {
        return a->func < b->func ? -1 : 1;
    }
    if ((r = strcmp(a->loc.file ? a->loc.file : "", b->loc.file ? b->loc.file : ""))) {
        return r;
    }
    if (a->loc.line != b->loc.line) {
        return a->loc.line < b->loc.line ? -1 : 1;
    }
    if (a->loc.col != b->loc.col) {
        return a->loc.col < b->loc.col ? -1 : 1;
    }
    /* Macro records (callee == BC_NO_NODE) sort first and win the merge. */
    return (a->callee != BC_NO_NODE) - (b->callee != BC_NO_NODE);
}

static bool same_point(const BcPollPoint *a, const BcPollPoint *b)
{
    return a->func == b->func && a->loc.line == b->loc.line && a->loc.col == b->loc.col &&
           strcmp(a->loc.file ? a->loc.file : "", b->loc.file ? b->loc.file : "") == 0;
}

typedef BC_VEC(BcPollPoint) PointVec;

static void collect_points(PointVec *v, const BcGraph *g)
{
    for (size_t t = 0; t < g->tus.n; t++) {
        bc_vec_foreach_const(&g->tus.v[t]->polls, p) {
            BcPollPoint pt = { bc_graph_lookup(g, p->func_usr), p->what, p->loc,
                               p->lock_state, p->lock_may, p->in_coroutine_check,
                               BC_NO_NODE };
            if (pt.func != BC_NO_NODE) {
                bc_vec_push(v, pt);
            }
        }
    }
    bc_vec_foreach_const(&g->edges, e) {
        const BcNode *to = bc_graph_node(g, e->to);
        if (e->kind == BC_EDGE_CALL && bc_node_has(to, BC_L_POLLING_FN)) {
            BcPollPoint pt = { e->from, to->name, e->loc, e->lock_state, e->lock_may,
                               e->in_coroutine_check, e->to };
            bc_vec_push(v, pt);
        }
    }
}

void bc_poll_index_build(BcPollIndex *x, const BcGraph *g)
{
    PointVec v = { 0 };
    size_t w = 0;

    collect_points(&v, g);
    if (v.n) {
        qsort(v.v, v.n, sizeof(*v.v), cmp_point);
    }
    for (size_t i = 0; i < v.n; i++) {
        if (!w || !same_point(&v.v[w - 1], &v.v[i])) {
            v.v[w++] = v.v[i];
        }
    }
    x->v = v.v;
    x->n = w;
    x->begin = bc_xcalloc(g->nodes.n + 2, sizeof(uint32_t));
    for (size_t i = 0; i < w; i++) {
        x->begin[x->v[i].func + 1]++;
    }
    for (size_t i = 1; i <= g->nodes.n + 1; i++) {
        x->begin[i] += x->begin[i - 1];
    }
}

void bc_poll_index_free(BcPollIndex *x)
{
    free(x->v);
    free(x->begin);
    memset(x, 0, sizeof(*x));
}
