/*
 * qemu/timer.h - monotonic-clock timers that fire in an AioContext
 *
 * Context: a timer belongs to one AioContext and its callback runs in that
 * context's thread, from aio_poll().  timer_mod_ns() and timer_del() may be
 * called from any thread (the context's timer list has its own lock), but
 * only a call from the home thread guarantees that the callback is not
 * running at the same moment.  Callbacks are plain functions: they may
 * schedule BHs or wake coroutines but must not yield.
 */
#ifndef QEMU_TIMER_H
#define QEMU_TIMER_H

#include <stdbool.h>
#include <stdint.h>

typedef struct AioContext AioContext;
typedef void QEMUTimerCB(void *opaque);

typedef struct QEMUTimer {
    AioContext *ctx;        /* set once at init */
    QEMUTimerCB *cb;
    void *opaque;
    /* The rest is protected by the timer list lock of ctx. */
    int64_t expire_ns;      /* -1 when not pending */
    struct QEMUTimer *next;
} QEMUTimer;

/*
 * Returns: the current CLOCK_MONOTONIC time in nanoseconds.
 * Context: any thread.
 */
int64_t qemu_clock_get_ns(void);

/*
 * Initialize the caller-owned @t to run @cb(@opaque) in @ctx; not armed.
 * Context: any thread.
 */
void aio_timer_init(AioContext *ctx, QEMUTimer *t, QEMUTimerCB *cb, void *opaque);

/*
 * Allocate a timer that runs @cb(@opaque) in @ctx; not armed.
 * Returns: the timer, to be released with timer_free().
 * Context: any thread.
 */
QEMUTimer *aio_timer_new(AioContext *ctx, QEMUTimerCB *cb, void *opaque);

/*
 * Arm @t to fire at the absolute monotonic time @expire_ns (see
 * qemu_clock_get_ns()); re-arming moves it.  Timers with equal expiry fire
 * in the order they were armed.
 * Context: any thread.
 */
void timer_mod_ns(QEMUTimer *t, int64_t expire_ns);

/*
 * Disarm @t; a no-op when it is not armed.
 * Context: any thread; from the home thread the callback is not running
 * when it returns.
 */
void timer_del(QEMUTimer *t);

/*
 * Returns: true when @t is armed and has not fired yet.
 * Context: any thread.
 */
bool timer_pending(QEMUTimer *t);

/*
 * Disarm and free a timer from aio_timer_new().
 * Context: home thread of the timer's context.
 */
void timer_free(QEMUTimer *t);

#endif /* QEMU_TIMER_H */
