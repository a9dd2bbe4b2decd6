/*
 * flow.c - the intra-procedural engine of flow.h
 *
 * A forward data-flow problem over a small lattice: per block, the in-state
 * is the join of its predecessors' out-states; blocks are revisited until
 * nothing changes.  Every value only moves one way (minimums down,
 * maximums and reachability up, in_co down), so the loop ends; counters are
 * bounded by BC_FLOW_MAX.
 */
#include <stdlib.h>
#include <string.h>
#include "facts.h"
#include "flow.h"
#include "vec.h"

enum { C_RD, C_WR, C_GUARD, C_CALLER, N_COUNTERS };

typedef struct State {
    uint8_t lo[N_COUNTERS], hi[N_COUNTERS];   /* min / max over paths */
    bool in_co;
    bool reach;
} State;

typedef struct Event {
    BcFlowOp op;
    uint32_t tag;
} Event;

typedef struct Edge {
    uint32_t from, to;
    BcFlowEdge kind;
} Edge;

typedef struct Block {
    BC_VEC(Event) events;
    State in;
} Block;

struct BcFlow {
    BC_VEC(Block) blocks;
    BC_VEC(Edge) edges;
};

BcFlow *bc_flow_new(void)
{
    BcFlow *fl = calloc(1, sizeof(*fl));

    if (!fl) {
        abort();
    }
    bc_flow_block(fl);
    return fl;
}

void bc_flow_free(BcFlow *fl)
{
    if (!fl) {
        return;
    }
    bc_vec_foreach(&fl->blocks, b) {
        bc_vec_free(&b->events);
    }
    bc_vec_free(&fl->blocks);
    bc_vec_free(&fl->edges);
    free(fl);
}

uint32_t bc_flow_block(BcFlow *fl)
{
    Block b = { 0 };

    bc_vec_push(&fl->blocks, b);
    return (uint32_t)fl->blocks.n - 1;
}

void bc_flow_edge(BcFlow *fl, uint32_t from, uint32_t to, BcFlowEdge kind)
{
    Edge e = { from, to, kind };

    bc_vec_push(&fl->edges, e);
}

void bc_flow_event(BcFlow *fl, uint32_t block, BcFlowOp op, uint32_t tag)
{
    Event e = { op, tag };

    bc_vec_push(&fl->blocks.v[block].events, e);
}

static uint8_t up(uint8_t v)
{
    return v < BC_FLOW_MAX ? v + 1 : v;
}

static uint8_t down(uint8_t v)
{
    return v ? v - 1 : 0;
}

/* An unlock releases an explicit acquisition when there is one on the
 * path, else the caller's lock. */
static void unlock(State *s, int counter)
{
    if (s->lo[counter] == 0) {
        s->lo[C_CALLER] = 0;
    }
    if (s->hi[counter] == 0) {
        s->hi[C_CALLER] = 0;
    }
    s->lo[counter] = down(s->lo[counter]);
    s->hi[counter] = down(s->hi[counter]);
}

static void acquire(State *s, int counter)
{
    s->lo[counter] = up(s->lo[counter]);
    s->hi[counter] = up(s->hi[counter]);
}

static void apply(State *s, BcFlowOp op)
{
    switch (op) {
    case BC_FLOW_OBSERVE:
        break;
    case BC_FLOW_RDLOCK:
        acquire(s, C_RD);
        break;
    case BC_FLOW_RDUNLOCK:
        unlock(s, C_RD);
        break;
    case BC_FLOW_WRLOCK:
        acquire(s, C_WR);
        break;
    case BC_FLOW_WRUNLOCK:
        unlock(s, C_WR);
        break;
    case BC_FLOW_GUARD_TAKE:
        acquire(s, C_GUARD);
        break;
    case BC_FLOW_GUARD_DROP:
        s->lo[C_GUARD] = down(s->lo[C_GUARD]);
        s->hi[C_GUARD] = down(s->hi[C_GUARD]);
        break;
    }
}

/* Join @src into @dst; returns whether @dst changed. */
static bool join(State *dst, const State *src)
{
    State old = *dst;

    if (!src->reach) {
        return false;
    }
    if (!dst->reach) {
        *dst = *src;
        return true;
    }
    for (int i = 0; i < N_COUNTERS; i++) {
        if (src->lo[i] < dst->lo[i]) {
            dst->lo[i] = src->lo[i];
        }
        if (src->hi[i] > dst->hi[i]) {
            dst->hi[i] = src->hi[i];
        }
    }
    dst->in_co = dst->in_co && src->in_co;
    return memcmp(&old, dst, sizeof(old)) != 0;
}

static void block_out(const Block *b, State *out)
{
    *out = b->in;
    bc_vec_foreach_const(&b->events, e) {
        apply(out, e->op);
    }
}

static uint32_t bits(const uint8_t *c)
{
    return (c[C_RD] ? BC_LOCK_RD : 0) | (c[C_WR] ? BC_LOCK_WR : 0) |
           (c[C_GUARD] ? BC_LOCK_RD_GUARD : 0) | (c[C_CALLER] ? BC_LOCK_CALLER : 0);
}

void bc_flow_solve(BcFlow *fl, BcFlowVisit *visit, void *opaque)
{
    State *out = calloc(fl->blocks.n, sizeof(*out));
    bool changed = true;

    if (!out) {
        abort();
    }
    bc_vec_foreach(&fl->blocks, b) {
        memset(&b->in, 0, sizeof(b->in));
    }
    fl->blocks.v[0].in.reach = true;
    fl->blocks.v[0].in.lo[C_CALLER] = fl->blocks.v[0].in.hi[C_CALLER] = 1;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < fl->blocks.n; i++) {
            block_out(&fl->blocks.v[i], &out[i]);
        }
        bc_vec_foreach(&fl->edges, e) {
            State s = out[e->from];
            if (e->kind != BC_FLOW_PLAIN) {
                s.in_co = e->kind == BC_FLOW_IN_CO;
            }
            changed |= join(&fl->blocks.v[e->to].in, &s);
        }
    }
    free(out);

    bc_vec_foreach(&fl->blocks, b) {
        State s = b->in;
        bc_vec_foreach(&b->events, e) {
            BcFlowState before = { 0 };
            if (s.reach) {
                before.must = bits(s.lo);
                before.may = bits(s.hi);
                before.in_co = s.in_co;
                before.reachable = true;
            }
            visit(opaque, e->tag, e->op, &before);
            apply(&s, e->op);
        }
    }
}
