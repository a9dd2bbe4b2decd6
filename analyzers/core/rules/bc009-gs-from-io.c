/*
 * bc009-gs-from-io.c - BC009: I/O code reaches global-state code
 *
 * From every function labelled io_code (IO_CODE()), a breadth-first search
 * over calls and function pointers finds each global_state function
 * (GLOBAL_STATE_CODE()) it can reach.  The search passes through unlabelled
 * and io_or_gs functions but not through other io_code functions (they are
 * starts of their own, so a bad call is reported once, in the io_code
 * function closest to it).  One finding per (io_code function,
 * global_state function), shortest path, at most 32 hops and
 * BC_PATH_MAX_FOUND per start; the primary
 * location is the first call of the path.  docs/rules/BC009.md.
 */
#include <stdlib.h>
#include "rules.h"
#include "rules/rule-util.h"
#include "xalloc.h"

typedef struct Ctx {
    const BcConfig *cfg;
    BcFindings *out;
} Ctx;

static bool enter(const BcSearch *s, const BcNode *n)
{
    (void)s;
    return !bc_node_has(n, BC_L_IO_CODE) && !bc_node_has(n, BC_L_GLOBAL_STATE);
}

static bool is_target(const BcSearch *s, const BcNode *n)
{
    (void)s;
    return bc_node_has(n, BC_L_GLOBAL_STATE) && !bc_node_has(n, BC_L_IO_CODE);
}

static void found(const BcSearch *s, BcNodeId start, const uint32_t *edges, size_t n,
                  const BcPollPoint *poll, BcNodeId target)
{
    Ctx *c = s->ctx;
    const BcNode *st = bc_graph_node(s->g, start), *gs = bc_graph_node(s->g, target);
    BcHop *hops = bc_xmalloc((n + 1) * sizeof(*hops));
    BcReport r = { .rule = &bc_rule_bc009, .function = st->name, .function_usr = st->usr, .key = gs->usr };

    r.n_path = bc_path_hops(s->g, edges, n, poll, hops);
    r.path = hops;
    r.loc = hops[0].loc;
    if (n == 1) {
        bc_report(c->out, c->cfg, &r, "IO_CODE function '%s' calls GLOBAL_STATE_CODE "
                  "function '%s'", st->name, gs->name);
    } else {
        bc_report(c->out, c->cfg, &r, "IO_CODE function '%s' reaches GLOBAL_STATE_CODE "
                  "function '%s' through %zu calls", st->name, gs->name, n);
    }
    free(hops);
}

static void run(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    Ctx c = { cfg, out };
    BcSearch s = { .g = g, .enter = enter, .is_target = is_target, .found = found, .ctx = &c,
                   .max_found = BC_PATH_MAX_FOUND };

    bc_search_prepare(&s);
    for (BcNodeId id = 0; id < g->nodes.n; id++) {
        const BcNode *n = bc_graph_node(g, id);
        if (bc_is_function(n) && bc_node_has(n, BC_L_IO_CODE)) {
            bc_search_from(&s, id);
        }
    }
    bc_search_free(&s);
}

const BcRule bc_rule_bc009 = {
    .number = 9, .id = "BC009", .name = "gs-from-io",
    .summary = "an IO_CODE function reaches a GLOBAL_STATE_CODE function",
    .default_severity = BC_SEV_WARNING, .scope = BC_RULE_PROGRAM, .run = run,
};
