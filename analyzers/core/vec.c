/*
 * vec.c - growth policy of the typed vectors in vec.h
 */
#include "vec.h"

#include <stdio.h>

void bc_vec_grow_(void **v, size_t *cap, size_t elem_size, size_t need)
{
    size_t ncap = *cap ? *cap * 2 : 8;
    void *nv;

    while (ncap < need) {
        ncap *= 2;
    }
    nv = realloc(*v, ncap * elem_size);
    if (!nv) {
        fprintf(stderr, "blkcheck: out of memory\n");
        abort();
    }
    *v = nv;
    *cap = ncap;
}
