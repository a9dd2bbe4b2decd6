/*
 * arena.c - region allocator: bump allocation in chained blocks
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xalloc.h"

#define BC_ARENA_BLOCK (64 * 1024)
#define BC_ARENA_ALIGN 16

typedef struct BcArenaBlock {
    struct BcArenaBlock *next;
    size_t size, used;
    _Alignas(BC_ARENA_ALIGN) unsigned char data[];
} BcArenaBlock;

struct BcArena {
    BcArenaBlock *head;
    size_t total;
};

BcArena *bc_arena_new(void)
{
    return bc_xcalloc(1, sizeof(BcArena));
}

void bc_arena_free(BcArena *a)
{
    if (!a) {
        return;
    }
    for (BcArenaBlock *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void *bc_arena_alloc(BcArena *a, size_t size)
{
    BcArenaBlock *b = a->head;
    size_t need = (size + BC_ARENA_ALIGN - 1) & ~(size_t)(BC_ARENA_ALIGN - 1);
    void *p;

    if (!b || b->size - b->used < need) {
        size_t bsize = need > BC_ARENA_BLOCK / 4 ? need : BC_ARENA_BLOCK;
        BcArenaBlock *nb = bc_xcalloc(1, sizeof(BcArenaBlock) + bsize);

        nb->size = bsize;
        if (b && bsize == need) {
            /* Big allocation: keep filling the current block afterwards. */
            nb->next = b->next;
            b->next = nb;
            nb->used = need;
            a->total += need;
            return nb->data;
        }
        nb->next = b;
        a->head = b = nb;
    }
    p = b->data + b->used;
    b->used += need;
    a->total += need;
    return p;    /* blocks come from calloc: already zero */
}

char *bc_arena_strndup(BcArena *a, const char *s, size_t n)
{
    char *d;

    if (!s) {
        return NULL;
    }
    d = bc_arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *bc_arena_strdup(BcArena *a, const char *s)
{
    return s ? bc_arena_strndup(a, s, strlen(s)) : NULL;
}

char *bc_arena_printf(BcArena *a, const char *fmt, ...)
{
    va_list ap;
    int len;
    char *d;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0) {
        return bc_arena_strdup(a, "");
    }
    d = bc_arena_alloc(a, (size_t)len + 1);
    va_start(ap, fmt);
    vsnprintf(d, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return d;
}

size_t bc_arena_used(const BcArena *a)
{
    return a->total;
}
