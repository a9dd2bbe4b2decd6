/*
 * async.c - AioContext life cycle, bottom halves, aio_notify(), and handing
 * coroutines to a context (aio_co_schedule(), aio_co_wake(), aio_co_enter()).
 *
 * Pending BHs form a lock-free stack per context: qemu_bh_schedule() sets
 * BH_PENDING with one atomic or and, when it was clear, pushes the BH with a
 * compare-and-swap; aio_bh_poll() takes the whole stack with one exchange
 * and runs it oldest first.  Coroutines scheduled into a context use the
 * same scheme, with one internal BH that enters them.
 *
 * Wake-up protocol: a poller about to block adds 2 to notify_me and then
 * looks at bh_list/notified; aio_notify() sets notified and then reads
 * notify_me.  All four accesses are seq_cst, so one side always sees the
 * other: either the poller sees the work or the notifier writes the eventfd.
 */
#include <stdlib.h>
#include <string.h>

#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "aio-internal.h"
#include "coroutine-int.h"

static __thread AioContext *current_aio_context;

/* Not inlined, with a barrier: coroutines may move between threads. */
__attribute__((noinline)) AioContext *qemu_get_current_aio_context(void)
{
    AioContext **p = &current_aio_context;

    __asm__ __volatile__("" : "+r"(p));
    return *p;
}

void aio_context_set_current(AioContext *ctx)
{
    AioContext **p = &current_aio_context;

    if (ctx && !aio_context_in_home_thread(ctx)) {
        mqblk_abort("aio_context_set_current: not the home thread of the "
                    "context (%p)", (void *)ctx);
    }
    __asm__ __volatile__("" : "+r"(p));
    *p = ctx;
}

bool aio_context_in_home_thread(AioContext *ctx)
{
    return qemu_thread_is_self(&ctx->home);
}

/*
 * Wake a blocked poller after a BH was pushed.  The non-empty bh_list is
 * itself the "work pending" signal (the poller checks it after raising
 * notify_me), so unlike aio_notify() this does not set `notified`; the
 * push's seq_cst compare-and-swap orders it before the notify_me load.
 */
static inline void aio_notify_pushed(AioContext *ctx)
{
    if (qatomic_load_seq(&ctx->notify_me)) {
        event_notifier_set(&ctx->notifier);
    }
}

/* ---- bottom halves --------------------------------------------------- */

static void bh_push(AioContext *ctx, QEMUBH *bh)
{
    QEMUBH *old = qatomic_read(&ctx->bh_list);

    do {
        bh->next = old;
    } while (!qatomic_cmpxchg_bool(&ctx->bh_list, &old, bh));
}

static QEMUBH *bh_alloc(AioContext *ctx, QEMUBHFunc *cb, void *opaque, const char *who)
{
    QEMUBH *bh = calloc(1, sizeof(*bh));

    if (!bh) {
        mqblk_abort("%s: out of memory (context %p)", who, (void *)ctx);
    }
    bh->ctx = ctx;
    bh->cb = cb;
    bh->opaque = opaque;
    return bh;
}

QEMUBH *aio_bh_new(AioContext *ctx, QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = bh_alloc(ctx, cb, opaque, "aio_bh_new: out of memory");

    qemu_mutex_lock(&ctx->bh_all_lock);
    bh->all_next = ctx->bh_all;
    if (ctx->bh_all) {
        ctx->bh_all->all_prev = bh;
    }
    ctx->bh_all = bh;
    qemu_mutex_unlock(&ctx->bh_all_lock);
    return bh;
}

void qemu_bh_schedule(QEMUBH *bh)
{
    unsigned old = qatomic_fetch_or(&bh->flags, BH_PENDING | BH_SCHEDULED);

    if (!(old & BH_PENDING)) {
        bh_push(bh->ctx, bh);
        aio_notify_pushed(bh->ctx);
    }
}

void qemu_bh_cancel(QEMUBH *bh)
{
    qatomic_fetch_and(&bh->flags, ~(unsigned)BH_SCHEDULED);
}

static void bh_unlink_all(AioContext *ctx, QEMUBH *bh)
{
    qemu_mutex_lock(&ctx->bh_all_lock);
    if (bh->all_prev) {
        bh->all_prev->all_next = bh->all_next;
    } else {
        ctx->bh_all = bh->all_next;
    }
    if (bh->all_next) {
        bh->all_next->all_prev = bh->all_prev;
    }
    qemu_mutex_unlock(&ctx->bh_all_lock);
}

void qemu_bh_delete(QEMUBH *bh)
{
    unsigned old;

    bh_unlink_all(bh->ctx, bh);
    old = qatomic_fetch_or(&bh->flags, BH_DELETED);
    if (!(old & BH_PENDING)) {
        free(bh);
    }
    /* Otherwise it is on bh_list: aio_bh_poll() frees it. */
}

void aio_bh_schedule_oneshot(AioContext *ctx, QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = bh_alloc(ctx, cb, opaque, "aio_bh_schedule_oneshot: out of memory");

    bh->flags = BH_PENDING | BH_SCHEDULED | BH_ONESHOT;
    bh_push(ctx, bh);
    aio_notify_pushed(ctx);
}

bool aio_bh_pending(AioContext *ctx)
{
    return qatomic_load_seq(&ctx->bh_list) != NULL;
}

bool aio_bh_poll(AioContext *ctx)
{
    QEMUBH *list = qatomic_xchg(&ctx->bh_list, NULL);
    QEMUBH *fifo = NULL;
    bool progress = false;

    while (list) {                  /* newest first -> oldest first */
        QEMUBH *next = list->next;

        list->next = fifo;
        fifo = list;
        list = next;
    }
    while (fifo) {
        QEMUBH *bh = fifo;
        unsigned flags;

        fifo = bh->next;            /* before the BH can be queued again */
        flags = qatomic_fetch_and(&bh->flags, ~(unsigned)(BH_PENDING | BH_SCHEDULED));
        if (flags & BH_DELETED) {
            free(bh);
            continue;
        }
        if (flags & BH_SCHEDULED) {
            progress = true;
            bh->cb(bh->opaque);     /* may delete bh: do not touch it after */
        }
        if (flags & BH_ONESHOT) {
            free(bh);
        }
    }
    return progress;
}

/* ---- notification ------------------------------------------------------ */

void aio_notify(AioContext *ctx)
{
    qatomic_store_seq(&ctx->notified, true);
    if (qatomic_load_seq(&ctx->notify_me)) {
        event_notifier_set(&ctx->notifier);
    }
}

void aio_notify_accept(AioContext *ctx)
{
    /*
     * Only the flag: the eventfd is written only while a poller blocks, and
     * the internal handler clears it whenever epoll reports it.  A write
     * that lands after this poll costs the next blocking poll one spurious
     * wake-up, never a lost one; skipping the read() keeps non-blocking
     * polls free of system calls.
     */
    if (qatomic_read(&ctx->notified)) {
        qatomic_store_seq(&ctx->notified, false);
    }
}

/* ---- coroutines ---------------------------------------------------------- */

static void co_schedule_bh_cb(void *opaque)
{
    AioContext *ctx = opaque;
    Coroutine *list = qatomic_xchg(&ctx->scheduled_coroutines, NULL);
    Coroutine *fifo = NULL;

    while (list) {
        Coroutine *next = list->next;

        list->next = fifo;
        fifo = list;
        list = next;
    }
    while (fifo) {
        Coroutine *co = fifo;

        fifo = co->next;
        coroutine_enter_scheduled(ctx, co);
    }
}

void aio_co_schedule(AioContext *ctx, Coroutine *co)
{
    unsigned expected = 0;
    Coroutine *old;

    if (!ctx) {
        mqblk_abort("aio_co_schedule: coroutine has no AioContext to run in "
                    "(%p)", (void *)co);
    }
    if (!qatomic_cmpxchg_bool(&co->scheduled, &expected, 1)) {
        mqblk_abort("aio_co_schedule: coroutine is already scheduled "
                    "(woken twice for one yield?) (%p)", (void *)co);
    }
    old = qatomic_read(&ctx->scheduled_coroutines);
    do {
        co->next = old;
    } while (!qatomic_cmpxchg_bool(&ctx->scheduled_coroutines, &old, co));
    qemu_bh_schedule(ctx->co_schedule_bh);
}

void aio_co_enter(AioContext *ctx, Coroutine *co)
{
    if (ctx != qemu_get_current_aio_context()) {
        aio_co_schedule(ctx, co);
        return;
    }
    if (qemu_in_coroutine()) {
        /* Same thread: run it once the current coroutine yields. */
        coroutine_queue_wakeup(co);
    } else {
        qemu_coroutine_enter(co);
    }
}

void aio_co_wake(Coroutine *co)
{
    aio_co_enter(qatomic_read(&co->ctx), co);
}

/* ---- life cycle -------------------------------------------------------- */

AioContext *aio_context_new(const char **errp)
{
    AioContext *ctx = aligned_alloc(QEMU_INTERFERENCE_SIZE, sizeof(*ctx));

    if (ctx) {
        memset(ctx, 0, sizeof(*ctx));
    } else {
        *errp = "out of memory";
        return NULL;
    }
    ctx->refcnt = 1;
    qemu_thread_get_self(&ctx->home);
    qemu_mutex_init(&ctx->bh_all_lock);
    if (event_notifier_init(&ctx->notifier, false) < 0) {
        *errp = "cannot create the context's eventfd";
        goto err_notifier;
    }
    if (aio_handlers_init(ctx) < 0) {
        *errp = "cannot create the context's epoll instance";
        goto err_handlers;
    }
    aio_timers_init(ctx);
    ctx->co_schedule_bh = aio_bh_new(ctx, co_schedule_bh_cb, ctx);
    return ctx;

err_handlers:
    event_notifier_cleanup(&ctx->notifier);
err_notifier:
    qemu_mutex_destroy(&ctx->bh_all_lock);
    free(ctx);
    return NULL;
}

void aio_context_ref(AioContext *ctx)
{
    qatomic_inc(&ctx->refcnt);
}

static void aio_context_finalize(AioContext *ctx)
{
    /* Pending BHs (and the coroutines they enter) still run, but bounded. */
    for (int round = 0; round < 10000 && aio_bh_pending(ctx); round++) {
        aio_bh_poll(ctx);
    }
    qemu_mutex_lock(&ctx->bh_all_lock);
    while (ctx->bh_all) {
        QEMUBH *bh = ctx->bh_all;

        ctx->bh_all = bh->all_next;
        bh->all_prev = bh->all_next = NULL;
        if (!(qatomic_fetch_or(&bh->flags, BH_DELETED) & BH_PENDING)) {
            free(bh);
        }
    }
    qemu_mutex_unlock(&ctx->bh_all_lock);
    aio_bh_poll(ctx);               /* frees BHs left deleted on the list */
    aio_timers_cleanup(ctx);
    aio_handlers_cleanup(ctx);
    event_notifier_cleanup(&ctx->notifier);
    qemu_mutex_destroy(&ctx->bh_all_lock);
    if (qemu_get_current_aio_context() == ctx) {
        aio_context_set_current(NULL);
    }
    free(ctx);
}

void aio_context_unref(AioContext *ctx)
{
    if (qatomic_fetch_sub(&ctx->refcnt, 1) == 1) {
        aio_context_finalize(ctx);
    }
}
