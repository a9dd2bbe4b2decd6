/*
 * index-set.c - open addressing with linear probing over record indexes
 * (index-set.h); at most half full.
 */
#include "index-set.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static void put(BcIndexSet *s, uint32_t idx, uint64_t h)
{
    size_t mask = s->cap - 1, i = h & mask;

    while (s->slots[i]) {
        i = (i + 1) & mask;
    }
    s->slots[i] = idx + 1;
    s->n++;
}

static void grow(BcIndexSet *s, const void *records)
{
    uint32_t *old = s->slots;
    size_t ocap = s->cap;

    s->cap = ocap ? ocap * 2 : 256;
    s->slots = bc_xcalloc(s->cap, sizeof(uint32_t));
    s->n = 0;
    for (size_t i = 0; i < ocap; i++) {
        if (old[i]) {
            put(s, old[i] - 1, s->ops->hash(records, old[i] - 1));
        }
    }
    free(old);
}

void bc_index_set_destroy(BcIndexSet *s)
{
    free(s->slots);
    s->slots = NULL;
    s->cap = s->n = 0;
}

bool bc_index_set_contains(const BcIndexSet *s, const void *records, uint64_t h,
                           const void *candidate)
{
    size_t mask = s->cap - 1;

    if (!s->cap) {
        return false;
    }
    for (size_t i = h & mask; s->slots[i]; i = (i + 1) & mask) {
        if (s->ops->equal(records, s->slots[i] - 1, candidate)) {
            return true;
        }
    }
    return false;
}

void bc_index_set_add(BcIndexSet *s, const void *records, uint32_t idx, uint64_t h)
{
    if ((s->n + 1) * 2 > s->cap) {
        grow(s, records);
    }
    put(s, idx, h);
}

void bc_index_set_clear(BcIndexSet *s)
{
    if (s->cap) {
        memset(s->slots, 0, s->cap * sizeof(uint32_t));
    }
    s->n = 0;
}
