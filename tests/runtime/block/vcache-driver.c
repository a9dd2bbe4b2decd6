/*
 * vcache-driver.c - the RAM disk with a volatile write cache (see
 * vcache-driver.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/coroutine.h"
#include "vcache-driver.h"

static int vcache_open(BlockDriverState *bs, BlockOpts *opts, Error **errp)
{
    VcacheState *s = bs->opaque;
    uint64_t size, latency;
    bool drop_flush;

    if (!block_opts_get_size(opts, "size", 1 << 20, &size, errp) ||
        !block_opts_get_uint(opts, "latency-ns", 100000, &latency, errp) ||
        !block_opts_get_bool(opts, "drop-flush", false, &drop_flush, errp)) {
        return -EINVAL;
    }
    if (size == 0 || size % VCACHE_BLOCK) {
        error_setg(errp, "vcache: size must be a non-zero multiple of %d",
                   VCACHE_BLOCK);
        return -EINVAL;
    }
    s->durable = calloc(1, size);
    s->cache = calloc(1, size);
    s->dirty = calloc(size / VCACHE_BLOCK, sizeof(bool));
    if (!s->durable || !s->cache || !s->dirty) {
        error_setg(errp, "vcache: cannot allocate %llu bytes",
                   (unsigned long long)size);
        return -ENOMEM;
    }
    s->size = (int64_t)size;
    s->latency_ns = latency;
    s->rng = 0x76636163686531ULL ^ size;
    s->drop_flush = drop_flush;
    s->powered = true;
    bs->bl.request_alignment = VCACHE_BLOCK;
    return 0;
}

static void vcache_close(BlockDriverState *bs)
{
    VcacheState *s = bs->opaque;

    free(s->durable);
    free(s->cache);
    free(s->dirty);
}

/* A random delay in [1, latency] ns (xorshift64). */
static void coroutine_fn vcache_delay(VcacheState *s)
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    if (s->latency_ns) {
        qemu_co_sleep_ns((int64_t)(1 + s->rng % s->latency_ns));
    }
}

/* Reads see a block's cached copy while it is dirty, else the durable one;
 * writes land in the cache and dirty their blocks.  EIO after power loss. */
static int coroutine_fn transfer(VcacheState *s, int64_t offset, int64_t bytes,
                                 QEMUIOVector *qiov, bool write)
{
    size_t done = 0;

    vcache_delay(s);
    if (!s->powered) {
        return -EIO;
    }
    for (int64_t off = offset; off < offset + bytes; off += VCACHE_BLOCK) {
        if (write) {
            qemu_iovec_to_buf(qiov, done, s->cache + off, VCACHE_BLOCK);
            s->dirty[off / VCACHE_BLOCK] = true;
        } else {
            const uint8_t *src = s->dirty[off / VCACHE_BLOCK] ? s->cache : s->durable;
            qemu_iovec_from_buf(qiov, done, src + off, VCACHE_BLOCK);
        }
        done += VCACHE_BLOCK;
    }
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK
vcache_co_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                 QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    (void)flags;
    return transfer(bs->opaque, offset, bytes, qiov, false);
}

static int coroutine_fn GRAPH_RDLOCK
vcache_co_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                  QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    (void)flags;
    return transfer(bs->opaque, offset, bytes, qiov, true);
}

static int coroutine_fn GRAPH_RDLOCK vcache_co_flush(BlockDriverState *bs)
{
    VcacheState *s = bs->opaque;

    vcache_delay(s);
    if (!s->powered) {
        return -EIO;
    }
    s->flushes++;
    if (s->drop_flush) {
        return 0;
    }
    for (int64_t b = 0; b < s->size / VCACHE_BLOCK; b++) {
        if (s->dirty[b]) {
            memcpy(s->durable + b * VCACHE_BLOCK, s->cache + b * VCACHE_BLOCK,
                   VCACHE_BLOCK);
            s->dirty[b] = false;
        }
    }
    return 0;
}

static int64_t coroutine_fn GRAPH_RDLOCK
vcache_co_getlength(BlockDriverState *bs)
{
    VcacheState *s = bs->opaque;

    return s->size;
}

void vcache_power_loss(VcacheState *s)
{
    s->powered = false;
    for (int64_t b = 0; b < s->size / VCACHE_BLOCK; b++) {
        s->dropped_blocks += s->dirty[b];
        s->dirty[b] = false;
    }
}

void vcache_power_on(VcacheState *s)
{
    s->powered = true;
}

const BlockDriver bdrv_vcache = {
    .format_name = "vcache",
    .instance_size = sizeof(VcacheState),
    .bdrv_open = vcache_open,
    .bdrv_close = vcache_close,
    .bdrv_co_preadv = vcache_co_preadv,
    .bdrv_co_pwritev = vcache_co_pwritev,
    .bdrv_co_flush = vcache_co_flush,
    .bdrv_co_getlength = vcache_co_getlength,
};
