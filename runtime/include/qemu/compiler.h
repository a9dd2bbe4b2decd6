/*
 * qemu/compiler.h - branch-prediction hints shared by the whole runtime
 *
 * Context: any thread, any context; compile-time only.
 *
 * likely(x) / unlikely(x) evaluate @x once, as a truth value (0 or 1), and
 * tell the compiler which way the branch usually goes.  Use them only on
 * hot paths where the rare side is really rare (a drained node, a
 * contended gate, a thread's first coroutine).
 */
#ifndef QEMU_COMPILER_H
#define QEMU_COMPILER_H

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif /* QEMU_COMPILER_H */
