/*
 * aio-internal.h - private: the AioContext object, its fd handlers and the
 * fd-monitoring backend ops table.  Not installed.
 *
 * Context: every field names who may touch it: "home thread" fields only
 * the thread that polls the context; "atomic" fields any thread, with the
 * qatomic_* accessors (qemu/atomic.h); "timer_lock" and "bh_all_lock"
 * fields under that lock.
 */
#ifndef MQBLK_AIO_INTERNAL_H
#define MQBLK_AIO_INTERNAL_H

#include <stdint.h>

#include "block/aio.h"
#include "qemu/compiler.h"
#include "qemu/thread.h"

typedef struct AioHandler AioHandler;

struct AioHandler {
    int fd;
    IOHandler *io_read;
    IOHandler *io_write;
    AioPollFn *io_poll;
    IOHandler *io_poll_ready;
    void *opaque;
    /* Event-notifier flavour (aio_set_event_notifier()): */
    EventNotifier *e;
    EventNotifierHandler *e_read;
    EventNotifierPollFn *e_poll;
    EventNotifierHandler *e_poll_ready;

    uint32_t events;        /* EPOLLIN/EPOLLOUT wanted; 0 once deleted */
    uint32_t revents;       /* set by the fdmon wait() */
    bool deleted;           /* removed while the list was being walked */
    bool internal;          /* the context's own notifier: no progress */
    bool poll_ready;        /* io_poll() said yes during busy-polling */
    AioHandler *next;       /* in ctx->handlers */
    AioHandler *ready_next; /* in the list returned by fdmon wait() */
};

/* fd monitoring backend: epoll today; poll(2) or io_uring would slot in. */
typedef struct FDMonOps {
    const char *name;
    /* Returns: 0 or -errno. */
    int (*init)(AioContext *ctx);
    void (*cleanup)(AioContext *ctx);
    /* @node->events changed from @old_events (0 = new; now 0 = removed). */
    void (*update)(AioContext *ctx, AioHandler *node, uint32_t old_events);
    /*
     * Wait up to @timeout_ns (-1 forever, 0 not at all) and link the ready
     * handlers through ready_next into *@ready, revents set.
     * Returns: the number of ready handlers, or -errno.
     */
    int (*wait)(AioContext *ctx, AioHandler **ready, int64_t timeout_ns);
} FDMonOps;

extern const FDMonOps fdmon_epoll_ops;

struct QEMUBH {
    AioContext *ctx;
    QEMUBHFunc *cb;
    void *opaque;
    unsigned flags;         /* atomic: BH_* */
    QEMUBH *next;           /* in ctx->bh_list while BH_PENDING */
    QEMUBH *all_prev;       /* in ctx->bh_all (bh_all_lock), not oneshots */
    QEMUBH *all_next;
};

enum {
    BH_PENDING   = 1 << 0,  /* on ctx->bh_list */
    BH_SCHEDULED = 1 << 1,  /* run the callback when dequeued */
    BH_ONESHOT   = 1 << 2,  /* free after running */
    BH_DELETED   = 1 << 3,  /* free when dequeued */
};

/*
 * Allocated aligned to QEMU_INTERFERENCE_SIZE and padded to it, so that the
 * home thread's writes (the timer lock, poll state) never share a line pair
 * with another thread's AioContext.
 */
struct AioContext {
    unsigned refcnt;                /* atomic */
    QemuThread home;                /* set at creation */

    QEMUBH *bh_list;                /* atomic: pending BHs, newest first */
    QemuMutex bh_all_lock;
    QEMUBH *bh_all;                 /* bh_all_lock: every aio_bh_new() BH */

    EventNotifier notifier;         /* wakes a blocked aio_poll() */
    unsigned notify_me;             /* atomic: 2 per aio_poll() about to block */
    bool notified;                  /* atomic: aio_notify() since last accept */

    Coroutine *scheduled_coroutines; /* atomic: aio_co_schedule(), newest first */
    QEMUBH *co_schedule_bh;

    AioHandler *handlers;           /* home thread */
    unsigned walking_handlers;      /* home thread: dispatch depth */
    bool handlers_deleted;          /* home thread: some node->deleted */
    const FDMonOps *fdmon;          /* home thread */
    int epollfd;                    /* fdmon_epoll */

    QemuMutex timer_lock;
    QEMUTimer *timers;              /* timer_lock: sorted by expire_ns */
    QEMUTimer *timers_last;         /* timer_lock: the list's last timer */
    int64_t timers_first_ns;        /* atomic: expiry of timers, INT64_MAX if none */

    int64_t poll_max_ns;            /* home thread: busy-poll settings */
    int64_t poll_grow;
    int64_t poll_shrink;
    int64_t poll_ns;                /* home thread: current window */
} __attribute__((aligned(QEMU_INTERFERENCE_SIZE)));

/* async.c */
bool aio_bh_poll(AioContext *ctx);
bool aio_bh_pending(AioContext *ctx);
void aio_notify_accept(AioContext *ctx);

/* qemu-timer.c */
/* Returns: ns until the first timer of @ctx expires, 0 if due, -1 if none. */
int64_t aio_timers_deadline_ns(AioContext *ctx);
/* Run every expired timer of @ctx.  Returns: true if any ran. */
bool aio_timers_run_expired(AioContext *ctx);
void aio_timers_init(AioContext *ctx);
void aio_timers_cleanup(AioContext *ctx);

/* aio-posix.c */
int aio_handlers_init(AioContext *ctx);
void aio_handlers_cleanup(AioContext *ctx);

/* aio-wait.c: let waiters know work finished (also in finalize). */

#endif /* MQBLK_AIO_INTERNAL_H */
