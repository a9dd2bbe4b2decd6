/*
 * abort.c - mqblk_abort(): report a broken contract and abort (qemu/abort.h)
 *
 * Context: any thread.  Allocates nothing and takes no lock of the runtime,
 * so it works however broken the caller's state is.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu/abort.h"

#define MQBLK_ABORT_PREFIX "mqblk: "

void mqblk_abort(const char *fmt, ...)
{
    char line[512] = MQBLK_ABORT_PREFIX;
    size_t pre = sizeof(MQBLK_ABORT_PREFIX) - 1;
    size_t len;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line + pre, sizeof(line) - pre - 1, fmt, ap);
    va_end(ap);
    len = n < 0 ? pre : strlen(line);
    line[len++] = '\n';
    if (write(STDERR_FILENO, line, len) < 0) {
        /* Nothing left to report to. */
    }
    abort();
}
