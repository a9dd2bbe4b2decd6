/*
 * bc002-no-coroutine-call.c - BC002: a coroutine_fn calls no_coroutine_fn code
 *
 * A coroutine-only caller (coroutine_fn, no_co_wrapper*) calling, directly,
 * a function labelled no_coroutine_fn or a co_wrapper / co_wrapper_bdrv_rdlock
 * wrapper.  Decisions (docs/rules/BC002.md):
 *   - a co_wrapper_mixed* callee (or one labelled both no_coroutine_fn and
 *     coroutine_mixed_fn) is a finding by default: the wrapper carries
 *     no_coroutine_fn so that coroutine code calls the `_co_` twin instead
 *     of a wrapper that only happens to work there (DESIGN 6.2).  With
 *     conventions.mixed_wrappers_no_coroutine = false it is not;
 *   - a callee labelled polling_fn is BC004's (poll-in-coroutine), so the
 *     same call is not reported twice;
 *   - a coroutine_mixed_fn caller is not checked: the facts do not say
 *     which calls sit on its non-coroutine branch.
 */
#include "rules.h"
#include "rules/rule-util.h"

static bool co_wrapper_mixed(const BcNode *n)
{
    return bc_node_has(n, BC_L_CO_WRAPPER_MIXED) ||
           bc_node_has(n, BC_L_CO_WRAPPER_MIXED_BDRV_RDLOCK);
}

/* A mixed callee that still says no_coroutine_fn (co_wrapper_mixed*). */
static bool mixed_no_coroutine(const BcConfig *cfg, const BcNode *callee)
{
    if (cfg && !cfg->mixed_wrappers_no_coroutine) {
        return false;
    }
    return bc_is_mixed(callee) &&
           (bc_node_has(callee, BC_L_NO_COROUTINE_FN) || co_wrapper_mixed(callee));
}

static void check_caller(const BcGraph *g, const BcConfig *cfg, BcNodeId id, BcFindings *out)
{
    const BcNode *caller = bc_graph_node(g, id);

    for (uint32_t i = 0; i < caller->n_out; i++) {
        const BcEdge *e = bc_graph_out_edge(g, id, i);
        const BcNode *callee = bc_graph_node(g, e->to);
        BcReport r = { .rule = &bc_rule_bc002, .loc = e->loc, .function = caller->name,
                       .function_usr = caller->usr, .key = callee->usr };
        bool wrapper = callee->labels & (BC_LBIT(BC_L_CO_WRAPPER) |
                                         BC_LBIT(BC_L_CO_WRAPPER_BDRV_RDLOCK));
        bool mixed = mixed_no_coroutine(cfg, callee);

        if (e->kind != BC_EDGE_CALL || !(bc_is_no_coroutine(callee) || mixed) ||
            bc_node_has(callee, BC_L_POLLING_FN)) {
            continue;
        }
        if (mixed) {
            bc_report(out, cfg, &r, "coroutine_fn '%s' calls %s '%s', which carries "
                      "no_coroutine_fn: call its coroutine_fn twin instead", caller->name,
                      co_wrapper_mixed(callee) ? "co_wrapper_mixed" : "mixed no_coroutine_fn",
                      callee->name);
            continue;
        }
        bc_report(out, cfg, &r, "coroutine_fn '%s' calls %s '%s'", caller->name,
                  wrapper ? "co_wrapper" : "no_coroutine_fn", callee->name);
    }
}

static void run(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    for (BcNodeId id = 0; id < g->nodes.n; id++) {
        const BcNode *n = bc_graph_node(g, id);
        if (bc_is_function(n) && bc_is_coroutine(n)) {
            check_caller(g, cfg, id, out);
        }
    }
}

const BcRule bc_rule_bc002 = {
    .number = 2, .id = "BC002", .name = "no-coroutine-call",
    .summary = "coroutine_fn calls a no_coroutine_fn function or a co_wrapper",
    .default_severity = BC_SEV_WARNING, .scope = BC_RULE_TU, .run = run,
};
