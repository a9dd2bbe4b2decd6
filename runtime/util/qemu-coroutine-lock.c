/*
 * qemu-coroutine-lock.c - CoMutex, CoQueue and CoRwlock.
 *
 * CoMutex: `locked` counts the holder plus every locker that found the
 * mutex taken.  lock() is one atomic increment when it was 0.  A locker
 * that lost queues itself under a tiny spin lock and yields; an unlock that
 * sees more than one count hands the mutex over: it pops the oldest waiter
 * and wakes it as the new holder, or, when the waiter has incremented but
 * not yet queued, leaves a handoff token that the late waiter takes
 * without yielding.  Each slow-path locker consumes exactly one handoff.
 *
 * Wake-ups use aio_co_wake(): a waiter in another thread is resumed in its
 * own context, after it has finished yielding there (it runs only once its
 * home thread polls again).
 *
 * The spin locks guard a handful of pointer updates and never a yield.
 */
#include <sched.h>
#include <stdlib.h>

#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/coroutine-lock.h"
#include "block/aio.h"
#include "lock-checker.h"

static void spin_lock(unsigned *l)
{
    unsigned spins = 0;

    while (qatomic_xchg(l, 1)) {
        while (qatomic_read(l)) {
            if (++spins > 100) {
                sched_yield();
            }
        }
    }
}

static void spin_unlock(unsigned *l)
{
    qatomic_store_release(l, 0);
}

static void wait_push(CoWaitRecord **head, CoWaitRecord **tail, CoWaitRecord *w)
{
    w->next = NULL;
    if (*tail) {
        (*tail)->next = w;
    } else {
        *head = w;
    }
    *tail = w;
}

static CoWaitRecord *wait_pop(CoWaitRecord **head, CoWaitRecord **tail)
{
    CoWaitRecord *w = *head;

    if (w) {
        *head = w->next;
        if (!*head) {
            *tail = NULL;
        }
    }
    return w;
}

/* ---- CoMutex --------------------------------------------------------------- */

void qemu_co_mutex_init(CoMutex *m)
{
    *m = (CoMutex){ 0 };
}

static void coroutine_fn co_mutex_lock_slowpath(CoMutex *m, Coroutine *self)
{
    CoWaitRecord w = { .co = self };

    spin_lock(&m->wait_lock);
    if (m->handoff) {
        m->handoff--;           /* the unlock already happened */
        spin_unlock(&m->wait_lock);
        return;
    }
    wait_push(&m->head, &m->tail, &w);
    spin_unlock(&m->wait_lock);
    qemu_coroutine_yield();     /* woken as the new holder */
}

void coroutine_fn SPARSE_ACQUIRES(m) TSA_NO_TSA qemu_co_mutex_lock(CoMutex *m)
{
    Coroutine *self = qemu_coroutine_self();

    if (qatomic_fetch_add(&m->locked, 1) != 0) {
        co_mutex_lock_slowpath(m, self);
    }
    m->holder = self;
    sparse_acquire(m);
}

void coroutine_fn SPARSE_RELEASES(m) TSA_NO_TSA qemu_co_mutex_unlock(CoMutex *m)
{
    CoWaitRecord *w;

    if (m->holder != qemu_coroutine_self()) {
        mqblk_abort("%s: not held by the calling coroutine (lock %p)", __func__,
                    (void *)m);
    }
    m->holder = NULL;
    sparse_release(m);
    if (qatomic_fetch_sub(&m->locked, 1) == 1) {
        return;                 /* nobody waits */
    }
    spin_lock(&m->wait_lock);
    w = wait_pop(&m->head, &m->tail);
    if (!w) {
        m->handoff++;           /* a locker is between increment and queue */
    }
    spin_unlock(&m->wait_lock);
    if (w) {
        aio_co_wake(w->co);
    }
}

void coroutine_fn TSA_NO_TSA qemu_co_mutex_assert_locked(CoMutex *m)
{
    if (!qatomic_read(&m->locked) || m->holder != qemu_coroutine_self()) {
        mqblk_abort("%s: not held by the calling coroutine (lock %p)", __func__,
                    (void *)m);
    }
}

/* ---- CoQueue ----------------------------------------------------------------- */

void qemu_co_queue_init(CoQueue *q)
{
    q->head = q->tail = NULL;
}

void coroutine_fn TSA_NO_TSA qemu_co_queue_wait(CoQueue *q, CoMutex *m)
{
    CoWaitRecord w = { .co = qemu_coroutine_self() };

    wait_push(&q->head, &q->tail, &w);
    qemu_co_mutex_unlock(m);
    qemu_coroutine_yield();
    qemu_co_mutex_lock(m);
}

void coroutine_fn TSA_NO_TSA qemu_co_queue_wait_qemu_mutex(CoQueue *q, QemuMutex *m)
{
    CoWaitRecord w = { .co = qemu_coroutine_self() };

    wait_push(&q->head, &q->tail, &w);
    qemu_mutex_unlock(m);
    qemu_coroutine_yield();
    qemu_mutex_lock(m);
}

void coroutine_fn qemu_co_queue_wait_unlocked(CoQueue *q)
{
    CoWaitRecord w = { .co = qemu_coroutine_self() };

    wait_push(&q->head, &q->tail, &w);
    qemu_coroutine_yield();
}

bool qemu_co_queue_next(CoQueue *q)
{
    CoWaitRecord *w = wait_pop(&q->head, &q->tail);

    if (!w) {
        return false;
    }
    aio_co_wake(w->co);
    return true;
}

void qemu_co_queue_restart_all(CoQueue *q)
{
    while (qemu_co_queue_next(q)) {
        /* wake them all, oldest first */
    }
}

bool qemu_co_queue_empty(CoQueue *q)
{
    return q->head == NULL;
}

/* ---- CoRwlock ------------------------------------------------------------------ */

void qemu_co_rwlock_init(CoRwlock *l)
{
    *l = (CoRwlock){ 0 };
}

/*
 * Grant the lock to waiters at the head of the queue that can have it:
 * a run of readers, or one writer.  Returns the list to wake (linked by
 * next).  Called with l->lock held.
 */
static CoWaitRecord *rwlock_grant_locked(CoRwlock *l)
{
    CoWaitRecord *wake = NULL, **link = &wake;

    while (l->head && !l->writer) {
        CoWaitRecord *w = l->head;

        if (w->write) {
            if (l->readers) {
                break;
            }
            l->writer = true;
        } else {
            l->readers++;
        }
        wait_pop(&l->head, &l->tail);
        w->next = NULL;
        *link = w;
        link = &w->next;
    }
    return wake;
}

/* Wake every record of @wake except @self.  Returns: true if @self was in it. */
static bool rwlock_wake(CoWaitRecord *wake, CoWaitRecord *self)
{
    bool granted_self = false;

    while (wake) {
        CoWaitRecord *next = wake->next;  /* the record dies once woken */

        if (wake == self) {
            granted_self = true;
        } else {
            aio_co_wake(wake->co);
        }
        wake = next;
    }
    return granted_self;
}

/* Queue the caller for the lock (@write) and yield until it is granted. */
static void coroutine_fn rwlock_wait_locked(CoRwlock *l, bool write)
{
    CoWaitRecord w = { .co = qemu_coroutine_self(), .write = write };
    CoWaitRecord *wake;

    wait_push(&l->head, &l->tail, &w);
    wake = rwlock_grant_locked(l);      /* upgrade may have freed the lock */
    spin_unlock(&l->lock);
    if (!rwlock_wake(wake, &w)) {
        qemu_coroutine_yield();         /* woken once granted */
    }
}

void coroutine_fn SPARSE_ACQUIRES(l) TSA_NO_TSA qemu_co_rwlock_rdlock(CoRwlock *l)
{
    spin_lock(&l->lock);
    if (!l->writer && !l->head) {
        l->readers++;
        spin_unlock(&l->lock);
    } else {
        rwlock_wait_locked(l, false);
    }
    sparse_acquire(l);
}

void coroutine_fn SPARSE_ACQUIRES(l) TSA_NO_TSA qemu_co_rwlock_wrlock(CoRwlock *l)
{
    spin_lock(&l->lock);
    if (!l->writer && !l->readers && !l->head) {
        l->writer = true;
        spin_unlock(&l->lock);
    } else {
        rwlock_wait_locked(l, true);
    }
    sparse_acquire(l);
}

void coroutine_fn TSA_NO_TSA qemu_co_rwlock_upgrade(CoRwlock *l)
{
    spin_lock(&l->lock);
    if (l->readers <= 0 || l->writer) {
        mqblk_abort("%s: caller does not hold the read lock (lock %p)",
                    __func__, (void *)l);
    }
    l->readers--;
    if (!l->readers && !l->head) {
        l->writer = true;
        spin_unlock(&l->lock);
    } else {
        rwlock_wait_locked(l, true);
    }
}

void coroutine_fn TSA_NO_TSA qemu_co_rwlock_downgrade(CoRwlock *l)
{
    CoWaitRecord *wake;

    spin_lock(&l->lock);
    if (!l->writer) {
        mqblk_abort("%s: caller does not hold the write lock (lock %p)",
                    __func__, (void *)l);
    }
    l->writer = false;
    l->readers = 1;
    wake = rwlock_grant_locked(l);
    spin_unlock(&l->lock);
    rwlock_wake(wake, NULL);
}

void coroutine_fn SPARSE_RELEASES(l) TSA_NO_TSA qemu_co_rwlock_unlock(CoRwlock *l)
{
    CoWaitRecord *wake;

    sparse_release(l);
    spin_lock(&l->lock);
    if (l->writer) {
        l->writer = false;
    } else if (l->readers > 0) {
        l->readers--;
    } else {
        mqblk_abort("%s: lock not held (lock %p)", __func__,
                    (void *)l);
    }
    wake = rwlock_grant_locked(l);
    spin_unlock(&l->lock);
    rwlock_wake(wake, NULL);
}
