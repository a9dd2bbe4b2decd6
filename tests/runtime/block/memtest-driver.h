/*
 * memtest-driver.h - a RAM-backed driver for testing the generic request
 * layer (io.c, block-backend.c): configurable alignment, transfer limit,
 * FUA support and latency, and a log of what reached the driver.
 *
 *   driver=memtest,size=N,align=A,mem-align=M,max-transfer=T,
 *   latency-ns=L
 *
 * It checks the layer's promises to drivers (alignment, limits, no barrier
 * flag) and counts violations instead of asserting, so a test reports them.
 * Context: the I/O callbacks run in any thread; the counters are atomics
 * and the data is a plain array (tests avoid racing on the same bytes
 * unless the layer is meant to serialise them).
 */
#ifndef MEMTEST_DRIVER_H
#define MEMTEST_DRIVER_H

#include <stdint.h>

#include "block/block_int.h"

typedef struct MemtestState {
    uint8_t *data;
    int64_t size;
    uint64_t latency_ns;
    /* Counters (atomic). */
    int64_t reads, writes, flushes, zeroes, discards;
    int64_t violations;         /* misaligned, too long, barrier flag */
    int64_t active;             /* requests inside the driver now */
    int64_t max_active;
    /* Set by a test: the write at this offset checks it runs alone. */
    int64_t solo_offset;
    int64_t solo_violations;
    int64_t solo_seen;
    int64_t flushes_at_solo;    /* flushes seen when the solo write began */
} MemtestState;

extern const BlockDriver bdrv_memtest;

static inline MemtestState *memtest_state(BlockDriverState *bs)
{
    return bs->opaque;
}

/* The same driver with native FUA (driver=memtest-fua). */
extern const BlockDriver bdrv_memtest_fua;

#endif /* MEMTEST_DRIVER_H */
