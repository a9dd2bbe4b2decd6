/*
 * fdmon-epoll.c - the epoll fd-monitoring backend of AioContext.
 *
 * epoll_wait() takes milliseconds, so a finite positive timeout first
 * waits with ppoll() (nanoseconds) on the epoll fd itself, which is
 * readable when any watched fd is ready, and then collects the events with
 * a non-blocking epoll_wait().
 */
#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "aio-internal.h"

enum { EPOLL_BATCH = 128 };

static int fdmon_epoll_init(AioContext *ctx)
{
    ctx->epollfd = epoll_create1(EPOLL_CLOEXEC);
    return ctx->epollfd < 0 ? -errno : 0;
}

static void fdmon_epoll_cleanup(AioContext *ctx)
{
    if (ctx->epollfd >= 0) {
        close(ctx->epollfd);
        ctx->epollfd = -1;
    }
}

static void fdmon_epoll_update(AioContext *ctx, AioHandler *node, uint32_t old_events)
{
    struct epoll_event ev = { .events = node->events, .data.ptr = node };
    int op;

    if (!node->events) {
        op = EPOLL_CTL_DEL;
    } else if (!old_events) {
        op = EPOLL_CTL_ADD;
    } else {
        op = EPOLL_CTL_MOD;
    }
    /* A failure (closed fd) leaves the handler silent; nothing to undo. */
    (void)epoll_ctl(ctx->epollfd, op, node->fd, &ev);
}

static int fdmon_epoll_wait(AioContext *ctx, AioHandler **ready, int64_t timeout_ns)
{
    struct epoll_event events[EPOLL_BATCH];
    int n;

    if (timeout_ns > 0) {
        struct pollfd pfd = { .fd = ctx->epollfd, .events = POLLIN };
        struct timespec ts = {
            .tv_sec = timeout_ns / 1000000000LL,
            .tv_nsec = timeout_ns % 1000000000LL,
        };

        n = ppoll(&pfd, 1, &ts, NULL);
        if (n <= 0) {
            return n < 0 ? -errno : 0;
        }
        timeout_ns = 0;
    }
    n = epoll_wait(ctx->epollfd, events, EPOLL_BATCH, timeout_ns < 0 ? -1 : 0);
    if (n < 0) {
        return -errno;
    }
    for (int i = 0; i < n; i++) {
        AioHandler *node = events[i].data.ptr;

        node->revents = events[i].events;
        node->ready_next = *ready;
        *ready = node;
    }
    return n;
}

const FDMonOps fdmon_epoll_ops = {
    .name = "epoll",
    .init = fdmon_epoll_init,
    .cleanup = fdmon_epoll_cleanup,
    .update = fdmon_epoll_update,
    .wait = fdmon_epoll_wait,
};
