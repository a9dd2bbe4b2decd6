/*
 * vec.h - typed growable arrays
 *
 * Context: plain data, no locking.
 *
 * BC_VEC(T) declares { T *v; size_t n, cap; }.  Vectors grow with realloc
 * (not in an arena: they move) and are freed with bc_vec_free().  Use them
 * for lists built up during extraction or graph construction.
 */
#ifndef BC_VEC_H
#define BC_VEC_H

#include <stddef.h>
#include <stdlib.h>

#define BC_VEC(T) struct { T *v; size_t n, cap; }

void bc_vec_grow_(void **v, size_t *cap, size_t elem_size, size_t need);

/* Append @x to @vec, growing it as needed. */
#define bc_vec_push(vec, x) do { \
        if ((vec)->n == (vec)->cap) { \
            bc_vec_grow_((void **)&(vec)->v, &(vec)->cap, sizeof(*(vec)->v), (vec)->n + 1); \
        } \
        (vec)->v[(vec)->n++] = (x); \
    } while (0)

#define bc_vec_free(vec) do { free((vec)->v); (vec)->v = NULL; (vec)->n = (vec)->cap = 0; } while (0)

#define bc_vec_foreach(vec, it) \
    for (__typeof__((vec)->v) it = (vec)->v; it && it < (vec)->v + (vec)->n; it++)

/* bc_vec_foreach() over a vector reached through a const pointer. */
#define bc_vec_foreach_const(vec, it) \
    for (const __typeof__(*(vec)->v) *it = (vec)->v; it && it < (vec)->v + (vec)->n; it++)

#endif
