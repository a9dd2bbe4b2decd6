/*
 * graph-build.c - merge TU facts into one whole-program graph
 *
 * Symbols become nodes by USR.  A node's labels are the union of the labels
 * of every declaration in every TU, each through the config's aliases, plus
 * cfg->external_labels (by function name) and polling_fn for the configured
 * polling functions.  Calls become CALL / SLOT_CALL edges; address-taken
 * records with a known slot become POINTS_TO edges slot -> function.
 * Records with an unknown slot make no edge: rules that care (BC003, BC010)
 * read them from g->tus.
 *
 * A header's static inline function or static vtable is seen once per TU
 * that includes it, with the same USR and position: identical edges are
 * merged so that each call site is one edge.
 */
#include "graph.h"
#include "hash.h"
#include "index-set.h"

#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "xalloc.h"

/* The edges so far, hashed by content, to merge duplicates. */
typedef BcIndexSet EdgeSet;

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

static uint64_t str_hash(const char *s)
{
    return s ? bc_hash_str(s) : 0;
}

static uint64_t edge_hash(const BcEdge *e)
{
    uint64_t h = mix(e->from, e->to);

    h = mix(h, (uint64_t)e->kind << 32 | e->loc.line);
    h = mix(h, e->loc.col);
    return mix(h, str_hash(e->loc.file));
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool edge_equal(const BcEdge *a, const BcEdge *b)
{
    return a->from == b->from && a->to == b->to && a->kind == b->kind &&
           a->loc.line == b->loc.line && a->loc.col == b->loc.col &&
           a->lock_state == b->lock_state && a->lock_may == b->lock_may &&
           a->in_coroutine_check == b->in_coroutine_check &&
           same_str(a->loc.file, b->loc.file);
}

static uint64_t stored_edge_hash(const void *g, uint32_t idx)
{
    return edge_hash(&((const BcGraph *)g)->edges.v[idx]);
}

static bool stored_edge_equal(const void *g, uint32_t idx, const void *e)
{
    return edge_equal(&((const BcGraph *)g)->edges.v[idx], e);
}

static const BcIndexSetOps edge_set_ops = { stored_edge_hash, stored_edge_equal };

/* Append @e unless an identical edge exists. */
static void add_edge_once(BcGraph *g, EdgeSet *s, const BcEdge *e)
{
    uint64_t h = edge_hash(e);

    if (!bc_index_set_contains(s, g, h, e)) {
        bc_graph_add_edge(g, e);
        bc_index_set_add(s, g, (uint32_t)(g->edges.n - 1), h);
    }
}

/* ---- nodes ------------------------------------------------------------- */

static void add_symbols(BcGraph *g, const BcTuFacts *tu)
{
    bc_vec_foreach_const(&tu->symbols, s) {
        BcNodeId id = bc_graph_intern(g, s->usr, s->name, s->kind);
        BcNode *n = &g->nodes.v[id];

        if (s->qual_name && n->qual_name == n->name) {
            n->qual_name = s->qual_name;
        }
        n->is_static |= s->is_static;
        n->is_defined |= s->has_body_here;
    }
}

static void add_decls(BcGraph *g, const BcTuFacts *tu, const BcConfig *cfg)
{
    bc_vec_foreach_const(&tu->decls, d) {
        BcNodeId id = bc_graph_intern(g, d->usr, NULL, BC_SYM_FUNCTION);
        BcNode *n = &g->nodes.v[id];

        if (d->is_definition) {
            n->is_defined |= n->kind == BC_SYM_FUNCTION;
            n->loc = d->loc;
        } else if (!n->loc.file) {
            n->loc = d->loc;
        }
        for (uint32_t i = 0; i < d->n_labels; i++) {
            bc_graph_add_label(g, id, bc_config_canonical_label(cfg, d->labels[i]));
        }
    }
}

/* Labels from the config: external_labels and polling_functions, by name. */
static void add_config_labels(BcGraph *g, const BcConfig *cfg)
{
    if (!cfg) {
        return;
    }
    for (BcNodeId id = 0; id < g->nodes.n; id++) {
        const char *name = g->nodes.v[id].name;

        if (g->nodes.v[id].kind != BC_SYM_FUNCTION) {
            continue;
        }
        for (size_t i = 0; i < cfg->external_labels.n; i++) {
            if (strcmp(cfg->external_labels.v[i].from, name) == 0) {
                bc_graph_add_label(g, id, bc_config_canonical_label(
                                       cfg, cfg->external_labels.v[i].to));
            }
        }
        if (BC_CONFIG_HAS(cfg, polling_functions, name)) {
            bc_graph_add_label(g, id, "polling_fn");
        }
    }
}

/* ---- edges ------------------------------------------------------------- */

static void add_calls(BcGraph *g, EdgeSet *set, const BcTuFacts *tu)
{
    bc_vec_foreach_const(&tu->calls, c) {
        BcEdge e = { 0 };

        if (c->kind == BC_CALL_UNKNOWN || !c->callee_usr || !c->caller_usr) {
            continue;
        }
        e.from = bc_graph_intern(g, c->caller_usr, NULL, BC_SYM_FUNCTION);
        e.to = bc_graph_intern(g, c->callee_usr, c->callee_name,
                               c->kind == BC_CALL_SLOT ? BC_SYM_FIELD : BC_SYM_FUNCTION);
        e.kind = c->kind == BC_CALL_SLOT ? BC_EDGE_SLOT_CALL : BC_EDGE_CALL;
        e.loc = c->loc;
        e.lock_state = c->lock_state;
        e.lock_may = c->lock_may;
        e.in_coroutine_check = c->in_coroutine_check;
        e.call = c;
        add_edge_once(g, set, &e);
    }
}

static void add_addrs(BcGraph *g, EdgeSet *set, const BcTuFacts *tu)
{
    bc_vec_foreach_const(&tu->addrs, a) {
        BcEdge e = { 0 };

        if (!a->slot_usr || !a->func_usr) {
            continue;
        }
        e.from = bc_graph_intern(g, a->slot_usr, NULL, BC_SYM_FIELD);
        e.to = bc_graph_intern(g, a->func_usr, NULL, BC_SYM_FUNCTION);
        e.kind = BC_EDGE_POINTS_TO;
        e.loc = a->loc;
        e.addr = a;
        add_edge_once(g, set, &e);
    }
}

BcGraph *bc_graph_build(BcTuFacts **tus, size_t n, const BcConfig *cfg)
{
    BcGraph *g = bc_graph_new();
    EdgeSet set;

    bc_index_set_init(&set, &edge_set_ops);
    for (size_t i = 0; i < n; i++) {
        bc_vec_push(&g->tus, tus[i]);
        if (tus[i]->status != BC_TU_FAILED) {
            add_symbols(g, tus[i]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (tus[i]->status != BC_TU_FAILED) {
            add_decls(g, tus[i], cfg);
        }
    }
    add_config_labels(g, cfg);
    for (size_t i = 0; i < n; i++) {
        if (tus[i]->status != BC_TU_FAILED) {
            add_calls(g, &set, tus[i]);
            add_addrs(g, &set, tus[i]);
        }
    }
    /* Functions first seen as a callee only (externals) get config labels too. */
    add_config_labels(g, cfg);
    bc_index_set_destroy(&set);
    bc_graph_finish(g);
    return g;
}
