/*
 * hash.h - FNV-1a, the one string and byte hash of the analyzer
 *
 * Context: any thread; pure functions.
 *
 * Used for in-memory tables (string maps, edge sets) and for on-disk keys
 * and checksums (cache entries, fact files).  Persistent users that must
 * stay stable across versions (finding fingerprints: baselines store them)
 * pass their own fixed seed instead of BC_FNV1A_BASIS.
 */
#ifndef BC_HASH_H
#define BC_HASH_H

#include <stddef.h>
#include <stdint.h>

#define BC_FNV1A_BASIS UINT64_C(14695981039346656037)
#define BC_FNV1A_PRIME UINT64_C(1099511628211)

/* Continue hash @h over @n bytes at @p. */
static inline uint64_t bc_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;

    for (size_t i = 0; i < n; i++) {
        h = (h ^ s[i]) * BC_FNV1A_PRIME;
    }
    return h;
}

/* Continue hash @h over the bytes of @s (without its NUL; NULL: none). */
static inline uint64_t bc_fnv1a_str(uint64_t h, const char *s)
{
    for (; s && *s; s++) {
        h = (h ^ (unsigned char)*s) * BC_FNV1A_PRIME;
    }
    return h;
}

#endif
