/*
 * search.c - product search of the path automaton and the call graph
 *
 * A product state is (node, position): "a match can be at @node having
 * consumed position @position of the automaton".  State s is stored at
 * index position * n_nodes + node.  One backward breadth-first search from
 * every accepting state (node in the set of a last position) computes, for
 * every state, its distance to acceptance and the edge of a shortest
 * continuation.  Every state is visited once, so cycles in the graph cost
 * nothing extra and nothing enumerates paths; the work is O(E x follow
 * pairs) in the worst case.
 *
 * Paths: each start node (in the set of a first position) with a finite
 * distance yields its shortest match by following the continuation edges.
 * Subgraph (dot): a forward search from the start states, restricted to
 * states with a finite distance, visits exactly the states on some match.
 */
#include "query-int.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define INF UINT32_MAX

typedef struct Search {
    const BcQuery *q;
    const BcGraph *g;
    size_t nn;              /* nodes */
    uint64_t **sets;        /* [n_pos] node set of each position's matcher */
    uint32_t *dist;         /* [n_pos * nn] hops to acceptance, INF: none */
    uint32_t *next_edge;    /* edge of a shortest continuation */
    uint32_t *next_pos;     /* position after that edge */
    uint32_t *queue;        /* [n_pos * nn] state indexes */
} Search;

static void *xmalloc(size_t n)
{
    void *p = bc_xmalloc(n ? n : 1);

    return p;
}

static void search_free(Search *s)
{
    for (uint32_t p = 0; s->sets && p < s->q->n_pos; p++) {
        free(s->sets[p]);
    }
    free(s->sets);
    free(s->dist);
    free(s->next_edge);
    free(s->next_pos);
    free(s->queue);
}

static int search_init(Search *s, const BcQuery *q, const BcGraph *g, BcQueryError *err)
{
    size_t states;

    memset(s, 0, sizeof(*s));
    s->q = q;
    s->g = g;
    s->nn = g->nodes.n;
    if (!q->path || !g->finished) {
        bc_qerr(err, 0, !q->path ? "not a path query" : "graph is not finished");
        return -EINVAL;
    }
    states = (size_t)q->n_pos * s->nn;
    if ((uint64_t)states > BC_Q_MAX_STATES) {
        bc_qerr(err, 0, "query too large for this graph (%u matchers x %zu nodes)",
                q->n_pos, s->nn);
        return -E2BIG;
    }
    s->sets = xmalloc(q->n_pos * sizeof(*s->sets));
    for (uint32_t p = 0; p < q->n_pos; p++) {
        s->sets[p] = bc_qmatch_eval(q->pos_matcher[p], g);
    }
    s->dist = xmalloc(states * sizeof(uint32_t));
    memset(s->dist, 0xff, states * sizeof(uint32_t));
    s->next_edge = xmalloc(states * sizeof(uint32_t));
    s->next_pos = xmalloc(states * sizeof(uint32_t));
    s->queue = xmalloc(states * sizeof(uint32_t));
    return 0;
}

/* Relax the predecessors of state (@m, @p2) reached at distance @d. */
static size_t relax_preds(Search *s, BcNodeId m, uint32_t p2, uint32_t d, size_t tail)
{
    const BcQuery *q = s->q;
    const BcNode *node = bc_graph_node(s->g, m);
    const BcPosList *pre = &q->precede[p2];

    for (uint32_t i = 0; i < node->n_in; i++) {
        uint32_t ei = s->g->in[node->in_begin + i];
        BcNodeId n = s->g->edges.v[ei].from;
        for (uint32_t k = 0; k < pre->n; k++) {
            uint32_t p = pre->v[k];
            size_t st = (size_t)p * s->nn + n;
            if (s->dist[st] == INF && bc_query_bit(s->sets[p], n)) {
                s->dist[st] = d + 1;
                s->next_edge[st] = ei;
                s->next_pos[st] = p2;
                s->queue[tail++] = (uint32_t)st;
            }
        }
    }
    return tail;
}

static void search_backward(Search *s)
{
    const BcQuery *q = s->q;
    size_t head = 0, tail = 0;

    for (uint32_t k = 0; k < q->last.n; k++) {
        uint32_t p = q->last.v[k];
        for (size_t n = 0; n < s->nn; n++) {
            if (bc_query_bit(s->sets[p], n)) {
                s->dist[(size_t)p * s->nn + n] = 0;
                s->queue[tail++] = (uint32_t)((size_t)p * s->nn + n);
            }
        }
    }
    while (head < tail) {
        uint32_t st = s->queue[head++];
        tail = relax_preds(s, (BcNodeId)(st % s->nn), (uint32_t)(st / s->nn),
                           s->dist[st], tail);
    }
}

/* ---- paths ---- */

typedef struct Start {
    uint32_t dist;
    BcNodeId node;
    uint32_t pos;
    const char *name;
} Start;

static int start_cmp(const void *a, const void *b)
{
    const Start *x = a, *y = b;
    int c;

    if (x->dist != y->dist) {
        return x->dist < y->dist ? -1 : 1;
    }
    c = strcmp(x->name, y->name);
    return c ? c : (x->node < y->node ? -1 : x->node > y->node);
}

/* The best start state of every node that begins a match. */
static size_t collect_starts(const Search *s, Start *out)
{
    const BcQuery *q = s->q;
    size_t n_out = 0;

    for (size_t n = 0; n < s->nn; n++) {
        Start best = { .dist = INF };
        for (uint32_t k = 0; k < q->first.n; k++) {
            uint32_t p = q->first.v[k];
            uint32_t d = s->dist[(size_t)p * s->nn + n];
            if (d < best.dist) {
                best = (Start){ d, (BcNodeId)n, p, bc_query_node_name(s->g, (BcNodeId)n) };
            }
        }
        if (best.dist != INF) {
            out[n_out++] = best;
        }
    }
    return n_out;
}

static BcQueryPath build_path(const Search *s, const Start *st)
{
    BcQueryPath path = { .n_nodes = st->dist + 1 };
    size_t cur = (size_t)st->pos * s->nn + st->node;

    path.nodes = xmalloc(path.n_nodes * sizeof(BcNodeId));
    path.edges = xmalloc(path.n_nodes * sizeof(uint32_t));
    path.nodes[0] = st->node;
    for (uint32_t i = 1; i < path.n_nodes; i++) {
        uint32_t ei = s->next_edge[cur];
        BcNodeId to = s->g->edges.v[ei].to;
        path.edges[i - 1] = ei;
        path.nodes[i] = to;
        cur = (size_t)s->next_pos[cur] * s->nn + to;
    }
    return path;
}

/* Set up @s and run the backward pass; on failure @s is already freed. */
static int search_start(Search *s, const BcQuery *q, const BcGraph *g, BcQueryError *err)
{
    int rc = search_init(s, q, g, err);

    if (rc < 0) {
        search_free(s);
        return rc;
    }
    search_backward(s);
    return 0;
}

int bc_query_paths(const BcQuery *q, const BcGraph *g, size_t limit,
                   BcQueryPaths *out, BcQueryError *err)
{
    Search s;
    Start *starts;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = search_start(&s, q, g, err)) < 0) {
        return rc;
    }
    starts = xmalloc(s.nn * sizeof(Start));
    out->n_total = collect_starts(&s, starts);
    qsort(starts, out->n_total, sizeof(Start), start_cmp);
    out->n = limit && limit < out->n_total ? limit : out->n_total;
    out->v = xmalloc(out->n * sizeof(BcQueryPath));
    for (size_t i = 0; i < out->n; i++) {
        out->v[i] = build_path(&s, &starts[i]);
    }
    free(starts);
    search_free(&s);
    return 0;
}

void bc_query_paths_free(BcQueryPaths *p)
{
    for (size_t i = 0; p && i < p->n; i++) {
        free(p->v[i].nodes);
        free(p->v[i].edges);
    }
    if (p) {
        free(p->v);
        memset(p, 0, sizeof(*p));
    }
}

/* ---- subgraph ---- */

/* Visit the successors of on-match state (@n, @p), marking edges and nodes. */
static size_t visit_succs(Search *s, uint64_t *seen, BcQuerySubgraph *out,
                          BcNodeId n, uint32_t p, size_t tail)
{
    const BcNode *node = bc_graph_node(s->g, n);
    const BcPosList *fol = &s->q->follow[p];

    for (uint32_t i = 0; i < node->n_out; i++) {
        uint32_t ei = s->g->out[node->out_begin + i];
        BcNodeId m = s->g->edges.v[ei].to;
        for (uint32_t k = 0; k < fol->n; k++) {
            size_t st = (size_t)fol->v[k] * s->nn + m;
            if (s->dist[st] == INF) {
                continue;       /* no match continues from there */
            }
            bc_qset_add(out->edges, ei);
            bc_qset_add(out->nodes, m);
            if (!bc_query_bit(seen, st)) {
                bc_qset_add(seen, st);
                s->queue[tail++] = (uint32_t)st;
            }
        }
    }
    return tail;
}

static void search_forward(Search *s, BcQuerySubgraph *out)
{
    uint64_t *seen = bc_qset_new((size_t)s->q->n_pos * s->nn);
    size_t head = 0, tail = 0;

    for (uint32_t k = 0; k < s->q->first.n; k++) {
        size_t base = (size_t)s->q->first.v[k] * s->nn;
        for (size_t n = 0; n < s->nn; n++) {
            if (s->dist[base + n] != INF && !bc_query_bit(seen, base + n)) {
                bc_qset_add(seen, base + n);
                bc_qset_add(out->nodes, n);
                s->queue[tail++] = (uint32_t)(base + n);
            }
        }
    }
    while (head < tail) {
        uint32_t st = s->queue[head++];
        tail = visit_succs(s, seen, out, (BcNodeId)(st % s->nn), (uint32_t)(st / s->nn), tail);
    }
    free(seen);
}

int bc_query_subgraph(const BcQuery *q, const BcGraph *g,
                      BcQuerySubgraph *out, BcQueryError *err)
{
    Search s;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = search_start(&s, q, g, err)) < 0) {
        return rc;
    }
    out->nodes = bc_qset_new(g->nodes.n);
    out->edges = bc_qset_new(g->edges.n);
    search_forward(&s, out);
    search_free(&s);
    return 0;
}

void bc_query_subgraph_free(BcQuerySubgraph *s)
{
    if (s) {
        free(s->nodes);
        free(s->edges);
        s->nodes = s->edges = NULL;
    }
}
