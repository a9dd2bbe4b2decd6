/*
 * qemu/error.h - error objects for operations that can fail with a message
 *
 * Context: any thread.  A function that can fail takes `Error **errp` last;
 * on failure it calls error_setg(errp, ...) once and returns its failure
 * value (NULL, false or a negative errno).  Callers pass NULL to ignore the
 * message, or &err and then report or free it.  The message is the whole
 * story a user reads: it names the object ("driver 'file': filename
 * 'x.img': No such file or directory"), never "invalid argument".
 */
#ifndef QEMU_ERROR_H
#define QEMU_ERROR_H

#include <stdarg.h>

typedef struct Error Error;

/* Set *@errp to a new error (if @errp is not NULL and *@errp is NULL). */
void error_setg(Error **errp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like error_setg() and append ": strerror(@os_errno)". */
void error_setg_errno(Error **errp, int os_errno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepend "PREFIX" to the message of *@errp, if any. */
void error_prepend(Error **errp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Move @err into *@dst (freeing it when @dst is NULL or already set). */
void error_propagate(Error **dst, Error *err);

/* Returns: the message (owned by @err). */
const char *error_get_pretty(const Error *err);

/* Free @err (NULL is fine). */
void error_free(Error *err);

/* Print "PROG: MESSAGE\n" to stderr and free @err. */
void error_report_err(Error *err);

#endif /* QEMU_ERROR_H */
