/*
 * block/block_int.h - inside the block layer: nodes, edges, driver vtables
 *
 * For drivers (runtime/block/<driver>.c) and the generic layer.  Users of
 * the block layer include block/block.h or sysemu/block-backend.h instead.
 *
 * Locking, in one table (TSA checks the GRAPH_* parts):
 *   identity (node_name, drv, opaque, options, bl, read_only)
 *                       set while opening, constant afterwards: no lock
 *   total_bytes         atomic; refreshed by the generic layer
 *   children, parents, file, backing, every BdrvChild::bs/next/next_parent
 *                       written by the main loop under bdrv_graph_wrlock();
 *                       read under the reader lock (GRAPH_RDLOCK)
 *   refcnt, next_node   main loop only (GLOBAL_STATE_CODE())
 *   quiesce_counter     main loop writes; atomic reads from any thread
 *   gate                the request gate (runtime/block/request-gate.c)
 *
 * Driver callbacks: bdrv_open/bdrv_close run in the main loop outside
 * coroutines and without the graph lock (bdrv_open_child() takes it), and
 * open with GLOBAL_STATE_CODE().  The I/O callbacks open with IO_CODE()
 * and are coroutine_fn GRAPH_RDLOCK: they run in whatever thread
 * submitted the request (no node has a home AioContext), many at once, so a
 * driver keeps per-thread state or locks its shared state itself.  The
 * generic layer hands them only valid, aligned requests: offset and bytes
 * multiples of bl.request_alignment, bytes <= bl.max_transfer (when set),
 * buffers aligned to bl.min_mem_alignment, offset + bytes within
 * BDRV_MAX_LENGTH.  The barrier flag never reaches a driver.
 */
#ifndef BLOCK_BLOCK_INT_H
#define BLOCK_BLOCK_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <blkcheck/annotations.h>
#include "block/block.h"
#include "block/options.h"
#include "qemu/coroutine-lock.h"
#include "qemu/iov.h"
#include "qemu/thread.h"
#include "qemu/thread-counter.h"

typedef struct BlockLimits {
    /* Offset and length of every request the driver sees are multiples of
     * this (power of two, >= 1).  O_DIRECT files: the probed sector size. */
    uint32_t request_alignment;
    /* Every buffer address and iovec length handed to the driver is a
     * multiple of this (power of two, >= 1); the generic layer bounces
     * others.  O_DIRECT files: the probed memory alignment. */
    uint32_t min_mem_alignment;
    /* Longest request the driver takes (multiple of request_alignment);
     * 0 = no limit.  The generic layer splits longer ones. */
    uint64_t max_transfer;
} BlockLimits;

/*
 * Per-node request accounting and exclusion (request-gate.c).  in_flight
 * counts requests inside the node per thread; while `exclusive` is set a
 * barrier or read-modify-write holds the node alone and new requests queue
 * on `waiters`.
 */
typedef struct BdrvRequestGate {
    ThreadCounter in_flight;
    bool exclusive;             /* atomic; set by the holder */
    CoMutex exclusive_lock;     /* serialises exclusive holders */
    QemuMutex lock;             /* protects the fields below */
    CoQueue waiters;            /* requests waiting for the holder */
    int n_waiting;              /* on @waiters */
    int admitting;              /* woken by a holder's end, not yet counted */
    Coroutine *holder_waiting;  /* holder waiting for in_flight == 0 and
                                 * admitting == 0 */
} BdrvRequestGate;

struct BlockDriverState {
    /* Identity: constant once open. */
    char node_name[64];
    const BlockDriver *drv;
    void *opaque;               /* drv->instance_size bytes, zeroed */
    char *options;              /* the options it was opened with (display) */
    bool read_only;
    BlockLimits bl;

    int64_t total_bytes;        /* atomic; length at open / last refresh */

    /* Graph. */
    BdrvChild *children GRAPH_RDLOCK_PTR;   /* via BdrvChild::next */
    BdrvChild *parents GRAPH_RDLOCK_PTR;    /* via BdrvChild::next_parent */
    BdrvChild *file GRAPH_RDLOCK_PTR;       /* primary child (file/filtered) */
    BdrvChild *backing GRAPH_RDLOCK_PTR;

    int refcnt;                 /* main loop only */
    BlockDriverState *next_node;/* all nodes; main loop only */

    /* Requests (request-gate.c; quiesce_counter: drain.c). */
    int quiesce_counter;        /* drain depth; main loop writes */
    BdrvRequestGate gate;
};

typedef enum BdrvChildRole {
    BDRV_CHILD_FILE,            /* the protocol node below a format node */
    BDRV_CHILD_BACKING,         /* the backing file of a format node */
    BDRV_CHILD_FILTERED,        /* the node a filter passes I/O to */
    BDRV_CHILD_ROOT,            /* the node below a BlockBackend */
} BdrvChildRole;

/* What an edge's parent (a node or a BlockBackend) does when drained. */
typedef struct BdrvChildClass {
    bool parent_is_bds;
    /* Stop submitting new requests to c->bs / resume.  Main loop. */
    void (*drained_begin)(BdrvChild *c);
    void (*drained_end)(BdrvChild *c);
    /* Returns: true while the parent still has requests in flight that
     * may reach c->bs.  Main loop. */
    bool (*drained_poll)(BdrvChild *c);
    /* Returns: "node 'x'" / "block backend 'y'", for messages. */
    const char *(*get_parent_desc)(BdrvChild *c);
} BdrvChildClass;

struct BdrvChild {
    BlockDriverState *bs GRAPH_RDLOCK_PTR;  /* the child node */
    char *name;                             /* "file", "backing", "root" */
    BdrvChildRole role;
    const BdrvChildClass *klass;
    void *opaque;                           /* the parent */
    BdrvChild *next GRAPH_RDLOCK_PTR;       /* parent's children */
    BdrvChild *next_parent GRAPH_RDLOCK_PTR;/* bs->parents */
};

/* The class of edges whose parent is a node (opaque = BlockDriverState *). */
extern const BdrvChildClass child_of_bds;

/* Values of bdrv_co_block_status(). */
#define BDRV_BLOCK_DATA         0x01    /* reads return data from the file */
#define BDRV_BLOCK_ZERO         0x02    /* reads return zeroes */
#define BDRV_BLOCK_OFFSET_VALID 0x04    /* *map is valid in *file */

struct BlockDriver {
    const char *format_name;    /* driver=NAME */
    size_t instance_size;
    bool is_filter;             /* I/O passes to bs->file unchanged */
    /* Flags bdrv_co_pwritev passes through (else emulated: FUA by flush). */
    BdrvRequestFlags supported_write_flags;
    /* Flags bdrv_co_pwrite_zeroes passes through. */
    BdrvRequestFlags supported_zero_flags;

    /*
     * Read the driver's options from @opts (every getter marks its key;
     * the generic layer rejects keys nobody read), open, and set bs->bl.
     * Children are opened with bdrv_open_child().  Returns: 0 or -errno
     * with *errp set.  Main loop, outside coroutines, graph unlocked.
     */
    int (*bdrv_open)(BlockDriverState *bs, BlockOpts *opts, Error **errp);
    /* Release what bdrv_open set up.  Must not use the children: when the
     * last reference goes while the graph is being changed (under the write
     * lock), they are detached first and close runs later from a main-loop
     * BH.  Main loop, no requests in flight, graph unlocked. */
    void (*bdrv_close)(BlockDriverState *bs);

    int coroutine_fn GRAPH_RDLOCK_PTR (*bdrv_co_preadv)(BlockDriverState *bs,
        int64_t offset, int64_t bytes, QEMUIOVector *qiov,
        BdrvRequestFlags flags);
    int coroutine_fn GRAPH_RDLOCK_PTR (*bdrv_co_pwritev)(BlockDriverState *bs,
        int64_t offset, int64_t bytes, QEMUIOVector *qiov,
        BdrvRequestFlags flags);
    /* Make every completed write stable (fdatasync).  Set: the driver
     * answers for this node and its children (a filter forwards to its
     * child).  NULL: nothing to do for this node itself; the generic layer
     * flushes every child. */
    int coroutine_fn GRAPH_RDLOCK_PTR (*bdrv_co_flush)(BlockDriverState *bs);
    /* -ENOTSUP: the generic layer writes a zeroed buffer (unless
     * BDRV_REQ_NO_FALLBACK). */
    int coroutine_fn GRAPH_RDLOCK_PTR (*bdrv_co_pwrite_zeroes)(
        BlockDriverState *bs, int64_t offset, int64_t bytes,
        BdrvRequestFlags flags);
    /* Advisory; -ENOTSUP is reported to the caller as success. */
    int coroutine_fn GRAPH_RDLOCK_PTR (*bdrv_co_pdiscard)(BlockDriverState *bs,
        int64_t offset, int64_t bytes);
    /* Returns: the current length in bytes or -errno. */
    int64_t coroutine_fn GRAPH_RDLOCK_PTR (*bdrv_co_getlength)(
        BlockDriverState *bs);
    /* Returns: BDRV_BLOCK_* for [@offset, @offset + *@pnum) with *pnum <=
     * @bytes and > 0, or -errno.  NULL: everything is DATA. */
    int coroutine_fn GRAPH_RDLOCK_PTR (*bdrv_co_block_status)(
        BlockDriverState *bs, int64_t offset, int64_t bytes, int64_t *pnum,
        int64_t *map, BlockDriverState **file);
};

/* The built-in drivers (runtime/block/null.c, file-posix.c, throttle.c),
 * listed in the registry's table (runtime/block/drivers.c). */
extern const BlockDriver bdrv_null;
extern const BlockDriver bdrv_file;
extern const BlockDriver bdrv_throttle;

/* Returns: the driver called @name (built-in or registered), or NULL.
 * Any thread. */
const BlockDriver *bdrv_find_driver(const char *name);

/* Make @drv known to bdrv_find_driver() (tests, out-of-tree drivers).
 * Main loop, before any open that names it. */
void bdrv_register(const BlockDriver *drv);

/* Returns: the names of every known driver, "null, file, ..." (malloc'd;
 * the caller frees it), for messages.  Main loop. */
char *bdrv_known_drivers(void);

/*
 * Attach @child_bs below a parent that is not a node (a BlockBackend): the
 * edge has class @klass and opaque @opaque, and takes a reference to
 * @child_bs.  Returns: the edge or NULL with *errp.
 * Context: main loop, write lock held.
 */
BdrvChild *bdrv_root_attach_child(BlockDriverState *child_bs, const char *name,
                                  BdrvChildRole role,
                                  const BdrvChildClass *klass, void *opaque,
                                  Error **errp) GRAPH_WRLOCK;

/* Detach an edge made by bdrv_root_attach_child() and drop its reference
 * (freeing the node if it was the last).  Main loop, write lock held. */
void bdrv_root_unref_child(BdrvChild *child) GRAPH_WRLOCK;

/*
 * Open or reference the child @name of @parent: "@name=NODE" names an
 * existing node (referenced), "@name.driver=...,@name.KEY=..." opens a new
 * one from those options.  Attaches it under the write lock with @role.
 * Returns: the edge, or NULL with *errp set (missing child, unknown node,
 * open error: the message names the child).  Main loop, graph unlocked.
 */
BdrvChild *bdrv_open_child(BlockDriverState *parent, BlockOpts *opts,
                           const char *name, BdrvChildRole role,
                           Error **errp) GRAPH_UNLOCKED;

/* Returns: bs->file for file/filtered children, else NULL. */
BdrvChild *bdrv_primary_child(BlockDriverState *bs) GRAPH_RDLOCK;

/* Initialise / tear down bs->gate (request-gate.c).  Main loop. */
void bdrv_request_gate_init(BlockDriverState *bs);
void bdrv_request_gate_destroy(BlockDriverState *bs);

/*
 * Keep an edge's parent quiesced exactly while its child node is drained:
 * call bdrv_child_quiesce_attach() right after pointing @c->bs at a node
 * (attach, replace) and bdrv_child_quiesce_detach() right before pointing
 * it away (detach, replace).  Context: main loop, write lock held.
 */
void bdrv_child_quiesce_attach(BdrvChild *c) GRAPH_WRLOCK;
void bdrv_child_quiesce_detach(BdrvChild *c) GRAPH_WRLOCK;

/* Returns: requests inside @bs now (sum over threads).  Any thread. */
int64_t bdrv_in_flight(BlockDriverState *bs);

#endif /* BLOCK_BLOCK_INT_H */
