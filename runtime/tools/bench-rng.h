/*
 * bench-rng.h - the random offsets of the load generators (mqblk-bench,
 * mqblk-nbd-load)
 *
 * xorshift64: one multiply-free step per request, state per queue or
 * connection (never shared, never 0).  bench_rand_below() maps a step
 * onto [0, n) by a 128-bit multiply, without the modulo's bias or cost.
 */
#ifndef MQBLK_BENCH_RNG_H
#define MQBLK_BENCH_RNG_H

#include <stdint.h>

/* Advance *@s (not 0) and return the new state. */
static inline uint64_t bench_xorshift64(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

/* A uniformly distributed integer in [0, @n) from one step of *@s. */
static inline uint64_t bench_rand_below(uint64_t *s, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)bench_xorshift64(s) * n) >> 64);
}

#endif /* MQBLK_BENCH_RNG_H */
