/*
 * flow.h - flow-sensitive facts inside one function: lock state and
 * in-coroutine context over the function's control-flow graph
 *
 * Context: plain C, no front end.  A front end (the libclang extractor, the
 * clang plugin) describes one function body as basic blocks of events and
 * edges between them, then asks for the state before every event.  One
 * engine, whatever builds the graph: the CLI and the plugin cannot disagree
 * about what is held where.
 *
 * State.  Four counters and a flag, tracked at once over every path:
 *   rd      explicit reader-lock acquisitions (rdlock +1, rdunlock -1)
 *   wr      explicit writer-lock acquisitions
 *   guard   scoped reader guards alive (taken +1, scope left -1)
 *   caller  the lock the function's caller holds: 1 at entry, dropped by
 *           an unlock that finds no explicit lock of its kind to release
 *           (QEMU's rdunlock_main_loop() inside a GRAPH_RDLOCK function).
 *           Whether the caller really holds a lock is a label question the
 *           rules answer (they know every declaration); the engine only
 *           says whether that lock is still held.
 *   in_co   the point runs only in coroutine context: reached through the
 *           true edge of an in-coroutine test.
 * Counters saturate at BC_FLOW_MAX.  The engine keeps the set of states
 * that reach each point (a join is a union, nothing is lost), then reports:
 *
 * Results are BC_LOCK_* bit sets (facts.h): a bit is set in `must` when it
 * holds on every path (what BC007 needs), in `may` when it holds on some
 * path (what BC005 and BC006 need).  Besides one bit per counter, three
 * combined bits keep what a per-counter summary would lose at a join:
 * BC_LOCK_ANY (an explicit lock, the writer lock or a guard),
 * BC_LOCK_ANY_OR_CALLER (that, or the caller's lock), BC_LOCK_WR_OR_CALLER.
 * in_co is true when every path is in coroutine context.  Unreachable
 * events (after a noreturn call, dead code) report zeros and
 * reachable = false.
 */
#ifndef BC_FLOW_H
#define BC_FLOW_H

#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "facts.h"

#define BC_FLOW_MAX 3

typedef enum BcFlowOp {
    BC_FLOW_OBSERVE,        /* no effect: report the state here (a call, a poll) */
    BC_FLOW_RDLOCK, BC_FLOW_RDUNLOCK,
    BC_FLOW_WRLOCK, BC_FLOW_WRUNLOCK,
    BC_FLOW_GUARD_TAKE, BC_FLOW_GUARD_DROP,
} BcFlowOp;

typedef enum BcFlowEdge {
    BC_FLOW_PLAIN,          /* in_co unchanged */
    BC_FLOW_IN_CO,          /* true edge of an in-coroutine test */
    BC_FLOW_NOT_IN_CO,      /* its false edge */
} BcFlowEdge;

typedef struct BcFlowState {
    uint32_t must, may;     /* BC_LOCK_* bits */
    bool in_co;             /* in coroutine context on every path */
    bool reachable;
} BcFlowState;

typedef struct BcFlow BcFlow;

/* An empty graph whose entry block is block 0. */
BcFlow *bc_flow_new(void);
void bc_flow_free(BcFlow *fl);

/* A new block; returns its id. */
uint32_t bc_flow_block(BcFlow *fl);
/* Edge @from -> @to. */
void bc_flow_edge(BcFlow *fl, uint32_t from, uint32_t to, BcFlowEdge kind);
/* Append an event to @block.  @tag is the front end's (e.g. a record index);
 * @op's effect applies after the state before it is reported. */
void bc_flow_event(BcFlow *fl, uint32_t block, BcFlowOp op, uint32_t tag);

/*
 * Solve, then call @visit once per event (in block order, then event order)
 * with the state *before* the event.
 */
typedef void BcFlowVisit(void *opaque, uint32_t tag, BcFlowOp op, const BcFlowState *before);
void bc_flow_solve(BcFlow *fl, BcFlowVisit *visit, void *opaque);

/*
 * For the front ends: the lock record and flow event of an explicit lock
 * call (bc_config_lock_call()).  Returns: false for BC_LOCK_CALL_NONE and
 * BC_LOCK_CALL_GUARD (a guard is a scope, which only the front end sees).
 */
bool bc_flow_lock_call(BcLockCall call, BcLockOp *op, BcFlowOp *flow);

#endif
