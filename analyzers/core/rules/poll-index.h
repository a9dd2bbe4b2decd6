/*
 * poll-index.h - where every function polls: BcPoll records of the facts
 * and calls to polling_fn functions, by function
 *
 * Context: private to analyzers/core/rules/; built once per rule run.
 */
#ifndef BC_POLL_INDEX_H
#define BC_POLL_INDEX_H

#include <stdbool.h>
#include <stdint.h>
#include "graph.h"

typedef struct BcPollPoint {
    BcNodeId func;          /* function containing the point */
    const char *what;       /* macro or polling function name */
    BcLoc loc;
    uint32_t lock_state, lock_may;
    bool in_coroutine_check;
    BcNodeId callee;        /* polling_fn callee for a call, else BC_NO_NODE */
} BcPollPoint;

typedef struct BcPollIndex {
    BcPollPoint *v;         /* sorted by func */
    size_t n;
    uint32_t *begin;        /* per node: first point; begin[id + 1] ends it */
} BcPollIndex;

/*
 * Polling points of every function: BcPoll records of the facts and calls
 * to polling_fn functions, merged when both name one position.
 */
void bc_poll_index_build(BcPollIndex *x, const BcGraph *g);
void bc_poll_index_free(BcPollIndex *x);
/* Number of polling points of function @id (0 without an index). */
static inline uint32_t bc_poll_index_count(const BcPollIndex *x, BcNodeId id)
{
    return x ? x->begin[id + 1] - x->begin[id] : 0;
}

#endif
