/*
 * block/graph-lock.h - the block-graph reader/writer lock
 *
 * Context: who writes = the main loop only (GLOBAL_STATE_CODE(), outside
 * coroutines): bdrv_graph_wrlock() waits, by polling the main loop, until
 * every reader has left, and keeps new readers out until
 * bdrv_graph_wrunlock().  Who reads = coroutines in any AioContext
 * (bdrv_graph_co_rdlock(), GRAPH_RDLOCK_GUARD()) and the main loop
 * (bdrv_graph_rdlock_main_loop(), which only asserts: the main loop cannot
 * race with itself, and it is the only writer).
 *
 * The reader fast path writes no shared cache line: each thread owns a
 * reader counter padded to a cache line and registered in a list that the
 * writer scans.  A coroutine that takes the lock in one thread and drops it
 * in another (after moving contexts) leaves +1 in one counter and -1 in the
 * other; only the sum matters.  New readers wait (yield) while a writer is
 * pending, so a writer cannot starve; the writer wakes them in their own
 * contexts with aio_co_wake() when it drops the lock.
 *
 * The capability object `graph_lock` and the GRAPH_RDLOCK / GRAPH_WRLOCK /
 * GRAPH_RDLOCK_GUARD() markers are declared in <blkcheck/annotations.h>;
 * the lock state itself lives in runtime/block/graph-lock.c.
 */
#ifndef BLOCK_GRAPH_LOCK_H
#define BLOCK_GRAPH_LOCK_H

#include <stdbool.h>

#include <blkcheck/annotations.h>

/*
 * Take the graph lock shared.  Fast path: one store to the calling thread's
 * counter, a fence (a compiler barrier when the writer can use membarrier(),
 * else a seq_cst fence) and a load of the writer flag.  While a writer is
 * pending (or holds the lock) the caller yields until bdrv_graph_wrunlock()
 * wakes it, then checks again.  Not recursive with a pending writer: a
 * coroutine that already holds the reader lock must not take it again.
 * Context: coroutine only, any thread, any AioContext.
 */
void coroutine_fn bdrv_graph_co_rdlock(void) TSA_ACQUIRE_SHARED(graph_lock) TSA_NO_TSA;

/*
 * Drop the graph lock taken with bdrv_graph_co_rdlock().  Never yields;
 * kicks a waiting writer when this may have been the last reader.  May run
 * in a different thread than the matching bdrv_graph_co_rdlock().
 * Context: coroutine only, any thread, any AioContext.
 */
void coroutine_fn bdrv_graph_co_rdunlock(void) TSA_RELEASE_SHARED(graph_lock) TSA_NO_TSA;

/*
 * Take the graph lock shared in the main loop.  It only asserts that no
 * writer is pending: the main loop is the only writer, so nothing can change
 * the graph under it while it does not poll into a writer.
 * Context: main loop only, non-coroutine (GLOBAL_STATE_CODE()).
 */
void no_coroutine_fn bdrv_graph_rdlock_main_loop(void)
    TSA_ACQUIRE_SHARED(graph_lock) TSA_NO_TSA;

/*
 * Drop the lock taken with bdrv_graph_rdlock_main_loop().
 * Context: main loop only, non-coroutine (GLOBAL_STATE_CODE()).
 */
void no_coroutine_fn bdrv_graph_rdunlock_main_loop(void)
    TSA_RELEASE_SHARED(graph_lock) TSA_NO_TSA;

/*
 * Take the graph lock exclusively: mark a writer pending (new readers now
 * wait), issue the writer's half of the fence pair (membarrier() or a
 * seq_cst fence), then poll the main loop (AIO_WAIT_WHILE) until the readers in all
 * threads have left.  Not recursive.
 * Context: main loop only, non-coroutine (GLOBAL_STATE_CODE()); a
 * polling_fn, so the caller must not hold the graph lock.
 */
void no_coroutine_fn polling_fn bdrv_graph_wrlock(void) TSA_ACQUIRE(graph_lock) TSA_NO_TSA;

/*
 * Drop the exclusive graph lock and wake every reader that queued while the
 * writer was pending, each in its own AioContext (aio_co_wake()).
 * Context: main loop only, non-coroutine (GLOBAL_STATE_CODE()).
 */
void no_coroutine_fn bdrv_graph_wrunlock(void) TSA_RELEASE(graph_lock) TSA_NO_TSA;

/*
 * Returns: true while the main loop waits for (or holds) the write lock.
 * For readers that wait a long time while holding the reader lock (the
 * throttle filter): they should finish early rather than stall the writer,
 * and with it every new reader.  A hint: it may change right after.
 * Context: any thread, any context.
 */
bool bdrv_graph_writer_pending(void);

/*
 * Assert that the graph may be read: the caller is the main loop, or some
 * reader holds the lock (the counters cannot tell which coroutine; this is
 * a sanity check, TSA does the precise one).  Sums the counters under a
 * mutex: for debugging paths, not fast paths.
 * Context: any thread, any context.
 */
void assert_bdrv_graph_readable(void) TSA_ASSERT_SHARED(graph_lock) TSA_NO_TSA;

/*
 * Assert that the main loop holds the lock exclusively.
 * Context: main loop only (GLOBAL_STATE_CODE()).
 */
void assert_bdrv_graph_writable(void) TSA_ASSERT(graph_lock) TSA_NO_TSA;

#endif /* BLOCK_GRAPH_LOCK_H */
