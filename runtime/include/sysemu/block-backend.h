/*
 * sysemu/block-backend.h - the multiqueue front end of a block graph
 *
 * A BlockBackend is what a device model, an export or a benchmark talks
 * to: one root node and a request API that any number of threads may call
 * at the same time.  A "queue" is simply a thread (an IOThread or the main
 * loop) submitting requests; nothing binds the backend or its nodes to one
 * AioContext, and completions run in the context that submitted.
 *
 * Per-request work on the fast path writes only the calling thread's cells
 * of the backend's and the nodes' in-flight counters and the graph reader
 * lock's per-thread counter: no page that another queue writes.
 *
 * Validation: a request is checked before it reaches the graph.  -EINVAL:
 * negative offset or length, length over BDRV_REQUEST_MAX_BYTES, a qiov
 * shorter than the length, unknown flags, or (after
 * blk_set_request_alignment()) an offset or length that is not a multiple
 * of the device's alignment.  -EIO: the range passes the end of the node,
 * or there is no node.  -EROFS: a write to a read-only node.  Nothing
 * asserts on a caller's values.
 *
 * Drain: while the root node is drained (graph changes, blk_drain()), new
 * requests wait in the backend, outside the graph lock, and run after the
 * drained section ends.
 */
#ifndef SYSEMU_BLOCK_BACKEND_H
#define SYSEMU_BLOCK_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include <blkcheck/annotations.h>
#include "block/block.h"
#include "qemu/error.h"
#include "qemu/iov.h"

typedef struct BlockBackend BlockBackend;

/* Completion callback of the blk_aio_* API: @ret is 0 or -errno. */
typedef void BlockCompletionFunc(void *opaque, int ret);

/* ---- lifetime (main loop) ------------------------------------------ */

/* A backend named @name (for messages; NULL: "blkN") with no node. */
BlockBackend *blk_new(const char *name);

/* Attach @bs as the root (takes a reference).  Returns: 0 or -errno with
 * *errp (already has a root).  Main loop, graph unlocked. */
int no_coroutine_fn blk_insert_bs(BlockBackend *blk, BlockDriverState *bs,
                                  Error **errp) GRAPH_UNLOCKED;

/* Drain and detach the root.  Main loop, graph unlocked. */
void no_coroutine_fn blk_remove_bs(BlockBackend *blk) GRAPH_UNLOCKED;

/* blk_new() + bdrv_open_opts() + blk_insert_bs(). */
BlockBackend *no_coroutine_fn blk_new_open(const char *name,
                                           const char *optstr,
                                           Error **errp) GRAPH_UNLOCKED;

/* Drain, remove the root, free.  Main loop, graph unlocked. */
void no_coroutine_fn blk_unref(BlockBackend *blk) GRAPH_UNLOCKED;

const char *blk_name(const BlockBackend *blk);

/* Returns: the root node (borrowed) or NULL.  Reader lock or main loop. */
BlockDriverState *blk_bs(BlockBackend *blk) GRAPH_RDLOCK;

/* Reject requests whose offset or length is not a multiple of @align
 * (a power of two; 1 = byte granular, the default).  Main loop. */
void blk_set_request_alignment(BlockBackend *blk, uint32_t align);

/* ---- drain ---------------------------------------------------------- */

/* Wait until every request submitted to @blk so far has completed.  New
 * requests wait meanwhile.  Main loop, outside coroutines. */
void no_coroutine_fn polling_fn blk_drain(BlockBackend *blk) GRAPH_UNLOCKED;

/* Returns: requests in flight in @blk now (sum over threads). */
int64_t blk_in_flight(BlockBackend *blk);

/* ---- coroutine API (any thread; caller does not hold the graph lock) -- */

int coroutine_fn blk_co_preadv(BlockBackend *blk, int64_t offset,
    int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags) GRAPH_UNLOCKED;
int coroutine_fn blk_co_pwritev(BlockBackend *blk, int64_t offset,
    int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags) GRAPH_UNLOCKED;
int coroutine_fn blk_co_pread(BlockBackend *blk, int64_t offset,
    int64_t bytes, void *buf, BdrvRequestFlags flags) GRAPH_UNLOCKED;
int coroutine_fn blk_co_pwrite(BlockBackend *blk, int64_t offset,
    int64_t bytes, const void *buf, BdrvRequestFlags flags) GRAPH_UNLOCKED;
int coroutine_fn blk_co_pwrite_zeroes(BlockBackend *blk, int64_t offset,
    int64_t bytes, BdrvRequestFlags flags) GRAPH_UNLOCKED;
int coroutine_fn blk_co_pdiscard(BlockBackend *blk, int64_t offset,
    int64_t bytes) GRAPH_UNLOCKED;
/* Every write to @blk completed before the call is stable on return 0. */
int coroutine_fn blk_co_flush(BlockBackend *blk) GRAPH_UNLOCKED;
int64_t coroutine_fn blk_co_getlength(BlockBackend *blk) GRAPH_UNLOCKED;

/* Generated synchronous forms. */
int co_wrapper_mixed blk_pread(BlockBackend *blk, int64_t offset,
    int64_t bytes, void *buf, BdrvRequestFlags flags);
int co_wrapper_mixed blk_pwrite(BlockBackend *blk, int64_t offset,
    int64_t bytes, const void *buf, BdrvRequestFlags flags);
int co_wrapper_mixed blk_pwrite_zeroes(BlockBackend *blk, int64_t offset,
    int64_t bytes, BdrvRequestFlags flags);
int co_wrapper_mixed blk_pdiscard(BlockBackend *blk, int64_t offset,
    int64_t bytes);
int co_wrapper_mixed blk_flush(BlockBackend *blk);
int64_t co_wrapper_mixed blk_getlength(BlockBackend *blk);

/* ---- callback API (any thread with an AioContext) ------------------- */

/*
 * Start a request and return at once; @cb(@opaque, ret) runs later in the
 * calling thread's AioContext (never inside the blk_aio_* call itself).
 * @qiov and its buffers must stay valid until then.
 */
void blk_aio_preadv(BlockBackend *blk, int64_t offset, QEMUIOVector *qiov,
                    BdrvRequestFlags flags, BlockCompletionFunc *cb,
                    void *opaque);
void blk_aio_pwritev(BlockBackend *blk, int64_t offset, QEMUIOVector *qiov,
                     BdrvRequestFlags flags, BlockCompletionFunc *cb,
                     void *opaque);
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque);

#endif /* SYSEMU_BLOCK_BACKEND_H */
