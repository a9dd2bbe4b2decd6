/*
 * aio-posix.c - aio_poll(): fd handlers, adaptive busy-polling, and the
 * order in which one loop iteration runs its work (BHs, fd handlers,
 * timers).  fd readiness comes from the FDMonOps backend (fdmon-epoll.c).
 *
 * Handlers are a singly linked list owned by the home thread.  Removing a
 * handler while a dispatch is walking the list (from a callback, or from a
 * nested aio_poll()) only marks it deleted; the outermost walk frees it.
 */
#include <stdlib.h>
#include <sys/epoll.h>

#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "aio-internal.h"

static void aio_check_home(AioContext *ctx, const char *fn)
{
    if (!aio_context_in_home_thread(ctx)) {
        mqblk_abort("%s: called outside the home thread of the context "
                    "(context %p)", fn, (void *)ctx);
    }
}

static AioHandler *find_handler(AioContext *ctx, int fd)
{
    for (AioHandler *node = ctx->handlers; node; node = node->next) {
        if (node->fd == fd && !node->deleted) {
            return node;
        }
    }
    return NULL;
}

static void purge_deleted(AioContext *ctx)
{
    AioHandler **link = &ctx->handlers;

    while (*link) {
        AioHandler *node = *link;

        if (node->deleted) {
            *link = node->next;
            free(node);
        } else {
            link = &node->next;
        }
    }
    ctx->handlers_deleted = false;
}

static void remove_handler(AioContext *ctx, AioHandler *node)
{
    uint32_t old = node->events;

    node->events = 0;
    if (old) {
        ctx->fdmon->update(ctx, node, old);
    }
    node->deleted = true;
    ctx->handlers_deleted = true;
    if (!ctx->walking_handlers) {
        purge_deleted(ctx);
    }
}

/* Find or add the handler of @fd and make it watch @events. */
static AioHandler *set_handler(AioContext *ctx, int fd, uint32_t events)
{
    AioHandler *node = find_handler(ctx, fd);
    uint32_t old = 0;

    if (!node) {
        node = calloc(1, sizeof(*node));
        if (!node) {
            mqblk_abort("%s: out of memory (context %p)", __func__,
                        (void *)ctx);
        }
        node->fd = fd;
        node->next = ctx->handlers;
        ctx->handlers = node;
    } else {
        old = node->events;
    }
    node->events = events;
    if (old != events) {
        ctx->fdmon->update(ctx, node, old);
    }
    return node;
}

void aio_set_fd_handler(AioContext *ctx, int fd, IOHandler *io_read,
                        IOHandler *io_write, AioPollFn *io_poll,
                        IOHandler *io_poll_ready, void *opaque)
{
    AioHandler *node;

    aio_check_home(ctx, __func__);
    if (!io_read && !io_write && !io_poll) {
        node = find_handler(ctx, fd);
        if (node) {
            remove_handler(ctx, node);
        }
        return;
    }
    node = set_handler(ctx, fd, (io_read ? EPOLLIN : 0) | (io_write ? EPOLLOUT : 0));
    node->io_read = io_read;
    node->io_write = io_write;
    node->io_poll = io_poll;
    node->io_poll_ready = io_poll_ready;
    node->opaque = opaque;
}

void aio_set_event_notifier(AioContext *ctx, EventNotifier *e,
                            EventNotifierHandler *io_read,
                            EventNotifierPollFn *io_poll,
                            EventNotifierHandler *io_poll_ready)
{
    int fd = event_notifier_get_fd(e);
    AioHandler *node;

    aio_check_home(ctx, __func__);
    if (!io_read && !io_poll) {
        node = find_handler(ctx, fd);
        if (node) {
            remove_handler(ctx, node);
        }
        return;
    }
    node = set_handler(ctx, fd, io_read ? EPOLLIN : 0);
    node->e = e;
    node->e_read = io_read;
    node->e_poll = io_poll;
    node->e_poll_ready = io_poll_ready;
}

void aio_context_set_poll_params(AioContext *ctx, int64_t max_ns,
                                 int64_t grow, int64_t shrink)
{
    aio_check_home(ctx, __func__);
    ctx->poll_max_ns = max_ns > 0 ? max_ns : 0;
    ctx->poll_grow = grow > 1 ? grow : 2;
    ctx->poll_shrink = shrink > 0 ? shrink : 0;
    ctx->poll_ns = 0;
}

int64_t aio_context_get_poll_ns(AioContext *ctx)
{
    return ctx->poll_ns;
}

/* ---- internal notifier --------------------------------------------------- */

static void aio_notifier_read(EventNotifier *e)
{
    event_notifier_test_and_clear(e);
}

static bool aio_notifier_poll(EventNotifier *e)
{
    (void)e;
    return false;
}

int aio_handlers_init(AioContext *ctx)
{
    AioHandler *node;
    int ret;

    ctx->epollfd = -1;
    ctx->fdmon = &fdmon_epoll_ops;
    ret = ctx->fdmon->init(ctx);
    if (ret < 0) {
        return ret;
    }
    node = set_handler(ctx, event_notifier_get_fd(&ctx->notifier), EPOLLIN);
    node->e = &ctx->notifier;
    node->e_read = aio_notifier_read;
    node->e_poll = aio_notifier_poll;
    node->internal = true;
    return 0;
}

void aio_handlers_cleanup(AioContext *ctx)
{
    while (ctx->handlers) {
        AioHandler *node = ctx->handlers;

        ctx->handlers = node->next;
        free(node);
    }
    ctx->fdmon->cleanup(ctx);
}

/* ---- dispatch -------------------------------------------------------------- */

static bool dispatch_ready(AioContext *ctx, AioHandler *ready)
{
    bool progress = false;

    ctx->walking_handlers++;
    for (AioHandler *node = ready; node; node = node->ready_next) {
        uint32_t revents = node->revents;

        node->revents = 0;
        if (node->deleted) {
            continue;
        }
        if ((revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) && (node->io_read || node->e_read)) {
            if (node->e_read) {
                node->e_read(node->e);
            } else {
                node->io_read(node->opaque);
            }
            progress |= !node->internal;
        }
        if ((revents & (EPOLLOUT | EPOLLERR)) && node->io_write && !node->deleted) {
            node->io_write(node->opaque);
            progress = true;
        }
    }
    ctx->walking_handlers--;
    if (!ctx->walking_handlers && ctx->handlers_deleted) {
        purge_deleted(ctx);
    }
    return progress;
}

static bool poll_handlers_once(AioContext *ctx)
{
    bool found = false;

    for (AioHandler *node = ctx->handlers; node; node = node->next) {
        if (node->deleted || node->internal) {
            continue;
        }
        if ((node->io_poll && node->io_poll(node->opaque)) ||
            (node->e_poll && node->e_poll(node->e))) {
            node->poll_ready = true;
            found = true;
        }
    }
    return found;
}

static bool dispatch_poll_ready(AioContext *ctx)
{
    bool progress = false;

    ctx->walking_handlers++;
    for (AioHandler *node = ctx->handlers; node; node = node->next) {
        if (!node->poll_ready) {
            continue;
        }
        node->poll_ready = false;
        if (node->deleted) {
            continue;
        }
        if (node->e_poll_ready) {
            node->e_poll_ready(node->e);
        } else if (node->io_poll_ready) {
            node->io_poll_ready(node->opaque);
        }
        progress = true;
    }
    ctx->walking_handlers--;
    if (!ctx->walking_handlers && ctx->handlers_deleted) {
        purge_deleted(ctx);
    }
    return progress;
}

/* Busy-poll for up to the current window.  Returns: true if work showed up. */
static bool busy_poll(AioContext *ctx)
{
    int64_t deadline;

    if (!ctx->poll_ns) {
        return false;
    }
    deadline = qemu_clock_get_ns() + ctx->poll_ns;
    do {
        if (poll_handlers_once(ctx) || aio_bh_pending(ctx) ||
            qatomic_load_seq(&ctx->notified) || aio_timers_deadline_ns(ctx) == 0) {
            return true;
        }
    } while (qemu_clock_get_ns() < deadline);
    return false;
}

static void adjust_poll_ns(AioContext *ctx, int64_t block_ns)
{
    if (block_ns <= ctx->poll_ns) {
        return;                     /* polling found the work in time */
    }
    if (block_ns > ctx->poll_max_ns) {
        ctx->poll_ns = ctx->poll_shrink ? ctx->poll_ns / ctx->poll_shrink : 0;
    } else if (ctx->poll_ns < ctx->poll_max_ns) {
        int64_t next = ctx->poll_ns ? ctx->poll_ns * ctx->poll_grow : 4000;

        ctx->poll_ns = next < ctx->poll_max_ns ? next : ctx->poll_max_ns;
    }
}

static int64_t compute_timeout(AioContext *ctx)
{
    if (aio_bh_pending(ctx) || qatomic_load_seq(&ctx->notified)) {
        return 0;
    }
    return aio_timers_deadline_ns(ctx);
}

/* Does the wait have to ask the kernel?  Not for a non-blocking loop over BHs only. */
static bool has_external_handlers(AioContext *ctx)
{
    for (AioHandler *node = ctx->handlers; node; node = node->next) {
        if (!node->internal && !node->deleted) {
            return true;
        }
    }
    return false;
}

bool polling_fn aio_poll(AioContext *ctx, bool blocking)
{
    AioHandler *ready = NULL;
    int64_t timeout = 0, start = 0;
    bool progress = false, polled = false;

    aio_check_home(ctx, __func__);
    if (qemu_in_coroutine()) {
        mqblk_abort("%s: called from a coroutine (it would nest an event "
                    "loop) (context %p)", __func__, (void *)ctx);
    }
    if (blocking) {
        if (ctx->poll_max_ns) {
            start = qemu_clock_get_ns();
            polled = busy_poll(ctx);
        }
        if (!polled) {
            qatomic_fetch_add(&ctx->notify_me, 2);
            timeout = compute_timeout(ctx);
        }
    }
    /* The nodes on @ready stay allocated until they are dispatched, even
     * when a BH below removes their handler: purge only afterwards. */
    ctx->walking_handlers++;
    if (timeout != 0 || has_external_handlers(ctx)) {
        ctx->fdmon->wait(ctx, &ready, timeout);
    }
    if (blocking && !polled) {
        qatomic_fetch_sub(&ctx->notify_me, 2);
    }
    /* How long this iteration waited for work (polling included; the
     * callbacks below are not waiting). */
    if (blocking && ctx->poll_max_ns) {
        adjust_poll_ns(ctx, qemu_clock_get_ns() - start);
    }
    aio_notify_accept(ctx);

    if (polled) {
        progress |= dispatch_poll_ready(ctx);
    }
    progress |= aio_bh_poll(ctx);
    progress |= dispatch_ready(ctx, ready);
    if (--ctx->walking_handlers == 0 && ctx->handlers_deleted) {
        purge_deleted(ctx);
    }
    progress |= aio_timers_run_expired(ctx);
    return progress;
}
