/*
 * throttle.c - the `throttle` filter: IOPS and bandwidth limits above any
 * node, insertable and removable while I/O runs
 *
 *   driver=throttle,file=NODE,iops-total=1000,bps-write=10M,bps-write-max=20M
 *   driver=throttle,file.driver=null,file.size=1M,iops-read=200
 *
 * file                   the filtered child (an existing node or a new one)
 * iops-total/-read/-write      requests per second (0 = unlimited)
 * bps-total/-read/-write       bytes per second, k/M/G/T suffixes allowed
 * <limit>-max            burst capacity of that bucket (>= the rate;
 *                        default 0: requests are spaced at exactly the rate)
 *
 * Reads count as reads; writes, write_zeroes and discards as writes, with
 * their full length.  Flush, getlength and block_status pass unthrottled.
 * The arithmetic is in throttle-bucket.c; docs/runtime/throttle.md has the
 * model and its limits.
 *
 * Context: open/close in the main loop.  The I/O callbacks run in
 * coroutines of any thread, many at once, holding the graph reader lock:
 * each takes `lock` only to account its request (no yield inside), then
 * sleeps with qemu_co_sleep_ns() in its own context for the wait it was
 * given, still holding the graph reader lock, then forwards to bs->file.
 * Accounting reserves a start time, so waiters start in the order they
 * were accounted (FIFO) without a queue.
 *
 * Drain and graph writers: the driver has no drain hook, so a sleeping
 * request looks at bdrv_is_drained() (also true while an ancestor or the
 * child is drained) and bdrv_graph_writer_pending() every slice and, if
 * either holds, stops waiting: inserting or removing the filter, or any
 * graph change elsewhere, then waits one slice, not the whole backlog.
 * The limits are exceeded for those requests.  The slice grows with the
 * number of waiters so that their wake-ups stay ~1000/s.
 *
 * Why the sleep keeps the reader lock: dropping it would let a request
 * wait for the lock while others wait for it (a barrier or
 * read-modify-write holding the node exclusively waits for this request;
 * readers queued behind that holder keep the writer out; the writer keeps
 * this request out): a deadlock.
 */
#include <errno.h>
#include <stdio.h>

#include "block/block_int.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "qemu/timer.h"
#include "throttle-bucket.h"

/* A waiter re-checks for a drain at least this often... */
#define THROTTLE_SLICE_MIN_NS (20 * 1000 * 1000LL)
/* ...and at most this rarely; in between, waiters * THROTTLE_SLICE_PER_WAITER. */
#define THROTTLE_SLICE_MAX_NS (200 * 1000 * 1000LL)
#define THROTTLE_SLICE_PER_WAITER_NS (1000 * 1000LL)

typedef struct BDRVThrottleState {
    bool enabled;               /* some limit is set; constant after open */
    int waiters;                /* atomic: requests sleeping now */
    QemuMutex lock;
    ThrottleState ts;           /* protected by lock (see _locked below) */
} BDRVThrottleState;

/* ---- open and close (main loop) -------------------------------------- */

/* Read the six rates and their -max capacities into @cfg. */
static bool throttle_read_config(BlockOpts *opts, ThrottleConfig *cfg,
                                 Error **errp)
{
    for (int k = 0; k < THROTTLE_BUCKET_COUNT; k++) {
        const char *name = throttle_bucket_name(k);
        bool is_bps = k >= THROTTLE_BPS_TOTAL;
        char max_name[32];
        bool ok;

        snprintf(max_name, sizeof(max_name), "%s-max", name);
        /* Byte rates take size suffixes; request rates are plain counts. */
        ok = is_bps
            ? block_opts_get_size(opts, name, 0, &cfg->limit[k].rate, errp) &&
              block_opts_get_size(opts, max_name, 0, &cfg->limit[k].max, errp)
            : block_opts_get_uint(opts, name, 0, &cfg->limit[k].rate, errp) &&
              block_opts_get_uint(opts, max_name, 0, &cfg->limit[k].max, errp);
        if (!ok) {
            return false;
        }
    }
    return throttle_config_check(cfg, errp);
}

static int throttle_open(BlockDriverState *bs, BlockOpts *opts, Error **errp)
{
    BDRVThrottleState *s = bs->opaque;
    ThrottleConfig cfg = { 0 };
    BdrvChild *child;

    GLOBAL_STATE_CODE();
    if (!throttle_read_config(opts, &cfg, errp)) {
        return -EINVAL;
    }
    child = bdrv_open_child(bs, opts, "file", BDRV_CHILD_FILTERED, errp);
    if (!child) {
        return -EINVAL;
    }

    /* Requests pass through unchanged: the child's limits are ours. */
    bdrv_graph_rdlock_main_loop();
    bs->bl = child->bs->bl;
    bdrv_graph_rdunlock_main_loop();

    qemu_mutex_init(&s->lock);
    throttle_state_init(&s->ts, &cfg);
    s->enabled = throttle_state_enabled(&s->ts);
    return 0;
}

static void throttle_close(BlockDriverState *bs)
{
    BDRVThrottleState *s = bs->opaque;

    GLOBAL_STATE_CODE();
    qemu_mutex_destroy(&s->lock);
}

/* ---- waiting --------------------------------------------------------- */

/* Returns: how long a waiter sleeps between looks at the drain state. */
static int64_t throttle_slice(int waiters)
{
    int64_t slice = waiters * THROTTLE_SLICE_PER_WAITER_NS;

    if (slice < THROTTLE_SLICE_MIN_NS) {
        return THROTTLE_SLICE_MIN_NS;
    }
    return slice > THROTTLE_SLICE_MAX_NS ? THROTTLE_SLICE_MAX_NS : slice;
}

/*
 * Reserve a start for a request of @bytes in direction @dir at @now.
 * Returns: the absolute time (ns) it may start at.
 * Context: any thread; called with s->lock held.
 */
static int64_t throttle_reserve_locked(BDRVThrottleState *s,
                                       ThrottleDirection dir, int64_t bytes,
                                       int64_t now) TSA_REQUIRES(s->lock)
{
    return now + throttle_account(&s->ts, dir, (uint64_t)bytes, now);
}

/* Returns: true when sleeping on would hold up a drain or a graph writer. */
static bool throttle_must_yield(BlockDriverState *bs)
{
    return bdrv_is_drained(bs) || bdrv_graph_writer_pending();
}

/*
 * Account a request of @bytes in direction @dir and sleep until the
 * buckets let it start, or until the node is drained or a graph writer
 * waits (the reader lock is global: a writer waits for every reader and
 * new readers queue behind it, so a long sleeper would stall all I/O).
 * Context: coroutine only, any thread with an AioContext.
 */
static void coroutine_fn GRAPH_RDLOCK
throttle_co_wait(BlockDriverState *bs, ThrottleDirection dir, int64_t bytes)
{
    BDRVThrottleState *s = bs->opaque;
    int64_t now, deadline, slice;

    if (!s->enabled) {
        return;
    }
    /* The clock is read under the lock so accounting times never go back. */
    qemu_mutex_lock(&s->lock);
    now = qemu_clock_get_ns();
    deadline = throttle_reserve_locked(s, dir, bytes, now);
    qemu_mutex_unlock(&s->lock);

    if (deadline <= now || throttle_must_yield(bs)) {
        return;
    }
    slice = throttle_slice(qatomic_add_fetch(&s->waiters, 1));
    do {
        int64_t left = deadline - now;

        qemu_co_sleep_ns(left < slice ? left : slice);
        now = qemu_clock_get_ns();
    } while (now < deadline && !throttle_must_yield(bs));
    qatomic_dec(&s->waiters);
}

/* ---- I/O (coroutines, any thread, graph reader lock held) ------------- */

static int coroutine_fn GRAPH_RDLOCK
throttle_co_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    IO_CODE();
    throttle_co_wait(bs, THROTTLE_READ, bytes);
    return bdrv_co_preadv(bs->file, offset, bytes, qiov, flags);
}

static int coroutine_fn GRAPH_RDLOCK
throttle_co_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                    QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    IO_CODE();
    throttle_co_wait(bs, THROTTLE_WRITE, bytes);
    return bdrv_co_pwritev(bs->file, offset, bytes, qiov, flags);
}

static int coroutine_fn GRAPH_RDLOCK
throttle_co_pwrite_zeroes(BlockDriverState *bs, int64_t offset, int64_t bytes,
                          BdrvRequestFlags flags)
{
    IO_CODE();
    throttle_co_wait(bs, THROTTLE_WRITE, bytes);
    return bdrv_co_pwrite_zeroes(bs->file, offset, bytes, flags);
}

static int coroutine_fn GRAPH_RDLOCK
throttle_co_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    IO_CODE();
    throttle_co_wait(bs, THROTTLE_WRITE, bytes);
    return bdrv_co_pdiscard(bs->file, offset, bytes);
}

static int coroutine_fn GRAPH_RDLOCK throttle_co_flush(BlockDriverState *bs)
{
    IO_CODE();
    return bdrv_co_flush(bs->file->bs);
}

static int64_t coroutine_fn GRAPH_RDLOCK
throttle_co_getlength(BlockDriverState *bs)
{
    IO_CODE();
    return bdrv_co_getlength(bs->file->bs);
}

static int coroutine_fn GRAPH_RDLOCK
throttle_co_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                         int64_t *pnum, int64_t *map, BlockDriverState **file)
{
    IO_CODE();
    return bdrv_co_block_status(bs->file->bs, offset, bytes, pnum, map, file);
}

const BlockDriver bdrv_throttle = {
    .format_name = "throttle",
    .instance_size = sizeof(BDRVThrottleState),
    .is_filter = true,
    /* The child's generic layer emulates what its driver lacks. */
    .supported_write_flags = BDRV_REQ_FUA,
    .supported_zero_flags = BDRV_REQ_FUA | BDRV_REQ_MAY_UNMAP |
                            BDRV_REQ_NO_FALLBACK,

    .bdrv_open = throttle_open,
    .bdrv_close = throttle_close,

    .bdrv_co_preadv = throttle_co_preadv,
    .bdrv_co_pwritev = throttle_co_pwritev,
    .bdrv_co_flush = throttle_co_flush,
    .bdrv_co_pwrite_zeroes = throttle_co_pwrite_zeroes,
    .bdrv_co_pdiscard = throttle_co_pdiscard,
    .bdrv_co_getlength = throttle_co_getlength,
    .bdrv_co_block_status = throttle_co_block_status,
};
