/*
 * iothread.c - IOThread: a named thread that creates its own AioContext
 * (so the thread is its home) and polls it until told to stop.
 *
 * Stopping is itself a BH: iothread_destroy() schedules one that clears
 * `running`; the loop then drains what is still pending and exits.
 */
#include <stdlib.h>
#include <string.h>

#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "sysemu/iothread.h"

struct IOThread {
    char *name;
    QemuThread thread;
    QemuEvent ready;            /* set once ctx (or err) is valid */
    AioContext *ctx;            /* written by the thread before ready */
    const char *err;
    bool running;               /* home thread only (cleared by a BH) */
};

static void iothread_stop_bh(void *opaque)
{
    IOThread *iothread = opaque;

    iothread->running = false;
}

static void *iothread_run(void *opaque)
{
    IOThread *iothread = opaque;
    AioContext *ctx = aio_context_new(&iothread->err);

    if (!ctx) {
        qemu_event_set(&iothread->ready);
        return NULL;
    }
    aio_context_set_current(ctx);
    iothread->running = true;
    iothread->ctx = ctx;
    qemu_event_set(&iothread->ready);

    while (iothread->running) {
        aio_poll(ctx, true);
    }
    /* Run what was scheduled before the stop request. */
    while (aio_poll(ctx, false)) {
        /* keep going */
    }
    qemu_coroutine_pool_drain();
    return NULL;
}

IOThread *iothread_create(const char *name, const char **errp)
{
    IOThread *iothread = calloc(1, sizeof(*iothread));

    GLOBAL_STATE_CODE();
    if (!iothread || !(iothread->name = strdup(name ? name : "iothread"))) {
        free(iothread);
        *errp = "out of memory";
        return NULL;
    }
    qemu_event_init(&iothread->ready, false);
    qemu_thread_create(&iothread->thread, iothread->name, iothread_run,
                       iothread, QEMU_THREAD_JOINABLE);
    qemu_event_wait(&iothread->ready);
    if (!iothread->ctx) {
        *errp = iothread->err;
        qemu_thread_join(&iothread->thread);
        qemu_event_destroy(&iothread->ready);
        free(iothread->name);
        free(iothread);
        return NULL;
    }
    return iothread;
}

AioContext *iothread_get_aio_context(IOThread *iothread)
{
    return iothread->ctx;
}

const char *iothread_get_name(IOThread *iothread)
{
    return iothread->name;
}

void iothread_destroy(IOThread *iothread)
{
    GLOBAL_STATE_CODE();
    aio_bh_schedule_oneshot(iothread->ctx, iothread_stop_bh, iothread);
    qemu_thread_join(&iothread->thread);
    aio_context_unref(iothread->ctx);
    qemu_event_destroy(&iothread->ready);
    free(iothread->name);
    free(iothread);
}
