/*
 * xalloc.c - allocation that aborts on failure (xalloc.h)
 */
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *checked(void *p, size_t size)
{
    if (!p && size) {
        fprintf(stderr, "blkcheck: out of memory (%zu bytes)\n", size);
        abort();
    }
    return p;
}

void *bc_xmalloc(size_t size)
{
    return checked(malloc(size ? size : 1), size);
}

void *bc_xcalloc(size_t n, size_t size)
{
    return checked(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *bc_xrealloc(void *p, size_t size)
{
    return checked(realloc(p, size ? size : 1), size);
}

char *bc_xstrdup(const char *s)
{
    return checked(strdup(s), strlen(s) + 1);
}
