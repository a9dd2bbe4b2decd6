/*
 * match.c - node matchers -> node sets
 *
 * A matcher evaluates once per query to a bitset over the graph's nodes, so
 * the product search tests membership with one bit.  Sets derived from the
 * graph (:callers, :all_callees, ...) follow every edge kind, slots
 * included: the callers of a vtable implementation are the slots it was
 * stored in, whose callers are the functions that call through them.
 */
#include "query-int.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static bool has_raw_label(const BcNode *n, const char *label)
{
    for (uint32_t i = 0; i < n->n_raw_labels; i++) {
        if (strcmp(n->raw_labels[i], label) == 0) {
            return true;
        }
    }
    return false;
}

static bool leaf_matches(const BcMatcher *m, const BcNode *n)
{
    switch (m->kind) {
    case BC_M_LABEL:
        return m->canon >= 0 ? bc_node_has(n, (BcLabel)m->canon) : has_raw_label(n, m->text);
    case BC_M_NAME:
        return strcmp(n->name, m->text) == 0 ||
               (n->qual_name && strcmp(n->qual_name, m->text) == 0);
    case BC_M_REGEX:
        return regexec(m->re, n->name, 0, NULL, 0) == 0 ||
               (n->qual_name && n->qual_name != n->name &&
                regexec(m->re, n->qual_name, 0, NULL, 0) == 0);
    default:
        return true;    /* BC_M_ANY */
    }
}

static uint64_t *eval_leaf(const BcMatcher *m, const BcGraph *g)
{
    uint64_t *set = bc_qset_new(g->nodes.n);

    for (size_t i = 0; i < g->nodes.n; i++) {
        if (leaf_matches(m, &g->nodes.v[i])) {
            bc_qset_add(set, i);
        }
    }
    return set;
}

/* Clear the bits past the last node so complements stay exact. */
static void mask_tail(uint64_t *set, size_t n)
{
    if (n % 64) {
        set[n / 64] &= (UINT64_C(1) << (n % 64)) - 1;
    }
}

static uint64_t *eval_bool(const BcMatcher *m, const BcGraph *g)
{
    size_t w = bc_qset_words(g->nodes.n);
    uint64_t *a = bc_qmatch_eval(m->a, g), *b;

    if (m->kind == BC_M_NOT) {
        for (size_t i = 0; i < w; i++) {
            a[i] = ~a[i];
        }
        mask_tail(a, g->nodes.n);
        return a;
    }
    b = bc_qmatch_eval(m->b, g);
    for (size_t i = 0; i < w; i++) {
        a[i] = m->kind == BC_M_AND ? a[i] & b[i] : a[i] | b[i];
    }
    free(b);
    return a;
}

/* One step along every edge: callers (backward) or callees (forward). */
static uint64_t *neighbours(const uint64_t *set, const BcGraph *g, bool backward)
{
    uint64_t *out = bc_qset_new(g->nodes.n);

    for (size_t i = 0; i < g->edges.n; i++) {
        const BcEdge *e = &g->edges.v[i];
        BcNodeId from = backward ? e->to : e->from, to = backward ? e->from : e->to;
        if (bc_query_bit(set, from)) {
            bc_qset_add(out, to);
        }
    }
    return out;
}

/* Nodes reachable from @set by one or more edges (BFS on the CSR index). */
static uint64_t *closure(const uint64_t *set, const BcGraph *g, bool backward)
{
    uint64_t *out = bc_qset_new(g->nodes.n);
    BcNodeId *queue = bc_xmalloc((2 * g->nodes.n + 1) * sizeof(BcNodeId));
    size_t head = 0, tail = 0;

    for (size_t i = 0; i < g->nodes.n; i++) {
        if (bc_query_bit(set, i)) {
            queue[tail++] = (BcNodeId)i;
        }
    }
    while (head < tail) {
        BcNodeId id = queue[head++];
        const BcNode *n = bc_graph_node(g, id);
        uint32_t deg = backward ? n->n_in : n->n_out;
        for (uint32_t i = 0; i < deg; i++) {
            const BcEdge *e = backward ? bc_graph_in_edge(g, id, i) : bc_graph_out_edge(g, id, i);
            BcNodeId next = backward ? e->from : e->to;
            if (!bc_query_bit(out, next)) {
                bc_qset_add(out, next);
                queue[tail++] = next;   /* each node enters at most twice */
            }
        }
    }
    free(queue);
    return out;
}

static uint64_t *eval_suffix(const BcMatcher *m, const BcGraph *g)
{
    uint64_t *a = bc_qmatch_eval(m->a, g), *r;

    switch (m->suffix) {
    case BC_SUF_CALLERS:
        r = neighbours(a, g, true);
        break;
    case BC_SUF_CALLEES:
        r = neighbours(a, g, false);
        break;
    case BC_SUF_ALL_CALLERS:
        r = closure(a, g, true);
        break;
    default:
        r = closure(a, g, false);
        break;
    }
    free(a);
    return r;
}

uint64_t *bc_qmatch_eval(const BcMatcher *m, const BcGraph *g)
{
    switch (m->kind) {
    case BC_M_NOT:
    case BC_M_AND:
    case BC_M_OR:
        return eval_bool(m, g);
    case BC_M_SUFFIX:
        return eval_suffix(m, g);
    default:
        return eval_leaf(m, g);
    }
}
