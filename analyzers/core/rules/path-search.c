/*
 * path-search.c - bounded breadth-first shortest paths over the call graph
 * (path-search.h)
 */
#include "rule-util.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* A direct call the config says does not poll: a listed argument is fresh,
 * or the constant 0/false.  @e is a call or slot-call edge, so it carries
 * its call record; a NULL config lists nothing (bc_config_no_poll_when_*). */
static bool no_poll_call(const BcSearch *s, const BcEdge *e)
{
    const BcCall *c = e->call;
    const char *callee;

    if (e->kind != BC_EDGE_CALL) {
        return false;
    }
    callee = bc_graph_node(s->g, e->to)->name;
    /* Only the arguments that are fresh or 0: most calls have none. */
    for (uint32_t m = c->fresh_args | c->zero_args; m; m &= m - 1) {
        unsigned i = (unsigned)__builtin_ctz(m);

        if (((c->fresh_args >> i & 1) && bc_config_no_poll_when_fresh(s->cfg, callee, i)) ||
            ((c->zero_args >> i & 1) && bc_config_no_poll_when_false(s->cfg, callee, i))) {
            return true;
        }
    }
    return false;
}

static bool is_target(const BcSearch *s, const BcNode *n)
{
    return bc_is_function(n) && s->is_target && s->is_target(s, n);
}

/* Mark nodes from which a target or polling point can be reached.  A path
 * takes every edge it meets: the edges out of a function are its calls, the
 * edges out of a slot its points_to (graph.h). */
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
        if (is_target(s, n) || (bc_poll_index_count(s->polls, id) && s->enter(s, n))) {
            s->useful[id] = 1;
            s->queue[tail++] = id;
        }
    }
    while (head < tail) {
        BcNodeId y = s->queue[head++];
        for (uint32_t i = 0; i < bc_graph_node(g, y)->n_in; i++) {
            const BcEdge *e = bc_graph_in_edge(g, y, i);
            const BcNode *x = bc_graph_node(g, e->from);
            if (!s->useful[e->from] && s->enter(s, x)) {
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
    for (uint32_t i = bc_poll_index_count(s->polls, id) ? s->polls->begin[id] : 0;
         bc_poll_index_count(s->polls, id) && i < s->polls->begin[id + 1] && !search_full(s); i++) {
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
        if (s->useful[e->to] && s->stamp[e->to] != s->cur &&
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
            if (s->useful[e->to] && s->stamp[e->to] != s->cur &&
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
