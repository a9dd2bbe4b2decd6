/*
 * thread-pool.c - the worker pool behind thread_pool_submit_co().
 *
 * Requests live on the submitting coroutine's stack; a FIFO under
 * pool.lock hands them to workers.  A new worker is started when a request
 * arrives and no worker is idle, up to max_workers.  Workers are detached;
 * an idle one exits after idle_timeout_ms, and thread_pool_shutdown()
 * makes every idle one exit at once.
 */
#include <stdlib.h>

#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "qemu/thread.h"
#include "block/aio.h"
#include "block/thread-pool.h"

typedef struct ThreadPoolRequest {
    ThreadPoolFunc *fn;
    void *opaque;
    int ret;
    Coroutine *co;
    AioContext *ctx;            /* co's context, referenced until woken */
    struct ThreadPoolRequest *next;
} ThreadPoolRequest;

static struct {
    QemuMutex lock;
    QemuCond request_cond;      /* work queued or shutdown */
    QemuCond exit_cond;         /* a worker exited */
    ThreadPoolRequest *head;    /* lock */
    ThreadPoolRequest *tail;    /* lock */
    unsigned nr_workers;        /* lock */
    unsigned nr_idle;           /* lock */
    unsigned max_workers;       /* lock */
    int idle_timeout_ms;        /* lock */
    bool shutdown;              /* lock */
} pool;

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_init(void)
{
    qemu_mutex_init(&pool.lock);
    qemu_cond_init(&pool.request_cond);
    qemu_cond_init(&pool.exit_cond);
    pool.max_workers = 64;
    pool.idle_timeout_ms = 10000;
}

static void *worker_thread(void *opaque)
{
    (void)opaque;
    qemu_mutex_lock(&pool.lock);
    for (;;) {
        ThreadPoolRequest *req = pool.head;

        if (!req) {
            bool signalled;

            if (pool.shutdown) {
                break;
            }
            pool.nr_idle++;
            signalled = qemu_cond_timedwait(&pool.request_cond, &pool.lock,
                                            pool.idle_timeout_ms);
            pool.nr_idle--;
            if (!signalled && !pool.head) {
                break;                  /* idle for too long */
            }
            continue;
        }
        pool.head = req->next;
        if (!pool.head) {
            pool.tail = NULL;
        }
        qemu_mutex_unlock(&pool.lock);
        {
            AioContext *ctx = req->ctx;

            req->ret = req->fn(req->opaque);
            /* req is dead once the coroutine runs, which may be before
             * aio_co_enter() returns here; the reference keeps the context
             * alive until then even if its thread is being destroyed. */
            aio_co_enter(ctx, req->co);
            aio_context_unref(ctx);
        }
        qemu_mutex_lock(&pool.lock);
    }
    pool.nr_workers--;
    qemu_cond_broadcast(&pool.exit_cond);
    qemu_mutex_unlock(&pool.lock);
    return NULL;
}

int coroutine_fn thread_pool_submit_co(ThreadPoolFunc *fn, void *opaque)
{
    ThreadPoolRequest req = { .fn = fn, .opaque = opaque,
                              .co = qemu_coroutine_self() };
    bool spawn = false;

    req.ctx = qemu_coroutine_get_aio_context(req.co);
    if (!req.ctx) {
        mqblk_abort("thread_pool_submit_co: coroutine has no AioContext to "
                    "be woken in");
    }
    aio_context_ref(req.ctx);
    pthread_once(&pool_once, pool_init);
    qemu_mutex_lock(&pool.lock);
    pool.shutdown = false;
    if (pool.tail) {
        pool.tail->next = &req;
    } else {
        pool.head = &req;
    }
    pool.tail = &req;
    if (pool.nr_idle == 0 && pool.nr_workers < pool.max_workers) {
        pool.nr_workers++;
        spawn = true;
    } else {
        qemu_cond_signal(&pool.request_cond);
    }
    qemu_mutex_unlock(&pool.lock);
    if (spawn) {
        QemuThread t;

        qemu_thread_create(&t, "mqblk-worker", worker_thread, NULL,
                           QEMU_THREAD_DETACHED);
    }
    qemu_coroutine_yield();             /* until the worker woke us */
    return req.ret;
}

void thread_pool_set_params(unsigned max_workers, int idle_timeout_ms)
{
    pthread_once(&pool_once, pool_init);
    qemu_mutex_lock(&pool.lock);
    pool.max_workers = max_workers ? max_workers : 1;
    pool.idle_timeout_ms = idle_timeout_ms > 0 ? idle_timeout_ms : 1;
    qemu_mutex_unlock(&pool.lock);
}

unsigned thread_pool_nr_workers(void)
{
    unsigned n;

    pthread_once(&pool_once, pool_init);
    qemu_mutex_lock(&pool.lock);
    n = pool.nr_workers;
    qemu_mutex_unlock(&pool.lock);
    return n;
}

void thread_pool_shutdown(void)
{
    pthread_once(&pool_once, pool_init);
    qemu_mutex_lock(&pool.lock);
    pool.shutdown = true;
    qemu_cond_broadcast(&pool.request_cond);
    while (pool.nr_workers) {
        qemu_cond_wait(&pool.exit_cond, &pool.lock);
    }
    qemu_mutex_unlock(&pool.lock);
}
