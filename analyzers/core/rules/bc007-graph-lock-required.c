/*
 * bc007-graph-lock-required.c - BC007: a graph-lock function called without it
 *
 * For every call to a GRAPH_RDLOCK (GRAPH_WRLOCK) function, and every call
 * through a GRAPH_RDLOCK_PTR (GRAPH_WRLOCK_PTR) slot: the lock must be held
 * at the call on every path (lock_state; any mode satisfies a reader
 * requirement, only the writer bit a writer one), or the caller must itself
 * be GRAPH_RDLOCK / GRAPH_WRLOCK and not have released its caller's lock on
 * any path to the call (BC_LOCK_CALLER; GRAPH_WRLOCK satisfies both).
 * Because lock_state includes cleanup guards and slot calls are edges, this
 * catches what clang's -Wthread-safety cannot: calls through function
 * pointers and the exact scope of WITH_GRAPH_RDLOCK_GUARD.
 * docs/rules/BC007.md.
 */
#include "rules.h"
#include "rules/rule-util.h"

static void check(const BcGraph *g, const BcConfig *cfg, const BcEdge *e, BcFindings *out)
{
    const BcNode *caller = bc_graph_node(g, e->from), *callee = bc_graph_node(g, e->to);
    bool slot = e->kind == BC_EDGE_SLOT_CALL;
    bool need_wr = bc_needs_wrlock(callee), need_rd = bc_needs_rdlock(callee);
    BcReport r = { .rule = &bc_rule_bc007, .loc = e->loc, .function = caller->name,
                   .function_usr = caller->usr, .key = slot ? callee->qual_name : callee->usr };

    if (!need_wr && !need_rd) {
        return;
    }
    if (bc_lock_satisfies(caller, e->lock_state, need_wr)) {
        return;
    }
    bc_report(out, cfg, &r, "%s '%s' requires the graph %s lock, not held in '%s'",
              slot ? (need_wr ? "GRAPH_WRLOCK_PTR pointer" : "GRAPH_RDLOCK_PTR pointer")
                   : (need_wr ? "GRAPH_WRLOCK function" : "GRAPH_RDLOCK function"),
              slot ? callee->qual_name : callee->name, need_wr ? "writer" : "reader",
              caller->name);
}

static void run(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    bc_vec_foreach_const(&g->edges, e) {
        if (e->kind != BC_EDGE_POINTS_TO && bc_is_function(bc_graph_node(g, e->from))) {
            check(g, cfg, e, out);
        }
    }
}

const BcRule bc_rule_bc007 = {
    .number = 7, .id = "BC007", .name = "graph-lock-required",
    .summary = "GRAPH_RDLOCK/GRAPH_WRLOCK function or GRAPH_*_PTR pointer called without "
               "the graph lock",
    .default_severity = BC_SEV_WARNING, .scope = BC_RULE_TU, .run = run,
};
