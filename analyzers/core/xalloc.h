/*
 * xalloc.h - allocation that cannot fail (it aborts instead)
 *
 * Context: any thread.
 *
 * The analyzer has no useful way to go on without memory: every allocation
 * whose failure used to be `if (!p) abort();` goes through these, which
 * print what failed before aborting.
 */
#ifndef BC_XALLOC_H
#define BC_XALLOC_H

#include <stddef.h>

void *bc_xmalloc(size_t size);
void *bc_xcalloc(size_t n, size_t size);
void *bc_xrealloc(void *p, size_t size);
char *bc_xstrdup(const char *s);

#endif
