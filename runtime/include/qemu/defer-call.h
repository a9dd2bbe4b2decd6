/*
 * qemu/defer-call.h - batch calls to the end of a section, per thread
 *
 * Context: any thread, any context; the state is per thread.  A driver
 * calls defer_call(submit_fn, queue) after queueing a request; inside a
 * defer_call_begin()/defer_call_end() section (nestable) the call waits for
 * the outermost end and a repeated (fn, opaque) pair runs only once, so many
 * requests share one system call.  Outside a section defer_call() runs fn at
 * once.  A coroutine must not yield inside a section: the section belongs
 * to the thread, and another coroutine could end it.
 */
#ifndef QEMU_DEFER_CALL_H
#define QEMU_DEFER_CALL_H

/*
 * Open a (nestable) deferral section for the calling thread.
 * Context: any thread, any context.
 */
void defer_call_begin(void);

/*
 * Close the innermost section; closing the outermost runs every deferred
 * call in the order first deferred.
 * Context: the thread that called defer_call_begin().
 */
void defer_call_end(void);

/*
 * Run @fn(@opaque) at the end of the thread's outermost section (once per
 * distinct pair), or now when no section is open.
 * Context: any thread, any context.
 */
void defer_call(void (*fn)(void *), void *opaque);

#endif /* QEMU_DEFER_CALL_H */
