/*
 * block/aio-wait.h - wait in the main loop for work done in other threads
 *
 * Context: AIO_WAIT_WHILE() and aio_wait_bh_oneshot() are polling_fn: they
 * run a nested event loop, so they are for non-coroutine code only (a
 * coroutine yields instead) and never with the graph lock held.  The main
 * loop may wait for any context; any other thread only for its own context.
 * aio_wait_kick() is the other half and may be called from any thread and
 * any context.
 *
 * Protocol: the waiter registers (aio_wait_begin), evaluates its condition
 * and polls; whoever makes the condition false calls aio_wait_kick()
 * afterwards, which wakes the main loop when someone is waiting.
 */
#ifndef BLOCK_AIO_WAIT_H
#define BLOCK_AIO_WAIT_H

#include <stdbool.h>

#include <blkcheck/annotations.h>

#include "block/aio.h"

/*
 * Register the calling thread as a waiter (AIO_WAIT_WHILE() does it).
 * Context: non-coroutine.
 */
void aio_wait_begin(void);

/*
 * Unregister a waiter.
 * Context: non-coroutine.
 */
void aio_wait_end(void);

/*
 * Poll the context a wait for @ctx has to poll: @ctx itself when it is the
 * caller's, else the main context (which must be the caller's).  Aborts
 * when called from a coroutine or from a foreign thread.
 * Returns: what aio_poll() returned.
 * Context: non-coroutine; main loop, or the home thread of @ctx.
 */
bool polling_fn aio_wait_poll(AioContext *ctx);

/*
 * Wake AIO_WAIT_WHILE() waiters so that they evaluate their condition
 * again.  Call it after the change that makes the condition false.
 * Context: any thread, any context.
 */
void aio_wait_kick(void);

/*
 * Run @fn(@opaque) in a BH of @ctx and wait until it returned.
 * Context: main loop only, non-coroutine.
 */
void polling_fn aio_wait_bh_oneshot(AioContext *ctx, void (*fn)(void *),
                                    void *opaque);

/*
 * Poll until @cond is false: evaluate @cond, then poll once, repeatedly.
 * Returns (as an expression): true when it had to poll at least once.
 * Context: non-coroutine; main loop (any @ctx) or the home thread of @ctx.
 */
#define AIO_WAIT_WHILE(ctx, cond) ({                 \
    bool waited_ = false;                            \
    AioContext *wait_ctx_ = (ctx);                   \
    aio_wait_begin();                                \
    while ((cond)) {                                 \
        aio_wait_poll(wait_ctx_);                    \
        waited_ = true;                              \
    }                                                \
    aio_wait_end();                                  \
    waited_; })

#endif /* BLOCK_AIO_WAIT_H */
