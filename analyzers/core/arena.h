/*
 * arena.h - region allocator for analyzer data
 *
 * Context: one arena per owner (a TU's facts, the merged graph, a query);
 * not thread-safe: each worker thread uses its own.
 *
 * Facts, graph nodes and findings are allocated from an arena and freed all
 * at once with it: nodes are never freed one by one.  Allocation failure
 * aborts (out of memory is not a recoverable analysis error).
 */
#ifndef BC_ARENA_H
#define BC_ARENA_H

#include <stddef.h>

typedef struct BcArena BcArena;

/* Create an empty arena.  Returns: the arena (never NULL). */
BcArena *bc_arena_new(void);
/* Free every allocation of @a and @a itself.  NULL is a no-op. */
void bc_arena_free(BcArena *a);
/* Allocate @size zeroed bytes aligned for any type. */
void *bc_arena_alloc(BcArena *a, size_t size);
/* Copy @s (NULL gives NULL). */
char *bc_arena_strdup(BcArena *a, const char *s);
char *bc_arena_strndup(BcArena *a, const char *s, size_t n);
/* printf into the arena. */
char *bc_arena_printf(BcArena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Bytes handed out so far (for --stats). */
size_t bc_arena_used(const BcArena *a);

/* Allocate an array of @n objects of @type. */
#define BC_ARENA_NEW(a, type, n) ((type *)bc_arena_alloc((a), sizeof(type) * (size_t)(n)))

#endif
