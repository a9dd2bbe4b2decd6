/*
 * flow.c - the intra-procedural engine of flow.h
 *
 * A forward data-flow problem: per block, the in-state is the union of its
 * predecessors' out-states; blocks are revisited until nothing changes.
 * Sets only grow and are finite (counters saturate at BC_FLOW_MAX), so the
 * loop ends.
 */
#include <stdlib.h>
#include <string.h>
#include "facts.h"
#include "flow.h"
#include "vec.h"
#include "xalloc.h"

/*
 * The state of one block is the *set* of concrete states reaching it, so a
 * join loses nothing: "the reader lock or the caller's is held" stays true
 * when one path re-took the lock and another never dropped it.  A concrete
 * state packs rd (2 bits), wr (2), guard (2), caller (1) and in_co (1) into
 * a byte; a set is 256 bits.
 */
enum { RD_SHIFT = 0, WR_SHIFT = 2, GUARD_SHIFT = 4, CALLER_BIT = 1u << 6, IN_CO_BIT = 1u << 7 };
#define N_STATES 256

typedef struct State {
    uint64_t w[N_STATES / 64];
} State;

static bool state_has(const State *s, unsigned x)
{
    return s->w[x / 64] >> (x % 64) & 1;
}

static void state_add(State *s, unsigned x)
{
    s->w[x / 64] |= 1ull << (x % 64);
}

static bool state_empty(const State *s)
{
    return !(s->w[0] | s->w[1] | s->w[2] | s->w[3]);
}

static unsigned field(unsigned x, unsigned shift)
{
    return x >> shift & 3;
}

static unsigned with_field(unsigned x, unsigned shift, unsigned v)
{
    return (x & ~(3u << shift)) | v << shift;
}

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
    BcFlow *fl = bc_xcalloc(1, sizeof(*fl));

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

/* One concrete state through @op. */
static unsigned step(unsigned x, BcFlowOp op)
{
    unsigned shift;

    switch (op) {
    case BC_FLOW_RDLOCK:
    case BC_FLOW_RDUNLOCK:
        shift = RD_SHIFT;
        break;
    case BC_FLOW_WRLOCK:
    case BC_FLOW_WRUNLOCK:
        shift = WR_SHIFT;
        break;
    case BC_FLOW_GUARD_TAKE:
    case BC_FLOW_GUARD_DROP:
        shift = GUARD_SHIFT;
        break;
    default:
        return x;
    }
    unsigned v = field(x, shift);
    switch (op) {
    case BC_FLOW_RDLOCK:
    case BC_FLOW_WRLOCK:
    case BC_FLOW_GUARD_TAKE:
        return with_field(x, shift, v < BC_FLOW_MAX ? v + 1 : v);
    case BC_FLOW_GUARD_DROP:
        return with_field(x, shift, v ? v - 1 : 0);
    default:
        /* An unlock releases an explicit acquisition when there is one on
         * the path, else the caller's lock. */
        return v ? with_field(x, shift, v - 1) : x & ~CALLER_BIT;
    }
}

static void apply(State *s, BcFlowOp op)
{
    State out = { { 0 } };

    if (op == BC_FLOW_OBSERVE) {
        return;
    }
    for (unsigned x = 0; x < N_STATES; x++) {
        if (state_has(s, x)) {
            state_add(&out, step(x, op));
        }
    }
    *s = out;
}

/* The states of @src as they cross an edge of @kind. */
static State cross(const State *src, BcFlowEdge kind)
{
    State out = { { 0 } };

    if (kind == BC_FLOW_PLAIN) {
        return *src;
    }
    for (unsigned x = 0; x < N_STATES; x++) {
        if (state_has(src, x)) {
            state_add(&out, kind == BC_FLOW_IN_CO ? x | IN_CO_BIT : x & ~IN_CO_BIT);
        }
    }
    return out;
}

/* Union @src into @dst; returns whether @dst grew. */
static bool join(State *dst, const State *src)
{
    bool grew = false;

    for (size_t i = 0; i < N_STATES / 64; i++) {
        grew |= (src->w[i] & ~dst->w[i]) != 0;
        dst->w[i] |= src->w[i];
    }
    return grew;
}

static void block_out(const Block *b, State *out)
{
    *out = b->in;
    bc_vec_foreach_const(&b->events, e) {
        apply(out, e->op);
    }
}

/* BC_LOCK_* bits of one concrete state. */
static uint32_t bits(unsigned x)
{
    bool rd = field(x, RD_SHIFT), wr = field(x, WR_SHIFT), guard = field(x, GUARD_SHIFT);
    bool caller = x & CALLER_BIT;

    return (rd ? BC_LOCK_RD : 0) | (wr ? BC_LOCK_WR : 0) | (guard ? BC_LOCK_RD_GUARD : 0) |
           (caller ? BC_LOCK_CALLER : 0) |
           (rd || wr || guard ? BC_LOCK_ANY : 0) |
           (rd || wr || guard || caller ? BC_LOCK_ANY_OR_CALLER : 0) |
           (wr || caller ? BC_LOCK_WR_OR_CALLER : 0);
}

/* Every-path and some-path bits of a set. */
static void summarize(const State *s, BcFlowState *out)
{
    out->must = ~0u;
    out->may = 0;
    out->in_co = true;
    for (unsigned x = 0; x < N_STATES; x++) {
        if (state_has(s, x)) {
            out->must &= bits(x);
            out->may |= bits(x);
            out->in_co &= (x & IN_CO_BIT) != 0;
        }
    }
    out->reachable = !state_empty(s);
    if (!out->reachable) {
        out->must = 0;
        out->in_co = false;
    }
}

void bc_flow_solve(BcFlow *fl, BcFlowVisit *visit, void *opaque)
{
    State *out = bc_xcalloc(fl->blocks.n, sizeof(*out));
    bool changed = true;

    bc_vec_foreach(&fl->blocks, b) {
        memset(&b->in, 0, sizeof(b->in));
    }
    state_add(&fl->blocks.v[0].in, CALLER_BIT);
    while (changed) {
        changed = false;
        for (size_t i = 0; i < fl->blocks.n; i++) {
            block_out(&fl->blocks.v[i], &out[i]);
        }
        bc_vec_foreach(&fl->edges, e) {
            State s = cross(&out[e->from], e->kind);
            changed |= join(&fl->blocks.v[e->to].in, &s);
        }
    }
    free(out);

    bc_vec_foreach(&fl->blocks, b) {
        State s = b->in;
        bc_vec_foreach(&b->events, e) {
            BcFlowState before;
            summarize(&s, &before);
            visit(opaque, e->tag, e->op, &before);
            apply(&s, e->op);
        }
    }
}

bool bc_flow_lock_call(BcLockCall call, BcLockOp *op, BcFlowOp *flow)
{
    switch (call) {
    case BC_LOCK_CALL_RDLOCK:
        *op = BC_LOCK_OP_RDLOCK, *flow = BC_FLOW_RDLOCK;
        return true;
    case BC_LOCK_CALL_RDUNLOCK:
        *op = BC_LOCK_OP_RDUNLOCK, *flow = BC_FLOW_RDUNLOCK;
        return true;
    case BC_LOCK_CALL_WRLOCK:
        *op = BC_LOCK_OP_WRLOCK, *flow = BC_FLOW_WRLOCK;
        return true;
    case BC_LOCK_CALL_WRUNLOCK:
        *op = BC_LOCK_OP_WRUNLOCK, *flow = BC_FLOW_WRUNLOCK;
        return true;
    case BC_LOCK_CALL_GUARD:
    case BC_LOCK_CALL_NONE:
        break;
    }
    return false;
}
