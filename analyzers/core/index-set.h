/*
 * index-set.h - a set of record indexes, hashed by the records' content
 *
 * Context: one thread (the owner of the records).
 *
 * For "add this record unless an equal one exists" over records kept in a
 * vector elsewhere (graph edges, findings): the set stores only indexes
 * into that vector and asks the caller for the hash of a stored record
 * (when it grows) and whether a stored record equals a candidate.
 */
#ifndef BC_INDEX_SET_H
#define BC_INDEX_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct BcIndexSetOps {
    /* Hash of stored record @idx of @records. */
    uint64_t (*hash)(const void *records, uint32_t idx);
    /* Does stored record @idx equal @candidate? */
    bool (*equal)(const void *records, uint32_t idx, const void *candidate);
} BcIndexSetOps;

typedef struct BcIndexSet {
    const BcIndexSetOps *ops;
    uint32_t *slots;        /* index + 1; 0 = empty */
    size_t cap, n;
} BcIndexSet;

static inline void bc_index_set_init(BcIndexSet *s, const BcIndexSetOps *ops)
{
    *s = (BcIndexSet){ .ops = ops };
}
void bc_index_set_destroy(BcIndexSet *s);

/* Is a record equal to @candidate (of hash @h) in the set? */
bool bc_index_set_contains(const BcIndexSet *s, const void *records, uint64_t h,
                           const void *candidate);
/* Add stored record @idx, of hash @h. */
void bc_index_set_add(BcIndexSet *s, const void *records, uint32_t idx, uint64_t h);
/* Forget every index (records were reordered); keeps the capacity. */
void bc_index_set_clear(BcIndexSet *s);

#endif
