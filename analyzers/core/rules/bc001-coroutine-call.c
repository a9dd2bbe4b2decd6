/*
 * bc001-coroutine-call.c - BC001: a coroutine_fn called from non-coroutine code
 *
 * Every direct call edge whose callee is coroutine-only (coroutine_fn or a
 * no_co_wrapper*, and not coroutine_mixed_fn) and whose caller is not
 * coroutine-only is a finding, unless the call is dominated by the
 * in-coroutine test (then-branch of `if (qemu_in_coroutine())`, or after an
 * early return on `!qemu_in_coroutine()`): the front end records that as
 * in_coroutine_check, in any caller.  A coroutine_mixed_fn caller is not
 * coroutine-only, so its unguarded calls are findings too.  Calls through
 * function pointers are BC003's.  docs/rules/BC001.md.
 */
#include "rules.h"
#include "rules/rule-util.h"

static void check_caller(const BcGraph *g, const BcConfig *cfg, BcNodeId id, BcFindings *out)
{
    const BcNode *caller = bc_graph_node(g, id);

    for (uint32_t i = 0; i < caller->n_out; i++) {
        const BcEdge *e = bc_graph_out_edge(g, id, i);
        const BcNode *callee = bc_graph_node(g, e->to);
        BcReport r = { .rule = &bc_rule_bc001, .loc = e->loc, .function = caller->name,
                       .function_usr = caller->usr, .key = callee->usr };

        if (e->kind != BC_EDGE_CALL || !bc_is_coroutine(callee) || e->in_coroutine_check) {
            continue;
        }
        bc_report(out, cfg, &r, "coroutine_fn '%s' called from %s function '%s'",
                  callee->name, bc_is_mixed(caller) ? "coroutine_mixed_fn" : "non-coroutine",
                  caller->name);
    }
}

static void run(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    for (BcNodeId id = 0; id < g->nodes.n; id++) {
        const BcNode *n = bc_graph_node(g, id);
        if (bc_is_function(n) && !bc_is_coroutine(n)) {
            check_caller(g, cfg, id, out);
        }
    }
}

const BcRule bc_rule_bc001 = {
    .number = 1, .id = "BC001", .name = "coroutine-call",
    .summary = "coroutine_fn called from a function that is not coroutine_fn",
    .default_severity = BC_SEV_WARNING, .scope = BC_RULE_TU, .run = run,
};
