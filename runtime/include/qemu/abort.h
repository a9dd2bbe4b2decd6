/*
 * qemu/abort.h - the runtime's one way to stop on a broken contract
 *
 * Context: any thread, any context (coroutine or not, any lock held).
 *
 * The runtime checks its contracts at run time (a coroutine entered twice,
 * a lock released by a thread that does not hold it, a pthread call that
 * cannot fail failing).  Such a check has no caller to return an error to:
 * it prints what broke and aborts, so that a core dump or a death test
 * sees the state as it was.  Errors a user can cause go through
 * qemu/error.h instead.
 */
#ifndef QEMU_ABORT_H
#define QEMU_ABORT_H

/*
 * Print "mqblk: " followed by the printf-style message @fmt to stderr as
 * one line (one write, so lines from several threads do not interleave)
 * and abort().  The message names the function that found the problem and
 * the object it concerns (a pointer, a node name).  Does not return.
 * Context: any thread.
 */
void mqblk_abort(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif /* QEMU_ABORT_H */
