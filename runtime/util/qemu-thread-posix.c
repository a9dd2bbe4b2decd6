/*
 * qemu-thread-posix.c - QemuThread, QemuMutex, QemuCond and QemuEvent on
 * top of pthreads.
 *
 * Failures of the pthread calls below are broken invariants (a destroyed
 * mutex, a wrong owner), not conditions a caller could handle, so they abort
 * with the failing call's name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qemu/abort.h"
#include "qemu/thread.h"
#include "lock-checker.h"

void qemu_mutex_init(QemuMutex *m)
{
    int err = pthread_mutex_init(&m->lock, NULL);

    if (err) {
        mqblk_abort("%s: pthread_mutex_init failed: %s", __func__,
                    strerror(err));
    }
}

void qemu_mutex_destroy(QemuMutex *m)
{
    int err = pthread_mutex_destroy(&m->lock);

    if (err) {
        mqblk_abort("%s: pthread_mutex_destroy failed: %s", __func__,
                    strerror(err));
    }
}

void SPARSE_ACQUIRES(m) TSA_NO_TSA qemu_mutex_lock(QemuMutex *m)
{
    int err = pthread_mutex_lock(&m->lock);

    if (err) {
        mqblk_abort("%s: pthread_mutex_lock failed: %s", __func__,
                    strerror(err));
    }
    sparse_acquire(m);
}

bool TSA_NO_TSA qemu_mutex_trylock(QemuMutex *m)
{
    int err = pthread_mutex_trylock(&m->lock);

    if (err == 0) {
        return true;
    }
    if (err != EBUSY) {
        mqblk_abort("%s: pthread_mutex_trylock failed: %s", __func__,
                    strerror(err));
    }
    return false;
}

void SPARSE_RELEASES(m) TSA_NO_TSA qemu_mutex_unlock(QemuMutex *m)
{
    int err;

    sparse_release(m);
    err = pthread_mutex_unlock(&m->lock);
    if (err) {
        mqblk_abort("%s: pthread_mutex_unlock failed: %s", __func__,
                    strerror(err));
    }
}

void qemu_cond_init(QemuCond *c)
{
    pthread_condattr_t attr;
    int err;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    err = pthread_cond_init(&c->cond, &attr);
    pthread_condattr_destroy(&attr);
    if (err) {
        mqblk_abort("%s: pthread_cond_init failed: %s", __func__,
                    strerror(err));
    }
}

void qemu_cond_destroy(QemuCond *c)
{
    int err = pthread_cond_destroy(&c->cond);

    if (err) {
        mqblk_abort("%s: pthread_cond_destroy failed: %s", __func__,
                    strerror(err));
    }
}

void TSA_NO_TSA qemu_cond_wait(QemuCond *c, QemuMutex *m)
{
    int err = pthread_cond_wait(&c->cond, &m->lock);

    if (err) {
        mqblk_abort("%s: pthread_cond_wait failed: %s", __func__,
                    strerror(err));
    }
}

bool TSA_NO_TSA qemu_cond_timedwait(QemuCond *c, QemuMutex *m, int ms)
{
    struct timespec ts;
    int err;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    err = pthread_cond_timedwait(&c->cond, &m->lock, &ts);
    if (err && err != ETIMEDOUT) {
        mqblk_abort("%s: pthread_cond_timedwait failed: %s", __func__,
                    strerror(err));
    }
    return err != ETIMEDOUT;
}

void qemu_cond_signal(QemuCond *c)
{
    pthread_cond_signal(&c->cond);
}

void qemu_cond_broadcast(QemuCond *c)
{
    pthread_cond_broadcast(&c->cond);
}

void qemu_event_init(QemuEvent *ev, bool init)
{
    pthread_mutex_init(&ev->lock, NULL);
    pthread_cond_init(&ev->cond, NULL);
    ev->set = init;
}

void qemu_event_destroy(QemuEvent *ev)
{
    pthread_cond_destroy(&ev->cond);
    pthread_mutex_destroy(&ev->lock);
}

void qemu_event_set(QemuEvent *ev)
{
    pthread_mutex_lock(&ev->lock);
    if (!ev->set) {
        ev->set = true;
        pthread_cond_broadcast(&ev->cond);
    }
    pthread_mutex_unlock(&ev->lock);
}

void qemu_event_reset(QemuEvent *ev)
{
    pthread_mutex_lock(&ev->lock);
    ev->set = false;
    pthread_mutex_unlock(&ev->lock);
}

void qemu_event_wait(QemuEvent *ev)
{
    pthread_mutex_lock(&ev->lock);
    while (!ev->set) {
        pthread_cond_wait(&ev->cond, &ev->lock);
    }
    pthread_mutex_unlock(&ev->lock);
}

typedef struct QemuThreadStart {
    void *(*fn)(void *);
    void *arg;
    char name[16];      /* Linux limits thread names to 15 chars plus NUL */
} QemuThreadStart;

static void *qemu_thread_start(void *opaque)
{
    QemuThreadStart start = *(QemuThreadStart *)opaque;

    free(opaque);
    if (start.name[0]) {
        pthread_setname_np(pthread_self(), start.name);
    }
    return start.fn(start.arg);
}

void qemu_thread_create(QemuThread *t, const char *name, void *(*fn)(void *),
                        void *arg, QemuThreadMode mode)
{
    QemuThreadStart *start = calloc(1, sizeof(*start));
    pthread_attr_t attr;
    int err;

    if (!start) {
        mqblk_abort("qemu_thread_create: out of memory");
    }
    start->fn = fn;
    start->arg = arg;
    if (name) {
        snprintf(start->name, sizeof(start->name), "%s", name);
    }
    pthread_attr_init(&attr);
    if (mode == QEMU_THREAD_DETACHED) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    }
    err = pthread_create(&t->thread, &attr, qemu_thread_start, start);
    pthread_attr_destroy(&attr);
    if (err) {
        mqblk_abort("%s: pthread_create failed: %s", __func__, strerror(err));
    }
}

void *qemu_thread_join(QemuThread *t)
{
    void *ret = NULL;
    int err = pthread_join(t->thread, &ret);

    if (err) {
        mqblk_abort("%s: pthread_join failed: %s", __func__, strerror(err));
    }
    return ret;
}

void qemu_thread_get_self(QemuThread *t)
{
    t->thread = pthread_self();
}

bool qemu_thread_is_self(const QemuThread *t)
{
    return pthread_equal(t->thread, pthread_self());
}
