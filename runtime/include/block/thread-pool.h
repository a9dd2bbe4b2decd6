/*
 * block/thread-pool.h - run blocking calls on worker threads
 *
 * Context: thread_pool_submit_co() is a coroutine_fn: the coroutine yields
 * while a worker thread runs the function and is woken in its home context
 * afterwards.  The function itself runs on a worker, outside any
 * AioContext and outside coroutine context: it may block (that is its
 * purpose) but must not touch state owned by a context without locking.
 * One process-wide pool; workers are started on demand up to a bound and
 * exit after being idle for a while.
 */
#ifndef BLOCK_THREAD_POOL_H
#define BLOCK_THREAD_POOL_H

#include <blkcheck/annotations.h>

typedef int ThreadPoolFunc(void *opaque);

/*
 * Run @fn(@opaque) on a worker and yield until it returned.
 * Returns: what @fn returned.
 * Context: coroutine only, in a thread with an AioContext.
 */
int coroutine_fn thread_pool_submit_co(ThreadPoolFunc *fn, void *opaque);

/*
 * Bound the number of workers (default 64) and how long an idle worker
 * waits for work before it exits (default 10000 ms).
 * Context: any thread.
 */
void thread_pool_set_params(unsigned max_workers, int idle_timeout_ms);

/*
 * Returns: the number of worker threads alive now.
 * Context: any thread.
 */
unsigned thread_pool_nr_workers(void);

/*
 * Wait until the queue is empty and every worker has exited.
 * Context: any thread, never in a coroutine, with no submitter waiting.
 */
void thread_pool_shutdown(void);

#endif /* BLOCK_THREAD_POOL_H */
