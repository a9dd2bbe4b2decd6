/*
 * qemu-timer.c - per-AioContext timer lists on the monotonic clock.
 *
 * Each context keeps its armed timers in one list sorted by expiry (ties in
 * arming order) under ctx->timer_lock, so any thread may arm or disarm a
 * timer; aio_poll() sleeps until the first expiry and runs expired
 * callbacks with the lock dropped.  A timer armed for "now + delay" with
 * one delay for all (a sleep per request) expires after every other: the
 * list keeps its last timer, so that case appends without a walk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <stddef.h>
#include <time.h>

#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "aio-internal.h"

int64_t qemu_clock_get_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void aio_timer_init(AioContext *ctx, QEMUTimer *t, QEMUTimerCB *cb, void *opaque)
{
    t->ctx = ctx;
    t->cb = cb;
    t->opaque = opaque;
    t->expire_ns = -1;
    t->next = NULL;
}

QEMUTimer *aio_timer_new(AioContext *ctx, QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *t = malloc(sizeof(*t));

    if (!t) {
        mqblk_abort("aio_timer_new: out of memory (context %p)", (void *)ctx);
    }
    aio_timer_init(ctx, t, cb, opaque);
    return t;
}

/* Publish the first expiry for lock-free peeks.  Called with timer_lock held. */
static void timers_publish(AioContext *ctx)
{
    qatomic_set(&ctx->timers_first_ns, ctx->timers ? ctx->timers->expire_ns : INT64_MAX);
}

/* Unlink @t if armed.  Called with ctx->timer_lock held. */
static void timer_del_locked(AioContext *ctx, QEMUTimer *t)
{
    QEMUTimer **link = &ctx->timers;

    if (t->expire_ns < 0) {
        return;
    }
    while (*link) {
        if (*link == t) {
            *link = t->next;
            if (ctx->timers_last == t) {
                ctx->timers_last = link == &ctx->timers ? NULL :
                    (QEMUTimer *)((char *)link - offsetof(QEMUTimer, next));
            }
            break;
        }
        link = &(*link)->next;
    }
    t->next = NULL;
    t->expire_ns = -1;
}

void timer_mod_ns(QEMUTimer *t, int64_t expire_ns)
{
    AioContext *ctx = t->ctx;
    QEMUTimer **link;
    bool first;

    if (expire_ns < 0) {
        expire_ns = 0;
    }
    qemu_mutex_lock(&ctx->timer_lock);
    timer_del_locked(ctx, t);
    if (ctx->timers_last && ctx->timers_last->expire_ns <= expire_ns) {
        link = &ctx->timers_last->next;         /* the common case: last */
    } else {
        link = &ctx->timers;
        while (*link && (*link)->expire_ns <= expire_ns) {
            link = &(*link)->next;
        }
    }
    t->expire_ns = expire_ns;
    t->next = *link;
    *link = t;
    if (!t->next) {
        ctx->timers_last = t;
    }
    first = ctx->timers == t;
    timers_publish(ctx);
    qemu_mutex_unlock(&ctx->timer_lock);
    if (first) {
        aio_notify(ctx);            /* the poller may sleep too long */
    }
}

void timer_del(QEMUTimer *t)
{
    AioContext *ctx = t->ctx;

    qemu_mutex_lock(&ctx->timer_lock);
    timer_del_locked(ctx, t);
    timers_publish(ctx);
    qemu_mutex_unlock(&ctx->timer_lock);
}

bool timer_pending(QEMUTimer *t)
{
    AioContext *ctx = t->ctx;
    bool pending;

    qemu_mutex_lock(&ctx->timer_lock);
    pending = t->expire_ns >= 0;
    qemu_mutex_unlock(&ctx->timer_lock);
    return pending;
}

void timer_free(QEMUTimer *t)
{
    if (t) {
        timer_del(t);
        free(t);
    }
}

void aio_timers_init(AioContext *ctx)
{
    qemu_mutex_init(&ctx->timer_lock);
    ctx->timers = NULL;
    ctx->timers_last = NULL;
    ctx->timers_first_ns = INT64_MAX;
}

void aio_timers_cleanup(AioContext *ctx)
{
    qemu_mutex_lock(&ctx->timer_lock);
    while (ctx->timers) {
        QEMUTimer *t = ctx->timers;

        ctx->timers = t->next;
        t->next = NULL;
        t->expire_ns = -1;
    }
    ctx->timers_last = NULL;
    qemu_mutex_unlock(&ctx->timer_lock);
    qemu_mutex_destroy(&ctx->timer_lock);
}

int64_t aio_timers_deadline_ns(AioContext *ctx)
{
    int64_t first = qatomic_read(&ctx->timers_first_ns);
    int64_t deadline;

    if (first == INT64_MAX) {
        return -1;
    }
    deadline = first - qemu_clock_get_ns();
    return deadline < 0 ? 0 : deadline;
}

bool aio_timers_run_expired(AioContext *ctx)
{
    int64_t now;
    bool progress = false;

    if (qatomic_read(&ctx->timers_first_ns) == INT64_MAX) {
        return false;               /* nothing armed: no clock read, no lock */
    }
    now = qemu_clock_get_ns();

    for (;;) {
        QEMUTimer *t;

        qemu_mutex_lock(&ctx->timer_lock);
        t = ctx->timers;
        if (!t || t->expire_ns > now) {
            qemu_mutex_unlock(&ctx->timer_lock);
            return progress;
        }
        ctx->timers = t->next;
        if (ctx->timers_last == t) {
            ctx->timers_last = NULL;
        }
        t->next = NULL;
        t->expire_ns = -1;
        timers_publish(ctx);
        qemu_mutex_unlock(&ctx->timer_lock);
        t->cb(t->opaque);           /* may re-arm or free t */
        progress = true;
    }
}
