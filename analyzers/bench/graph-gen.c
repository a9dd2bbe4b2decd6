/*
 * graph-gen.c - seeded random call graphs for the query benchmark
 *
 * Labels are spread so that the interesting queries have answers:
 * coroutine_fn functions call into a mostly non-coroutine graph that
 * reaches aio_poll and other polling_fn functions.  Edge endpoints are
 * uniform, which is harsher on the search's memory access than real code.
 */
#include "graph-gen.h"

#include <stdio.h>

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;        /* xorshift64* */

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)((rng_next(s) >> 32) % n);
}

/* Percent chances of each label on a generated function. */
static void add_random_labels(BcGraph *g, BcNodeId id, uint64_t *rng)
{
    uint32_t r = rng_below(rng, 1000);

    if (r < 80) {
        bc_graph_add_label(g, id, "coroutine_fn");
    } else if (r < 90) {
        bc_graph_add_label(g, id, "polling_fn");
    } else if (r < 100) {
        bc_graph_add_label(g, id, "coroutine_mixed_fn");
    }
    r = rng_below(rng, 1000);
    if (r < 30) {
        bc_graph_add_label(g, id, "code_class:io");
    } else if (r < 60) {
        bc_graph_add_label(g, id, "code_class:global_state");
    } else if (r < 70) {
        bc_graph_add_label(g, id, "graph_rdlock");
    }
}

static void add_edge(BcGraph *g, BcNodeId from, BcNodeId to, BcEdgeKind kind, uint32_t line)
{
    BcEdge e = { .from = from, .to = to, .kind = kind };

    e.loc.file = "gen.c";
    e.loc.line = line;
    e.loc.col = 5;
    bc_graph_add_edge(g, &e);
}

static void make_nodes(BcGraph *g, const BcGenParams *p, uint32_t n_slots, uint64_t *rng)
{
    char name[64];
    BcNodeId id;

    id = bc_graph_intern(g, "aio_poll", "aio_poll", BC_SYM_FUNCTION);
    bc_graph_add_label(g, id, "polling_fn");
    for (uint32_t i = 1; i < p->functions; i++) {
        snprintf(name, sizeof(name), "fn_%05u", i);
        id = bc_graph_intern(g, name, name, BC_SYM_FUNCTION);
        add_random_labels(g, id, rng);
    }
    for (uint32_t i = 0; i < n_slots; i++) {
        snprintf(name, sizeof(name), "Drv%u::op", i);
        id = bc_graph_intern(g, name, name, BC_SYM_FIELD);
        if (rng_below(rng, 10) == 0) {
            bc_graph_add_label(g, id, "coroutine_fn");
        }
    }
}

BcGraph *bc_graph_gen_random(const BcGenParams *p)
{
    BcGraph *g = bc_graph_new();
    uint64_t rng = p->seed * 2 + 1;
    uint32_t nf = p->functions ? p->functions : 1;
    uint32_t n_slots = nf / 50 + 1, made = 0;

    make_nodes(g, p, n_slots, &rng);
    /* Each slot holds ~3 implementations and is called from ~3 places. */
    for (uint32_t s = 0; s < n_slots && made + 6 <= p->edges; s++, made += 6) {
        for (int k = 0; k < 3; k++) {
            add_edge(g, nf + s, rng_below(&rng, nf), BC_EDGE_POINTS_TO, made + k);
            add_edge(g, rng_below(&rng, nf), nf + s, BC_EDGE_SLOT_CALL, made + 3 + k);
        }
    }
    /* Some extra callers of aio_poll (node 0), then uniform calls. */
    for (uint32_t i = 0; i < nf / 1000 + 1 && made < p->edges; i++, made++) {
        add_edge(g, rng_below(&rng, nf), 0, BC_EDGE_CALL, made);
    }
    for (; made < p->edges; made++) {
        add_edge(g, rng_below(&rng, nf), rng_below(&rng, nf), BC_EDGE_CALL, made);
    }
    bc_graph_finish(g);
    return g;
}
