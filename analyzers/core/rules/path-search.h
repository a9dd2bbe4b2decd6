/*
 * path-search.h - bounded shortest paths from a start function to targets
 * or polling points, through calls and function-pointer slots
 *
 * Context: private to analyzers/core/rules/; one search per thread.
 */
#ifndef BC_PATH_SEARCH_H
#define BC_PATH_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "findings.h"
#include "graph.h"
#include "poll-index.h"

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
/* Breadth-first from function @start (its edges are calls): one shortest
 * path per reachable target. */
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
