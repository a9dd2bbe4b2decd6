/*
 * rule-util.h - what the rule files share: label predicates, the report
 * helper, the polling-point index and the bounded shortest-path search
 *
 * Context: private to analyzers/core/rules/; one thread per rule run.
 */
#ifndef BC_RULE_UTIL_H
#define BC_RULE_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "findings.h"
#include "graph.h"
#include "rules.h"

/* ---- label predicates (after aliases; wrapper markers imply their base) --- */

/* Mixed: coroutine_mixed_fn or a co_wrapper_mixed* wrapper. */
bool bc_is_mixed(const BcNode *n);
/* Coroutine only: coroutine_fn / no_co_wrapper*, and not mixed. */
bool bc_is_coroutine(const BcNode *n);
/* Must not run in a coroutine: no_coroutine_fn / co_wrapper*, not mixed. */
bool bc_is_no_coroutine(const BcNode *n);
/* Declared with a co_wrapper* marker (a generated polling wrapper). */
bool bc_is_co_wrapper(const BcNode *n);
/* Needs the graph lock shared / exclusive (GRAPH_RDLOCK / GRAPH_WRLOCK). */
bool bc_needs_rdlock(const BcNode *n);
bool bc_needs_wrlock(const BcNode *n);
/* The reader lock proper (explicit or guard), not the writer lock. */
static inline bool bc_lock_has_reader(uint32_t state)
{
    return (state & (BC_LOCK_RD | BC_LOCK_RD_GUARD)) != 0;
}
/*
 * Lock state @state (BC_LOCK_* of one point in function @fn, every-path or
 * some-path bits) satisfies a requirement of the writer lock (@need_wr) or
 * of the reader lock (any mode): taken in @fn, or still the caller's
 * (BC_LOCK_CALLER) and @fn is labelled as needing it.
 */
bool bc_lock_satisfies(const BcNode *fn, uint32_t state, bool need_wr);
/* The reader lock proper is held at the point: taken in @fn, or still the
 * caller's and @fn is GRAPH_RDLOCK. */
bool bc_lock_reader_held(const BcNode *fn, uint32_t state);
static inline bool bc_is_function(const BcNode *n)
{
    return n->kind == BC_SYM_FUNCTION;
}

/* ---- reporting -------------------------------------------------------------- */

/* Each rule's BcRule, for its findings (defined at the end of its file). */
#define BC_RULE(name) extern const BcRule bc_rule_##name;
#include "rule-list.h"
#undef BC_RULE

typedef struct BcReport {
    const BcRule *rule;
    BcLoc loc;
    const char *function, *function_usr;
    const char *key;
    const BcHop *path;
    uint32_t n_path;
    const BcFixit *fixit;
    uint32_t n_fixits;
} BcReport;

/* Format the message and add the finding with the configured severity. */
void bc_report(BcFindings *out, const BcConfig *cfg, const BcReport *r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- polling points ---------------------------------------------------------- */

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

/* ---- shortest paths ------------------------------------------------------------ */

/*
 * Path rules report at most this many targets per start function, nearest
 * first: a start that reaches more has one bug reported many times over,
 * and the search stays bounded on dense graphs.
 */
#define BC_PATH_MAX_FOUND 16

typedef struct BcSearch BcSearch;
struct BcSearch {
    const BcGraph *g;
    const BcConfig *cfg;       /* conventions.no_poll_when_fresh, or NULL */
    const BcPollIndex *polls;  /* report polling points of entered functions, or NULL */
    /* May the search pass through node @n (a function or a slot)? */
    bool (*enter)(const BcSearch *s, const BcNode *n);
    /* Is function @n a target (reported, not entered)?  NULL: none. */
    bool (*is_target)(const BcSearch *s, const BcNode *n);
    /* May the path start with @e out of @start?  NULL: every call edge. */
    bool (*first)(const BcSearch *s, BcNodeId start, const BcEdge *e);
    /* May it go on through call edge @e of an entered function?  NULL: yes. */
    bool (*follow)(const BcSearch *s, const BcEdge *e);
    /* Does polling point @p of an entered function end a path?  NULL: yes. */
    bool (*point)(const BcSearch *s, const BcPollPoint *p);
    /* Called for each target / polling point, with the shortest path. */
    void (*found)(const BcSearch *s, BcNodeId start, const uint32_t *edges, size_t n,
                  const BcPollPoint *poll, BcNodeId target);
    void *ctx;
    unsigned max_depth;        /* hops; 0 = 32 */
    unsigned max_found;        /* per start, nearest first; 0 = unlimited */
    /* private */
    unsigned n_found;
    uint8_t *useful;
    uint32_t *stamp, *parent, *depth, *queue, cur;
};

/* Precompute which nodes can reach a target; call before bc_search_from. */
void bc_search_prepare(BcSearch *s);
/* Breadth-first from @start: one shortest path per reachable target. */
void bc_search_from(BcSearch *s, BcNodeId start);
void bc_search_free(BcSearch *s);

/*
 * Hops for a path of @n edges, then the polling point if @poll (the last
 * hop), into @hops (room for n + 1).  Returns: the number of hops.
 */
uint32_t bc_path_hops(const BcGraph *g, const uint32_t *edges, size_t n,
                      const BcPollPoint *poll, BcHop *hops);

/* How a poll rule (BC004, BC005) reports a path ending at a polling point. */
typedef void BcPollReportFn(const BcGraph *g, void *ctx, BcNodeId start, const BcHop *hops,
                            uint32_t n, const BcPollPoint *poll);
/* Build the hops of @edges (@n of them, 0 for a poll in @start itself) and
 * @poll, and hand them to @report. */
void bc_report_poll_path(const BcGraph *g, void *ctx, BcNodeId start, const uint32_t *edges,
                         size_t n, const BcPollPoint *poll, BcPollReportFn *report);


#endif
