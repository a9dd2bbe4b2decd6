/*
 * vec.c - growth policy of the typed vectors in vec.h
 */
#include "vec.h"

#include <stdio.h>
#include "xalloc.h"

void bc_vec_grow_(void **v, size_t *cap, size_t elem_size, size_t need)
{
    size_t ncap = *cap ? *cap * 2 : 8;
    void *nv;

    while (ncap < need) {
        ncap *= 2;
    }
    nv = bc_xrealloc(*v, ncap * elem_size);
    *v = nv;
    *cap = ncap;
}
