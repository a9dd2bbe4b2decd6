/*
 * bc006-wrlock-context.c - BC006: the graph writer lock taken in the wrong place
 *
 * The writer lock may only be taken from the main loop, outside coroutines,
 * without the reader lock.  A writer-lock acquisition (a BC_LOCK_OP_WRLOCK
 * lock event, or a call to one of the config's graph_lock.wrlock functions
 * when a front end recorded no event) is a finding when the function
 *   - is coroutine_fn (or a no_co_wrapper*: a coroutine),
 *   - is labelled io_code (IO_CODE(): may run in any thread),
 *   - or holds the reader lock on some path: lock_may_before has the reader
 *     or guard bit, or the function is GRAPH_RDLOCK and has not released
 *     its caller's lock there (BC_LOCK_CALLER).
 * All reasons that apply go into one message.  coroutine_mixed_fn functions
 * are not reported for taking it (they may be on their main-loop branch).
 * docs/rules/BC006.md.
 */
#include <stdio.h>
#include <string.h>
#include "rules.h"
#include "rules/rule-util.h"

static void check(const BcGraph *g, const BcConfig *cfg, BcNodeId fid, BcLoc loc,
                  uint32_t before, BcFindings *out)
{
    const BcNode *f = bc_graph_node(g, fid);
    char why[256] = "";
    BcReport r = { .rule = &bc_rule_bc006, .loc = loc, .function = f->name, .function_usr = f->usr,
                   .key = "wrlock" };

    if (bc_is_coroutine(f)) {
        strcat(why, ", in a coroutine_fn");
    }
    if (bc_node_has(f, BC_L_IO_CODE)) {
        strcat(why, ", in IO_CODE");
    }
    if (bc_lock_has_reader(before)) {
        strcat(why, ", while holding the reader lock");
    } else if (bc_lock_reader_held(f, before)) {
        strcat(why, ", in a GRAPH_RDLOCK function (the caller holds the reader lock)");
    }
    if (why[0]) {
        bc_report(out, cfg, &r, "graph writer lock taken in '%s'%s", f->name, why);
    }
}

static void run(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    for (size_t t = 0; t < g->tus.n; t++) {
        bc_vec_foreach_const(&g->tus.v[t]->locks, l) {
            BcNodeId f = bc_graph_lookup(g, l->func_usr);
            if (l->op == BC_LOCK_OP_WRLOCK && f != BC_NO_NODE) {
                check(g, cfg, f, l->loc, l->lock_may_before, out);
            }
        }
    }
    /* Same call seen as a call edge: the sink drops the duplicate finding. */
    bc_vec_foreach_const(&g->edges, e) {
        if (e->kind == BC_EDGE_CALL && cfg &&
            BC_CONFIG_HAS(cfg, wrlock_functions, bc_graph_node(g, e->to)->name)) {
            check(g, cfg, e->from, e->loc, e->lock_may, out);
        }
    }
}

const BcRule bc_rule_bc006 = {
    .number = 6, .id = "BC006", .name = "wrlock-context",
    .summary = "graph writer lock taken in a coroutine_fn, in IO_CODE or while holding "
               "the reader lock",
    .default_severity = BC_SEV_WARNING, .scope = BC_RULE_TU, .run = run,
};
