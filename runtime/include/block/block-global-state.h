/*
 * block/block-global-state.h - the block layer's global-state API: open
 * and lifetime of nodes, graph changes, drained sections
 *
 * Class: global state.  Every function here runs in the main loop with the
 * BQL held, outside coroutines unless stated otherwise, and starts with
 * GLOBAL_STATE_CODE().  Global-state code may call I/O code
 * (block/block-io.h); I/O code must not call anything declared here
 * (blkcheck rule BC009).  The graph changes only here, under the graph
 * write lock and (for changes that move I/O) inside a drained section.
 *
 * Errors: functions that can fail for a user's reason take Error **errp
 * (qemu/error.h).
 */
#ifndef BLOCK_BLOCK_GLOBAL_STATE_H
#define BLOCK_BLOCK_GLOBAL_STATE_H

#include <blkcheck/annotations.h>
#include "block/block-common.h"
#include "block/graph-lock.h"
#include "qemu/error.h"

/* ---- opening and lifetime (main loop, GLOBAL_STATE_CODE()) ---------- */

/*
 * Open a node (and any children it names) from an option string:
 *   driver=file,filename=disk.img,aio=io_uring,cache.direct=on
 *   driver=null,size=1G,read-zeroes=on,latency-ns=1000
 *   driver=throttle,file=NODE,iops-total=1000       (existing child)
 *   driver=throttle,file.driver=null,file.size=1M   (new child)
 * Common options: node-name=NAME (default: "#blockN"), read-only=on|off.
 * Returns: a node with one reference, or NULL with *errp naming the driver
 * and the problem (unknown driver, unknown or malformed option, missing
 * filename, unreadable file, duplicate node name).
 * Context: main loop, outside coroutines, graph unlocked (polls).
 */
BlockDriverState *no_coroutine_fn bdrv_open_opts(const char *optstr,
                                                 Error **errp) GRAPH_UNLOCKED;

/* The same from a coroutine.  Coroutine only, any thread: the open runs in
 * a bottom half of the main loop while the caller waits. */
BlockDriverState *no_co_wrapper bdrv_co_open_opts(const char *optstr,
                                                  Error **errp);

/* Reference counting.  The last bdrv_unref() drains the node, detaches
 * and unrefs its children and frees it.  Main loop, graph unlocked. */
void bdrv_ref(BlockDriverState *bs);
void no_coroutine_fn bdrv_unref(BlockDriverState *bs) GRAPH_UNLOCKED;

/* Returns: the node named @node_name or NULL.  Main loop. */
BlockDriverState *bdrv_find_node(const char *node_name);

/* Returns: the next node after @bs in opening order (NULL: the first).
 * Main loop. */
BlockDriverState *bdrv_next_node(BlockDriverState *bs);

/* Returns: the @n-th child node of @bs (0: the first attached), or NULL
 * past the last.  Main loop, graph read-locked
 * (bdrv_graph_rdlock_main_loop()). */
BlockDriverState *bdrv_child_node(BlockDriverState *bs, unsigned n) GRAPH_RDLOCK;

/* ---- graph changes (main loop) ------------------------------------- */

/*
 * Make @child_bs a child of @parent_bs named @name with @role (takes a
 * reference to @child_bs).  Returns: the edge, or NULL with *errp (a cycle,
 * a duplicate name).  Context: main loop, write lock held.
 */
BdrvChild *bdrv_attach_child(BlockDriverState *parent_bs,
                             BlockDriverState *child_bs, const char *name,
                             int role, Error **errp) GRAPH_WRLOCK;

/* Detach @child from its parent and drop the reference it held.
 * Context: main loop, write lock held. */
void bdrv_unref_child(BlockDriverState *parent, BdrvChild *child) GRAPH_WRLOCK;

/*
 * Move every parent edge of @from (nodes and BlockBackends) to @to, except
 * edges from @to itself and from nodes below @to (so a filter opened above
 * @from keeps its child).  Drains @from and @to, takes the write lock.
 * Returns: 0 or -errno with *errp (a cycle).  Context: main loop, graph
 * unlocked, outside coroutines; I/O may run in other threads meanwhile.
 */
int no_coroutine_fn bdrv_replace_node(BlockDriverState *from,
                                      BlockDriverState *to,
                                      Error **errp) GRAPH_UNLOCKED;

/*
 * Open the filter described by @filter_opts (which must not name a file
 * child: it gets "file=<@bs's node name>") and put it above @bs in place.
 * Returns: the filter node (the graph holds it) or NULL with *errp.
 * Context: main loop, graph unlocked.
 */
BlockDriverState *no_coroutine_fn bdrv_insert_filter(BlockDriverState *bs,
                                                     const char *filter_opts,
                                                     Error **errp) GRAPH_UNLOCKED;

/*
 * Take the filter @filter out: its parents move to its filtered child and
 * the filter is unref'd.  Returns: 0 or -errno with *errp (not a filter).
 * Context: main loop, graph unlocked.
 */
int no_coroutine_fn bdrv_remove_filter(BlockDriverState *filter,
                                       Error **errp) GRAPH_UNLOCKED;

/* ---- drain (main loop) --------------------------------------------- */

/*
 * Quiesce @bs: its parents (BlockBackends, and parent nodes recursively)
 * stop submitting, new requests wait, and the call polls until nothing is
 * in flight in @bs, its subtree, or its ancestors.  Nestable.  Requests
 * submitted meanwhile run after the matching bdrv_drained_end().
 * Context: main loop, outside coroutines, graph unlocked.
 */
void no_coroutine_fn polling_fn bdrv_drained_begin(BlockDriverState *bs) GRAPH_UNLOCKED;
void no_coroutine_fn bdrv_drained_end(BlockDriverState *bs) GRAPH_UNLOCKED;

/* Drain every node (begin and end at once): when it returns, every request
 * submitted before the call has completed.  Context: main loop. */
void no_coroutine_fn polling_fn bdrv_drain_all(void) GRAPH_UNLOCKED;

#endif /* BLOCK_BLOCK_GLOBAL_STATE_H */
