/*
 * vcache-driver.h - `vcache`: a RAM disk with a volatile write cache, for
 * tests that cut the power.
 *
 *   driver=vcache,size=N,latency-ns=L,drop-flush=on|off
 *
 * A write completes into the cache (after a random delay in [1, L] ns, so
 * requests complete out of order); a flush waits its own delay and then
 * makes everything cached durable.  vcache_power_loss() drops the cache:
 * what survives is exactly what completed flushes made durable.  Requests
 * still in flight at the power loss fail with -EIO and change nothing.
 * Reads see the cache over the durable image.
 *
 * drop-flush=on is a fault-injection knob of the tests: a flush reports
 * success without making anything durable, so a power-loss test must fail.
 *
 * Whole blocks only (request_alignment = VCACHE_BLOCK).  Context: main loop
 * only (plain fields, no locking).
 */
#ifndef VCACHE_DRIVER_H
#define VCACHE_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "block/block_int.h"

#define VCACHE_BLOCK 4096

typedef struct VcacheState {
    uint8_t *durable;           /* what survives a power loss */
    uint8_t *cache;             /* valid where dirty[block] */
    bool *dirty;
    int64_t size;
    uint64_t latency_ns;
    uint64_t rng;
    bool drop_flush;
    bool powered;
    int64_t flushes, dropped_blocks;    /* dropped by power losses */
} VcacheState;

extern const BlockDriver bdrv_vcache;

/* Cut the power: forget the cache; in-flight requests will fail. */
void vcache_power_loss(VcacheState *s);

/* Power back on: requests work again and see only the durable image. */
void vcache_power_on(VcacheState *s);

#endif /* VCACHE_DRIVER_H */
