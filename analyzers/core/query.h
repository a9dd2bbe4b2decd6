/*
 * query.h - the path query language over the call graph (DESIGN §6.3)
 *
 * Context: any thread.  A compiled BcQuery is immutable after parsing and
 * evaluation only reads the graph, so one query may be evaluated on one
 * finished graph from several threads at once.  Each call allocates its own
 * scratch memory; results are owned by the caller.
 *
 * A *matcher* selects a set of graph nodes:
 *
 *   coroutine_fn          label: a canonical label or any raw label string
 *   code_class:io         (labels may contain ':')
 *   "aio_poll"            exact name (or qualified slot name)
 *   /^bdrv_co_/           POSIX extended regex, searched in the name
 *   .                     any node
 *   !m                    complement
 *   [a, b]  [a | b]       conjunction, disjunction (',' binds tighter)
 *   m:callers  m:callees  direct neighbours of the set (any edge kind)
 *   m:all_callers  m:all_callees   transitive (one edge or more)
 *
 * A *path expression* is a regular expression whose letters are matchers,
 * read caller to callee: juxtaposition is sequence, `e*` `e+` `e?`
 * repetition, `(e)` grouping, `a | b` alternation and `...` any run of
 * nodes (zero or more).  A path is a walk n0 -> n1 -> ... along graph edges
 * (direct calls, calls through slots and slot -> function POINTS_TO edges)
 * whose node sequence the expression matches; each matcher consumes one
 * node.
 *
 * Evaluation is a breadth-first search over (node, automaton position)
 * pairs, linear in graph size times query size; it never enumerates paths.
 * For every start node that begins some match, the paths result holds one
 * shortest matching path; results are ordered by length, then name.
 */
#ifndef BC_QUERY_H
#define BC_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "graph.h"

typedef struct BcQuery BcQuery;

/* A parse or evaluation error: byte offset into the query and a message. */
typedef struct BcQueryError {
    size_t pos;
    char msg[200];
} BcQueryError;

/*
 * Parse and compile a path expression / a single matcher.
 * Returns: the query, or NULL with @err filled (position and what was
 * expected).  Any thread.
 */
BcQuery *bc_query_parse_path(const char *src, BcQueryError *err);
BcQuery *bc_query_parse_matcher(const char *src, BcQueryError *err);
/* Free @q.  NULL is a no-op. */
void bc_query_free(BcQuery *q);

/* Labels the query names (in source order), for "no node has label" notes. */
size_t bc_query_n_labels(const BcQuery *q);
const char *bc_query_label(const BcQuery *q, size_t i);

/* One matching path: n_nodes nodes and the n_nodes - 1 edges between them. */
typedef struct BcQueryPath {
    uint32_t n_nodes;
    BcNodeId *nodes;
    uint32_t *edges;        /* indexes into g->edges */
} BcQueryPath;

typedef struct BcQueryPaths {
    BcQueryPath *v;
    size_t n;
    size_t n_total;         /* start nodes with a match (n <= n_total) */
} BcQueryPaths;

/*
 * Find shortest matching paths of the path query @q in the finished graph
 * @g, at most @limit of them (0: no limit).
 * Returns: 0, or -E2BIG (with @err) when graph size times query size is too
 * large to search.  Any thread; @g is only read.
 */
int bc_query_paths(const BcQuery *q, const BcGraph *g, size_t limit,
                   BcQueryPaths *out, BcQueryError *err);
void bc_query_paths_free(BcQueryPaths *p);

/*
 * Nodes matched by the matcher query @q (from bc_query_parse_matcher), in
 * id order, in a malloc'ed array stored in *@out.
 * Returns: their number.  Any thread.
 */
size_t bc_query_nodes(const BcQuery *q, const BcGraph *g, BcNodeId **out);

/* The union of every matching path: bitsets over nodes and edges. */
typedef struct BcQuerySubgraph {
    uint64_t *nodes;        /* bit i: node i is on some matching path */
    uint64_t *edges;        /* bit i: g->edges.v[i] is on some matching path */
} BcQuerySubgraph;

/* Returns: 0, or -E2BIG like bc_query_paths().  Any thread. */
int bc_query_subgraph(const BcQuery *q, const BcGraph *g,
                      BcQuerySubgraph *out, BcQueryError *err);
void bc_query_subgraph_free(BcQuerySubgraph *s);

static inline bool bc_query_bit(const uint64_t *set, size_t i)
{
    return (set[i / 64] >> (i % 64)) & 1;
}

/*
 * Formatting (query/print.c): write to @out, never to stdout/stderr.
 * A path prints as "a -> b -> c" then one "  file:line:col: a -> b" line
 * per hop; the subgraph prints as a Graphviz digraph.
 */
void bc_query_print_path(FILE *out, const BcGraph *g, const BcQueryPath *p);
/* One hop line: "  file:line:col: from -> to" (+ a note for pointer edges). */
void bc_query_print_edge(FILE *out, const BcGraph *g, uint32_t edge);
void bc_query_print_dot(FILE *out, const BcGraph *g, const BcQuerySubgraph *s);
/* Display name of a node: the qualified name for slots, else the name. */
const char *bc_query_node_name(const BcGraph *g, BcNodeId id);

#endif
