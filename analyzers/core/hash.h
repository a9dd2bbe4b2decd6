/*
 * hash.h - FNV-1a, the one string and byte hash of the analyzer
 *
 * Context: any thread; pure functions.
 *
 * bc_fnv1a() is FNV-1a proper, a byte at a time: cache keys and finding
 * fingerprints.  Persistent users that must stay stable across versions
 * (fingerprints: baselines store them) pass their own fixed seed instead
 * of BC_FNV1A_BASIS.
 *
 * bc_hash_words() is its eight-bytes-a-step variant, for what is hashed on
 * every run: the string map's keys and the fact files' checksums (a warm
 * run reads every fact file).  Each step (h ^ word) * prime is a bijection
 * of h, so two inputs that differ in one 8-byte word (any single-byte
 * change) always hash differently.  The product's low bits depend only on
 * the operands' low bits, so a table index takes bc_hash_mix() of it.
 */
#ifndef BC_HASH_H
#define BC_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/* Continue hash @h over @n bytes at @p, a (host-order) 64-bit word per
 * step, then the tail bytes. */
static inline uint64_t bc_hash_words(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * BC_FNV1A_PRIME;
    }
    for (; i < n; i++) {
        h = (h ^ s[i]) * BC_FNV1A_PRIME;
    }
    return h;
}

/* Spread every bit of @h over the low ones (for table indexes). */
static inline uint64_t bc_hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

/* A table hash of the string @s. */
static inline uint64_t bc_hash_str(const char *s)
{
    return bc_hash_mix(bc_hash_words(BC_FNV1A_BASIS, s, strlen(s)));
}

#endif
