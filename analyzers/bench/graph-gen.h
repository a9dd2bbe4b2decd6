/*
 * graph-gen.h - graphs for trying and measuring queries without a front end
 *
 * Context: command line tools and tests, one thread.
 *
 * bc_graph_gen_random() builds a seeded random call graph shaped like a
 * block layer: a few percent coroutine_fn and polling_fn functions, an
 * "aio_poll", io/global-state code classes, vtable slots with POINTS_TO
 * edges.  bc_graph_text_load() reads the small text format of docs/query.md:
 *
 *   fn NAME [LABEL...]            a function (its USR is its name)
 *   slot NAME [LABEL...]          a function-pointer field, e.g. Drv::op
 *   call FROM TO [FILE:LINE:COL]  direct call
 *   slotcall FROM SLOT [LOC]      call through a pointer
 *   store SLOT FN [LOC]           FN stored in SLOT (POINTS_TO)
 *
 * Referenced nodes are created on first use; '#' starts a comment.
 */
#ifndef BC_GRAPH_GEN_H
#define BC_GRAPH_GEN_H

#include <stdio.h>
#include "graph.h"

typedef struct BcGenParams {
    uint32_t functions;     /* function nodes, "aio_poll" included */
    uint32_t edges;         /* total edges of all kinds */
    uint64_t seed;
} BcGenParams;

/* A finished random graph.  Returns: the graph (never NULL). */
BcGraph *bc_graph_gen_random(const BcGenParams *p);

/*
 * A finished graph from the text format on @in.
 * Returns: the graph, or NULL with "LINE: message" in @err.
 */
BcGraph *bc_graph_text_load(FILE *in, char *err, size_t errlen);

#endif
