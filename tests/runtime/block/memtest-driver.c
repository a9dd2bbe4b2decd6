/*
 * memtest-driver.c - the RAM-backed test driver (see memtest-driver.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memtest-driver.h"
#include "qemu/coroutine.h"

#define ADD(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)

static int memtest_open(BlockDriverState *bs, BlockOpts *opts, Error **errp)
{
    MemtestState *s = bs->opaque;
    uint64_t size, align, mem_align, max_transfer, latency;
    bool fua;

    if (!block_opts_get_size(opts, "size", 1 << 20, &size, errp) ||
        !block_opts_get_size(opts, "align", 1, &align, errp) ||
        !block_opts_get_size(opts, "mem-align", 1, &mem_align, errp) ||
        !block_opts_get_size(opts, "max-transfer", 0, &max_transfer, errp) ||
        !block_opts_get_uint(opts, "latency-ns", 0, &latency, errp) ||
        !block_opts_get_bool(opts, "fua", false, &fua, errp)) {
        return -EINVAL;
    }
    s->data = calloc(1, size);
    if (!s->data) {
        error_setg(errp, "memtest: cannot allocate %llu bytes",
                   (unsigned long long)size);
        return -ENOMEM;
    }
    s->size = (int64_t)size;
    s->latency_ns = latency;
    s->solo_offset = -1;
    bs->bl.request_alignment = (uint32_t)align;
    bs->bl.min_mem_alignment = (uint32_t)mem_align;
    bs->bl.max_transfer = max_transfer;
    return 0;
}

static void memtest_close(BlockDriverState *bs)
{
    MemtestState *s = bs->opaque;

    free(s->data);
}

static void check_request(BlockDriverState *bs, int64_t offset, int64_t bytes,
                          QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    MemtestState *s = bs->opaque;
    uint32_t align = bs->bl.request_alignment;

    if (offset % align || bytes % align || (flags & BDRV_REQ_BARRIER) ||
        (bs->bl.max_transfer && (uint64_t)bytes > bs->bl.max_transfer) ||
        (qiov && bs->bl.min_mem_alignment > 1 &&
         !qemu_iovec_is_aligned(qiov, bs->bl.min_mem_alignment)) ||
        offset + bytes > s->size) {
        ADD(&s->violations, 1);
    }
}

static void request_begin(MemtestState *s)
{
    int64_t now = ADD(&s->active, 1);
    int64_t max = __atomic_load_n(&s->max_active, __ATOMIC_SEQ_CST);

    while (now > max &&
           !__atomic_compare_exchange_n(&s->max_active, &max, now, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    }
}

static void coroutine_fn request_delay(MemtestState *s)
{
    if (s->latency_ns) {
        qemu_co_sleep_ns((int64_t)s->latency_ns);
    }
}

static int coroutine_fn GRAPH_RDLOCK
memtest_co_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                  QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    MemtestState *s = bs->opaque;

    check_request(bs, offset, bytes, qiov, flags);
    request_begin(s);
    request_delay(s);
    if (offset + bytes <= s->size) {
        qemu_iovec_from_buf(qiov, 0, s->data + offset, (size_t)bytes);
    }
    ADD(&s->reads, 1);
    ADD(&s->active, -1);
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK
memtest_co_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    MemtestState *s = bs->opaque;
    bool solo = offset == __atomic_load_n(&s->solo_offset, __ATOMIC_SEQ_CST);

    check_request(bs, offset, bytes, qiov, flags);
    request_begin(s);
    if (solo) {
        ADD(&s->solo_seen, 1);
        __atomic_store_n(&s->flushes_at_solo,
                         __atomic_load_n(&s->flushes, __ATOMIC_SEQ_CST),
                         __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&s->active, __ATOMIC_SEQ_CST) != 1) {
            ADD(&s->solo_violations, 1);
        }
    }
    request_delay(s);
    if (solo && __atomic_load_n(&s->active, __ATOMIC_SEQ_CST) != 1) {
        ADD(&s->solo_violations, 1);
    }
    if (offset + bytes <= s->size) {
        qemu_iovec_to_buf(qiov, 0, s->data + offset, (size_t)bytes);
    }
    ADD(&s->writes, 1);
    ADD(&s->active, -1);
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK memtest_co_flush(BlockDriverState *bs)
{
    MemtestState *s = bs->opaque;

    ADD(&s->flushes, 1);
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK
memtest_co_pwrite_zeroes(BlockDriverState *bs, int64_t offset, int64_t bytes,
                         BdrvRequestFlags flags)
{
    MemtestState *s = bs->opaque;

    check_request(bs, offset, bytes, NULL, flags);
    memset(s->data + offset, 0, (size_t)bytes);
    ADD(&s->zeroes, 1);
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK
memtest_co_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    MemtestState *s = bs->opaque;

    check_request(bs, offset, bytes, NULL, 0);
    ADD(&s->discards, 1);
    return 0;
}

static int64_t coroutine_fn GRAPH_RDLOCK
memtest_co_getlength(BlockDriverState *bs)
{
    MemtestState *s = bs->opaque;

    return s->size;
}

const BlockDriver bdrv_memtest = {
    .format_name = "memtest",
    .instance_size = sizeof(MemtestState),
    .supported_write_flags = 0,
    .bdrv_open = memtest_open,
    .bdrv_close = memtest_close,
    .bdrv_co_preadv = memtest_co_preadv,
    .bdrv_co_pwritev = memtest_co_pwritev,
    .bdrv_co_flush = memtest_co_flush,
    .bdrv_co_pwrite_zeroes = memtest_co_pwrite_zeroes,
    .bdrv_co_pdiscard = memtest_co_pdiscard,
    .bdrv_co_getlength = memtest_co_getlength,
};

/* The same with native FUA. */
const BlockDriver bdrv_memtest_fua = {
    .format_name = "memtest-fua",
    .instance_size = sizeof(MemtestState),
    .supported_write_flags = BDRV_REQ_FUA,
    .bdrv_open = memtest_open,
    .bdrv_close = memtest_close,
    .bdrv_co_preadv = memtest_co_preadv,
    .bdrv_co_pwritev = memtest_co_pwritev,
    .bdrv_co_flush = memtest_co_flush,
    .bdrv_co_getlength = memtest_co_getlength,
};
