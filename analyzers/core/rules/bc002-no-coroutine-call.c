/*
 * bc002-no-coroutine-call.c - BC002: a coroutine_fn calls no_coroutine_fn code
 *
 * A coroutine-only caller (coroutine_fn, no_co_wrapper*) calling, directly,
 * a function labelled no_coroutine_fn or a co_wrapper / co_wrapper_bdrv_rdlock
 * wrapper.  Decisions (docs/rules/BC002.md):
 *   - a callee that is also coroutine_mixed_fn (co_wrapper_mixed*) is
 *     callable from coroutines by definition: not a finding;
 *   - a callee labelled polling_fn is BC004's (poll-in-coroutine), so the
 *     same call is not reported twice;
 *   - a coroutine_mixed_fn caller is not checked: the facts do not say
 *     which calls sit on its non-coroutine branch.
 */
#include "rules.h"
#include "rules/rule-util.h"

static void check_caller(const BcGraph *g, const BcConfig *cfg, BcNodeId id, BcFindings *out)
{
    const BcNode *caller = bc_graph_node(g, id);

    for (uint32_t i = 0; i < caller->n_out; i++) {
        const BcEdge *e = bc_graph_out_edge(g, id, i);
        const BcNode *callee = bc_graph_node(g, e->to);
        BcReport r = { .rule = 2, .loc = e->loc, .function = caller->name,
                       .function_usr = caller->usr, .key = callee->usr };
        bool wrapper = callee->labels & (BC_LBIT(BC_L_CO_WRAPPER) |
                                         BC_LBIT(BC_L_CO_WRAPPER_BDRV_RDLOCK));

        if (e->kind != BC_EDGE_CALL || !bc_is_no_coroutine(callee) ||
            bc_node_has(callee, BC_L_POLLING_FN)) {
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
    .default_severity = BC_SEV_WARNING, .per_tu = true, .run = run,
};
