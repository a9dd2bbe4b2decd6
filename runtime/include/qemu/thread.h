/*
 * qemu/thread.h - OS threads and blocking locks: QemuThread, QemuMutex,
 * QemuCond, QemuEvent
 *
 * Context: any thread.  These primitives block the calling OS thread, so a
 * coroutine may only hold a QemuMutex for a short critical section that does
 * not yield (use CoMutex from qemu/coroutine.h across a yield) and must never
 * wait on a QemuCond or QemuEvent: that would stall every other coroutine of
 * its AioContext.  They may be called by every code class.
 *
 * QemuMutex is a clang thread-safety capability: qemu_mutex_lock() and
 * qemu_mutex_unlock() acquire and release it, fields may be TSA_GUARDED_BY a
 * mutex, and -Wthread-safety checks the pairing.  Under sparse the same
 * annotations become lock contexts.
 */
#ifndef QEMU_THREAD_H
#define QEMU_THREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <blkcheck/annotations.h>

typedef struct TSA_CAPABILITY("mutex") QemuMutex {
    pthread_mutex_t lock;
} QemuMutex;

typedef struct QemuCond {
    pthread_cond_t cond;
} QemuCond;

/* A one-shot or resettable flag that threads can wait for. */
typedef struct QemuEvent {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool set;       /* protected by lock */
} QemuEvent;

typedef struct QemuThread {
    pthread_t thread;
} QemuThread;

typedef enum QemuThreadMode {
    QEMU_THREAD_JOINABLE,
    QEMU_THREAD_DETACHED,
} QemuThreadMode;

/*
 * Initialize @m as an unlocked, non-recursive mutex.
 * Context: any thread.
 */
void qemu_mutex_init(QemuMutex *m);

/*
 * Destroy @m, which must be unlocked.
 * Context: any thread; nobody else may use @m any more.
 */
void qemu_mutex_destroy(QemuMutex *m);

/*
 * Lock @m, blocking the thread until it is free.
 * Context: any thread; in a coroutine only around code that does not yield.
 */
void qemu_mutex_lock(QemuMutex *m) TSA_ACQUIRE(m);

/*
 * Try to lock @m without blocking.
 * Returns: true when @m is now held by the caller.
 * Context: any thread.
 */
bool qemu_mutex_trylock(QemuMutex *m) TSA_TRY_ACQUIRE(true, m);

/*
 * Unlock @m, which the calling thread holds.
 * Context: any thread.
 */
void qemu_mutex_unlock(QemuMutex *m) TSA_RELEASE(m);

/*
 * Initialize @c.
 * Context: any thread.
 */
void qemu_cond_init(QemuCond *c);

/*
 * Destroy @c; nobody may wait on it.
 * Context: any thread.
 */
void qemu_cond_destroy(QemuCond *c);

/*
 * Atomically release @m, wait for a signal on @c, and take @m again.
 * Context: any thread, never in a coroutine (it blocks the whole context).
 */
void qemu_cond_wait(QemuCond *c, QemuMutex *m) TSA_REQUIRES(m);

/*
 * Like qemu_cond_wait(), giving up after @ms milliseconds.
 * Returns: false on timeout, true when signalled (or spuriously woken).
 * Context: any thread, never in a coroutine.
 */
bool qemu_cond_timedwait(QemuCond *c, QemuMutex *m, int ms) TSA_REQUIRES(m);

/*
 * Wake one waiter of @c.
 * Context: any thread.
 */
void qemu_cond_signal(QemuCond *c);

/*
 * Wake every waiter of @c.
 * Context: any thread.
 */
void qemu_cond_broadcast(QemuCond *c);

/*
 * Initialize @ev, set when @init is true.
 * Context: any thread.
 */
void qemu_event_init(QemuEvent *ev, bool init);

/*
 * Destroy @ev; nobody may wait on it.
 * Context: any thread.
 */
void qemu_event_destroy(QemuEvent *ev);

/*
 * Set @ev and wake every waiter; a no-op if already set.
 * Context: any thread.
 */
void qemu_event_set(QemuEvent *ev);

/*
 * Clear @ev so that later waits block again.
 * Context: any thread.
 */
void qemu_event_reset(QemuEvent *ev);

/*
 * Block until @ev is set.
 * Context: any thread, never in a coroutine.
 */
void qemu_event_wait(QemuEvent *ev);

/*
 * Start a thread named @name (truncated to the OS limit) running @fn(@arg).
 * Aborts with a message when the OS refuses: callers have no way to recover.
 * Context: any thread.
 */
void qemu_thread_create(QemuThread *t, const char *name, void *(*fn)(void *),
                        void *arg, QemuThreadMode mode);

/*
 * Wait for the joinable thread @t to exit.
 * Returns: the value its function returned.
 * Context: any thread other than @t; never in a coroutine.
 */
void *qemu_thread_join(QemuThread *t);

/*
 * Fill @t with the calling thread.
 * Context: any thread.
 */
void qemu_thread_get_self(QemuThread *t);

/*
 * Returns: true when @t is the calling thread.
 * Context: any thread.
 */
bool qemu_thread_is_self(const QemuThread *t);

#endif /* QEMU_THREAD_H */
