/*
 * null.c - the `null` driver: a disk that stores nothing, for measuring the
 * block stack itself
 *
 *   driver=null,size=1G,read-zeroes=off,latency-ns=0
 *
 * size        the node's length (default 1G)
 * read-zeroes on: reads fill the buffer with zeroes; off (default): reads
 *             leave the buffer as it is, so a read costs nothing
 * latency-ns  > 0: every request sleeps this long (qemu_co_sleep_ns) before
 *             completing; 0 (default): requests complete without yielding
 *
 * Writes, flushes, write_zeroes and discards succeed and are forgotten.
 *
 * Context: open in the main loop; requests in coroutines of any thread,
 * many at once.  The state is written only by null_open() and read-only
 * afterwards, so a request allocates nothing and writes no shared memory.
 */
#include <errno.h>

#include "block/block_int.h"
#include "qemu/coroutine.h"

#define NULL_DEFAULT_SIZE (1ULL << 30)

typedef struct BDRVNullState {
    int64_t length;
    int64_t latency_ns;
    bool read_zeroes;
} BDRVNullState;

static int null_open(BlockDriverState *bs, BlockOpts *opts, Error **errp)
{
    BDRVNullState *s = bs->opaque;
    uint64_t size, latency;

    GLOBAL_STATE_CODE();
    if (!block_opts_get_size(opts, "size", NULL_DEFAULT_SIZE, &size, errp) ||
        !block_opts_get_bool(opts, "read-zeroes", false, &s->read_zeroes,
                             errp) ||
        !block_opts_get_uint(opts, "latency-ns", 0, &latency, errp)) {
        return -EINVAL;
    }
    if (size > (uint64_t)BDRV_MAX_LENGTH) {
        error_setg(errp, "option 'size': %llu is larger than the maximum "
                   "of %lld bytes", (unsigned long long)size,
                   (long long)BDRV_MAX_LENGTH);
        return -EINVAL;
    }
    if (latency > (uint64_t)INT64_MAX) {
        error_setg(errp, "option 'latency-ns': %llu is too large",
                   (unsigned long long)latency);
        return -EINVAL;
    }
    s->length = (int64_t)size;
    s->latency_ns = (int64_t)latency;
    bs->bl = (BlockLimits){ .request_alignment = 1, .min_mem_alignment = 1 };
    return 0;
}

/* Every request completes the same way: after the configured latency. */
static inline void coroutine_fn null_delay(const BDRVNullState *s)
{
    if (s->latency_ns) {
        qemu_co_sleep_ns(s->latency_ns);
    }
}

static int coroutine_fn GRAPH_RDLOCK null_co_preadv(BlockDriverState *bs,
    int64_t offset, int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    const BDRVNullState *s = bs->opaque;

    IO_CODE();
    (void)offset;
    (void)flags;
    null_delay(s);
    if (s->read_zeroes) {
        qemu_iovec_memset(qiov, 0, 0, (size_t)bytes);
    }
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK null_co_pwritev(BlockDriverState *bs,
    int64_t offset, int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    IO_CODE();
    (void)offset;
    (void)bytes;
    (void)qiov;
    (void)flags;
    null_delay(bs->opaque);
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK null_co_flush(BlockDriverState *bs)
{
    IO_CODE();
    null_delay(bs->opaque);
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK null_co_pwrite_zeroes(
    BlockDriverState *bs, int64_t offset, int64_t bytes,
    BdrvRequestFlags flags)
{
    IO_CODE();
    (void)offset;
    (void)bytes;
    (void)flags;
    null_delay(bs->opaque);
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK null_co_pdiscard(BlockDriverState *bs,
    int64_t offset, int64_t bytes)
{
    IO_CODE();
    (void)offset;
    (void)bytes;
    null_delay(bs->opaque);
    return 0;
}

static int64_t coroutine_fn GRAPH_RDLOCK null_co_getlength(
    BlockDriverState *bs)
{
    const BDRVNullState *s = bs->opaque;

    IO_CODE();
    return s->length;
}

static int coroutine_fn GRAPH_RDLOCK null_co_block_status(
    BlockDriverState *bs, int64_t offset, int64_t bytes, int64_t *pnum,
    int64_t *map, BlockDriverState **file)
{
    const BDRVNullState *s = bs->opaque;

    IO_CODE();
    *pnum = bytes;
    if (map) {
        *map = offset;
    }
    if (file) {
        *file = bs;
    }
    return s->read_zeroes ? BDRV_BLOCK_ZERO : BDRV_BLOCK_DATA;
}

const BlockDriver bdrv_null = {
    .format_name = "null",
    .instance_size = sizeof(BDRVNullState),
    /* Nothing is stored, so every write is as stable as it will get. */
    .supported_write_flags = BDRV_REQ_FUA,
    .supported_zero_flags = BDRV_REQ_FUA | BDRV_REQ_MAY_UNMAP,
    .bdrv_open = null_open,
    .bdrv_co_preadv = null_co_preadv,
    .bdrv_co_pwritev = null_co_pwritev,
    .bdrv_co_flush = null_co_flush,
    .bdrv_co_pwrite_zeroes = null_co_pwrite_zeroes,
    .bdrv_co_pdiscard = null_co_pdiscard,
    .bdrv_co_getlength = null_co_getlength,
    .bdrv_co_block_status = null_co_block_status,
};
