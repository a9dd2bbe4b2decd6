/*
 * block/aio.h - AioContext: one thread's event loop
 *
 * Context: an AioContext has one home thread, the thread that created it
 * (an IOThread creates its own; the main loop's is created by
 * qemu_init_main_loop()).  Only the home thread runs aio_poll() and changes
 * the fd handler set; the services meant for other threads say so:
 *
 *   any thread, lock-free:   qemu_bh_schedule(), aio_bh_schedule_oneshot(),
 *                            aio_notify(), aio_co_schedule(), aio_co_wake()
 *   any thread, locked:      timer_mod_ns()/timer_del() (qemu/timer.h),
 *                            aio_context_ref()/unref()
 *   home thread only:        aio_poll(), aio_set_fd_handler(),
 *                            aio_set_event_notifier(), qemu_bh_delete()
 *
 * Every callback (BH, fd handler, timer) runs in the home thread, outside
 * coroutine context; to do work that yields, a callback enters or wakes a
 * coroutine.  aio_poll() and everything that calls it is a polling_fn: never
 * call it from a coroutine (it would run a nested event loop on the
 * coroutine's stack and re-enter callbacks the coroutine is part of).
 *
 * Code classes: this header is IO_OR_GS: the main loop and IOThreads use it
 * alike.
 */
#ifndef BLOCK_AIO_H
#define BLOCK_AIO_H

#include <stdbool.h>
#include <stdint.h>

#include <blkcheck/annotations.h>

#include "qemu/event_notifier.h"
#include "qemu/timer.h"

typedef struct AioContext AioContext;
typedef struct QEMUBH QEMUBH;
typedef struct Coroutine Coroutine;

typedef void QEMUBHFunc(void *opaque);
typedef void IOHandler(void *opaque);
/* Busy-poll check: returns true when the handler has work (no blocking). */
typedef bool AioPollFn(void *opaque);
typedef void EventNotifierHandler(EventNotifier *e);
typedef bool EventNotifierPollFn(EventNotifier *e);

/*
 * Create an AioContext whose home thread is the calling thread.
 * Returns: the context with one reference, or NULL with *@errp set to a
 * static message when the OS refused (out of file descriptors).
 * Context: any thread; the caller becomes the home thread.
 */
AioContext *aio_context_new(const char **errp);

/*
 * Take a reference to @ctx.
 * Context: any thread.
 */
void aio_context_ref(AioContext *ctx);

/*
 * Drop a reference; the last one runs every BH still pending (and the
 * coroutines scheduled there), then frees the context and any BH left.
 * Context: any thread, but no thread may be polling @ctx any more.
 */
void aio_context_unref(AioContext *ctx);

/*
 * Returns: true when the calling thread is the home thread of @ctx.
 * Context: any thread.
 */
bool aio_context_in_home_thread(AioContext *ctx);

/*
 * Make @ctx the context of the calling thread, as returned by
 * qemu_get_current_aio_context() (block/main-loop.h).  A thread that
 * creates a context to run it calls this once.
 * Context: home thread of @ctx (or any thread with @ctx NULL to unset).
 */
void aio_context_set_current(AioContext *ctx);

/*
 * Allocate a BH that runs @cb(@opaque) in @ctx each time it is scheduled.
 * Returns: the BH, released with qemu_bh_delete().
 * Context: any thread.
 */
QEMUBH *aio_bh_new(AioContext *ctx, QEMUBHFunc *cb, void *opaque);

/*
 * Schedule @bh to run once in its context at the next aio_poll(); a no-op
 * when already scheduled and not yet run.
 * Context: any thread, any context; lock-free.
 */
void qemu_bh_schedule(QEMUBH *bh);

/*
 * Unschedule @bh (it will not run unless scheduled again).
 * Context: any thread; a callback already running is not stopped.
 */
void qemu_bh_cancel(QEMUBH *bh);

/*
 * Unschedule and free @bh.  Safe from the BH's own callback.
 * Context: home thread of the BH's context; nobody may schedule @bh
 * afterwards.
 */
void qemu_bh_delete(QEMUBH *bh);

/*
 * Run @cb(@opaque) once in @ctx, at its next aio_poll().
 * Context: any thread, any context; lock-free apart from one malloc.
 */
void aio_bh_schedule_oneshot(AioContext *ctx, QEMUBHFunc *cb, void *opaque);

/*
 * Wake the home thread of @ctx if it is blocked in aio_poll(), so that it
 * looks at its BHs, timers and notifiers again.
 * Context: any thread, any context; lock-free.
 */
void aio_notify(AioContext *ctx);

/*
 * Watch @fd in @ctx: @io_read (@io_write) runs when it is readable
 * (writable).  With @io_poll, busy-polling (aio_context_set_poll_params())
 * calls @io_poll(@opaque) and runs @io_poll_ready when it returns true.
 * Passing all callbacks NULL removes the handler; a handler may remove
 * itself from its own callback.
 * Context: home thread of @ctx.
 */
void aio_set_fd_handler(AioContext *ctx, int fd, IOHandler *io_read,
                        IOHandler *io_write, AioPollFn *io_poll,
                        IOHandler *io_poll_ready, void *opaque);

/*
 * Watch @e in @ctx: @io_read(@e) runs when it is set (the handler clears it
 * with event_notifier_test_and_clear()).  NULL callbacks remove the watch.
 * Context: home thread of @ctx.
 */
void aio_set_event_notifier(AioContext *ctx, EventNotifier *e,
                            EventNotifierHandler *io_read,
                            EventNotifierPollFn *io_poll,
                            EventNotifierHandler *io_poll_ready);

/*
 * Enable adaptive busy-polling: before sleeping, aio_poll() polls for up to
 * the current poll window (between 0 and @max_ns), growing it by @grow
 * (factor, 0 = 2) when sleeping would have been short and dividing it by
 * @shrink (0 = reset to 0) when it was long.  @max_ns = 0 (the default)
 * turns busy-polling off.
 * Context: home thread of @ctx.
 */
void aio_context_set_poll_params(AioContext *ctx, int64_t max_ns,
                                 int64_t grow, int64_t shrink);

/*
 * Returns: the current busy-poll window of @ctx in ns (for tests and
 * statistics).
 * Context: home thread of @ctx.
 */
int64_t aio_context_get_poll_ns(AioContext *ctx);

/*
 * Run one iteration of @ctx's event loop: ready fd handlers, scheduled BHs
 * and expired timers.  With @blocking, first wait (busy-polling, then
 * sleeping) until at least one of them is ready or aio_notify() is called.
 * Returns: true when at least one callback made progress.
 * Context: home thread of @ctx, never in a coroutine.
 */
bool polling_fn aio_poll(AioContext *ctx, bool blocking);

/*
 * Enter @co in @ctx: directly when @ctx is the caller's context (after the
 * current coroutine yields, if called from one), else through
 * aio_co_schedule().
 * Context: any thread, any context.
 */
void aio_co_enter(AioContext *ctx, Coroutine *co);

/*
 * Resume the yielded coroutine @co in its home context (the context it last
 * ran in), from any thread.  Every yield must be matched by exactly one
 * wake; a second wake before the coroutine ran again aborts.
 * Context: any thread, any context.
 */
void aio_co_wake(Coroutine *co);

/*
 * Move the yielded coroutine @co to @ctx and enter it there from a BH.
 * Scheduling a coroutine that is already scheduled aborts with a message.
 * Context: any thread, any context; lock-free.
 */
void aio_co_schedule(AioContext *ctx, Coroutine *co);

#endif /* BLOCK_AIO_H */
