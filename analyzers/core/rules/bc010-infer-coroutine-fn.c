/*
 * bc010-infer-coroutine-fn.c - BC010: suggest coroutine_fn / coroutine_mixed_fn
 *
 * For a defined function without a coroutine marker (not coroutine_fn,
 * coroutine_mixed_fn, no_coroutine_fn, polling_fn or a wrapper) that calls
 * coroutine_fn code (directly or through a coroutine_fn pointer):
 *   - if every such call is under the in-coroutine check, suggest
 *     coroutine_mixed_fn;
 *   - otherwise, if it has at least one caller and every caller is
 *     coroutine_fn (call edges from coroutine_fn functions or under the
 *     in-coroutine check; coroutine_fn pointers it is stored in), and its
 *     address never escapes to a parameter the front end could not name,
 *     suggest coroutine_fn.
 * Only direct callers count: once the suggestion is applied, the next run
 * may suggest the mark for the callers' callers.
 *
 * Fix-it: insert "coroutine_fn " (or "coroutine_mixed_fn ") immediately
 * before the function's name, in the definition and in every declaration
 * (so the result does not trip BC008).  That spot is QEMU's own style
 * (`int coroutine_fn foo(void)`), and is valid C after a `*`.  The
 * definition's fix-it comes first, then the declarations' (TU order, then
 * source order).
 * docs/rules/BC010.md.
 */
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "rules/rule-util.h"
#include "xalloc.h"

typedef enum Suggest { NONE, MIXED, COROUTINE } Suggest;

static bool has_marker(const BcNode *n)
{
    /* A coroutine_fn or no_coroutine_fn label that is not "coroutine" or
     * "no coroutine" comes with a mixed one: bc_is_mixed() holds. */
    return bc_is_coroutine(n) || bc_is_mixed(n) || bc_is_no_coroutine(n) ||
           bc_node_has(n, BC_L_POLLING_FN);
}

static bool only_coroutine_callers(const BcGraph *g, BcNodeId id)
{
    const BcNode *n = bc_graph_node(g, id);

    for (uint32_t i = 0; i < n->n_in; i++) {
        const BcEdge *e = bc_graph_in_edge(g, id, i);
        const BcNode *from = bc_graph_node(g, e->from);
        if (e->kind == BC_EDGE_CALL ? !(bc_is_coroutine(from) || e->in_coroutine_check)
                                    : !bc_is_coroutine(from)) {
            return false;
        }
    }
    return n->n_in > 0;
}

static Suggest suggestion(const BcGraph *g, BcNodeId id, const uint8_t *escapes)
{
    const BcNode *n = bc_graph_node(g, id);
    unsigned co_calls = 0, guarded = 0;

    /* Slots and functions without a body here or elsewhere have no call
     * edges out: no co_calls below. */
    if (has_marker(n)) {
        return NONE;
    }
    for (uint32_t i = 0; i < n->n_out; i++) {
        const BcEdge *e = bc_graph_out_edge(g, id, i);
        if (e->kind != BC_EDGE_POINTS_TO && bc_is_coroutine(bc_graph_node(g, e->to))) {
            co_calls++;
            guarded += e->in_coroutine_check;
        }
    }
    if (!co_calls) {
        return NONE;
    }
    if (guarded == co_calls) {
        return MIXED;
    }
    return !escapes[id] && only_coroutine_callers(g, id) ? COROUTINE : NONE;
}

typedef BC_VEC(BcFixit) Fixits;

static bool loc_eq(BcLoc a, BcLoc b)
{
    return a.line == b.line && a.col == b.col &&
           strcmp(a.file ? a.file : "", b.file ? b.file : "") == 0;
}

static void add_fixit(Fixits *f, BcLoc loc, const char *text)
{
    BcFixit x = { loc, text };

    if (!loc.file) {            /* no position (libclang gives line 0 with it) */
        return;
    }
    bc_vec_foreach(f, it) {
        if (loc_eq(it->loc, loc)) {
            return;
        }
    }
    bc_vec_push(f, x);
}

static void report(const BcGraph *g, const BcConfig *cfg, BcNodeId id, Suggest s,
                   const Fixits *fx, BcFindings *out)
{
    const BcNode *n = bc_graph_node(g, id);
    const char *mark = s == MIXED ? "coroutine_mixed_fn" : "coroutine_fn";
    BcReport r = { .rule = &bc_rule_bc010, .loc = n->loc, .function = n->name, .function_usr = n->usr,
                   .key = mark, .fixit = fx->v, .n_fixits = (uint32_t)fx->n };

    if (s == MIXED) {
        bc_report(out, cfg, &r, "'%s' calls coroutine_fn code only under the in-coroutine "
                  "check: mark it coroutine_mixed_fn", n->name);
    } else {
        bc_report(out, cfg, &r, "'%s' calls coroutine_fn code and is only called from "
                  "coroutine_fn code: mark it coroutine_fn", n->name);
    }
}

static const char *mark_text(Suggest s)
{
    return s == MIXED ? "coroutine_mixed_fn " : "coroutine_fn ";
}

/* The fix-its of every suggested function: its definition's first, then
 * its declarations' in TU order (the compile database's), then source
 * order; each position once. */
static void collect_fixits(const BcGraph *g, const uint8_t *sugg, Fixits *fx)
{
    for (BcNodeId id = 0; id < g->nodes.n; id++) {
        if (sugg[id] != NONE) {
            add_fixit(&fx[id], bc_graph_node(g, id)->loc, mark_text((Suggest)sugg[id]));
        }
    }
    for (size_t t = 0; t < g->tus.n; t++) {
        bc_vec_foreach_const(&g->tus.v[t]->decls, d) {
            BcNodeId id = bc_graph_lookup(g, d->usr);
            if (id != BC_NO_NODE && sugg[id] != NONE) {
                add_fixit(&fx[id], d->loc, mark_text((Suggest)sugg[id]));
            }
        }
    }
}

static void mark_escapes(const BcGraph *g, uint8_t *escapes)
{
    for (size_t t = 0; t < g->tus.n; t++) {
        bc_vec_foreach_const(&g->tus.v[t]->addrs, a) {
            BcNodeId f = a->slot_usr ? BC_NO_NODE : bc_graph_lookup(g, a->func_usr);
            if (f != BC_NO_NODE) {
                escapes[f] = 1;
            }
        }
    }
}

static void run(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    uint8_t *escapes = bc_xcalloc(g->nodes.n + 1, 1), *sugg = bc_xcalloc(g->nodes.n + 1, 1);
    Fixits *fx = bc_xcalloc(g->nodes.n + 1, sizeof(*fx));

    mark_escapes(g, escapes);
    for (BcNodeId id = 0; id < g->nodes.n; id++) {
        sugg[id] = (uint8_t)suggestion(g, id, escapes);
    }
    collect_fixits(g, sugg, fx);
    for (BcNodeId id = 0; id < g->nodes.n; id++) {
        if (sugg[id] != NONE) {
            report(g, cfg, id, (Suggest)sugg[id], &fx[id], out);
        }
        bc_vec_free(&fx[id]);
    }
    free(fx);
    free(escapes);
    free(sugg);
}
const BcRule bc_rule_bc010 = {
    .number = 10, .id = "BC010", .name = "infer-coroutine-fn",
    .summary = "suggest coroutine_fn or coroutine_mixed_fn for functions that call coroutine "
               "code only from coroutine context",
    .default_severity = BC_SEV_NOTE, .scope = BC_RULE_TU_CALLERS, .run = run,
};
