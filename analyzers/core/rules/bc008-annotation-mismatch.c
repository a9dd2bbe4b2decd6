/*
 * bc008-annotation-mismatch.c - BC008: annotations that disagree
 *
 * a. Declarations of one function (same USR, any TU, header or source)
 *    whose coroutine or graph-lock annotations differ from the definition's
 *    (or, without a definition, from the first declaration's).  Compared:
 *    coroutine_fn, coroutine_mixed_fn, no_coroutine_fn, GRAPH_RDLOCK,
 *    GRAPH_WRLOCK, GRAPH_UNLOCKED, with wrapper markers read as what they
 *    imply (co_wrapper = no_coroutine_fn, no_co_wrapper = coroutine_fn, the
 *    mixed ones = coroutine_mixed_fn + no_coroutine_fn).  Only the labels
 *    the config's conventions.repeat_on_definition lists are compared (all
 *    six by default; QEMU writes graph-lock labels once, on the prototype,
 *    and clang merges attributes across redeclarations).  A co_wrapper /
 *    no_co_wrapper function's definition is the generator's: not compared
 *    when conventions.wrapper_definitions_labelled is false (QEMU).  Reported at the definition with a note at each disagreeing
 *    declaration.
 * b. A GRAPH_WRLOCK function in a GRAPH_RDLOCK_PTR slot (callers through
 *    the pointer hold only the reader lock): always.  A function stored into
 *    a GRAPH_RDLOCK_PTR (GRAPH_WRLOCK_PTR) slot that is not GRAPH_RDLOCK
 *    (not GRAPH_RDLOCK or GRAPH_WRLOCK) -- weaker than the slot, which is
 *    safe, its callers hold more than it needs -- only when
 *    conventions.weaker_function_in_slot is set (the default).  Reported
 *    at the store.  The
 *    coroutine annotation of slots is BC003's.
 * docs/rules/BC008.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "rules/rule-util.h"
#include "xalloc.h"

typedef struct DeclRef {
    BcNodeId node;
    const BcDecl *d;
} DeclRef;

static const struct {
    BcLabel label;
    const char *spelling;
} compared[] = {
    { BC_L_COROUTINE_FN, "coroutine_fn" }, { BC_L_COROUTINE_MIXED_FN, "coroutine_mixed_fn" },
    { BC_L_NO_COROUTINE_FN, "no_coroutine_fn" }, { BC_L_GRAPH_RDLOCK, "GRAPH_RDLOCK" },
    { BC_L_GRAPH_WRLOCK, "GRAPH_WRLOCK" }, { BC_L_GRAPH_UNLOCKED, "GRAPH_UNLOCKED" },
};
#define N_COMPARED (sizeof(compared) / sizeof(compared[0]))

/* The compared labels a definition must repeat (conventions). */
static uint64_t compared_mask(const BcConfig *cfg)
{
    uint64_t keep = 0;

    for (size_t i = 0; i < N_COMPARED; i++) {
        if (bc_config_repeat_on_definition(cfg, bc_label_name(compared[i].label))) {
            keep |= BC_LBIT(compared[i].label);
        }
    }
    return keep;
}

static uint64_t decl_mask(const BcConfig *cfg, const BcDecl *d, uint64_t keep)
{
    uint64_t m = 0;

    for (uint32_t i = 0; i < d->n_labels; i++) {
        int l = bc_label_from_name(bc_config_canonical_label(cfg, d->labels[i]));
        m |= l >= 0 ? BC_LBIT(l) : 0;
    }
    if (m & (BC_LBIT(BC_L_NO_CO_WRAPPER) | BC_LBIT(BC_L_NO_CO_WRAPPER_BDRV_RDLOCK) |
             BC_LBIT(BC_L_NO_CO_WRAPPER_BDRV_WRLOCK))) {
        m |= BC_LBIT(BC_L_COROUTINE_FN);
    }
    if (m & (BC_LBIT(BC_L_CO_WRAPPER) | BC_LBIT(BC_L_CO_WRAPPER_BDRV_RDLOCK))) {
        m |= BC_LBIT(BC_L_NO_COROUTINE_FN);
    }
    if (m & (BC_LBIT(BC_L_CO_WRAPPER_MIXED) | BC_LBIT(BC_L_CO_WRAPPER_MIXED_BDRV_RDLOCK))) {
        m |= BC_LBIT(BC_L_NO_COROUTINE_FN) | BC_LBIT(BC_L_COROUTINE_MIXED_FN);
    }
    return m & keep;
}

static const char *spell(uint64_t m, char *buf, size_t size)
{
    size_t off = 0;

    buf[0] = 0;
    for (size_t i = 0; i < N_COMPARED; i++) {
        if ((m & BC_LBIT(compared[i].label)) && off < size) {
            off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? " " : "",
                                    compared[i].spelling);
        }
    }
    return off ? buf : "no annotation";
}

static int cmp_ref(const void *pa, const void *pb)
{
    const DeclRef *a = pa, *b = pb;
    int r;

    if (a->node != b->node) {
        return a->node < b->node ? -1 : 1;
    }
    if (a->d->is_definition != b->d->is_definition) {
        return a->d->is_definition ? -1 : 1;       /* definition first */
    }
    r = strcmp(a->d->loc.file ? a->d->loc.file : "", b->d->loc.file ? b->d->loc.file : "");
    return r ? r : (a->d->loc.line > b->d->loc.line) - (a->d->loc.line < b->d->loc.line);
}

static bool same_loc(BcLoc a, BcLoc b)
{
    return a.line == b.line && a.col == b.col &&
           strcmp(a.file ? a.file : "", b.file ? b.file : "") == 0;
}

/* Compare decls [i, j) of one node against the first one (the reference). */
/* Declared with a co_wrapper / no_co_wrapper marker: generated. */
static bool is_wrapper(const BcNode *n)
{
    return n->labels & (BC_LBIT(BC_L_CO_WRAPPER) | BC_LBIT(BC_L_CO_WRAPPER_MIXED) |
                        BC_LBIT(BC_L_CO_WRAPPER_BDRV_RDLOCK) |
                        BC_LBIT(BC_L_CO_WRAPPER_MIXED_BDRV_RDLOCK) |
                        BC_LBIT(BC_L_NO_CO_WRAPPER) | BC_LBIT(BC_L_NO_CO_WRAPPER_BDRV_RDLOCK) |
                        BC_LBIT(BC_L_NO_CO_WRAPPER_BDRV_WRLOCK));
}

static void check_node(const BcGraph *g, const BcConfig *cfg, const DeclRef *v, size_t i,
                       size_t j, uint64_t keep, BcFindings *out)
{
    const BcNode *n = bc_graph_node(g, v[i].node);
    uint64_t ref = decl_mask(cfg, v[i].d, keep);

    /* The generator writes a wrapper's definition from its marker; QEMU's
     * does not repeat the labels (conventions.wrapper_definitions_labelled). */
    if (cfg && !cfg->wrapper_definitions_labelled && is_wrapper(n) && v[i].d->is_definition) {
        return;
    }
    char a[128], b[128], key[300];

    for (size_t k = i + 1; k < j; k++) {
        uint64_t m = decl_mask(cfg, v[k].d, keep);
        BcHop hop = { n->name, NULL, v[k].d->loc, BC_HOP_DECL };
        BcReport r = { .rule = &bc_rule_bc008, .loc = v[i].d->loc, .function = n->name,
                       .function_usr = n->usr, .key = key, .path = &hop, .n_path = 1 };

        if (m == ref || same_loc(v[k].d->loc, v[k - 1].d->loc)) {
            continue;
        }
        const char *ref_labels = spell(ref, a, sizeof(a));
        hop.callee = spell(m, b, sizeof(b));
        snprintf(key, sizeof(key), "decl:%s|%s", ref_labels, hop.callee);
        bc_report(out, cfg, &r, "'%s' is %s with %s but declared with %s elsewhere", n->name,
                  v[i].d->is_definition ? "defined" : "declared", ref_labels, hop.callee);
    }
}

static void check_decls(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    BC_VEC(DeclRef) v = { 0 };
    uint64_t keep = compared_mask(cfg);

    for (size_t t = 0; t < g->tus.n; t++) {
        bc_vec_foreach_const(&g->tus.v[t]->decls, d) {
            DeclRef r = { bc_graph_lookup(g, d->usr), d };
            if (r.node != BC_NO_NODE && bc_is_function(bc_graph_node(g, r.node))) {
                bc_vec_push(&v, r);
            }
        }
    }
    /* Group by node with a counting sort (a header's declarations repeat in
     * every TU: most of the records), then order each small group. */
    size_t *start = bc_xcalloc(g->nodes.n + 1, sizeof(*start));
    DeclRef *sorted = bc_xmalloc((v.n ? v.n : 1) * sizeof(*sorted));
    bc_vec_foreach(&v, r) {
        start[r->node + 1]++;
    }
    for (size_t n = 0; n < g->nodes.n; n++) {
        start[n + 1] += start[n];
    }
    bc_vec_foreach(&v, r) {
        sorted[start[r->node]++] = *r;
    }
    for (size_t i = 0, j; i < v.n; i = j) {
        for (j = i + 1; j < v.n && sorted[j].node == sorted[i].node; j++) {
        }
        if (j - i > 1) {
            qsort(sorted + i, j - i, sizeof(*sorted), cmp_ref);
            check_node(g, cfg, sorted, i, j, keep, out);
        }
    }
    free(start);
    free(sorted);
    bc_vec_free(&v);
}

static void check_store(const BcGraph *g, const BcConfig *cfg, const BcEdge *e, BcFindings *out)
{
    const BcNode *slot = bc_graph_node(g, e->from), *fn = bc_graph_node(g, e->to);
    BcNodeId ctx = e->addr ? bc_graph_lookup(g, e->addr->context_usr) : BC_NO_NODE;
    bool rd = bc_node_has(fn, BC_L_GRAPH_RDLOCK), wr = bc_node_has(fn, BC_L_GRAPH_WRLOCK);
    const char *need = NULL, *tail = "";
    char key[512];
    BcReport r = { .rule = &bc_rule_bc008, .loc = e->loc, .key = key };

    bool weaker_counts = !cfg || cfg->weaker_function_in_slot;

    if (bc_node_has(slot, BC_L_GRAPH_RDLOCK_PTR) && wr) {
        need = "is GRAPH_WRLOCK but GRAPH_RDLOCK_PTR pointer";
        tail = " holds only the reader lock";
    } else if (bc_node_has(slot, BC_L_GRAPH_RDLOCK_PTR) && !rd && weaker_counts) {
        need = "is not GRAPH_RDLOCK but is stored in GRAPH_RDLOCK_PTR pointer";
    } else if (bc_node_has(slot, BC_L_GRAPH_WRLOCK_PTR) && !rd && !wr && weaker_counts) {
        need = "is not GRAPH_WRLOCK but is stored in GRAPH_WRLOCK_PTR pointer";
    }
    if (!need) {
        return;
    }
    snprintf(key, sizeof(key), "slot:%s<-%s", slot->qual_name, fn->usr);
    r.function = ctx != BC_NO_NODE ? bc_graph_node(g, ctx)->name : slot->qual_name;
    r.function_usr = ctx != BC_NO_NODE ? bc_graph_node(g, ctx)->usr : slot->usr;
    bc_report(out, cfg, &r, "'%s' %s '%s'%s", fn->name, need, slot->qual_name, tail);
}

static void run(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    check_decls(g, cfg, out);
    bc_vec_foreach_const(&g->edges, e) {
        if (e->kind == BC_EDGE_POINTS_TO) {
            check_store(g, cfg, e, out);
        }
    }
}

const BcRule bc_rule_bc008 = {
    .number = 8, .id = "BC008", .name = "annotation-mismatch",
    .summary = "declaration and definition disagree on a coroutine or graph-lock annotation, "
               "or a function lacks the annotation of the pointer it is stored in",
    .default_severity = BC_SEV_WARNING, .scope = BC_RULE_TU, .run = run,
};
