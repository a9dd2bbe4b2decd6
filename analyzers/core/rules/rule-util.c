/*
 * rule-util.c - helpers shared by the rule files (see rule-util.h)
 */
#include "rule-util.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- label predicates ---------------------------------------------------- */

bool bc_is_mixed(const BcNode *n)
{
    return n->labels & (BC_LBIT(BC_L_COROUTINE_MIXED_FN) | BC_LBIT(BC_L_CO_WRAPPER_MIXED) |
                        BC_LBIT(BC_L_CO_WRAPPER_MIXED_BDRV_RDLOCK));
}

bool bc_is_coroutine(const BcNode *n)
{
    return !bc_is_mixed(n) &&
           (n->labels & (BC_LBIT(BC_L_COROUTINE_FN) | BC_LBIT(BC_L_NO_CO_WRAPPER) |
                         BC_LBIT(BC_L_NO_CO_WRAPPER_BDRV_RDLOCK) |
                         BC_LBIT(BC_L_NO_CO_WRAPPER_BDRV_WRLOCK)));
}

bool bc_is_no_coroutine(const BcNode *n)
{
    return !bc_is_mixed(n) &&
           (n->labels & (BC_LBIT(BC_L_NO_COROUTINE_FN) | BC_LBIT(BC_L_CO_WRAPPER) |
                         BC_LBIT(BC_L_CO_WRAPPER_BDRV_RDLOCK)));
}

bool bc_needs_rdlock(const BcNode *n)
{
    return n->labels & (BC_LBIT(BC_L_GRAPH_RDLOCK) | BC_LBIT(BC_L_GRAPH_RDLOCK_PTR));
}

bool bc_needs_wrlock(const BcNode *n)
{
    return n->labels & (BC_LBIT(BC_L_GRAPH_WRLOCK) | BC_LBIT(BC_L_GRAPH_WRLOCK_PTR));
}

/* ---- reporting -------------------------------------------------------------- */

void bc_report(BcFindings *out, const BcConfig *cfg, const BcReport *r, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    BcFinding fd = { 0 };

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fd.rule = r->rule;
    fd.severity = bc_rule_severity(cfg, r->rule);
    fd.loc = r->loc;
    fd.message = msg;
    fd.function = r->function;
    fd.function_usr = r->function_usr;
    fd.key = r->key;
    fd.path = r->path;
    fd.n_path = r->n_path;
    fd.fixit = r->fixit;
    fd.n_fixits = r->n_fixits;
    bc_findings_add(out, &fd);
}

/* ---- polling points ----------------------------------------------------------- */

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
        if (g->tus.v[t]->status == BC_TU_FAILED) {
            continue;
        }
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

static uint32_t n_points(const BcPollIndex *x, BcNodeId id)
{
    return x ? x->begin[id + 1] - x->begin[id] : 0;
}

/* ---- shortest paths ---------------------------------------------------------- */

bool bc_is_co_wrapper(const BcNode *n)
{
    return n->labels & (BC_LBIT(BC_L_CO_WRAPPER) | BC_LBIT(BC_L_CO_WRAPPER_MIXED) |
                        BC_LBIT(BC_L_CO_WRAPPER_BDRV_RDLOCK) |
                        BC_LBIT(BC_L_CO_WRAPPER_MIXED_BDRV_RDLOCK));
}

bool bc_lock_satisfies(const BcNode *fn, uint32_t state, bool need_wr)
{
    if (need_wr) {
        return (state & BC_LOCK_WR) ||
               ((state & BC_LOCK_WR_OR_CALLER) && bc_node_has(fn, BC_L_GRAPH_WRLOCK));
    }
    return (state & BC_LOCK_ANY) ||
           ((state & BC_LOCK_ANY_OR_CALLER) &&
            (bc_node_has(fn, BC_L_GRAPH_RDLOCK) || bc_node_has(fn, BC_L_GRAPH_WRLOCK)));
}

bool bc_lock_reader_held(const BcNode *fn, uint32_t state)
{
    return bc_lock_has_reader(state) ||
           ((state & BC_LOCK_CALLER) && bc_node_has(fn, BC_L_GRAPH_RDLOCK));
}

/* A call the config says does not poll: a listed argument is fresh, or
 * the constant 0/false. */
static bool no_poll_call(const BcSearch *s, const BcEdge *e)
{
    const BcCall *c = e->call;
    const char *callee;

    if (!s->cfg || !c || !(c->fresh_args | c->zero_args) || e->kind != BC_EDGE_CALL) {
        return false;
    }
    callee = bc_graph_node(s->g, e->to)->name;
    for (unsigned i = 0; i < 32; i++) {
        if (((c->fresh_args & (1u << i)) &&
             bc_config_no_poll_when_fresh(s->cfg, callee, i)) ||
            ((c->zero_args & (1u << i)) && bc_config_no_poll_when_false(s->cfg, callee, i))) {
            return true;
        }
    }
    return false;
}

static bool follows(const BcNode *from, const BcEdge *e)
{
    return bc_is_function(from) ? e->kind != BC_EDGE_POINTS_TO : e->kind == BC_EDGE_POINTS_TO;
}

static bool is_target(const BcSearch *s, const BcNode *n)
{
    return bc_is_function(n) && s->is_target && s->is_target(s, n);
}

/* Mark nodes from which a target or polling point can be reached. */
void bc_search_prepare(BcSearch *s)
{
    const BcGraph *g = s->g;
    size_t nn = g->nodes.n, head = 0, tail = 0;

    s->useful = bc_xcalloc(nn + 1, 1);
    s->stamp = bc_xcalloc(nn + 1, sizeof(uint32_t));
    s->parent = bc_xcalloc(nn + 1, sizeof(uint32_t));
    s->depth = bc_xcalloc(nn + 1, sizeof(uint32_t));
    s->queue = bc_xcalloc(nn + 1, sizeof(uint32_t));
    for (BcNodeId id = 0; id < nn; id++) {
        const BcNode *n = bc_graph_node(g, id);
        if (is_target(s, n) || (n_points(s->polls, id) && s->enter(s, n))) {
            s->useful[id] = 1;
            s->queue[tail++] = id;
        }
    }
    while (head < tail) {
        BcNodeId y = s->queue[head++];
        for (uint32_t i = 0; i < bc_graph_node(g, y)->n_in; i++) {
            const BcEdge *e = bc_graph_in_edge(g, y, i);
            const BcNode *x = bc_graph_node(g, e->from);
            if (!s->useful[e->from] && follows(x, e) && s->enter(s, x)) {
                s->useful[e->from] = 1;
                s->queue[tail++] = e->from;
            }
        }
    }
}

void bc_search_free(BcSearch *s)
{
    free(s->useful);
    free(s->stamp);
    free(s->parent);
    free(s->depth);
    free(s->queue);
    s->useful = NULL;
    s->stamp = s->parent = s->depth = s->queue = NULL;
}

/* Edges from @start to @id, in order, into @buf.  Returns: how many. */
static size_t path_to(const BcSearch *s, BcNodeId start, BcNodeId id, uint32_t *buf)
{
    size_t n = 0;

    while (id != start || n == 0) {
        uint32_t e = s->parent[id];
        buf[n++] = e;
        id = s->g->edges.v[e].from;
        if (id == start) {
            break;
        }
    }
    for (size_t i = 0; i < n / 2; i++) {
        uint32_t t = buf[i];
        buf[i] = buf[n - 1 - i];
        buf[n - 1 - i] = t;
    }
    return n;
}

static bool search_full(const BcSearch *s)
{
    return s->max_found && s->n_found >= s->max_found;
}

/* First time the search reaches @id through edge @e: report or enqueue. */
static void visit(BcSearch *s, BcNodeId start, BcNodeId id, uint32_t e, size_t *tail,
                  uint32_t *buf)
{
    const BcNode *n = bc_graph_node(s->g, id);
    size_t len;

    s->stamp[id] = s->cur;
    s->parent[id] = e;
    s->depth[id] = s->g->edges.v[e].from == start ? 1 : s->depth[s->g->edges.v[e].from] + 1;
    if (is_target(s, n)) {
        len = path_to(s, start, id, buf);
        s->n_found++;
        s->found(s, start, buf, len, NULL, id);
        return;
    }
    if (!s->enter(s, n)) {
        return;
    }
    s->queue[(*tail)++] = id;
    for (uint32_t i = n_points(s->polls, id) ? s->polls->begin[id] : 0;
         n_points(s->polls, id) && i < s->polls->begin[id + 1] && !search_full(s); i++) {
        if (s->point && !s->point(s, &s->polls->v[i])) {
            continue;
        }
        len = path_to(s, start, id, buf);
        s->n_found++;
        s->found(s, start, buf, len, &s->polls->v[i], id);
    }
}

void bc_search_from(BcSearch *s, BcNodeId start)
{
    const BcGraph *g = s->g;
    unsigned max = s->max_depth ? s->max_depth : 32;
    size_t head = 0, tail = 0;
    uint32_t *buf = bc_xmalloc((max + 2) * sizeof(uint32_t));

    s->cur++;
    s->n_found = 0;
    s->stamp[start] = s->cur;
    for (uint32_t i = 0; i < bc_graph_node(g, start)->n_out && !search_full(s); i++) {
        const BcEdge *e = bc_graph_out_edge(g, start, i);
        if (e->kind != BC_EDGE_POINTS_TO && s->useful[e->to] && s->stamp[e->to] != s->cur &&
            (!s->first || s->first(s, start, e)) && !no_poll_call(s, e)) {
            visit(s, start, e->to, (uint32_t)(e - g->edges.v), &tail, buf);
        }
    }
    while (head < tail && !search_full(s)) {
        BcNodeId x = s->queue[head++];
        const BcNode *n = bc_graph_node(g, x);
        if (s->depth[x] >= max) {
            continue;
        }
        for (uint32_t i = 0; i < n->n_out && !search_full(s); i++) {
            const BcEdge *e = bc_graph_out_edge(g, x, i);
            if (follows(n, e) && s->useful[e->to] && s->stamp[e->to] != s->cur &&
                (e->kind == BC_EDGE_POINTS_TO ||
                 ((!s->follow || s->follow(s, e)) && !no_poll_call(s, e)))) {
                visit(s, start, e->to, (uint32_t)(e - g->edges.v), &tail, buf);
            }
        }
    }
    free(buf);
}

uint32_t bc_path_hops(const BcGraph *g, const uint32_t *edges, size_t n,
                      const BcPollPoint *poll, BcHop *hops)
{
    uint32_t k = 0;

    for (size_t i = 0; i < n; i++) {
        const BcEdge *e = &g->edges.v[edges[i]];
        const BcNode *from = bc_graph_node(g, e->from), *to = bc_graph_node(g, e->to);
        hops[k].function = bc_is_function(from) ? from->name : from->qual_name;
        hops[k].callee = bc_is_function(to) ? to->name : to->qual_name;
        hops[k].loc = e->loc;
        hops[k++].kind = e->kind == BC_EDGE_POINTS_TO ? BC_HOP_POINTS_TO : BC_HOP_CALL;
    }
    if (poll) {
        hops[k].function = bc_graph_node(g, poll->func)->name;
        hops[k].callee = poll->what;
        hops[k].loc = poll->loc;
        hops[k++].kind = poll->callee != BC_NO_NODE ? BC_HOP_CALL : BC_HOP_POLL;
    }
    return k;
}

void bc_report_poll_path(const BcGraph *g, void *ctx, BcNodeId start, const uint32_t *edges,
                         size_t n, const BcPollPoint *poll, BcPollReportFn *report)
{
    BcHop *hops = bc_xmalloc((n + 1) * sizeof(*hops));

    report(g, ctx, start, hops, bc_path_hops(g, edges, n, poll, hops), poll);
    free(hops);
}
