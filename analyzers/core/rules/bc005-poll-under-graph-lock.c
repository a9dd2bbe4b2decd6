/*
 * bc005-poll-under-graph-lock.c - BC005: polling with the graph reader lock held
 *
 * The reader lock is held at a point when it is on some path to it
 * (lock_may: BC_LOCK_RD from an explicit rdlock call, BC_LOCK_RD_GUARD from
 * a cleanup guard, or BC_LOCK_CALLER in a GRAPH_RDLOCK function that has
 * not released its caller's lock there).  Along a path, each further call
 * and the final polling point must still be under the inherited lock (the
 * callee did not release it first: rdunlock ... poll ... rdlock is fine).
 * Findings:
 *   - a polling point in such a function / at such a point;
 *   - a call made with the lock held that reaches a polling point, through
 *     any callees (coroutine or not) except functions labelled GRAPH_RDLOCK
 *     or GRAPH_WRLOCK, which are checked on their own (so a poll deep under
 *     a chain of GRAPH_RDLOCK functions is reported once, where it is);
 *     the shortest path per (function, polling point), at most 32 hops and
 *     BC_PATH_MAX_FOUND per function,
 *     primary location = the locked call.
 * A coroutine_mixed_fn callee is not entered when the search starts in a
 * coroutine: in coroutine context a mixed function takes its coroutine
 * branch, which does not poll (co_wrapper_mixed calls its twin directly).
 * co_wrapper* callees are not entered when conventions.wrapper_polls_exempt
 * is set (QEMU: the wrapped coroutine takes the lock itself).
 * Polling with only the writer lock held is not reported (DESIGN §6.2 names
 * the reader lock; the writer lock is taken from the main loop, whose
 * polling is expected).  docs/rules/BC005.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include "rules.h"
#include "rules/rule-util.h"

typedef struct Ctx {
    const BcConfig *cfg;
    BcFindings *out;
    bool in_coroutine;      /* the current start is coroutine-only */
} Ctx;

static bool enter(const BcSearch *s, const BcNode *n)
{
    const Ctx *c = s->ctx;

    if (c->in_coroutine && bc_is_mixed(n)) {
        return false;
    }
    if (c->cfg && c->cfg->wrapper_polls_exempt && bc_is_co_wrapper(n)) {
        return false;
    }
    return !bc_node_has(n, BC_L_POLLING_FN) && !bc_node_has(n, BC_L_GRAPH_RDLOCK) &&
           !bc_node_has(n, BC_L_GRAPH_WRLOCK);
}

static bool first(const BcSearch *s, BcNodeId start, const BcEdge *e)
{
    return bc_lock_reader_held(bc_graph_node(s->g, start), e->lock_may);
}

/* In a callee, the lock is its caller's: still held unless released. */
static bool inherited(uint32_t may)
{
    return (may & (BC_LOCK_CALLER | BC_LOCK_RD | BC_LOCK_RD_GUARD)) != 0;
}

static bool follow(const BcSearch *s, const BcEdge *e)
{
    (void)s;
    return inherited(e->lock_may);
}

static bool point(const BcSearch *s, const BcPollPoint *p)
{
    (void)s;
    return inherited(p->lock_may);
}

static void report(const BcGraph *g, void *opaque, BcNodeId start, const BcHop *hops,
                   uint32_t n, const BcPollPoint *poll)
{
    Ctx *c = opaque;
    const BcNode *s = bc_graph_node(g, start);
    char key[512];
    BcReport r = { .rule = &bc_rule_bc005, .loc = hops[0].loc, .function = s->name, .function_usr = s->usr,
                   .key = key, .path = hops, .n_path = n };
    const char *how = bc_lock_has_reader(n == 1 ? poll->lock_may : 0) ? "held here"
                      : "required by GRAPH_RDLOCK";

    snprintf(key, sizeof(key), "%s:%s", bc_graph_node(g, poll->func)->usr, poll->what);
    if (n == 1) {
        bc_report(c->out, c->cfg, &r, "'%s' polls (%s) with the graph reader lock %s",
                  s->name, poll->what, how);
    } else {
        bc_report(c->out, c->cfg, &r, "'%s' holds the graph reader lock across a call that "
                  "reaches polling point %s in '%s'", s->name, poll->what,
                  bc_graph_node(g, poll->func)->name);
    }
}

static void found(const BcSearch *s, BcNodeId start, const uint32_t *edges, size_t n,
                  const BcPollPoint *poll, BcNodeId target)
{
    (void)target;
    bc_report_poll_path(s->g, s->ctx, start, edges, n, poll, report);
}

/* Polling points of @id itself under the reader lock. */
static void check_direct(const BcGraph *g, Ctx *c, const BcPollIndex *polls, BcNodeId id)
{
    const BcNode *fn = bc_graph_node(g, id);

    for (uint32_t i = polls->begin[id]; i < polls->begin[id + 1]; i++) {
        const BcPollPoint *p = &polls->v[i];
        if (bc_lock_reader_held(fn, p->lock_may)) {
            bc_report_poll_path(g, c, id, NULL, 0, p, report);
        }
    }
}

static void run(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    Ctx c = { cfg, out, false };
    BcPollIndex polls = { 0 };
    BcSearch s = { .g = g, .cfg = cfg, .polls = &polls, .enter = enter, .first = first,
                   .follow = follow, .point = point, .found = found, .ctx = &c,
                   .max_found = BC_PATH_MAX_FOUND };

    bc_poll_index_build(&polls, g);
    bc_search_prepare(&s);      /* with mixed functions entered: a superset */
    for (BcNodeId id = 0; id < g->nodes.n; id++) {
        const BcNode *n = bc_graph_node(g, id);
        if (bc_is_function(n)) {
            check_direct(g, &c, &polls, id);
            c.in_coroutine = bc_is_coroutine(n);
            bc_search_from(&s, id);
        }
    }
    bc_search_free(&s);
    bc_poll_index_free(&polls);
}

const BcRule bc_rule_bc005 = {
    .number = 5, .id = "BC005", .name = "poll-under-graph-lock",
    .summary = "a polling point is reached while the graph reader lock is held",
    .default_severity = BC_SEV_WARNING, .scope = BC_RULE_PROGRAM, .run = run,
};
