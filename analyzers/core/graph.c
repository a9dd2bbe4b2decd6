/*
 * graph.c - graph storage: node interning by USR, labels, edges, CSR indexes
 *
 * Building a graph from TU facts is graph-build.c; this file only knows
 * nodes and edges.
 */
#include "graph.h"
#include "strmap.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

BcGraph *bc_graph_new(void)
{
    BcGraph *g = bc_xcalloc(1, sizeof(*g));

    g->by_usr = bc_strmap_new();
    g->arena = bc_arena_new();
    return g;
}

void bc_graph_free(BcGraph *g)
{
    if (!g) {
        return;
    }
    for (size_t i = 0; i < g->tus.n; i++) {
        bc_facts_free(g->tus.v[i]);
    }
    bc_vec_free(&g->tus);
    bc_vec_free(&g->nodes);
    bc_vec_free(&g->edges);
    free(g->out);
    free(g->in);
    bc_strmap_free(g->by_usr);
    bc_arena_free(g->arena);
    free(g);
}

BcNodeId bc_graph_lookup(const BcGraph *g, const char *usr)
{
    long id = usr ? bc_strmap_get(g->by_usr, usr) : -1;

    return id < 0 ? BC_NO_NODE : (BcNodeId)id;
}

BcNodeId bc_graph_intern(BcGraph *g, const char *usr, const char *name, BcSymbolKind kind)
{
    BcNodeId id = bc_graph_lookup(g, usr);
    BcNode n = { 0 };

    if (id != BC_NO_NODE) {
        return id;
    }
    n.usr = bc_arena_strdup(g->arena, usr);
    n.name = bc_arena_strdup(g->arena, name ? name : usr);
    n.qual_name = n.name;
    n.kind = kind;
    bc_vec_push(&g->nodes, n);
    id = (BcNodeId)(g->nodes.n - 1);
    bc_strmap_put(g->by_usr, n.usr, (long)id);     /* the arena keeps n.usr */
    return id;
}

void bc_graph_add_label(BcGraph *g, BcNodeId id, const char *label)
{
    BcNode *n = &g->nodes.v[id];
    const char **labels;
    int canon;

    for (uint32_t i = 0; i < n->n_raw_labels; i++) {
        if (strcmp(n->raw_labels[i], label) == 0) {
            return;
        }
    }
    labels = BC_ARENA_NEW(g->arena, const char *, n->n_raw_labels + 1);
    if (n->n_raw_labels) {
        memcpy(labels, n->raw_labels, n->n_raw_labels * sizeof(*labels));
    }
    labels[n->n_raw_labels++] = bc_arena_strdup(g->arena, label);
    n->raw_labels = labels;
    canon = bc_label_from_name(label);
    if (canon >= 0) {
        n->labels |= BC_LBIT(canon);
    }
}

void bc_graph_add_edge(BcGraph *g, const BcEdge *e)
{
    bc_vec_push(&g->edges, *e);
}

void bc_graph_finish(BcGraph *g)
{
    size_t nn = g->nodes.n, ne = g->edges.n;
    uint32_t *out_fill, *in_fill;

    free(g->out);
    free(g->in);
    g->out = bc_xmalloc((ne ? ne : 1) * sizeof(uint32_t));
    g->in = bc_xmalloc((ne ? ne : 1) * sizeof(uint32_t));
    out_fill = bc_xcalloc(nn ? nn : 1, sizeof(uint32_t));
    in_fill = bc_xcalloc(nn ? nn : 1, sizeof(uint32_t));
    for (size_t i = 0; i < nn; i++) {
        g->nodes.v[i].n_out = g->nodes.v[i].n_in = 0;
    }
    for (size_t i = 0; i < ne; i++) {
        g->nodes.v[g->edges.v[i].from].n_out++;
        g->nodes.v[g->edges.v[i].to].n_in++;
    }
    for (size_t i = 0, o = 0, in = 0; i < nn; i++) {
        g->nodes.v[i].out_begin = (uint32_t)o;
        g->nodes.v[i].in_begin = (uint32_t)in;
        o += g->nodes.v[i].n_out;
        in += g->nodes.v[i].n_in;
    }
    /* Stable: edges keep their insertion order within each node. */
    for (size_t i = 0; i < ne; i++) {
        const BcEdge *e = &g->edges.v[i];
        g->out[g->nodes.v[e->from].out_begin + out_fill[e->from]++] = (uint32_t)i;
        g->in[g->nodes.v[e->to].in_begin + in_fill[e->to]++] = (uint32_t)i;
    }
    free(out_fill);
    free(in_fill);
    g->finished = true;
}
