/*
 * bench-verify.c - the --verify data pattern: a xorshift64* stream whose
 * seed mixes the block offset and the generation (splitmix64 finaliser),
 * so that nearby offsets and generations give unrelated streams.
 */
#include <string.h>

#include "bench-verify.h"

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t pattern_seed(uint64_t offset, uint64_t gen)
{
    uint64_t s = mix64(offset + UINT64_C(0x9e3779b97f4a7c15) * (gen + 1));

    return s ? s : 1;                   /* xorshift state must not be 0 */
}

static uint64_t pattern_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(0x2545f4914f6cdd1d);
}

void bench_verify_fill(void *buf, size_t len, uint64_t offset, uint64_t gen)
{
    uint64_t s = pattern_seed(offset, gen), w;
    unsigned char *p = buf;
    size_t i;

    for (i = 0; i + 8 <= len; i += 8) {
        w = pattern_next(&s);
        memcpy(p + i, &w, 8);
    }
    if (i < len) {
        w = pattern_next(&s);
        memcpy(p + i, &w, len - i);
    }
}

bool bench_verify_check(const void *buf, size_t len, uint64_t offset,
                        uint64_t gen)
{
    uint64_t s = pattern_seed(offset, gen), w;
    const unsigned char *p = buf;
    size_t i;

    for (i = 0; i + 8 <= len; i += 8) {
        w = pattern_next(&s);
        if (memcmp(p + i, &w, 8) != 0) {
            return false;
        }
    }
    if (i < len) {
        w = pattern_next(&s);
        return memcmp(p + i, &w, len - i) == 0;
    }
    return true;
}
