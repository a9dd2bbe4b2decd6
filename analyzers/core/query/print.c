/*
 * print.c - text and Graphviz formatting of query results
 *
 * Writes only to the FILE the caller passes.  Locations print as
 * file:line:col so editors can jump to each hop.
 */
#include "query-int.h"

#include <string.h>

const char *bc_query_node_name(const BcGraph *g, BcNodeId id)
{
    const BcNode *n = bc_graph_node(g, id);

    return n->kind != BC_SYM_FUNCTION && n->qual_name ? n->qual_name : n->name;
}

static void print_loc(FILE *out, const BcLoc *loc)
{
    if (loc->file) {
        fprintf(out, "%s:%u:%u", loc->file, loc->line, loc->col);
    } else {
        fputs("<unknown location>", out);
    }
}

static const char *edge_note(BcEdgeKind k)
{
    switch (k) {
    case BC_EDGE_SLOT_CALL:
        return " (call through pointer)";
    case BC_EDGE_POINTS_TO:
        return " (stored in pointer)";
    default:
        return "";
    }
}

void bc_query_print_path(FILE *out, const BcGraph *g, const BcQueryPath *p)
{
    for (uint32_t i = 0; i < p->n_nodes; i++) {
        fprintf(out, "%s%s", i ? " -> " : "", bc_query_node_name(g, p->nodes[i]));
    }
    fputc('\n', out);
    for (uint32_t i = 0; i + 1 < p->n_nodes; i++) {
        bc_query_print_edge(out, g, p->edges[i]);
    }
}

void bc_query_print_edge(FILE *out, const BcGraph *g, uint32_t edge)
{
    const BcEdge *e = &g->edges.v[edge];

    fputs("  ", out);
    print_loc(out, &e->loc);
    fprintf(out, ": %s -> %s%s\n", bc_query_node_name(g, e->from),
            bc_query_node_name(g, e->to), edge_note(e->kind));
}

/* A Graphviz double-quoted string body. */
static void dot_escaped(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            fputc('\\', out);
        }
        fputc(*s, out);
    }
}

static void dot_node(FILE *out, const BcGraph *g, BcNodeId id)
{
    const BcNode *n = bc_graph_node(g, id);

    fprintf(out, "  n%u [label=\"", id);
    dot_escaped(out, bc_query_node_name(g, id));
    for (uint32_t i = 0; i < n->n_raw_labels; i++) {
        fputs(i ? ", " : "\\n", out);
        dot_escaped(out, n->raw_labels[i]);
    }
    fputc('"', out);
    if (n->kind != BC_SYM_FUNCTION) {
        fputs(", shape=ellipse, style=dashed", out);
    }
    fputs("];\n", out);
}

static void dot_edge(FILE *out, const BcGraph *g, uint32_t ei)
{
    const BcEdge *e = &g->edges.v[ei];

    fprintf(out, "  n%u -> n%u [", e->from, e->to);
    if (e->loc.file) {
        fputs("tooltip=\"", out);
        dot_escaped(out, e->loc.file);
        fprintf(out, ":%u:%u\"", e->loc.line, e->loc.col);
    }
    if (e->kind == BC_EDGE_POINTS_TO) {
        fputs(e->loc.file ? ", style=dashed" : "style=dashed", out);
    }
    fputs("];\n", out);
}

void bc_query_print_dot(FILE *out, const BcGraph *g, const BcQuerySubgraph *s)
{
    fputs("digraph blkcheck_query {\n  node [shape=box, fontname=\"monospace\"];\n", out);
    for (size_t i = 0; i < g->nodes.n; i++) {
        if (bc_query_bit(s->nodes, i)) {
            dot_node(out, g, (BcNodeId)i);
        }
    }
    for (size_t i = 0; i < g->edges.n; i++) {
        if (bc_query_bit(s->edges, i)) {
            dot_edge(out, g, (uint32_t)i);
        }
    }
    fputs("}\n", out);
}
