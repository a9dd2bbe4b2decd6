/*
 * graph.h - the whole-program call graph
 *
 * Context: built once by one thread (graph-build.c from TU facts, or by hand
 * through the low-level calls below), then read-only: rules and queries may
 * read it from several threads at once.
 *
 * Nodes are the symbols of every TU merged by USR: functions, and the
 * function-pointer slots (fields, variables, parameters) that calls go
 * through.  Edges run from caller to callee:
 *
 *   BC_EDGE_CALL       function -> function, a direct call
 *   BC_EDGE_SLOT_CALL  function -> slot, a call through a function pointer
 *   BC_EDGE_POINTS_TO  slot -> function, the function was stored in the slot
 *                      (initializer, assignment, argument)
 *
 * so a path from a function through a vtable field to each implementation
 * is an ordinary path.  Each node carries its labels as canonical bits
 * (after config aliases) plus the raw label strings, which the query
 * language can name too.
 *
 * Storage is flat: nodes[] and edges[] arrays, and after bc_graph_finish()
 * CSR indexes out[]/in[] so that a node's out-edges are
 * edges[out[node->out_begin .. node->out_begin + node->n_out - 1]].
 */
#ifndef BC_GRAPH_H
#define BC_GRAPH_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "facts.h"
#include "labels.h"

typedef uint32_t BcNodeId;
#define BC_NO_NODE UINT32_MAX

typedef struct BcNode {
    const char *usr;
    const char *name;
    const char *qual_name;
    BcSymbolKind kind;
    bool is_static;
    bool is_defined;        /* some TU has the body */
    BcLoc loc;              /* definition if any, else first declaration */
    uint64_t labels;        /* BC_LBIT(BcLabel) bits */
    const char **raw_labels;/* every label string seen, after aliasing */
    uint32_t n_raw_labels;
    uint32_t out_begin, n_out;   /* into BcGraph.out (after finish) */
    uint32_t in_begin, n_in;     /* into BcGraph.in (after finish) */
} BcNode;

typedef enum BcEdgeKind {
    BC_EDGE_CALL,
    BC_EDGE_SLOT_CALL,
    BC_EDGE_POINTS_TO,
} BcEdgeKind;

typedef struct BcEdge {
    BcNodeId from, to;
    BcEdgeKind kind;
    BcLoc loc;                  /* call expression, or where the address was taken */
    uint32_t lock_state;        /* BC_LOCK_* on every path to the call (calls only) */
    uint32_t lock_may;          /* ... on some path */
    bool in_coroutine_check;    /* calls only */
    const BcCall *call;         /* source record, NULL for hand-built edges */
    const BcAddrTaken *addr;    /* source record for POINTS_TO, or NULL */
} BcEdge;

typedef struct BcGraph {
    BcArena *arena;             /* nodes' strings and small arrays */
    BC_VEC(BcNode) nodes;
    BC_VEC(BcEdge) edges;
    uint32_t *out, *in;         /* edge indexes grouped by node (CSR) */
    bool finished;
    struct BcStrMap *by_usr;    /* private: usr -> node */

    /* The facts the graph was built from (owned), for rules that need the
     * per-declaration records (BC008) or polling points (BC004/BC005). */
    BC_VEC(BcTuFacts *) tus;
} BcGraph;

/* Low level: an empty graph; add nodes and edges; then finish. */
BcGraph *bc_graph_new(void);
/* Free @g with its facts.  NULL is a no-op. */
void bc_graph_free(BcGraph *g);
/*
 * Node with @usr, created with @name/@kind if absent (strings are copied).
 * Returns: its id.
 */
BcNodeId bc_graph_intern(BcGraph *g, const char *usr, const char *name, BcSymbolKind kind);
/* Node with @usr, or BC_NO_NODE. */
BcNodeId bc_graph_lookup(const BcGraph *g, const char *usr);
/* Add a raw label string to @id (deduplicated; sets the canonical bit if any). */
void bc_graph_add_label(BcGraph *g, BcNodeId id, const char *label);
/* Append an edge (copied).  Only before bc_graph_finish(). */
void bc_graph_add_edge(BcGraph *g, const BcEdge *e);
/* Deduplicate nothing, build the out/in indexes.  Call once. */
void bc_graph_finish(BcGraph *g);

/*
 * Merge the facts of @n TUs into one finished graph (graph-build.c):
 * symbols by USR, labels from every declaration (config aliases applied,
 * cfg->external_labels added), call edges, points-to edges from
 * address-taken records.  Ownership of @tus passes to the graph
 * (g->tus); TUs with status BC_TU_FAILED are kept for reporting only (they
 * carry no facts: extract.h, so the rules need not skip them).
 */
struct BcConfig;
BcGraph *bc_graph_build(BcTuFacts **tus, size_t n, const struct BcConfig *cfg);

static inline const BcNode *bc_graph_node(const BcGraph *g, BcNodeId id)
{
    return &g->nodes.v[id];
}

static inline bool bc_node_has(const BcNode *n, BcLabel l)
{
    return (n->labels & BC_LBIT(l)) != 0;
}

/* Out-/in-edge @i of node @id (0 <= i < n_out / n_in). */
static inline const BcEdge *bc_graph_out_edge(const BcGraph *g, BcNodeId id, uint32_t i)
{
    return &g->edges.v[g->out[g->nodes.v[id].out_begin + i]];
}

static inline const BcEdge *bc_graph_in_edge(const BcGraph *g, BcNodeId id, uint32_t i)
{
    return &g->edges.v[g->in[g->nodes.v[id].in_begin + i]];
}

#endif
