/*
 * blkcheck/annotations.h - the rules of coroutine and graph-lock code, in code
 *
 * Context: header only; usable from any thread, any context, C and C++.
 *
 * Code that runs coroutines on several event-loop threads follows rules the C
 * compiler does not know: who may yield, who may poll a nested event loop,
 * who must hold the block-graph lock, which thread runs which code.  The
 * macros here name those rules on declarations so that three checkers can
 * read them:
 *
 *   clang     every marker becomes __attribute__((annotate("NAME"))), which
 *             libclang and the blkcheck plugin see on the declaration; the
 *             lock markers also become clang thread-safety (TSA) attributes,
 *             so -Wthread-safety checks them during the normal build.
 *   sparse    (__CHECKER__) lock markers become context attributes, so
 *             sparse checks that acquire and release balance.
 *   others    (gcc, ...) markers expand to nothing; the code-class
 *             statement macros still assert at run time.
 *
 * Labels (the strings in annotate) are the vocabulary blkcheck reports in:
 *
 *   coroutine_fn          may yield; call only from coroutine context
 *   coroutine_mixed_fn    may yield when in a coroutine; callable from both
 *   no_coroutine_fn       must not be called from coroutine context
 *   polling_fn            may run a nested event loop: never in a coroutine,
 *                         never with the graph lock held
 *   co_wrapper*           generated wrapper that runs the _co_ twin in a
 *                         coroutine and polls until it finishes
 *   no_co_wrapper*        generated coroutine_fn that runs the plain twin in
 *                         a main-loop bottom half and yields until it returns
 *   graph_rdlock, graph_wrlock, graph_unlocked, graph_rdlock_ptr,
 *   graph_wrlock_ptr      graph-lock requirements
 *   code_class:global_state, code_class:io, code_class:io_or_gs
 *                         set by GLOBAL_STATE_CODE(), IO_CODE(),
 *                         IO_OR_GS_CODE() on the function they open
 *
 * The graph lock itself (bdrv_graph_co_rdlock() and friends) belongs to the
 * runtime; this header only declares the capability object `graph_lock` that
 * the TSA attributes name, and the scoped reader guard built on it.
 *
 * See docs/annotations.md for each macro with examples.
 */
#ifndef BLKCHECK_ANNOTATIONS_H
#define BLKCHECK_ANNOTATIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * Compiler mapping
 * ------------------------------------------------------------------------- */

#if defined(__CHECKER__)
# define BLKCHECK_ANNOTATE(name)
# define BLKCHECK_TSA(...)
/* context(expr, in, out): lock count expected on entry and left on exit. */
# define BLKCHECK_CONTEXT(x, in, out) __attribute__((context(x, in, out)))
#elif defined(__clang__)
# define BLKCHECK_ANNOTATE(name) __attribute__((annotate(name)))
# define BLKCHECK_TSA(...) __attribute__((__VA_ARGS__))
# define BLKCHECK_CONTEXT(x, in, out)
#else
# define BLKCHECK_ANNOTATE(name)
# define BLKCHECK_TSA(...)
# define BLKCHECK_CONTEXT(x, in, out)
#endif

/* sparse's context attribute names one lock: use the first TSA argument. */
#define BLKCHECK_CONTEXT_FIRST_(in, out, x, ...) BLKCHECK_CONTEXT(x, in, out)

/* ---------------------------------------------------------------------------
 * Clang thread-safety analysis (TSA) primitives
 *
 * Thin names for clang's capability attributes; see clang's
 * ThreadSafetyAnalysis documentation for their exact meaning.  Under sparse
 * the acquire/release/require forms become context attributes.
 * ------------------------------------------------------------------------- */

/* On a struct type: objects of this type are a lock named @name. */
#define TSA_CAPABILITY(name)      BLKCHECK_TSA(capability(name))
/* Caller must hold the lock(s) exclusively / at least shared. */
#define TSA_REQUIRES(...)         BLKCHECK_TSA(requires_capability(__VA_ARGS__)) \
                                  BLKCHECK_CONTEXT_FIRST_(1, 1, __VA_ARGS__, 0)
#define TSA_REQUIRES_SHARED(...)  BLKCHECK_TSA(requires_shared_capability(__VA_ARGS__)) \
                                  BLKCHECK_CONTEXT_FIRST_(1, 1, __VA_ARGS__, 0)
/* Function takes the lock(s) and returns with them held. */
#define TSA_ACQUIRE(...)          BLKCHECK_TSA(acquire_capability(__VA_ARGS__)) \
                                  BLKCHECK_CONTEXT_FIRST_(0, 1, __VA_ARGS__, 0)
#define TSA_ACQUIRE_SHARED(...)   BLKCHECK_TSA(acquire_shared_capability(__VA_ARGS__)) \
                                  BLKCHECK_CONTEXT_FIRST_(0, 1, __VA_ARGS__, 0)
/* Function drops the lock(s) the caller held. */
#define TSA_RELEASE(...)          BLKCHECK_TSA(release_capability(__VA_ARGS__)) \
                                  BLKCHECK_CONTEXT_FIRST_(1, 0, __VA_ARGS__, 0)
#define TSA_RELEASE_SHARED(...)   BLKCHECK_TSA(release_shared_capability(__VA_ARGS__)) \
                                  BLKCHECK_CONTEXT_FIRST_(1, 0, __VA_ARGS__, 0)
/* Function takes the lock(s) when it returns @ret (a bool or int value). */
#define TSA_TRY_ACQUIRE(ret, ...) BLKCHECK_TSA(try_acquire_capability(ret, __VA_ARGS__))
#define TSA_TRY_ACQUIRE_SHARED(ret, ...) \
                                  BLKCHECK_TSA(try_acquire_shared_capability(ret, __VA_ARGS__))
/* Caller must not hold the lock(s) (the function takes them itself). */
#define TSA_EXCLUDES(...)         BLKCHECK_TSA(locks_excluded(__VA_ARGS__))
/* Function checks at run time that the lock is held; TSA trusts it after. */
#define TSA_ASSERT(...)           BLKCHECK_TSA(assert_capability(__VA_ARGS__))
#define TSA_ASSERT_SHARED(...)    BLKCHECK_TSA(assert_shared_capability(__VA_ARGS__))
/* On data: reading needs the lock shared, writing needs it exclusively. */
#define TSA_GUARDED_BY(x)         BLKCHECK_TSA(guarded_by(x))
/* On a pointer: the pointed-to data is guarded by @x. */
#define TSA_PT_GUARDED_BY(x)      BLKCHECK_TSA(pt_guarded_by(x))
/* Function returns a reference to the lock @x. */
#define TSA_RETURN_CAPABILITY(x)  BLKCHECK_TSA(lock_returned(x))
/* Opt one function out of the analysis (lock helpers built on atomics). */
#define TSA_NO_TSA                BLKCHECK_TSA(no_thread_safety_analysis)

/* ---------------------------------------------------------------------------
 * Coroutine markers
 * ------------------------------------------------------------------------- */

/* May yield.  Call only from coroutine context (another coroutine_fn). */
#define coroutine_fn        BLKCHECK_ANNOTATE("coroutine_fn")
/*
 * May yield when called in a coroutine, and behaves synchronously outside
 * one; callable from both contexts.  Bodies usually branch on
 * qemu_in_coroutine().
 */
#define coroutine_mixed_fn  BLKCHECK_ANNOTATE("coroutine_mixed_fn")
/* Must not be called from coroutine context (it blocks or polls). */
#define no_coroutine_fn     BLKCHECK_ANNOTATE("no_coroutine_fn")
/*
 * May run a nested event loop (aio_poll(), AIO_WAIT_WHILE()): never from a
 * coroutine, never with the graph lock held.
 */
#define polling_fn          BLKCHECK_ANNOTATE("polling_fn")

/* ---------------------------------------------------------------------------
 * Wrapper markers (declarations only; codegen writes the bodies)
 *
 * co_wrapper: `int bdrv_foo(args)` is generated; it runs `bdrv_co_foo(args)`
 * in a new coroutine in the calling thread's AioContext and polls until it
 * finishes.  The _mixed variants call the twin directly when already in a
 * coroutine.  The _bdrv_rdlock variants take the graph reader lock around the
 * twin.  All of them poll, so they are also no_coroutine_fn.
 *
 * no_co_wrapper: `int bdrv_co_foo(args)` is generated; it is a coroutine_fn
 * that runs `bdrv_foo(args)` in a bottom half of the main loop and yields
 * until it returns.  The _bdrv_rdlock/_bdrv_wrlock variants hold that graph
 * lock (main-loop flavour) around the twin.
 * ------------------------------------------------------------------------- */

#define co_wrapper                   BLKCHECK_ANNOTATE("co_wrapper") no_coroutine_fn
#define co_wrapper_mixed             BLKCHECK_ANNOTATE("co_wrapper_mixed") \
                                     no_coroutine_fn coroutine_mixed_fn
#define co_wrapper_bdrv_rdlock       BLKCHECK_ANNOTATE("co_wrapper_bdrv_rdlock") \
                                     no_coroutine_fn
#define co_wrapper_mixed_bdrv_rdlock BLKCHECK_ANNOTATE("co_wrapper_mixed_bdrv_rdlock") \
                                     no_coroutine_fn coroutine_mixed_fn

#define no_co_wrapper                BLKCHECK_ANNOTATE("no_co_wrapper") coroutine_fn
#define no_co_wrapper_bdrv_rdlock    BLKCHECK_ANNOTATE("no_co_wrapper_bdrv_rdlock") \
                                     coroutine_fn
#define no_co_wrapper_bdrv_wrlock    BLKCHECK_ANNOTATE("no_co_wrapper_bdrv_wrlock") \
                                     coroutine_fn

/* ---------------------------------------------------------------------------
 * The block-graph lock
 *
 * One global reader/writer capability.  Readers are coroutines in any
 * AioContext (and the main loop); the only writer is the main loop.  The
 * runtime defines the object and the functions that take it; the attributes
 * below only need the declaration.
 * ------------------------------------------------------------------------- */

typedef struct TSA_CAPABILITY("graph-lock") BdrvGraphLock {
    char unused;    /* no state: the lock lives in the runtime */
} BdrvGraphLock;

extern BdrvGraphLock graph_lock;

/* Caller holds the graph lock at least shared (reader or writer). */
#define GRAPH_RDLOCK    BLKCHECK_ANNOTATE("graph_rdlock") TSA_REQUIRES_SHARED(graph_lock)
/* Caller holds the graph lock exclusively (main loop, writer). */
#define GRAPH_WRLOCK    BLKCHECK_ANNOTATE("graph_wrlock") TSA_REQUIRES(graph_lock)
/* Caller must not hold the graph lock (the function may take it or poll). */
#define GRAPH_UNLOCKED  BLKCHECK_ANNOTATE("graph_unlocked") TSA_EXCLUDES(graph_lock)

/*
 * On a function-pointer field or variable: the function it points to needs
 * the reader (writer) lock.  TSA checks that the pointer is read under the
 * lock; blkcheck (BC007) checks that calls through it are.
 */
#define GRAPH_RDLOCK_PTR BLKCHECK_ANNOTATE("graph_rdlock_ptr") TSA_GUARDED_BY(graph_lock)
#define GRAPH_WRLOCK_PTR BLKCHECK_ANNOTATE("graph_wrlock_ptr") TSA_GUARDED_BY(graph_lock)

/* Provided by the runtime (runtime/include/block/graph-lock.h). */
void coroutine_fn bdrv_graph_co_rdlock(void) TSA_ACQUIRE_SHARED(graph_lock) TSA_NO_TSA;
void coroutine_fn bdrv_graph_co_rdunlock(void) TSA_RELEASE_SHARED(graph_lock) TSA_NO_TSA;

/*
 * Scoped reader lock: GRAPH_RDLOCK_GUARD() holds the graph reader lock from
 * that statement to the end of the enclosing block; WITH_GRAPH_RDLOCK_GUARD()
 * { ... } holds it for the braced body.  Coroutine only.
 *
 * clang's TSA does not run cleanup functions, so it would see the guard take
 * the lock and never drop it.  The guard therefore *asserts* the capability
 * (TSA_ASSERT_SHARED) instead of acquiring it: TSA treats the lock as held
 * from the guard on.  That is wider than the real scope for the WITH_ form;
 * blkcheck tracks the exact scope (BC005, BC007).
 */
typedef struct BdrvGraphRdlockGuard {
    char unused;
} BdrvGraphRdlockGuard;

#ifndef __CHECKER__
static inline BdrvGraphRdlockGuard * coroutine_fn TSA_NO_TSA TSA_ASSERT_SHARED(graph_lock)
bdrv_graph_rdlock_guard_take(void)
{
    static BdrvGraphRdlockGuard token;  /* any non-NULL pointer will do */

    bdrv_graph_co_rdlock();
    return &token;
}

static inline void coroutine_fn TSA_NO_TSA
bdrv_graph_rdlock_guard_drop(BdrvGraphRdlockGuard **guard)
{
    if (*guard) {
        bdrv_graph_co_rdunlock();
        *guard = NULL;
    }
}
#else
/*
 * sparse does not run cleanup functions either; it sees the guard as a
 * balanced no-op so that guarded functions do not look unbalanced.
 */
BdrvGraphRdlockGuard *bdrv_graph_rdlock_guard_take(void);
void bdrv_graph_rdlock_guard_drop(BdrvGraphRdlockGuard **guard);
#endif

#define BLKCHECK_GLUE_(a, b) a##b
#define BLKCHECK_GLUE(a, b) BLKCHECK_GLUE_(a, b)

#define GRAPH_RDLOCK_GUARD() \
    BdrvGraphRdlockGuard *BLKCHECK_GLUE(graph_rdlock_guard_, __COUNTER__) \
        __attribute__((cleanup(bdrv_graph_rdlock_guard_drop), unused)) = \
        bdrv_graph_rdlock_guard_take()

#define WITH_GRAPH_RDLOCK_GUARD_(var) \
    for (BdrvGraphRdlockGuard *var \
             __attribute__((cleanup(bdrv_graph_rdlock_guard_drop))) = \
             bdrv_graph_rdlock_guard_take(); \
         var; bdrv_graph_rdlock_guard_drop(&var))
#define WITH_GRAPH_RDLOCK_GUARD() \
    WITH_GRAPH_RDLOCK_GUARD_(BLKCHECK_GLUE(graph_rdlock_with_, __COUNTER__))

/* ---------------------------------------------------------------------------
 * Code classes
 *
 * GLOBAL_STATE_CODE(), IO_CODE() and IO_OR_GS_CODE() open a function body.
 * Each is one statement that
 *   - labels the function for blkcheck: it calls an empty inline function
 *     carrying annotate("code_class:...") that libclang and the plugin see,
 *     and the macro name itself is visible as a macro expansion;
 *   - asserts the calling thread at run time through a hook the runtime
 *     provides: `bool blkcheck_code_class_ok(BlkcheckCodeClass cls)`.  The
 *     hook is a weak reference: a program without a runtime skips the check.
 *
 *   GLOBAL_STATE_CODE()  main loop only (BQL held)
 *   IO_CODE()            any thread; must not call global-state code
 *   IO_OR_GS_CODE()      any thread; called by both classes
 * ------------------------------------------------------------------------- */

typedef enum BlkcheckCodeClass {
    BLKCHECK_CODE_GLOBAL_STATE,
    BLKCHECK_CODE_IO,
    BLKCHECK_CODE_IO_OR_GS,
} BlkcheckCodeClass;

/* The runtime's answer to "may this thread run code of class @cls now?". */
extern bool blkcheck_code_class_ok(BlkcheckCodeClass cls) __attribute__((weak));

static inline const char *blkcheck_code_class_name(BlkcheckCodeClass cls)
{
    switch (cls) {
    case BLKCHECK_CODE_GLOBAL_STATE: return "GLOBAL_STATE_CODE";
    case BLKCHECK_CODE_IO:           return "IO_CODE";
    case BLKCHECK_CODE_IO_OR_GS:     return "IO_OR_GS_CODE";
    }
    return "?";
}

static inline void blkcheck_code_class_check(BlkcheckCodeClass cls, const char *func,
                                             const char *file, int line)
{
    if (blkcheck_code_class_ok && !blkcheck_code_class_ok(cls)) {
        fprintf(stderr, "%s:%d: %s: %s() called from the wrong thread\n",
                file, line, blkcheck_code_class_name(cls), func);
        abort();
    }
}

static inline void BLKCHECK_ANNOTATE("code_class:global_state")
blkcheck_label_global_state(void) {}
static inline void BLKCHECK_ANNOTATE("code_class:io")
blkcheck_label_io(void) {}
static inline void BLKCHECK_ANNOTATE("code_class:io_or_gs")
blkcheck_label_io_or_gs(void) {}

#define GLOBAL_STATE_CODE() \
    do { \
        blkcheck_label_global_state(); \
        blkcheck_code_class_check(BLKCHECK_CODE_GLOBAL_STATE, __func__, \
                                  __FILE__, __LINE__); \
    } while (0)

#define IO_CODE() \
    do { \
        blkcheck_label_io(); \
        blkcheck_code_class_check(BLKCHECK_CODE_IO, __func__, __FILE__, __LINE__); \
    } while (0)

#define IO_OR_GS_CODE() \
    do { \
        blkcheck_label_io_or_gs(); \
        blkcheck_code_class_check(BLKCHECK_CODE_IO_OR_GS, __func__, \
                                  __FILE__, __LINE__); \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif /* BLKCHECK_ANNOTATIONS_H */
