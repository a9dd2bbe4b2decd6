/*
 * bc004-poll-in-coroutine.c - BC004: a coroutine reaches a nested event loop
 *
 * From every coroutine-only function, a breadth-first search through
 * non-coroutine callees (not coroutine_fn, not coroutine_mixed_fn, not
 * coroutine_fn slots) finds each polling point: a BcPoll record (polling
 * macro expansion such as AIO_WAIT_WHILE) or a call to a polling_fn
 * (aio_poll and the config's polling_functions get that label).  One finding
 * per (coroutine, polling point), with the shortest path, at most 32 hops,
 * at most BC_PATH_MAX_FOUND per coroutine (nearest first).
 * The primary location is the first call of the path, in the coroutine.
 *
 * Decisions (docs/rules/BC004.md): a path does not start with a direct call
 * to a no_coroutine_fn / co_wrapper callee (BC002 reports that call); it
 * does pass through such functions further down.  Coroutine callees are not
 * entered: they are starts of their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include "rules.h"
#include "rules/rule-util.h"

typedef struct Ctx {
    const BcConfig *cfg;
    BcFindings *out;
} Ctx;

static bool enter(const BcSearch *s, const BcNode *n)
{
    (void)s;
    return !bc_is_coroutine(n) && !bc_is_mixed(n) && !bc_node_has(n, BC_L_POLLING_FN);
}

static bool first(const BcSearch *s, BcNodeId start, const BcEdge *e)
{
    const BcNode *callee = bc_graph_node(s->g, e->to);

    (void)start;
    return !(e->kind == BC_EDGE_CALL && bc_is_no_coroutine(callee) &&
             !bc_node_has(callee, BC_L_POLLING_FN));
}

static void report(const BcGraph *g, void *opaque, BcNodeId start, const BcHop *hops,
                   uint32_t n, const BcPollPoint *poll)
{
    Ctx *c = opaque;
    const BcNode *s = bc_graph_node(g, start);
    char key[512];
    BcReport r = { .rule = &bc_rule_bc004, .loc = hops[0].loc, .function = s->name, .function_usr = s->usr,
                   .key = key, .path = hops, .n_path = n };

    snprintf(key, sizeof(key), "%s:%s", bc_graph_node(g, poll->func)->usr, poll->what);
    if (n == 1) {
        bc_report(c->out, c->cfg, &r, "coroutine_fn '%s' polls (%s)", s->name, poll->what);
    } else {
        bc_report(c->out, c->cfg, &r, "coroutine_fn '%s' reaches polling point %s in '%s' "
                  "through %u non-coroutine call%s", s->name, poll->what,
                  bc_graph_node(g, poll->func)->name, n - 1, n - 1 == 1 ? "" : "s");
    }
}

static void found(const BcSearch *s, BcNodeId start, const uint32_t *edges, size_t n,
                  const BcPollPoint *poll, BcNodeId target)
{
    (void)target;
    bc_report_poll_path(s->g, s->ctx, start, edges, n, poll, report);
}

static void run(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    Ctx c = { cfg, out };
    BcPollIndex polls = { 0 };
    BcSearch s = { .g = g, .cfg = cfg, .polls = &polls, .enter = enter, .first = first,
                   .found = found, .ctx = &c,
                   .max_found = BC_PATH_MAX_FOUND };

    bc_poll_index_build(&polls, g);
    bc_search_prepare(&s);
    for (BcNodeId id = 0; id < g->nodes.n; id++) {
        const BcNode *n = bc_graph_node(g, id);
        if (!bc_is_function(n) || !bc_is_coroutine(n)) {
            continue;
        }
        for (uint32_t i = polls.begin[id]; i < polls.begin[id + 1]; i++) {
            bc_report_poll_path(g, &c, id, NULL, 0, &polls.v[i], report);
        }
        bc_search_from(&s, id);
    }
    bc_search_free(&s);
    bc_poll_index_free(&polls);
}

const BcRule bc_rule_bc004 = {
    .number = 4, .id = "BC004", .name = "poll-in-coroutine",
    .summary = "a coroutine_fn reaches a polling point (aio_poll, AIO_WAIT_WHILE, polling_fn) "
               "through non-coroutine calls",
    .default_severity = BC_SEV_WARNING, .scope = BC_RULE_PROGRAM, .run = run,
};
