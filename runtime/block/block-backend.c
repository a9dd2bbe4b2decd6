/*
 * block-backend.c - the multiqueue BlockBackend: request validation,
 * per-thread in-flight accounting, waiting while drained, and the
 * coroutine and callback APIs.
 *
 * Context: lifetime functions run in the main loop; requests come from any
 * number of threads at once.  A request first counts itself in its
 * thread's in-flight slot and then reads quiesce_counter (both seq_cst);
 * the drain side raises quiesce_counter and then sums the slots.  A request
 * that finds the backend quiesced uncounts itself and waits on
 * queued_requests, outside the graph lock, so a graph writer waiting for
 * readers never waits for it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/aio-wait.h"
#include "block/block_int.h"
#include "qemu/atomic.h"
#include "qemu/compiler.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "sysemu/block-backend.h"

struct BlockBackend {
    ThreadCounter in_flight;    /* requests inside, per thread */
    char *name;
    BdrvChild *root GRAPH_RDLOCK_PTR;
    uint32_t request_alignment; /* device alignment; 1 = none */
    int quiesce_counter;        /* atomic; main loop writes under lock */
    QemuMutex lock;             /* protects queued_requests and the
                                   0 <-> 1 changes of quiesce_counter */
    CoQueue queued_requests;    /* requests waiting for the drain's end */
};

static unsigned blk_next_id;

/* ---- drain and in-flight accounting ----------------------------------- */

int64_t blk_in_flight(BlockBackend *blk)
{
    IO_CODE();
    return thread_counter_sum(&blk->in_flight);
}

static void blk_dec_in_flight(BlockBackend *blk)
{
    thread_counter_add(&blk->in_flight, -1);
    if (unlikely(qatomic_load_seq(&blk->quiesce_counter))) {
        aio_wait_kick();
    }
}

/* Count a new request; while the backend is drained, wait first. */
static void coroutine_fn blk_inc_in_flight_wait(BlockBackend *blk)
{
    for (;;) {
        thread_counter_add(&blk->in_flight, 1);
        if (likely(!qatomic_load_seq(&blk->quiesce_counter))) {
            return;
        }
        blk_dec_in_flight(blk);
        qemu_mutex_lock(&blk->lock);
        if (qatomic_load_seq(&blk->quiesce_counter)) {
            qemu_co_queue_wait_qemu_mutex(&blk->queued_requests, &blk->lock);
        }
        qemu_mutex_unlock(&blk->lock);
    }
}

static void blk_quiesce(BlockBackend *blk)
{
    qemu_mutex_lock(&blk->lock);
    qatomic_fetch_add(&blk->quiesce_counter, 1);
    qemu_mutex_unlock(&blk->lock);
}

static void blk_unquiesce(BlockBackend *blk)
{
    qemu_mutex_lock(&blk->lock);
    if (qatomic_sub_fetch(&blk->quiesce_counter, 1) == 0) {
        qemu_co_queue_restart_all(&blk->queued_requests);
    }
    qemu_mutex_unlock(&blk->lock);
}

static void blk_root_drained_begin(BdrvChild *c)
{
    GLOBAL_STATE_CODE();
    blk_quiesce(c->opaque);
}

static void blk_root_drained_end(BdrvChild *c)
{
    GLOBAL_STATE_CODE();
    blk_unquiesce(c->opaque);
}

static bool blk_root_drained_poll(BdrvChild *c)
{
    GLOBAL_STATE_CODE();
    return blk_in_flight(c->opaque) > 0;
}

static const char *blk_root_get_parent_desc(BdrvChild *c)
{
    static __thread char desc[96];
    BlockBackend *blk = c->opaque;

    snprintf(desc, sizeof(desc), "block backend '%s'", blk->name);
    return desc;
}

static const BdrvChildClass child_root = {
    .parent_is_bds = false,
    .drained_begin = blk_root_drained_begin,
    .drained_end = blk_root_drained_end,
    .drained_poll = blk_root_drained_poll,
    .get_parent_desc = blk_root_get_parent_desc,
};

static BlockDriverState *no_coroutine_fn blk_root_ref(BlockBackend *blk)
{
    BlockDriverState *bs;

    bdrv_graph_rdlock_main_loop();
    bs = blk->root ? blk->root->bs : NULL;
    bdrv_graph_rdunlock_main_loop();
    if (bs) {
        bdrv_ref(bs);
    }
    return bs;
}

void no_coroutine_fn polling_fn blk_drain(BlockBackend *blk) GRAPH_UNLOCKED
{
    BlockDriverState *bs;

    GLOBAL_STATE_CODE();
    bs = blk_root_ref(blk);
    if (bs) {
        bdrv_drained_begin(bs);
        bdrv_drained_end(bs);
        bdrv_unref(bs);
        return;
    }
    blk_quiesce(blk);
    AIO_WAIT_WHILE(qemu_get_aio_context(), blk_in_flight(blk) > 0);
    blk_unquiesce(blk);
}

/* ---- lifetime --------------------------------------------------------- */

BlockBackend *blk_new(const char *name)
{
    BlockBackend *blk;

    GLOBAL_STATE_CODE();
    blk = calloc(1, sizeof(*blk));
    if (!blk) {
        abort();
    }
    if (name) {
        blk->name = strdup(name);
    } else if (asprintf(&blk->name, "blk%u", blk_next_id++) < 0) {
        blk->name = NULL;
    }
    if (!blk->name) {
        abort();
    }
    blk->request_alignment = 1;
    qemu_mutex_init(&blk->lock);
    qemu_co_queue_init(&blk->queued_requests);
    return blk;
}

const char *blk_name(const BlockBackend *blk)
{
    IO_CODE();
    return blk->name;
}

void blk_set_request_alignment(BlockBackend *blk, uint32_t align)
{
    GLOBAL_STATE_CODE();
    if (align == 0 || (align & (align - 1))) {
        align = 1;
    }
    qatomic_set(&blk->request_alignment, align);
}

int no_coroutine_fn blk_insert_bs(BlockBackend *blk, BlockDriverState *bs,
                                  Error **errp) GRAPH_UNLOCKED
{
    BdrvChild *root;
    bool has_root;

    GLOBAL_STATE_CODE();
    bdrv_graph_rdlock_main_loop();
    has_root = blk->root != NULL;
    bdrv_graph_rdunlock_main_loop();
    if (has_root) {
        error_setg(errp, "block backend '%s' already has a node", blk->name);
        return -EBUSY;
    }
    bdrv_graph_wrlock();
    root = bdrv_root_attach_child(bs, "root", BDRV_CHILD_ROOT, &child_root,
                                  blk, errp);
    blk->root = root;
    bdrv_graph_wrunlock();
    return root ? 0 : -EINVAL;
}

void no_coroutine_fn blk_remove_bs(BlockBackend *blk) GRAPH_UNLOCKED
{
    BlockDriverState *bs;

    GLOBAL_STATE_CODE();
    bs = blk_root_ref(blk);
    if (!bs) {
        return;
    }
    bdrv_drained_begin(bs);
    bdrv_graph_wrlock();
    bdrv_root_unref_child(blk->root);
    blk->root = NULL;
    bdrv_graph_wrunlock();
    bdrv_drained_end(bs);
    bdrv_unref(bs);
}

BlockBackend *no_coroutine_fn blk_new_open(const char *name,
                                           const char *optstr,
                                           Error **errp) GRAPH_UNLOCKED
{
    BlockDriverState *bs;
    BlockBackend *blk;

    GLOBAL_STATE_CODE();
    bs = bdrv_open_opts(optstr, errp);
    if (!bs) {
        return NULL;
    }
    blk = blk_new(name);
    if (blk_insert_bs(blk, bs, errp) < 0) {
        bdrv_unref(bs);
        blk_unref(blk);
        return NULL;
    }
    bdrv_unref(bs);     /* the backend holds it now */
    return blk;
}

void no_coroutine_fn blk_unref(BlockBackend *blk) GRAPH_UNLOCKED
{
    GLOBAL_STATE_CODE();
    if (!blk) {
        return;
    }
    blk_remove_bs(blk);
    blk_drain(blk);
    qemu_mutex_destroy(&blk->lock);
    thread_counter_destroy(&blk->in_flight);
    free(blk->name);
    free(blk);
}

BlockDriverState *GRAPH_RDLOCK blk_bs(BlockBackend *blk)
{
    IO_CODE();
    return blk->root ? blk->root->bs : NULL;
}

/* ---- requests ---------------------------------------------------------- */

/* Checks that need no node.  Returns: 0 or -EINVAL. */
static int blk_check_args(BlockBackend *blk, int64_t offset, int64_t bytes,
                          const QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    uint32_t align = qatomic_read(&blk->request_alignment);

    if (offset < 0 || bytes < 0 || bytes > BDRV_REQUEST_MAX_BYTES ||
        (flags & ~BDRV_REQ_MASK)) {
        return -EINVAL;
    }
    if (qiov && qiov->size < (size_t)bytes) {
        return -EINVAL;
    }
    if ((offset | bytes) & (int64_t)(align - 1)) {
        return -EINVAL;
    }
    return 0;
}

/* Checks against the root node.  Returns: 0, -EIO or -EROFS. */
static int GRAPH_RDLOCK blk_check_range(BlockBackend *blk, int64_t offset,
                                        int64_t bytes, bool write)
{
    BlockDriverState *bs = blk->root ? blk->root->bs : NULL;
    int64_t len;

    if (!bs) {
        return -EIO;
    }
    len = qatomic_read(&bs->total_bytes);
    if (offset > len || bytes > len - offset) {
        return -EIO;
    }
    if (write && bs->read_only) {
        return -EROFS;
    }
    return 0;
}

typedef enum BlkOp {
    BLK_OP_READ,
    BLK_OP_WRITE,
    BLK_OP_ZEROES,
    BLK_OP_DISCARD,
    BLK_OP_FLUSH,
} BlkOp;

/* One request, counted and under the reader lock. */
static int coroutine_fn GRAPH_RDLOCK
blk_do_request(BlockBackend *blk, BlkOp op, int64_t offset, int64_t bytes,
               QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    int ret;

    if (op == BLK_OP_FLUSH) {
        return blk->root ? bdrv_co_flush(blk->root->bs) : -EIO;
    }
    ret = blk_check_range(blk, offset, bytes, op != BLK_OP_READ);
    if (ret < 0) {
        return ret;
    }
    switch (op) {
    case BLK_OP_READ:
        return bdrv_co_preadv(blk->root, offset, bytes, qiov, flags);
    case BLK_OP_WRITE:
        return bdrv_co_pwritev(blk->root, offset, bytes, qiov, flags);
    case BLK_OP_ZEROES:
        return bdrv_co_pwrite_zeroes(blk->root, offset, bytes, flags);
    case BLK_OP_DISCARD:
        return bdrv_co_pdiscard(blk->root, offset, bytes);
    case BLK_OP_FLUSH:
        break;
    }
    return -EINVAL;
}

static int coroutine_fn
blk_co_request(BlockBackend *blk, BlkOp op, int64_t offset, int64_t bytes,
               QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    int ret;

    IO_CODE();
    ret = blk_check_args(blk, offset, bytes, qiov, flags);
    if (ret < 0) {
        return ret;
    }
    blk_inc_in_flight_wait(blk);
    bdrv_graph_co_rdlock();
    ret = blk_do_request(blk, op, offset, bytes, qiov, flags);
    bdrv_graph_co_rdunlock();
    blk_dec_in_flight(blk);
    return ret;
}

int coroutine_fn blk_co_preadv(BlockBackend *blk, int64_t offset,
    int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags) GRAPH_UNLOCKED
{
    IO_CODE();
    if (!qiov) {
        return -EINVAL;
    }
    return blk_co_request(blk, BLK_OP_READ, offset, bytes, qiov, flags);
}

int coroutine_fn blk_co_pwritev(BlockBackend *blk, int64_t offset,
    int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags) GRAPH_UNLOCKED
{
    IO_CODE();
    if (!qiov) {
        return -EINVAL;
    }
    return blk_co_request(blk, BLK_OP_WRITE, offset, bytes, qiov, flags);
}

int coroutine_fn blk_co_pread(BlockBackend *blk, int64_t offset,
    int64_t bytes, void *buf, BdrvRequestFlags flags) GRAPH_UNLOCKED
{
    QEMUIOVector qiov;

    IO_CODE();
    if (bytes < 0) {
        return -EINVAL;
    }
    qemu_iovec_init_buf(&qiov, buf, (size_t)bytes);
    return blk_co_request(blk, BLK_OP_READ, offset, bytes, &qiov, flags);
}

int coroutine_fn blk_co_pwrite(BlockBackend *blk, int64_t offset,
    int64_t bytes, const void *buf, BdrvRequestFlags flags) GRAPH_UNLOCKED
{
    QEMUIOVector qiov;

    IO_CODE();
    if (bytes < 0) {
        return -EINVAL;
    }
    qemu_iovec_init_buf(&qiov, (void *)buf, (size_t)bytes);
    return blk_co_request(blk, BLK_OP_WRITE, offset, bytes, &qiov, flags);
}

int coroutine_fn blk_co_pwrite_zeroes(BlockBackend *blk, int64_t offset,
    int64_t bytes, BdrvRequestFlags flags) GRAPH_UNLOCKED
{
    IO_CODE();
    return blk_co_request(blk, BLK_OP_ZEROES, offset, bytes, NULL, flags);
}

int coroutine_fn blk_co_pdiscard(BlockBackend *blk, int64_t offset,
    int64_t bytes) GRAPH_UNLOCKED
{
    IO_CODE();
    return blk_co_request(blk, BLK_OP_DISCARD, offset, bytes, NULL, 0);
}

int coroutine_fn blk_co_flush(BlockBackend *blk) GRAPH_UNLOCKED
{
    IO_CODE();
    return blk_co_request(blk, BLK_OP_FLUSH, 0, 0, NULL, 0);
}

int64_t coroutine_fn blk_co_getlength(BlockBackend *blk) GRAPH_UNLOCKED
{
    int64_t len;

    IO_CODE();
    blk_inc_in_flight_wait(blk);
    bdrv_graph_co_rdlock();
    len = blk->root ? bdrv_co_getlength(blk->root->bs) : -EIO;
    bdrv_graph_co_rdunlock();
    blk_dec_in_flight(blk);
    return len;
}

/* ---- callback API ----------------------------------------------------- */

/*
 * A callback request lives on its own coroutine's stack: no allocation per
 * request.  The arguments start on the submitter's stack and are copied
 * when the coroutine starts (at once, inside blk_aio_submit()).  The
 * callback must not run inside the blk_aio_*() call: a request that
 * completes before the submitter returned marks `done_early` and yields,
 * and the submitter schedules it in the same context to finish later.
 * Submitter and coroutine share a thread, so the hand-over needs no
 * atomics; `submit` is cleared by the submitter once it returns.
 */
typedef struct BlkAioSubmit {
    BlockBackend *blk;
    BlkOp op;
    int64_t offset;
    QEMUIOVector *qiov;
    BdrvRequestFlags flags;
    BlockCompletionFunc *cb;
    void *opaque;
    bool done_early;                /* completed inside blk_aio_submit() */
    struct BlkAioSubmit **clear_me; /* the coroutine's pointer to this */
} BlkAioSubmit;

static void coroutine_fn blk_aio_entry(void *opaque)
{
    BlkAioSubmit *submit = opaque;
    BlkAioSubmit args = *submit;
    BlockBackend *blk = args.blk;
    int64_t bytes = args.qiov ? (int64_t)args.qiov->size : 0;
    int ret;

    submit->clear_me = &submit;
    ret = blk_check_args(blk, args.offset, bytes, args.qiov, args.flags);
    /* Counted until the callback returned, so a drain waits for it too. */
    blk_inc_in_flight_wait(blk);
    if (ret == 0) {
        bdrv_graph_co_rdlock();
        ret = blk_do_request(blk, args.op, args.offset, bytes, args.qiov,
                             args.flags);
        bdrv_graph_co_rdunlock();
    }
    if (submit) {
        submit->done_early = true;
        qemu_coroutine_yield();     /* until blk_aio_submit() returned */
    }
    args.cb(args.opaque, ret);
    blk_dec_in_flight(blk);
}

static void blk_aio_submit(BlockBackend *blk, BlkOp op, int64_t offset,
                           QEMUIOVector *qiov, BdrvRequestFlags flags,
                           BlockCompletionFunc *cb, void *opaque)
{
    BlkAioSubmit submit = {
        .blk = blk, .op = op, .offset = offset, .qiov = qiov,
        .flags = flags, .cb = cb, .opaque = opaque,
    };
    Coroutine *co = qemu_coroutine_create(blk_aio_entry, &submit);

    IO_CODE();
    qemu_coroutine_enter(co);
    if (submit.done_early) {
        aio_co_schedule(qemu_get_current_aio_context(), co);
    } else {
        *submit.clear_me = NULL;    /* suspended mid-request: forget us */
    }
}

void blk_aio_preadv(BlockBackend *blk, int64_t offset, QEMUIOVector *qiov,
                    BdrvRequestFlags flags, BlockCompletionFunc *cb,
                    void *opaque)
{
    IO_CODE();
    blk_aio_submit(blk, BLK_OP_READ, offset, qiov, flags, cb, opaque);
}

void blk_aio_pwritev(BlockBackend *blk, int64_t offset, QEMUIOVector *qiov,
                     BdrvRequestFlags flags, BlockCompletionFunc *cb,
                     void *opaque)
{
    IO_CODE();
    blk_aio_submit(blk, BLK_OP_WRITE, offset, qiov, flags, cb, opaque);
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    IO_CODE();
    blk_aio_submit(blk, BLK_OP_FLUSH, 0, NULL, 0, cb, opaque);
}
