/*
 * io.c - node-level requests: validation, alignment (bounce buffers,
 * padding, read-modify-write), splitting, FUA and barrier ordering, flush,
 * length and allocation status.
 *
 * Context: the bdrv_co_* request functions run in coroutines in any thread,
 * holding the graph reader lock, many at once on one node.  Every request
 * that reaches a driver is counted in the node's request gate
 * (request-gate.h); barriers and read-modify-writes hold the gate
 * exclusively.  Drain, which waits for those counts, is in drain.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "block/block_int.h"
#include "qemu/atomic.h"
#include "request-gate.h"

/* Fallback write_zeroes writes at most this much per driver call. */
#define ZERO_CHUNK (1024 * 1024)

/* ---- validation ------------------------------------------------------ */

/* Returns: 0, -EINVAL (malformed) or -EIO (past the end of the node). */
static int check_request(BlockDriverState *bs, int64_t offset, int64_t bytes,
                         const QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    int64_t len;

    if (offset < 0 || bytes < 0 || bytes > BDRV_REQUEST_MAX_BYTES ||
        (flags & ~BDRV_REQ_MASK)) {
        return -EINVAL;
    }
    if (qiov && qiov->size < (size_t)bytes) {
        return -EINVAL;
    }
    if (!bs || !bs->drv) {
        return -ENOMEDIUM;
    }
    len = qatomic_read(&bs->total_bytes);
    if (offset > len || bytes > len - offset) {
        return -EIO;
    }
    return 0;
}

static bool is_aligned(int64_t v, uint32_t align)
{
    return (v & (int64_t)(align - 1)) == 0;
}

static int64_t align_down(int64_t v, uint32_t align)
{
    return v & ~(int64_t)(align - 1);
}

static int64_t align_up(int64_t v, uint32_t align)
{
    return align_down(v + align - 1, align);
}

/* A buffer aligned for @bs's driver, or NULL. */
static void *bounce_alloc(BlockDriverState *bs, size_t bytes)
{
    size_t align = bs->bl.min_mem_alignment > sizeof(void *) ?
                   bs->bl.min_mem_alignment : sizeof(void *);
    void *p = NULL;

    if (align < bs->bl.request_alignment) {
        align = bs->bl.request_alignment;
    }
    if (posix_memalign(&p, align, bytes ? bytes : 1) != 0) {
        return NULL;
    }
    return p;
}

/* The aligned range covering a misaligned request, and a bounce buffer
 * for it. */
typedef struct AlignedCover {
    int64_t head;               /* offset rounded down */
    int64_t end;                /* offset + bytes rounded up */
    char *buf;                  /* end - head bytes, driver-aligned */
} AlignedCover;

/* Returns: 0, or -ENOMEM. */
static int cover_init(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      AlignedCover *c)
{
    uint32_t align = bs->bl.request_alignment;

    c->head = align_down(offset, align);
    c->end = align_up(offset + bytes, align);
    c->buf = bounce_alloc(bs, (size_t)(c->end - c->head));
    return c->buf ? 0 : -ENOMEM;
}

/* ---- driver calls with limits ---------------------------------------- */

/*
 * One read or write of [@offset, @offset + @bytes) to the driver, from
 * @qiov starting at byte @qoff: aligned to request_alignment by the caller;
 * split at max_transfer and bounced for memory alignment here.
 */
static int coroutine_fn GRAPH_RDLOCK
drv_rw(BlockDriverState *bs, bool write, int64_t offset, int64_t bytes,
       QEMUIOVector *qiov, size_t qoff, BdrvRequestFlags flags)
{
    const BlockDriver *drv = bs->drv;
    uint64_t max = bs->bl.max_transfer ? bs->bl.max_transfer : (uint64_t)bytes;
    uint32_t mem_align = bs->bl.min_mem_alignment;
    bool whole = qoff == 0 && qiov->size == (size_t)bytes;
    int ret = 0;

    if (whole && (uint64_t)bytes <= max &&
        (mem_align <= 1 || qemu_iovec_is_aligned(qiov, mem_align))) {
        return write ? drv->bdrv_co_pwritev(bs, offset, bytes, qiov, flags)
                     : drv->bdrv_co_preadv(bs, offset, bytes, qiov, flags);
    }

    while (bytes > 0 && ret == 0) {
        int64_t n = (uint64_t)bytes < max ? bytes : (int64_t)max;
        QEMUIOVector part;
        void *bounce = NULL;

        qemu_iovec_init(&part, qiov->niov);
        qemu_iovec_concat(&part, qiov, qoff, (size_t)n);
        if (mem_align > 1 && !qemu_iovec_is_aligned(&part, mem_align)) {
            bounce = bounce_alloc(bs, (size_t)n);
            if (!bounce) {
                qemu_iovec_destroy(&part);
                return -ENOMEM;
            }
        }
        if (bounce) {
            QEMUIOVector bq;

            qemu_iovec_init_buf(&bq, bounce, (size_t)n);
            if (write) {
                qemu_iovec_to_buf(&part, 0, bounce, (size_t)n);
                ret = drv->bdrv_co_pwritev(bs, offset, n, &bq, flags);
            } else {
                ret = drv->bdrv_co_preadv(bs, offset, n, &bq, flags);
                if (ret == 0) {
                    qemu_iovec_from_buf(&part, 0, bounce, (size_t)n);
                }
            }
            free(bounce);
        } else {
            ret = write ? drv->bdrv_co_pwritev(bs, offset, n, &part, flags)
                        : drv->bdrv_co_preadv(bs, offset, n, &part, flags);
        }
        qemu_iovec_destroy(&part);
        offset += n;
        qoff += (size_t)n;
        bytes -= n;
    }
    return ret;
}

/* ---- flush ----------------------------------------------------------- */

/* Flush @bs without entering its gate (the caller is in it or holds it). */
static int coroutine_fn GRAPH_RDLOCK do_flush(BlockDriverState *bs)
{
    int ret = 0;

    if (bs->drv->bdrv_co_flush) {
        return bs->drv->bdrv_co_flush(bs);
    }
    for (BdrvChild *c = bs->children; c; c = c->next) {
        int r = bdrv_co_flush(c->bs);

        if (r < 0 && ret == 0) {
            ret = r;
        }
    }
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_flush(BlockDriverState *bs)
{
    int ret;

    IO_CODE();
    if (!bs || !bs->drv) {
        return -ENOMEDIUM;
    }
    bdrv_request_gate_enter(bs);
    ret = do_flush(bs);
    bdrv_request_gate_leave(bs);
    return ret;
}

/* ---- reads ----------------------------------------------------------- */

/* Read a range that is not aligned to request_alignment: read the aligned
 * cover into a bounce buffer and copy the middle out. */
static int coroutine_fn GRAPH_RDLOCK
read_padded(BlockDriverState *bs, int64_t offset, int64_t bytes,
            QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    AlignedCover c;
    QEMUIOVector bq;
    int ret = cover_init(bs, offset, bytes, &c);

    if (ret < 0) {
        return ret;
    }
    qemu_iovec_init_buf(&bq, c.buf, (size_t)(c.end - c.head));
    ret = drv_rw(bs, false, c.head, c.end - c.head, &bq, 0, flags);
    if (ret == 0) {
        qemu_iovec_from_buf(qiov, 0, c.buf + (offset - c.head), (size_t)bytes);
    }
    free(c.buf);
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_preadv(BdrvChild *child, int64_t offset,
    int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    BlockDriverState *bs = child->bs;
    uint32_t align;
    int ret;

    IO_CODE();
    ret = check_request(bs, offset, bytes, qiov, flags);
    if (ret < 0 || bytes == 0) {
        return ret;
    }
    if (!qiov || (flags & (BDRV_REQ_FUA | BDRV_REQ_BARRIER))) {
        return -EINVAL;
    }
    align = bs->bl.request_alignment;
    bdrv_request_gate_enter(bs);
    if (align <= 1 || (is_aligned(offset, align) && is_aligned(bytes, align))) {
        ret = drv_rw(bs, false, offset, bytes, qiov, 0, 0);
    } else {
        ret = read_padded(bs, offset, bytes, qiov, 0);
    }
    bdrv_request_gate_leave(bs);
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_pread(BdrvChild *child, int64_t offset,
    int64_t bytes, void *buf, BdrvRequestFlags flags)
{
    QEMUIOVector qiov;

    IO_CODE();
    if (bytes < 0) {
        return -EINVAL;
    }
    qemu_iovec_init_buf(&qiov, buf, (size_t)bytes);
    return bdrv_co_preadv(child, offset, bytes, &qiov, flags);
}

/* ---- writes ---------------------------------------------------------- */

/* An aligned write, with FUA emulated by a flush when the driver lacks it. */
static int coroutine_fn GRAPH_RDLOCK
write_aligned(BlockDriverState *bs, int64_t offset, int64_t bytes,
              QEMUIOVector *qiov, size_t qoff, BdrvRequestFlags flags)
{
    BdrvRequestFlags pass = flags & bs->drv->supported_write_flags;
    int ret = drv_rw(bs, true, offset, bytes, qiov, qoff, pass);

    if (ret == 0 && (flags & BDRV_REQ_FUA) && !(pass & BDRV_REQ_FUA)) {
        ret = do_flush(bs);
    }
    return ret;
}

/*
 * A write not aligned to request_alignment: read the partial head and tail
 * blocks, merge the caller's data and write the aligned cover.  The caller
 * holds the node exclusively, so no overlapping write can slip in between
 * the read and the write.
 */
static int coroutine_fn GRAPH_RDLOCK
write_rmw(BlockDriverState *bs, int64_t offset, int64_t bytes,
          QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    uint32_t align = bs->bl.request_alignment;
    AlignedCover c;
    QEMUIOVector bq;
    int ret = cover_init(bs, offset, bytes, &c);
    int64_t tail = c.end - align;       /* the last block of the cover */

    if (ret < 0) {
        return ret;
    }
    if (c.head != offset) {
        qemu_iovec_init_buf(&bq, c.buf, align);
        ret = drv_rw(bs, false, c.head, align, &bq, 0, 0);
    }
    /* The tail block, unless it is the head block just read. */
    if (ret == 0 && c.end != offset + bytes &&
        (tail != c.head || c.head == offset)) {
        qemu_iovec_init_buf(&bq, c.buf + (tail - c.head), align);
        ret = drv_rw(bs, false, tail, align, &bq, 0, 0);
    }
    if (ret == 0) {
        if (qiov) {
            qemu_iovec_to_buf(qiov, 0, c.buf + (offset - c.head), (size_t)bytes);
        } else {
            memset(c.buf + (offset - c.head), 0, (size_t)bytes);
        }
        qemu_iovec_init_buf(&bq, c.buf, (size_t)(c.end - c.head));
        ret = write_aligned(bs, c.head, c.end - c.head, &bq, 0, flags);
    }
    free(c.buf);
    return ret;
}

/*
 * Write with the gate entered by the caller, aligned or not; returns with
 * the gate entered again.  A misaligned write leaves the gate, holds the
 * node exclusively for the read-modify-write, and enters again.
 */
static int coroutine_fn GRAPH_RDLOCK
write_entered(BlockDriverState *bs, int64_t offset, int64_t bytes,
              QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    uint32_t align = bs->bl.request_alignment;
    int ret;

    if (align <= 1 || (is_aligned(offset, align) && is_aligned(bytes, align))) {
        return write_aligned(bs, offset, bytes, qiov, 0, flags);
    }
    bdrv_request_gate_leave(bs);
    bdrv_request_gate_exclusive_begin(bs);
    ret = write_rmw(bs, offset, bytes, qiov, flags);
    bdrv_request_gate_exclusive_end(bs);
    bdrv_request_gate_enter(bs);
    return ret;
}

/*
 * A barrier: every earlier request on @bs (from any thread) completes, the
 * node is flushed, the write runs and is flushed, and only then do later
 * requests proceed.
 */
static int coroutine_fn GRAPH_RDLOCK
write_barrier(BlockDriverState *bs, int64_t offset, int64_t bytes,
              QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    uint32_t align = bs->bl.request_alignment;
    int ret;

    bdrv_request_gate_exclusive_begin(bs);
    ret = do_flush(bs);
    if (ret == 0 && bytes > 0) {
        if (align <= 1 ||
            (is_aligned(offset, align) && is_aligned(bytes, align))) {
            ret = write_aligned(bs, offset, bytes, qiov, 0, flags);
        } else {
            ret = write_rmw(bs, offset, bytes, qiov, flags);
        }
    }
    if (ret == 0) {
        ret = do_flush(bs);
    }
    bdrv_request_gate_exclusive_end(bs);
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_pwritev(BdrvChild *child, int64_t offset,
    int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    BlockDriverState *bs = child->bs;
    int ret;

    IO_CODE();
    ret = check_request(bs, offset, bytes, qiov, flags);
    if (ret < 0) {
        return ret;
    }
    if (!qiov && bytes > 0) {
        return -EINVAL;
    }
    if (bs->read_only) {
        return -EROFS;
    }
    if (flags & BDRV_REQ_BARRIER) {
        return write_barrier(bs, offset, bytes, qiov,
                             flags & ~(BDRV_REQ_BARRIER | BDRV_REQ_FUA));
    }
    if (bytes == 0) {
        return 0;
    }
    bdrv_request_gate_enter(bs);
    ret = write_entered(bs, offset, bytes, qiov, flags);
    bdrv_request_gate_leave(bs);
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_pwrite(BdrvChild *child, int64_t offset,
    int64_t bytes, const void *buf, BdrvRequestFlags flags)
{
    QEMUIOVector qiov;

    IO_CODE();
    if (bytes < 0) {
        return -EINVAL;
    }
    qemu_iovec_init_buf(&qiov, (void *)buf, (size_t)bytes);
    return bdrv_co_pwritev(child, offset, bytes, &qiov, flags);
}

/* Write zeroes as data, in chunks, with the gate entered. */
static int coroutine_fn GRAPH_RDLOCK
write_zero_buffer(BlockDriverState *bs, int64_t offset, int64_t bytes,
                  BdrvRequestFlags flags)
{
    size_t chunk = bytes < ZERO_CHUNK ? (size_t)bytes : ZERO_CHUNK;
    void *zeroes = bounce_alloc(bs, chunk);
    int ret = 0;

    if (!zeroes) {
        return -ENOMEM;
    }
    memset(zeroes, 0, chunk);
    while (bytes > 0 && ret == 0) {
        int64_t n = bytes < (int64_t)chunk ? bytes : (int64_t)chunk;
        QEMUIOVector qiov;

        qemu_iovec_init_buf(&qiov, zeroes, (size_t)n);
        ret = write_entered(bs, offset, n, &qiov,
                            flags & BDRV_REQ_FUA);
        offset += n;
        bytes -= n;
    }
    free(zeroes);
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_pwrite_zeroes(BdrvChild *child,
    int64_t offset, int64_t bytes, BdrvRequestFlags flags)
{
    BlockDriverState *bs = child->bs;
    const BlockDriver *drv;
    uint32_t align;
    int ret;

    IO_CODE();
    ret = check_request(bs, offset, bytes, NULL, flags);
    if (ret < 0) {
        return ret;
    }
    if (flags & BDRV_REQ_BARRIER) {
        return -EINVAL;
    }
    if (bs->read_only) {
        return -EROFS;
    }
    if (bytes == 0) {
        return 0;
    }
    drv = bs->drv;
    align = bs->bl.request_alignment;
    bdrv_request_gate_enter(bs);
    ret = -ENOTSUP;
    if (drv->bdrv_co_pwrite_zeroes &&
        (align <= 1 || (is_aligned(offset, align) && is_aligned(bytes, align)))) {
        BdrvRequestFlags pass = flags & drv->supported_zero_flags;

        ret = drv->bdrv_co_pwrite_zeroes(bs, offset, bytes, pass);
        if (ret == 0 && (flags & BDRV_REQ_FUA) && !(pass & BDRV_REQ_FUA)) {
            ret = do_flush(bs);
        }
    }
    if (ret == -ENOTSUP && !(flags & BDRV_REQ_NO_FALLBACK)) {
        ret = write_zero_buffer(bs, offset, bytes, flags);
    }
    bdrv_request_gate_leave(bs);
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_pdiscard(BdrvChild *child,
    int64_t offset, int64_t bytes)
{
    BlockDriverState *bs = child->bs;
    uint32_t align;
    int64_t start, end;
    int ret;

    IO_CODE();
    ret = check_request(bs, offset, bytes, NULL, 0);
    if (ret < 0) {
        return ret;
    }
    if (bs->read_only) {
        return -EROFS;
    }
    if (!bs->drv->bdrv_co_pdiscard) {
        return 0;
    }
    /* Discard is advisory: drop the partial blocks at either end. */
    align = bs->bl.request_alignment > 1 ? bs->bl.request_alignment : 1;
    start = align_up(offset, align);
    end = align_down(offset + bytes, align);
    if (end <= start) {
        return 0;
    }
    bdrv_request_gate_enter(bs);
    ret = bs->drv->bdrv_co_pdiscard(bs, start, end - start);
    bdrv_request_gate_leave(bs);
    return ret == -ENOTSUP ? 0 : ret;
}

/* ---- length and allocation status ------------------------------------- */

int64_t coroutine_fn GRAPH_RDLOCK bdrv_co_getlength(BlockDriverState *bs)
{
    int64_t len;

    IO_CODE();
    if (!bs || !bs->drv) {
        return -ENOMEDIUM;
    }
    if (bs->drv->bdrv_co_getlength) {
        len = bs->drv->bdrv_co_getlength(bs);
    } else if (bs->file) {
        len = bdrv_co_getlength(bs->file->bs);
    } else {
        return qatomic_read(&bs->total_bytes);
    }
    if (len >= 0) {
        qatomic_set(&bs->total_bytes, len);
    }
    return len;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_block_status(BlockDriverState *bs,
    int64_t offset, int64_t bytes, int64_t *pnum, int64_t *map,
    BlockDriverState **file)
{
    int64_t len;
    int ret;

    IO_CODE();
    *pnum = 0;
    if (!bs || !bs->drv) {
        return -ENOMEDIUM;
    }
    if (offset < 0 || bytes < 0) {
        return -EINVAL;
    }
    len = qatomic_read(&bs->total_bytes);
    if (offset >= len || bytes == 0) {
        return 0;
    }
    if (bytes > len - offset) {
        bytes = len - offset;
    }
    if (!bs->drv->bdrv_co_block_status) {
        *pnum = bytes;
        if (map) {
            *map = offset;
        }
        if (file) {
            *file = bs;
        }
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    }
    bdrv_request_gate_enter(bs);
    ret = bs->drv->bdrv_co_block_status(bs, offset, bytes, pnum, map, file);
    bdrv_request_gate_leave(bs);
    if (ret >= 0 && (*pnum <= 0 || *pnum > bytes)) {
        ret = -EIO;     /* a driver bug must not loop its callers */
        *pnum = 0;
    }
    return ret;
}
