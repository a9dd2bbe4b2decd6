/*
 * strmap.c - string -> index hash map (USRs to symbols, macro names)
 *
 * Context: one TU, its worker thread.
 *
 * Open addressing with linear probing; keys are not copied (they live in
 * the TU arena, which outlives the map).  Only insert and lookup: facts are
 * never removed during extraction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include "strmap.h"
#include "hash.h"
#include "xalloc.h"

typedef struct BcStrSlot {
    const char *key;
    uint64_t hash;
    long value;
} BcStrSlot;

struct BcStrMap {
    BcStrSlot *slots;
    size_t cap, n;
};

static uint64_t str_hash(const char *s)
{
    return bc_hash_str(s);
}

BcStrMap *bc_strmap_new(void)
{
    BcStrMap *m = bc_xcalloc(1, sizeof(*m));

    m->cap = 64;
    m->slots = bc_xcalloc(m->cap, sizeof(*m->slots));
    return m;
}

void bc_strmap_free(BcStrMap *m)
{
    if (m) {
        free(m->slots);
        free(m);
    }
}

static BcStrSlot *find_slot(BcStrSlot *slots, size_t cap, const char *key, uint64_t h)
{
    size_t i = h & (cap - 1);

    while (slots[i].key && (slots[i].hash != h || strcmp(slots[i].key, key) != 0)) {
        i = (i + 1) & (cap - 1);
    }
    return &slots[i];
}

static void grow(BcStrMap *m)
{
    size_t cap = m->cap * 2;
    BcStrSlot *slots = bc_xcalloc(cap, sizeof(*slots));

    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key) {
            *find_slot(slots, cap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
        }
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

long bc_strmap_get(const BcStrMap *m, const char *key)
{
    BcStrSlot *s = find_slot(m->slots, m->cap, key, str_hash(key));

    return s->key ? s->value : -1;
}

void bc_strmap_put(BcStrMap *m, const char *key, long value)
{
    uint64_t h = str_hash(key);
    BcStrSlot *s;

    if ((m->n + 1) * 2 > m->cap) {
        grow(m);
    }
    s = find_slot(m->slots, m->cap, key, h);
    if (!s->key) {
        s->key = key;
        s->hash = h;
        m->n++;
    }
    s->value = value;
}
