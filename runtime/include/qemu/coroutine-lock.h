/*
 * qemu/coroutine-lock.h - locks for coroutines, safe across threads:
 * CoMutex, CoQueue, CoRwlock
 *
 * Context: waiting functions are coroutine_fn (they yield instead of
 * blocking the thread, so the context keeps running other work); the lock
 * holder and the waiters may live in different AioContexts.  Handoff is
 * FIFO: an unlock passes ownership straight to the oldest waiter and wakes
 * it with aio_co_wake() in its own context.  Wake functions of CoQueue may
 * be called from any context.
 *
 * All three types are valid when zero-initialized (or after their _init).
 * CoMutex is a TSA capability; CoRwlock is one with shared (reader) and
 * exclusive (writer) modes.
 */
#ifndef QEMU_COROUTINE_LOCK_H
#define QEMU_COROUTINE_LOCK_H

#include <stdbool.h>

#include <blkcheck/annotations.h>

#include "qemu/coroutine.h"
#include "qemu/thread.h"

/* Release of a capability held either shared or exclusively. */
#define TSA_RELEASE_GENERIC_(x) BLKCHECK_TSA(release_generic_capability(x)) \
                                BLKCHECK_CONTEXT(x, 1, 0)

/*
 * Change the mode a capability is held in: for clang's TSA a release and an
 * acquire; for sparse (one count per lock) no change at all.
 */
#define TSA_SWITCH_MODE_(rel, acq) BLKCHECK_TSA(rel, acq)

/* A waiting coroutine; lives on the waiter's stack. */
typedef struct CoWaitRecord {
    Coroutine *co;
    bool write;                 /* CoRwlock: waits for the write lock */
    struct CoWaitRecord *next;
} CoWaitRecord;

typedef struct TSA_CAPABILITY("mutex") CoMutex {
    unsigned locked;            /* atomic: holder + lockers on the slow path */
    unsigned handoff;           /* wait_lock: unlocks owed to late waiters */
    unsigned wait_lock;         /* spin lock for the waiter list */
    CoWaitRecord *head;         /* wait_lock: FIFO of waiters */
    CoWaitRecord *tail;
    Coroutine *holder;          /* for assertions only */
} CoMutex;

typedef struct CoQueue {
    CoWaitRecord *head;         /* protected by the lock the users pass */
    CoWaitRecord *tail;
} CoQueue;

typedef struct TSA_CAPABILITY("rwlock") CoRwlock {
    unsigned lock;              /* spin lock for everything below */
    int readers;                /* readers holding the lock */
    bool writer;                /* a writer holds the lock */
    CoWaitRecord *head;         /* FIFO of waiters, readers and writers */
    CoWaitRecord *tail;
} CoRwlock;

/*
 * Initialize @m unlocked (same as zero-filling it).
 * Context: any.
 */
void qemu_co_mutex_init(CoMutex *m);

/*
 * Lock @m, yielding while another coroutine holds it.  Uncontended: one
 * atomic operation, no system call.
 * Context: coroutine only.
 */
void coroutine_fn qemu_co_mutex_lock(CoMutex *m) TSA_ACQUIRE(m);

/*
 * Unlock @m, handing it to the oldest waiter if any.
 * Context: coroutine only; the caller holds @m.
 */
void coroutine_fn qemu_co_mutex_unlock(CoMutex *m) TSA_RELEASE(m);

/*
 * Abort unless the calling coroutine holds @m.
 * Context: coroutine only.
 */
void coroutine_fn qemu_co_mutex_assert_locked(CoMutex *m) TSA_ASSERT(m);

/*
 * Initialize @q empty (same as zero-filling it).
 * Context: any.
 */
void qemu_co_queue_init(CoQueue *q);

/*
 * Add the caller to @q, unlock @m, yield until woken, and lock @m again.
 * Context: coroutine only, holding @m (which protects @q).
 */
void coroutine_fn qemu_co_queue_wait(CoQueue *q, CoMutex *m) TSA_REQUIRES(m);

/*
 * Like qemu_co_queue_wait() for a QemuMutex protecting @q: @m is released
 * only after the caller is on the queue, and taken again after the wake-up.
 * Context: coroutine only, holding @m.
 */
void coroutine_fn qemu_co_queue_wait_qemu_mutex(CoQueue *q, QemuMutex *m)
    TSA_REQUIRES(m);

/*
 * Wait on @q that is used by one thread only (no lock protects it).
 * Context: coroutine only.
 */
void coroutine_fn qemu_co_queue_wait_unlocked(CoQueue *q);

/*
 * Wake the oldest waiter of @q.
 * Returns: true when there was one.
 * Context: any; holding the lock that protects @q.
 */
bool qemu_co_queue_next(CoQueue *q);

/*
 * Wake every waiter of @q, oldest first.
 * Context: any; holding the lock that protects @q.
 */
void qemu_co_queue_restart_all(CoQueue *q);

/*
 * Returns: true when nobody waits on @q.
 * Context: any; holding the lock that protects @q.
 */
bool qemu_co_queue_empty(CoQueue *q);

/*
 * Initialize @l unlocked (same as zero-filling it).
 * Context: any.
 */
void qemu_co_rwlock_init(CoRwlock *l);

/*
 * Take @l shared; queues behind a waiting writer so writers do not starve.
 * Context: coroutine only.
 */
void coroutine_fn qemu_co_rwlock_rdlock(CoRwlock *l) TSA_ACQUIRE_SHARED(l);

/*
 * Take @l exclusively.
 * Context: coroutine only.
 */
void coroutine_fn qemu_co_rwlock_wrlock(CoRwlock *l) TSA_ACQUIRE(l);

/*
 * Turn the caller's read lock into the write lock.  Not atomic: when other
 * readers hold @l, writers queued earlier may run in between.
 * Context: coroutine only, holding @l shared.
 */
void coroutine_fn qemu_co_rwlock_upgrade(CoRwlock *l)
    TSA_SWITCH_MODE_(release_shared_capability(l), acquire_capability(l));

/*
 * Turn the caller's write lock into a read lock, atomically: no writer can
 * come in between; queued readers at the head join it.
 * Context: coroutine only, holding @l exclusively.
 */
void coroutine_fn qemu_co_rwlock_downgrade(CoRwlock *l)
    TSA_SWITCH_MODE_(release_capability(l), acquire_shared_capability(l));

/*
 * Drop the caller's read or write lock.
 * Context: coroutine only, holding @l.
 */
void coroutine_fn qemu_co_rwlock_unlock(CoRwlock *l) TSA_RELEASE_GENERIC_(l);

#endif /* QEMU_COROUTINE_LOCK_H */
