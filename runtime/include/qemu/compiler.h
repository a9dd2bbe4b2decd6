/*
 * qemu/compiler.h - branch-prediction hints shared by the whole runtime
 *
 * Context: any thread, any context; compile-time only.
 *
 * likely(x) / unlikely(x) evaluate @x once, as a truth value (0 or 1), and
 * tell the compiler which way the branch usually goes.  Use them only on
 * hot paths where the rare side is really rare (a drained node, a
 * contended gate, a thread's first coroutine).
 *
 * QEMU_INTERFERENCE_SIZE is how far apart two objects written by different
 * threads must be so that they never cost each other a cache miss: two
 * 64-byte lines, because x86's adjacent-line prefetcher fetches lines in
 * 128-byte aligned pairs (a write to one line of a pair then steals the
 * other from the core that owns it).  Align objects that one thread
 * writes on every request (an AioContext, a queue's counters) to it, and
 * round their size up to it.  It is a floor, not a guarantee: other
 * prefetchers reach further, so per-thread counters, the hottest shared
 * writes, keep each thread's cells on pages of their own
 * (qemu/thread-counter.h).
 */
#ifndef QEMU_COMPILER_H
#define QEMU_COMPILER_H

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define QEMU_INTERFERENCE_SIZE 128

#endif /* QEMU_COMPILER_H */
