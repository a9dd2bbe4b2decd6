/*
 * volcache-driver.h - a test device with a volatile write cache
 *
 *   driver=volcache,size=N,latency-ns=L,flush=ok|broken
 *
 * Writes land in a cache and are acknowledged; only a flush moves what the
 * cache holds into the "stable" medium.  volcache_power_loss() returns a
 * copy of the stable medium as a power cut at that instant would leave it:
 * every write that no flush has covered is gone.  flush=broken acknowledges
 * flushes without moving anything, so a test that guards durability can
 * show it fails when the flush does nothing.
 *
 * Context: the I/O callbacks run in any thread; one mutex orders cache,
 * medium and the power-loss snapshot.
 */
#ifndef VOLCACHE_DRIVER_H
#define VOLCACHE_DRIVER_H

#include <stdint.h>

#include "block/block_int.h"

extern const BlockDriver bdrv_volcache;

/* A malloc'ed copy of @bs's stable medium (size bytes) at this instant. */
uint8_t *volcache_power_loss(BlockDriverState *bs, int64_t *size);

#endif /* VOLCACHE_DRIVER_H */
