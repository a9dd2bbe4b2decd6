/*
 * qemu/main-loop.h - the main loop thread, its AioContext and the big lock
 *
 * Context: qemu_init_main_loop() makes the calling thread the main-loop
 * thread: global-state code (GLOBAL_STATE_CODE(), graph changes, AioWait)
 * runs there.  The other functions here may be called from any thread.
 *
 * The BQL (qemu_bql) is a TSA capability.  A thread other than the main loop
 * that takes it may run global-state code while it holds it; the main loop
 * counts as global state with or without it.  The runtime itself takes the
 * BQL nowhere: it exists for the code built on the runtime.
 *
 * This header also defines blkcheck_code_class_ok(), the hook through which
 * GLOBAL_STATE_CODE() in annotations.h asserts the calling thread.
 */
#ifndef QEMU_MAIN_LOOP_H
#define QEMU_MAIN_LOOP_H

#include <stdbool.h>

#include <blkcheck/annotations.h>

#include "qemu/thread.h"

typedef struct AioContext AioContext;

/* The big lock: protects global state. */
extern QemuMutex qemu_bql;

/*
 * Create the main AioContext and make the calling thread the main-loop
 * thread.  Idempotent from the same thread.
 * Returns: true, or false with *@errp set to a static message.
 * Context: the thread that becomes the main loop, once, before other
 * threads use the runtime.
 */
bool qemu_init_main_loop(const char **errp);

/*
 * Run the main context's pending work and free it; the process may call
 * qemu_init_main_loop() again afterwards (tests do).
 * Context: main loop only, after every IOThread was destroyed.
 */
void qemu_cleanup_main_loop(void);

/*
 * Returns: the main loop's AioContext (NULL before qemu_init_main_loop()).
 * Context: any thread.
 */
AioContext *qemu_get_aio_context(void);

/*
 * Returns: the AioContext of the calling thread: its IOThread's, the main
 * context in the main-loop thread, otherwise NULL.
 * Context: any thread, any context (safe across coroutine migration).
 */
AioContext *qemu_get_current_aio_context(void);

/*
 * Returns: true when the caller may run global-state code: it is the
 * main-loop thread, it holds the BQL, or no main loop exists yet
 * (single-threaded set-up).
 * Context: any thread.
 */
bool qemu_in_main_thread(void);

/*
 * Take the BQL.
 * Context: any thread, never in a coroutine.
 */
void bql_lock(void) TSA_ACQUIRE(qemu_bql);

/*
 * Drop the BQL.
 * Context: the thread that holds it.
 */
void bql_unlock(void) TSA_RELEASE(qemu_bql);

/*
 * Returns: true when the calling thread holds the BQL.
 * Context: any thread.
 */
bool bql_locked(void);

#endif /* QEMU_MAIN_LOOP_H */
