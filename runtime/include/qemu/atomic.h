/*
 * qemu/atomic.h - thin names for the compiler's __atomic builtins
 *
 * Context: any thread, any context (coroutine or not).
 *
 * The runtime uses the GCC/clang __atomic builtins on plain objects (not
 * _Atomic types) so that the same field can be read with a relaxed load on a
 * fast path and changed with a sequentially consistent read-modify-write
 * elsewhere.  Stand-alone fences are avoided: ThreadSanitizer does not model
 * them, so every ordering the runtime relies on is carried by a seq_cst
 * access instead.  The one exception is the graph lock's asymmetric Dekker
 * pair (block/graph-lock.c), which needs smp_mb() and barrier() and also
 * carries release/acquire accesses for ThreadSanitizer's sake.
 */
#ifndef QEMU_ATOMIC_H
#define QEMU_ATOMIC_H

#include <stdbool.h>

#define qatomic_read(ptr)            __atomic_load_n(ptr, __ATOMIC_RELAXED)
#define qatomic_set(ptr, v)          __atomic_store_n(ptr, v, __ATOMIC_RELAXED)
#define qatomic_load_acquire(ptr)    __atomic_load_n(ptr, __ATOMIC_ACQUIRE)
#define qatomic_store_release(ptr, v) __atomic_store_n(ptr, v, __ATOMIC_RELEASE)
#define qatomic_load_seq(ptr)        __atomic_load_n(ptr, __ATOMIC_SEQ_CST)
#define qatomic_store_seq(ptr, v)    __atomic_store_n(ptr, v, __ATOMIC_SEQ_CST)

#define qatomic_xchg(ptr, v)         __atomic_exchange_n(ptr, v, __ATOMIC_SEQ_CST)
#define qatomic_fetch_add(ptr, n)    __atomic_fetch_add(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_sub(ptr, n)    __atomic_fetch_sub(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_or(ptr, n)     __atomic_fetch_or(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_and(ptr, n)    __atomic_fetch_and(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_inc(ptr)             ((void)__atomic_fetch_add(ptr, 1, __ATOMIC_SEQ_CST))
#define qatomic_dec(ptr)             ((void)__atomic_fetch_sub(ptr, 1, __ATOMIC_SEQ_CST))
/* The same operations returning the new value. */
#define qatomic_add_fetch(ptr, n)    __atomic_add_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_sub_fetch(ptr, n)    __atomic_sub_fetch(ptr, n, __ATOMIC_SEQ_CST)

/* Compare *ptr with *expected; on match store desired.  Returns: true on match. */
#define qatomic_cmpxchg_bool(ptr, expected, desired) \
    __atomic_compare_exchange_n(ptr, expected, desired, false, \
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

/* A full (seq_cst) memory fence, and a compiler-only barrier. */
#define smp_mb()                     __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define barrier()                    __atomic_signal_fence(__ATOMIC_SEQ_CST)

#endif /* QEMU_ATOMIC_H */
