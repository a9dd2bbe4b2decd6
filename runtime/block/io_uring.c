/*
 * io_uring.c - the io_uring back end of the file driver (aio=io_uring)
 *
 * Context: one ring per thread (per AioContext), because no node has a home
 * context: requests complete in the thread that submitted them.  The ring
 * is made on the thread's first request; its fd is watched by the thread's
 * AioContext, whose handler reaps completions and wakes the coroutines.
 * Every field of UringThread is touched by its own thread only.
 *
 * Batching: a request queues its SQE and defers uring_submit() with
 * defer_call(), so inside a defer_call_begin()/end() section one
 * io_uring_enter() carries every queued SQE.  A full submission queue is
 * submitted early; when the kernel refuses (EAGAIN/EBUSY), a BH retries and
 * the coroutines wanting an SQE wait for completions to make room.
 *
 * Lifetime: the state holds a reference to its AioContext, so a context
 * cannot be freed and reallocated under it.  It is freed at thread exit (a
 * pthread key destructor, which runs in the thread, so it may unregister
 * the fd handler), when file_aio_thread_release() finds it idle (the file
 * driver calls it when the last file node closes), or when the thread's
 * current context changed (the main loop was cleaned up and re-created).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/uio.h>

/* glibc's <sys/uio.h> and the <linux/fs.h> that liburing pulls in both
 * define these (same values, other spelling); let the kernel's stand. */
#undef RWF_HIPRI
#undef RWF_DSYNC
#undef RWF_SYNC
#undef RWF_NOWAIT
#undef RWF_APPEND
#include <liburing.h>

#include "block/aio.h"
#include "qemu/abort.h"
#include "qemu/coroutine.h"
#include "qemu/defer-call.h"
#include "qemu/main-loop.h"
#include "file-aio.h"

#define URING_ENTRIES 128

typedef struct UringReq {
    Coroutine *co;
    int ret;
    bool done;
} UringReq;

typedef struct UringWaiter {
    Coroutine *co;
    struct UringWaiter *next;
} UringWaiter;

typedef struct UringThread {
    AioContext *ctx;            /* referenced; the thread's context */
    struct io_uring ring;
    unsigned in_flight;         /* SQEs prepared and not yet completed */
    UringWaiter *sq_waiters;    /* coroutines waiting for a free SQE */
    QEMUBH *retry_bh;           /* resubmits what the kernel refused */
} UringThread;

static __thread UringThread *uring_self;
static pthread_key_t uring_key;
static pthread_once_t uring_key_once = PTHREAD_ONCE_INIT;

static void uring_wake_waiters(UringThread *t)
{
    UringWaiter *w = t->sq_waiters;

    t->sq_waiters = NULL;
    while (w) {
        UringWaiter *next = w->next;   /* w dies once its coroutine runs */

        aio_co_wake(w->co);
        w = next;
    }
}

/* Reap every completion and wake its coroutine.  Home thread, outside
 * coroutines.  Requests the woken coroutines queue are batched. */
static void uring_complete(UringThread *t)
{
    struct io_uring_cqe *cqe;

    defer_call_begin();
    while (io_uring_peek_cqe(&t->ring, &cqe) == 0) {
        UringReq *req = io_uring_cqe_get_data(cqe);

        req->ret = cqe->res;
        io_uring_cqe_seen(&t->ring, cqe);
        t->in_flight--;
        req->done = true;
        aio_co_wake(req->co);
    }
    uring_wake_waiters(t);
    defer_call_end();
}

/* defer_call() target: hand every queued SQE to the kernel. */
static void uring_submit(void *opaque)
{
    UringThread *t = opaque;
    int ret;

    if (!io_uring_sq_ready(&t->ring)) {
        return;
    }
    do {
        ret = io_uring_submit(&t->ring);
    } while (ret == -EINTR);
    if (ret > 0) {
        thread_counter_add(&file_aio_stat_requests, ret);
        thread_counter_add(&file_aio_stat_submit_calls, 1);
    }
    if (io_uring_sq_ready(&t->ring)) {
        /* EAGAIN/EBUSY (kernel short of memory, completions overflowing):
         * try again from the event loop, after reaping. */
        qemu_bh_schedule(t->retry_bh);
    }
}

static void uring_retry_bh(void *opaque)
{
    UringThread *t = opaque;

    uring_complete(t);
    uring_submit(t);
}

static void uring_fd_read(void *opaque)
{
    uring_complete(opaque);
}

static bool uring_poll(void *opaque)
{
    UringThread *t = opaque;

    return io_uring_cq_ready(&t->ring) > 0;
}

static void uring_thread_free(UringThread *t)
{
    if (t->in_flight || t->sq_waiters) {
        mqblk_abort("io_uring: thread state freed with %u requests in flight",
                    t->in_flight);
    }
    aio_set_fd_handler(t->ctx, t->ring.ring_fd, NULL, NULL, NULL, NULL, NULL);
    qemu_bh_delete(t->retry_bh);
    io_uring_queue_exit(&t->ring);
    aio_context_unref(t->ctx);
    if (uring_self == t) {
        uring_self = NULL;
        pthread_setspecific(uring_key, NULL);
    }
    free(t);
}

/* Thread exit: still in the thread, the context still referenced. */
static void uring_thread_destructor(void *opaque)
{
    uring_thread_free(opaque);
}

static void uring_key_init(void)
{
    pthread_key_create(&uring_key, uring_thread_destructor);
}

/* Returns: the calling thread's ring state, made on first use, or NULL
 * with *@err set to -errno. */
static UringThread *uring_thread_get(int *err)
{
    AioContext *ctx = qemu_get_current_aio_context();
    UringThread *t = uring_self;
    int ret;

    if (t && t->ctx == ctx) {
        return t;
    }
    if (t) {
        uring_thread_free(t);   /* the thread's context was replaced */
    }
    t = calloc(1, sizeof(*t));
    if (!t) {
        *err = -ENOMEM;
        return NULL;
    }
    ret = io_uring_queue_init(URING_ENTRIES, &t->ring, 0);
    if (ret < 0) {
        free(t);
        *err = ret;
        return NULL;
    }
    pthread_once(&uring_key_once, uring_key_init);
    aio_context_ref(ctx);
    t->ctx = ctx;
    t->retry_bh = aio_bh_new(ctx, uring_retry_bh, t);
    aio_set_fd_handler(ctx, t->ring.ring_fd, uring_fd_read, NULL,
                       uring_poll, uring_fd_read, t);
    uring_self = t;
    pthread_setspecific(uring_key, t);
    return t;
}

/* Returns: a free SQE, submitting early or waiting for completions when
 * the submission queue is full. */
static struct io_uring_sqe *coroutine_fn uring_co_get_sqe(UringThread *t)
{
    struct io_uring_sqe *sqe;

    while (!(sqe = io_uring_get_sqe(&t->ring))) {
        UringWaiter w = { .co = qemu_coroutine_self() };

        uring_submit(t);
        sqe = io_uring_get_sqe(&t->ring);
        if (sqe) {
            break;
        }
        w.next = t->sq_waiters;
        t->sq_waiters = &w;
        qemu_coroutine_yield();     /* woken by uring_complete() */
    }
    return sqe;
}

/* Queue the prepared @sqe, defer the submission, wait for the result. */
static int coroutine_fn uring_co_run(UringThread *t, struct io_uring_sqe *sqe)
{
    UringReq req = { .co = qemu_coroutine_self() };

    io_uring_sqe_set_data(sqe, &req);
    t->in_flight++;
    defer_call(uring_submit, t);
    while (!req.done) {
        qemu_coroutine_yield();
    }
    return req.ret;
}

static int64_t coroutine_fn uring_co_rw(int fd, int64_t offset,
                                        QEMUIOVector *qiov, bool write)
{
    int niov = qiov->niov < IOV_MAX ? qiov->niov : IOV_MAX;
    struct io_uring_sqe *sqe;
    UringThread *t;
    int err = 0;

    t = uring_thread_get(&err);
    if (!t) {
        return err;
    }
    sqe = uring_co_get_sqe(t);
    if (write) {
        io_uring_prep_writev(sqe, fd, qiov->iov, (unsigned)niov, (uint64_t)offset);
    } else {
        io_uring_prep_readv(sqe, fd, qiov->iov, (unsigned)niov, (uint64_t)offset);
    }
    return uring_co_run(t, sqe);
}

static int coroutine_fn uring_co_flush(int fd)
{
    struct io_uring_sqe *sqe;
    UringThread *t;
    int err = 0;

    t = uring_thread_get(&err);
    if (!t) {
        return err;
    }
    sqe = uring_co_get_sqe(t);
    io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
    return uring_co_run(t, sqe);
}

static void uring_thread_release(void)
{
    UringThread *t = uring_self;

    if (t && !t->in_flight && !t->sq_waiters) {
        uring_thread_free(t);
    }
}

/* A ring of two entries tells whether the kernel (and seccomp) allow it. */
static bool uring_available(Error **errp)
{
    struct io_uring ring;
    int ret = io_uring_queue_init(2, &ring, 0);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "aio=io_uring: cannot create a ring");
        return false;
    }
    io_uring_queue_exit(&ring);
    return true;
}

const FileAioOps file_aio_io_uring = {
    .name = "io_uring",
    .available = uring_available,
    .co_rw = uring_co_rw,
    .co_flush = uring_co_flush,
    .thread_release = uring_thread_release,
};
