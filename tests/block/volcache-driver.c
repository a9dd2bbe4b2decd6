/*
 * volcache-driver.c - the volatile-write-cache test device (see
 * volcache-driver.h).
 *
 * The cache is a second copy of the medium plus a dirty bit per 512-byte
 * sector.  A flush copies the dirty sectors to the medium under the mutex,
 * so it covers every write that completed before it began (and perhaps some
 * that run concurrently, which is allowed); the power-loss snapshot takes
 * the mutex too, so it sees a flush either whole or not at all.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "volcache-driver.h"
#include "qemu/coroutine.h"

#define SECTOR 512

typedef struct VolcacheState {
    pthread_mutex_t lock;
    uint8_t *medium;            /* survives power loss */
    uint8_t *cache;             /* what reads see */
    uint8_t *dirty;             /* per sector: written since the last flush */
    int64_t size;
    uint64_t latency_ns;
    bool broken_flush;
} VolcacheState;

static int volcache_open(BlockDriverState *bs, BlockOpts *opts, Error **errp)
{
    VolcacheState *s = bs->opaque;
    uint64_t size, latency;
    const char *flush = block_opts_get(opts, "flush");

    if (!block_opts_get_size(opts, "size", 1 << 20, &size, errp) ||
        !block_opts_get_uint(opts, "latency-ns", 0, &latency, errp)) {
        return -EINVAL;
    }
    if (size % SECTOR) {
        error_setg(errp, "volcache: size must be a multiple of %d", SECTOR);
        return -EINVAL;
    }
    if (flush && strcmp(flush, "ok") != 0 && strcmp(flush, "broken") != 0) {
        error_setg(errp, "volcache: flush must be 'ok' or 'broken', not '%s'", flush);
        return -EINVAL;
    }
    s->medium = calloc(1, size);
    s->cache = calloc(1, size);
    s->dirty = calloc(1, size / SECTOR);
    if (!s->medium || !s->cache || !s->dirty) {
        error_setg(errp, "volcache: cannot allocate %llu bytes", (unsigned long long)size);
        return -ENOMEM;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->size = (int64_t)size;
    s->latency_ns = latency;
    s->broken_flush = flush && strcmp(flush, "broken") == 0;
    bs->bl.request_alignment = SECTOR;
    return 0;
}

static void volcache_close(BlockDriverState *bs)
{
    VolcacheState *s = bs->opaque;

    if (s->medium) {
        pthread_mutex_destroy(&s->lock);
    }
    free(s->medium);
    free(s->cache);
    free(s->dirty);
}

static void coroutine_fn delay(VolcacheState *s)
{
    if (s->latency_ns) {
        /* Vary it so that requests complete out of order. */
        qemu_co_sleep_ns((int64_t)(s->latency_ns / 2 + (uint64_t)rand() % (s->latency_ns + 1)));
    }
}

/* Reads see the cache; writes land there and mark their sectors dirty. */
static int coroutine_fn transfer(VolcacheState *s, int64_t offset, int64_t bytes,
                                 QEMUIOVector *qiov, bool write)
{
    delay(s);
    pthread_mutex_lock(&s->lock);
    if (write) {
        qemu_iovec_to_buf(qiov, 0, s->cache + offset, (size_t)bytes);
        memset(s->dirty + offset / SECTOR, 1, (size_t)(bytes / SECTOR));
    } else {
        qemu_iovec_from_buf(qiov, 0, s->cache + offset, (size_t)bytes);
    }
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK
volcache_co_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    (void)flags;
    IO_CODE();
    return transfer(bs->opaque, offset, bytes, qiov, false);
}

static int coroutine_fn GRAPH_RDLOCK
volcache_co_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                    QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    (void)flags;
    IO_CODE();
    return transfer(bs->opaque, offset, bytes, qiov, true);
}

static int coroutine_fn GRAPH_RDLOCK volcache_co_flush(BlockDriverState *bs)
{
    VolcacheState *s = bs->opaque;

    IO_CODE();
    delay(s);
    if (s->broken_flush) {
        return 0;
    }
    pthread_mutex_lock(&s->lock);
    for (int64_t i = 0; i < s->size / SECTOR; i++) {
        if (s->dirty[i]) {
            memcpy(s->medium + i * SECTOR, s->cache + i * SECTOR, SECTOR);
            s->dirty[i] = 0;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static int64_t coroutine_fn GRAPH_RDLOCK volcache_co_getlength(BlockDriverState *bs)
{
    VolcacheState *s = bs->opaque;

    IO_CODE();
    return s->size;
}

uint8_t *volcache_power_loss(BlockDriverState *bs, int64_t *size)
{
    VolcacheState *s = bs->opaque;
    uint8_t *copy = malloc((size_t)s->size);

    if (!copy) {
        abort();
    }
    pthread_mutex_lock(&s->lock);
    memcpy(copy, s->medium, (size_t)s->size);
    pthread_mutex_unlock(&s->lock);
    *size = s->size;
    return copy;
}

const BlockDriver bdrv_volcache = {
    .format_name = "volcache",
    .instance_size = sizeof(VolcacheState),
    .bdrv_open = volcache_open,
    .bdrv_close = volcache_close,
    .bdrv_co_preadv = volcache_co_preadv,
    .bdrv_co_pwritev = volcache_co_pwritev,
    .bdrv_co_flush = volcache_co_flush,
    .bdrv_co_getlength = volcache_co_getlength,
};
