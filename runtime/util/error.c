/*
 * error.c - Error objects: a formatted message, built once, freed by the
 * caller that consumed it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/error.h"

struct Error {
    char *msg;
};

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;

    if (vasprintf(&s, fmt, ap) < 0) {
        abort();
    }
    return s;
}

static void error_set_msg(Error **errp, char *msg)
{
    Error *err;

    if (!errp || *errp) {
        free(msg);
        return;
    }
    err = malloc(sizeof(*err));
    if (!err) {
        abort();
    }
    err->msg = msg;
    *errp = err;
}

void error_setg(Error **errp, const char *fmt, ...)
{
    va_list ap;

    if (!errp || *errp) {
        return;
    }
    va_start(ap, fmt);
    error_set_msg(errp, vformat(fmt, ap));
    va_end(ap);
}

void error_setg_errno(Error **errp, int os_errno, const char *fmt, ...)
{
    va_list ap;
    char *head, *msg;

    if (!errp || *errp) {
        return;
    }
    va_start(ap, fmt);
    head = vformat(fmt, ap);
    va_end(ap);
    if (asprintf(&msg, "%s: %s", head, strerror(os_errno)) < 0) {
        abort();
    }
    free(head);
    error_set_msg(errp, msg);
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix, *msg;

    if (!errp || !*errp) {
        return;
    }
    va_start(ap, fmt);
    prefix = vformat(fmt, ap);
    va_end(ap);
    if (asprintf(&msg, "%s%s", prefix, (*errp)->msg) < 0) {
        abort();
    }
    free(prefix);
    free((*errp)->msg);
    (*errp)->msg = msg;
}

void error_propagate(Error **dst, Error *err)
{
    if (!err) {
        return;
    }
    if (dst && !*dst) {
        *dst = err;
    } else {
        error_free(err);
    }
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

void error_free(Error *err)
{
    if (err) {
        free(err->msg);
        free(err);
    }
}

void error_report_err(Error *err)
{
    extern char *program_invocation_short_name;

    fprintf(stderr, "%s: %s\n", program_invocation_short_name,
            err ? err->msg : "(no error)");
    error_free(err);
}
