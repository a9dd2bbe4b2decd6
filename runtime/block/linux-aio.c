/*
 * linux-aio.c - the Linux native AIO back end of the file driver
 * (aio=native, io_submit/io_getevents through libaio)
 *
 * Context: one io_context and one eventfd per thread (per AioContext),
 * since requests complete in the thread that submitted them.  Made on the
 * thread's first request; the eventfd is watched by the thread's
 * AioContext, whose handler reaps with io_getevents() and wakes the
 * coroutines.  Every field of LaioThread is touched by its own thread only.
 *
 * Batching: a request appends its iocb to `pending` and defers
 * laio_submit() with defer_call(), so inside a defer_call_begin()/end()
 * section one io_submit() carries every pending iocb.  At most LAIO_MAX
 * iocbs are pending or in the kernel (the io_setup() size); more requests
 * wait for a slot.  EAGAIN from io_submit keeps the rest pending for a BH
 * (or the next completion) to retry; any other error fails the first
 * pending request and submission goes on with the others.
 *
 * Flush uses the thread pool: IOCB_CMD_FDSYNC is not supported by every
 * file system.  Lifetime: as io_uring.c (reference to the context, pthread
 * key destructor at thread exit, file_aio_thread_release(), replaced
 * context).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libaio.h>

#include "block/aio.h"
#include "qemu/abort.h"
#include "qemu/coroutine.h"
#include "qemu/defer-call.h"
#include "qemu/event_notifier.h"
#include "qemu/main-loop.h"
#include "file-aio.h"

#define LAIO_MAX 128

typedef struct LaioReq {
    struct iocb iocb;
    Coroutine *co;
    int64_t ret;
    bool done;
} LaioReq;

typedef struct LaioWaiter {
    Coroutine *co;
    struct LaioWaiter *next;
} LaioWaiter;

typedef struct LaioThread {
    AioContext *ctx;            /* referenced; the thread's context */
    io_context_t io;
    EventNotifier e;            /* set by the kernel on each completion */
    struct iocb *pending[LAIO_MAX];
    unsigned npending;          /* queued, not yet given to io_submit() */
    unsigned in_flight;         /* in the kernel */
    LaioWaiter *waiters;        /* coroutines waiting for a slot */
    QEMUBH *retry_bh;           /* resubmits after EAGAIN */
    Coroutine *submitter;       /* inside its own defer_call(), else NULL */
} LaioThread;

static __thread LaioThread *laio_self;
static pthread_key_t laio_key;
static pthread_once_t laio_key_once = PTHREAD_ONCE_INIT;

/* Finish @req.  Its coroutine may be the one submitting right now (a
 * failed io_submit() run at once by defer_call()): then it sees `done` and
 * does not yield, so it must not be woken. */
static void laio_req_done(LaioThread *t, LaioReq *req, int64_t ret)
{
    req->ret = ret;
    req->done = true;
    if (req->co != t->submitter) {
        aio_co_wake(req->co);
    }
}

static void laio_wake_waiters(LaioThread *t)
{
    LaioWaiter *w = t->waiters;

    t->waiters = NULL;
    while (w) {
        LaioWaiter *next = w->next;     /* w dies once its coroutine runs */

        aio_co_wake(w->co);
        w = next;
    }
}

/* defer_call() target: hand the pending iocbs to the kernel. */
static void laio_submit(void *opaque)
{
    LaioThread *t = opaque;

    while (t->npending) {
        int ret = io_submit(t->io, (long)t->npending, t->pending);
        unsigned n;

        if (ret == -EINTR) {
            continue;
        }
        if (ret == -EAGAIN) {
            qemu_bh_schedule(t->retry_bh);
            return;
        }
        if (ret < 0) {
            /* The first iocb is bad (io_submit stops there): fail it. */
            laio_req_done(t, t->pending[0]->data, ret);
            n = 1;
        } else {
            thread_counter_add(&file_aio_stat_requests, ret);
            thread_counter_add(&file_aio_stat_submit_calls, 1);
            t->in_flight += (unsigned)ret;
            n = (unsigned)ret;
        }
        t->npending -= n;
        memmove(t->pending, t->pending + n, t->npending * sizeof(t->pending[0]));
        if (n == 1 && ret < 0) {
            laio_wake_waiters(t);       /* a slot became free */
        }
    }
}

/* Reap every completion and wake its coroutine.  Home thread, outside
 * coroutines. */
static void laio_complete(LaioThread *t)
{
    struct io_event ev[LAIO_MAX];
    struct timespec zero = { 0, 0 };
    int n;

    defer_call_begin();
    do {
        n = io_getevents(t->io, 0, LAIO_MAX, ev, &zero);
        thread_counter_add(&file_aio_stat_wait_calls, 1);
        for (int i = 0; i < n; i++) {
            t->in_flight--;
            /* res is the byte count or a negative errno, as unsigned. */
            laio_req_done(t, ev[i].data, (int64_t)(long)ev[i].res);
        }
    } while (n == LAIO_MAX || n == -EINTR);
    defer_call(laio_submit, t);
    laio_wake_waiters(t);
    defer_call_end();
}

static void laio_notifier_read(EventNotifier *e)
{
    LaioThread *t = (LaioThread *)((char *)e - offsetof(LaioThread, e));

    event_notifier_test_and_clear(e);
    laio_complete(t);
}

static void laio_retry_bh(void *opaque)
{
    LaioThread *t = opaque;

    laio_complete(t);
}

static void laio_thread_free(LaioThread *t)
{
    if (t->in_flight || t->npending || t->waiters) {
        mqblk_abort("linux-aio: thread state freed with %u requests in flight",
                    t->in_flight + t->npending);
    }
    aio_set_event_notifier(t->ctx, &t->e, NULL, NULL, NULL);
    qemu_bh_delete(t->retry_bh);
    io_destroy(t->io);
    event_notifier_cleanup(&t->e);
    aio_context_unref(t->ctx);
    if (laio_self == t) {
        laio_self = NULL;
        pthread_setspecific(laio_key, NULL);
    }
    free(t);
}

/* Thread exit: still in the thread, the context still referenced. */
static void laio_thread_destructor(void *opaque)
{
    laio_thread_free(opaque);
}

static void laio_key_init(void)
{
    pthread_key_create(&laio_key, laio_thread_destructor);
}

/* Returns: the calling thread's state, made on first use, or NULL with
 * *@err set to -errno. */
static LaioThread *laio_thread_get(int *err)
{
    AioContext *ctx = qemu_get_current_aio_context();
    LaioThread *t = laio_self;
    int ret;

    if (t && t->ctx == ctx) {
        return t;
    }
    if (t) {
        laio_thread_free(t);    /* the thread's context was replaced */
    }
    t = calloc(1, sizeof(*t));
    if (!t) {
        *err = -ENOMEM;
        return NULL;
    }
    ret = event_notifier_init(&t->e, false);
    if (ret < 0) {
        goto err_free;
    }
    ret = io_setup(LAIO_MAX, &t->io);
    if (ret < 0) {
        goto err_notifier;
    }
    pthread_once(&laio_key_once, laio_key_init);
    aio_context_ref(ctx);
    t->ctx = ctx;
    t->retry_bh = aio_bh_new(ctx, laio_retry_bh, t);
    aio_set_event_notifier(ctx, &t->e, laio_notifier_read, NULL, NULL);
    laio_self = t;
    pthread_setspecific(laio_key, t);
    return t;

err_notifier:
    event_notifier_cleanup(&t->e);
err_free:
    free(t);
    *err = ret;
    return NULL;
}

/* Queue @req->iocb, defer the submission, wait for the result. */
static int64_t coroutine_fn laio_co_run(LaioThread *t, LaioReq *req)
{
    while (t->npending + t->in_flight >= LAIO_MAX) {
        LaioWaiter w = { .co = qemu_coroutine_self(), .next = t->waiters };

        t->waiters = &w;
        qemu_coroutine_yield();         /* woken by laio_complete() */
    }
    req->co = qemu_coroutine_self();
    req->iocb.data = req;
    io_set_eventfd(&req->iocb, event_notifier_get_fd(&t->e));
    t->pending[t->npending++] = &req->iocb;
    t->submitter = req->co;
    defer_call(laio_submit, t);
    t->submitter = NULL;
    while (!req->done) {
        qemu_coroutine_yield();
    }
    return req->ret;
}

static int64_t coroutine_fn laio_co_rw(int fd, int64_t offset,
                                       QEMUIOVector *qiov, bool write)
{
    int niov = qiov->niov < IOV_MAX ? qiov->niov : IOV_MAX;
    LaioReq req = { 0 };
    LaioThread *t;
    int err = 0;

    t = laio_thread_get(&err);
    if (!t) {
        return err;
    }
    if (write) {
        io_prep_pwritev(&req.iocb, fd, qiov->iov, niov, offset);
    } else {
        io_prep_preadv(&req.iocb, fd, qiov->iov, niov, offset);
    }
    return laio_co_run(t, &req);
}

static int file_fdatasync(void *opaque)
{
    return fdatasync(*(int *)opaque) < 0 ? -errno : 0;
}

static int coroutine_fn laio_co_flush(int fd)
{
    return file_aio_co_blocking(file_fdatasync, &fd);
}

static void laio_thread_release(void)
{
    LaioThread *t = laio_self;

    if (t && !t->in_flight && !t->npending && !t->waiters) {
        laio_thread_free(t);
    }
}

static bool laio_available(Error **errp)
{
    io_context_t io = NULL;
    int ret = io_setup(1, &io);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "aio=native: cannot create an io_context");
        return false;
    }
    io_destroy(io);
    return true;
}

const FileAioOps file_aio_native = {
    .name = "native",
    .available = laio_available,
    .co_rw = laio_co_rw,
    .co_flush = laio_co_flush,
    .thread_release = laio_thread_release,
};
