/*
 * qemu/coroutine.h - stackful coroutines
 *
 * Context: a coroutine runs on its own stack in the thread of its home
 * AioContext (the context it was first entered in, changed only by
 * aio_co_schedule()).  Creating and entering are for non-coroutine code or
 * other coroutines of the same thread; resuming from any other thread goes
 * through aio_co_wake()/aio_co_schedule() (block/aio.h), which hand the
 * coroutine to its home thread.  Entering a coroutine from a thread that is
 * not its home, or entering one that is running (or waiting for a coroutine
 * it entered), aborts with a message.
 *
 * Every function that may yield is coroutine_fn and may only be called from
 * coroutine context: a yield needs a coroutine stack to leave.  Functions
 * that block the thread or poll an event loop are forbidden there (they
 * would stall or re-enter the whole context); see docs/runtime/threads.md.
 *
 * Stacks are mmap()ed with a guard page below them and recycled through a
 * per-thread pool.  The switch is a hand-written x86-64 routine ("asm") or
 * sigsetjmp/ucontext ("ucontext"); both tell ASan and TSan about every
 * stack switch.
 */
#ifndef QEMU_COROUTINE_H
#define QEMU_COROUTINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <blkcheck/annotations.h>

typedef struct Coroutine Coroutine;
typedef struct AioContext AioContext;

/* The body of a coroutine; when it returns the coroutine terminates. */
typedef void coroutine_fn CoroutineEntry(void *opaque);

/*
 * Create a coroutine that will run @entry(@opaque) when first entered,
 * taking a stack from the calling thread's pool when one is free.
 * Returns: the coroutine (it frees itself when @entry returns).
 * Context: any thread, any context.
 */
Coroutine *qemu_coroutine_create(CoroutineEntry *entry, void *opaque);

/*
 * Switch to @co until it yields or terminates.  The first entry binds @co
 * to the caller's thread and AioContext.
 * Context: the home thread of @co; any context (from a coroutine, @co runs
 * nested and returns to the caller when it yields).
 */
void qemu_coroutine_enter(Coroutine *co);

/*
 * Enter @co if it is not running and not scheduled; otherwise do nothing.
 * Context: the home thread of @co.
 */
void qemu_coroutine_enter_if_inactive(Coroutine *co);

/*
 * Suspend the calling coroutine and return to whoever entered it.
 * Context: coroutine only.
 */
void coroutine_fn qemu_coroutine_yield(void);

/*
 * Returns: true when called on a coroutine stack.
 * Context: any thread, any context.
 */
bool qemu_in_coroutine(void);

/*
 * Returns: the calling coroutine.
 * Context: coroutine only.
 */
Coroutine *coroutine_fn qemu_coroutine_self(void);

/*
 * Returns: true when @co was entered at least once and has not terminated.
 * Context: any thread.
 */
bool qemu_coroutine_entered(Coroutine *co);

/*
 * Returns: the home AioContext of @co (NULL before its first entry or when
 * it was entered in a thread without a context).
 * Context: any thread.
 */
AioContext *qemu_coroutine_get_aio_context(Coroutine *co);

/*
 * Set the stack size of coroutines created from now on (rounded up to whole
 * pages; at least 16 KiB).  Pooled stacks of another size are not reused.
 * Context: any thread; normally once at start-up.
 */
void qemu_coroutine_set_stack_size(size_t bytes);

/*
 * Returns: the stack size new coroutines get.
 * Context: any thread.
 */
size_t qemu_coroutine_get_stack_size(void);

/*
 * Select the switch backend by name ("asm" or "ucontext") for coroutines
 * created from now on; the MQBLK_COROUTINE_BACKEND environment variable
 * sets the initial choice.  "asm" exists on x86-64 only.
 * Returns: true when @name names an available backend.
 * Context: any thread; before coroutines exist or between test cases.
 */
bool qemu_coroutine_set_backend(const char *name);

/*
 * Returns: the name of the backend new coroutines use.
 * Context: any thread.
 */
const char *qemu_coroutine_backend_name(void);

/*
 * Free every pooled coroutine stack of the calling thread.
 * Context: any thread, outside coroutine context.
 */
void qemu_coroutine_pool_drain(void);

/*
 * Returns: the number of coroutines in the calling thread's pool.
 * Context: any thread.
 */
unsigned qemu_coroutine_pool_size(void);

/*
 * Yield for @ns nanoseconds of monotonic time, in the home context.
 * Context: coroutine only, in a thread with an AioContext.
 */
void coroutine_fn qemu_co_sleep_ns(int64_t ns);

#endif /* QEMU_COROUTINE_H */
