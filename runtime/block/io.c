/*
 * io.c - node-level requests: validation, the per-node request gate,
 * alignment (bounce buffers, padding, read-modify-write), splitting, FUA and
 * barrier ordering, flush, and drain.
 *
 * Context: the bdrv_co_* request functions run in coroutines in any thread,
 * holding the graph reader lock, many at once on one node.  Drain runs in
 * the main loop.
 *
 * The request gate (BdrvRequestGate in block_int.h) is what makes a node
 * multiqueue.  A request adds 1 to its thread's slot of the node's
 * in-flight counter and then reads the `exclusive` flag; an exclusive
 * holder (a barrier, a read-modify-write) sets the flag and then sums the
 * slots.  Both sides use sequentially consistent operations, so at least
 * one of them sees the other: a request either waits for the holder or the
 * holder waits for it.  On the fast path a request writes only its own
 * thread's slot.
 *
 * Drain keeps the nodes' parents from submitting (BlockBackends queue new
 * requests outside the graph lock) and polls until the node and its
 * ancestors have nothing in flight.  Requests stay counted in a node while
 * they descend into its children, so the node's counter covers its subtree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/aio-wait.h"
#include "block/block_int.h"
#include "qemu/abort.h"
#include "qemu/atomic.h"
#include "qemu/compiler.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"

/* Fallback write_zeroes writes at most this much per driver call. */
#define ZERO_CHUNK (1024 * 1024)

/* ---- the request gate ------------------------------------------------ */

void bdrv_request_gate_init(BlockDriverState *bs)
{
    BdrvRequestGate *g = &bs->gate;

    memset(&g->in_flight, 0, sizeof(g->in_flight));
    g->exclusive = false;
    qemu_co_mutex_init(&g->exclusive_lock);
    qemu_mutex_init(&g->lock);
    qemu_co_queue_init(&g->waiters);
    g->n_waiting = 0;
    g->admitting = 0;
    g->holder_waiting = NULL;
}

void bdrv_request_gate_destroy(BlockDriverState *bs)
{
    qemu_mutex_destroy(&bs->gate.lock);
}

int64_t bdrv_in_flight(BlockDriverState *bs)
{
    return thread_counter_sum(&bs->gate.in_flight);
}

bool bdrv_is_drained(const BlockDriverState *bs)
{
    return qatomic_load_seq(&bs->quiesce_counter) > 0;
}

/* A drain polls for in-flight counters to reach zero: tell it to look. */
static void gate_kick_drain(BlockDriverState *bs)
{
    if (unlikely(bdrv_is_drained(bs))) {
        aio_wait_kick();
    }
}

/* Wake the exclusive holder if it waits and the node is now empty. */
static void gate_wake_holder(BdrvRequestGate *g)
{
    Coroutine *co = NULL;

    qemu_mutex_lock(&g->lock);
    if (g->holder_waiting && thread_counter_sum(&g->in_flight) == 0 &&
        g->admitting == 0) {
        co = g->holder_waiting;
        g->holder_waiting = NULL;
    }
    qemu_mutex_unlock(&g->lock);
    if (co) {
        aio_co_wake(co);
    }
}

static void gate_leave(BlockDriverState *bs)
{
    BdrvRequestGate *g = &bs->gate;

    thread_counter_add(&g->in_flight, -1);
    if (unlikely(qatomic_load_seq(&g->exclusive))) {
        gate_wake_holder(g);
    }
    gate_kick_drain(bs);
}

/*
 * Count the calling request in @bs; wait while an exclusive holder runs.
 * A request that waited is admitted by the holder's end: it enters even if
 * the next holder already took the gate, and that holder waits for it --
 * a request issued before a barrier runs before the barrier.
 */
static void coroutine_fn gate_enter(BlockDriverState *bs)
{
    BdrvRequestGate *g = &bs->gate;

    thread_counter_add(&g->in_flight, 1);
    while (unlikely(qatomic_load_seq(&g->exclusive))) {
        gate_leave(bs);
        qemu_mutex_lock(&g->lock);
        if (qatomic_load_seq(&g->exclusive)) {
            g->n_waiting++;
            qemu_co_queue_wait_qemu_mutex(&g->waiters, &g->lock);
            /* Admitted: counted before the admission is given back, so a
             * holder never sees neither. */
            thread_counter_add(&g->in_flight, 1);
            g->admitting--;
            qemu_mutex_unlock(&g->lock);
            return;
        }
        qemu_mutex_unlock(&g->lock);
        thread_counter_add(&g->in_flight, 1);
    }
}

/*
 * Hold @bs alone: later requests wait in gate_enter(), earlier ones finish
 * first.  The caller must not be counted in @bs (it left the gate or never
 * entered).  The holder counts as one request in flight, for drain.
 */
static void coroutine_fn gate_exclusive_begin(BlockDriverState *bs)
    TSA_ACQUIRE(bs->gate.exclusive_lock)
{
    BdrvRequestGate *g = &bs->gate;

    qemu_co_mutex_lock(&bs->gate.exclusive_lock);
    qatomic_store_seq(&g->exclusive, true);
    qemu_mutex_lock(&g->lock);
    while (thread_counter_sum(&g->in_flight) > 0 || g->admitting > 0) {
        g->holder_waiting = qemu_coroutine_self();
        qemu_mutex_unlock(&g->lock);
        qemu_coroutine_yield();
        qemu_mutex_lock(&g->lock);
    }
    qemu_mutex_unlock(&g->lock);
    thread_counter_add(&g->in_flight, 1);
}

static void coroutine_fn gate_exclusive_end(BlockDriverState *bs)
    TSA_RELEASE(bs->gate.exclusive_lock)
{
    BdrvRequestGate *g = &bs->gate;

    thread_counter_add(&g->in_flight, -1);
    qemu_mutex_lock(&g->lock);
    qatomic_store_seq(&g->exclusive, false);
    g->admitting += g->n_waiting;
    g->n_waiting = 0;
    qemu_co_queue_restart_all(&g->waiters);
    qemu_mutex_unlock(&g->lock);
    qemu_co_mutex_unlock(&bs->gate.exclusive_lock);
    gate_kick_drain(bs);
}

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

    if (!bs || !bs->drv) {
        return -ENOMEDIUM;
    }
    gate_enter(bs);
    ret = do_flush(bs);
    gate_leave(bs);
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

    ret = check_request(bs, offset, bytes, qiov, flags);
    if (ret < 0 || bytes == 0) {
        return ret;
    }
    if (!qiov || (flags & (BDRV_REQ_FUA | BDRV_REQ_BARRIER))) {
        return -EINVAL;
    }
    align = bs->bl.request_alignment;
    gate_enter(bs);
    if (align <= 1 || (is_aligned(offset, align) && is_aligned(bytes, align))) {
        ret = drv_rw(bs, false, offset, bytes, qiov, 0, 0);
    } else {
        ret = read_padded(bs, offset, bytes, qiov, 0);
    }
    gate_leave(bs);
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_pread(BdrvChild *child, int64_t offset,
    int64_t bytes, void *buf, BdrvRequestFlags flags)
{
    QEMUIOVector qiov;

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
    gate_leave(bs);
    gate_exclusive_begin(bs);
    ret = write_rmw(bs, offset, bytes, qiov, flags);
    gate_exclusive_end(bs);
    gate_enter(bs);
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

    gate_exclusive_begin(bs);
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
    gate_exclusive_end(bs);
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_pwritev(BdrvChild *child, int64_t offset,
    int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    BlockDriverState *bs = child->bs;
    int ret;

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
    gate_enter(bs);
    ret = write_entered(bs, offset, bytes, qiov, flags);
    gate_leave(bs);
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_pwrite(BdrvChild *child, int64_t offset,
    int64_t bytes, const void *buf, BdrvRequestFlags flags)
{
    QEMUIOVector qiov;

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
    gate_enter(bs);
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
    gate_leave(bs);
    return ret;
}

int coroutine_fn GRAPH_RDLOCK bdrv_co_pdiscard(BdrvChild *child,
    int64_t offset, int64_t bytes)
{
    BlockDriverState *bs = child->bs;
    uint32_t align;
    int64_t start, end;
    int ret;

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
    gate_enter(bs);
    ret = bs->drv->bdrv_co_pdiscard(bs, start, end - start);
    gate_leave(bs);
    return ret == -ENOTSUP ? 0 : ret;
}

/* ---- length and allocation status ------------------------------------- */

int64_t coroutine_fn GRAPH_RDLOCK bdrv_co_getlength(BlockDriverState *bs)
{
    int64_t len;

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
    gate_enter(bs);
    ret = bs->drv->bdrv_co_block_status(bs, offset, bytes, pnum, map, file);
    gate_leave(bs);
    if (ret >= 0 && (*pnum <= 0 || *pnum > bytes)) {
        ret = -EIO;     /* a driver bug must not loop its callers */
        *pnum = 0;
    }
    return ret;
}

/* ---- drain ----------------------------------------------------------- */

/* bs is quiesced from now on; on 0 -> 1 its parents stop submitting. */
static void GRAPH_RDLOCK quiesce_inc(BlockDriverState *bs)
{
    if (qatomic_fetch_add(&bs->quiesce_counter, 1) == 0) {
        for (BdrvChild *c = bs->parents; c; c = c->next_parent) {
            if (c->klass->drained_begin) {
                c->klass->drained_begin(c);
            }
        }
    }
}

static void GRAPH_RDLOCK quiesce_dec(BlockDriverState *bs)
{
    int old = qatomic_fetch_sub(&bs->quiesce_counter, 1);

    if (old <= 0) {
        mqblk_abort("bdrv_drained_end: node '%s' is not drained",
                    bs->node_name);
    }
    if (old == 1) {
        for (BdrvChild *c = bs->parents; c; c = c->next_parent) {
            if (c->klass->drained_end) {
                c->klass->drained_end(c);
            }
        }
    }
}

/* Returns: true while @bs or one of its ancestors has requests in flight. */
static bool GRAPH_RDLOCK drain_busy(BlockDriverState *bs)
{
    if (bdrv_in_flight(bs) > 0) {
        return true;
    }
    for (BdrvChild *c = bs->parents; c; c = c->next_parent) {
        if (c->klass->drained_poll && c->klass->drained_poll(c)) {
            return true;
        }
    }
    return false;
}

static bool no_coroutine_fn drain_busy_main_loop(BlockDriverState *bs)
{
    bool busy;

    bdrv_graph_rdlock_main_loop();
    busy = drain_busy(bs);
    bdrv_graph_rdunlock_main_loop();
    return busy;
}

static void GRAPH_RDLOCK child_of_bds_drained_begin(BdrvChild *c)
{
    quiesce_inc(c->opaque);
}

static void GRAPH_RDLOCK child_of_bds_drained_end(BdrvChild *c)
{
    quiesce_dec(c->opaque);
}

static bool GRAPH_RDLOCK child_of_bds_drained_poll(BdrvChild *c)
{
    return drain_busy(c->opaque);
}

static const char *child_of_bds_get_parent_desc(BdrvChild *c)
{
    static __thread char desc[96];
    BlockDriverState *parent = c->opaque;

    snprintf(desc, sizeof(desc), "node '%s'", parent->node_name);
    return desc;
}

/*
 * The class callbacks run with the graph lock held by the drain code (the
 * reader side in the main loop, or the writer during attach/detach); the
 * function-pointer type cannot carry that, hence no TSA in the table.
 */
const BdrvChildClass child_of_bds = {
    .parent_is_bds = true,
    .drained_begin = child_of_bds_drained_begin,
    .drained_end = child_of_bds_drained_end,
    .drained_poll = child_of_bds_drained_poll,
    .get_parent_desc = child_of_bds_get_parent_desc,
};

void GRAPH_WRLOCK bdrv_child_quiesce_attach(BdrvChild *c)
{
    if (bdrv_is_drained(c->bs) && c->klass->drained_begin) {
        c->klass->drained_begin(c);
    }
}

void GRAPH_WRLOCK bdrv_child_quiesce_detach(BdrvChild *c)
{
    if (bdrv_is_drained(c->bs) && c->klass->drained_end) {
        c->klass->drained_end(c);
    }
}

void no_coroutine_fn polling_fn bdrv_drained_begin(BlockDriverState *bs) GRAPH_UNLOCKED
{
    GLOBAL_STATE_CODE();
    bdrv_graph_rdlock_main_loop();
    quiesce_inc(bs);
    bdrv_graph_rdunlock_main_loop();
    AIO_WAIT_WHILE(qemu_get_aio_context(), drain_busy_main_loop(bs));
}

void no_coroutine_fn bdrv_drained_end(BlockDriverState *bs) GRAPH_UNLOCKED
{
    GLOBAL_STATE_CODE();
    bdrv_graph_rdlock_main_loop();
    quiesce_dec(bs);
    bdrv_graph_rdunlock_main_loop();
}

static bool no_coroutine_fn any_node_busy(void)
{
    bool busy = false;

    bdrv_graph_rdlock_main_loop();
    for (BlockDriverState *bs = bdrv_next_node(NULL); bs && !busy;
         bs = bdrv_next_node(bs)) {
        busy = drain_busy(bs);
    }
    bdrv_graph_rdunlock_main_loop();
    return busy;
}

void no_coroutine_fn polling_fn bdrv_drain_all(void) GRAPH_UNLOCKED
{
    GLOBAL_STATE_CODE();
    bdrv_graph_rdlock_main_loop();
    for (BlockDriverState *bs = bdrv_next_node(NULL); bs;
         bs = bdrv_next_node(bs)) {
        quiesce_inc(bs);
    }
    bdrv_graph_rdunlock_main_loop();
    AIO_WAIT_WHILE(qemu_get_aio_context(), any_node_busy());
    bdrv_graph_rdlock_main_loop();
    for (BlockDriverState *bs = bdrv_next_node(NULL); bs;
         bs = bdrv_next_node(bs)) {
        quiesce_dec(bs);
    }
    bdrv_graph_rdunlock_main_loop();
}
