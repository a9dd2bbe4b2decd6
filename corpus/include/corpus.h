/*
 * corpus.h - the runtime and block-layer declarations the corpus cases use.
 *
 * Spellings are blkcheck's defaults (analyzers/core/config.c): aio_poll and
 * AIO_WAIT_WHILE poll, bdrv_graph_co_rdlock / bdrv_graph_rdlock_main_loop
 * take the reader lock, bdrv_graph_wrlock the writer lock,
 * qemu_in_coroutine() is the in-coroutine test.  Nothing here is a finding:
 * a case that includes only this header is clean (corpus/clean-header.c).
 */
#ifndef CORPUS_H
#define CORPUS_H

#include <blkcheck/annotations.h>

typedef struct AioContext AioContext;
typedef struct BlockDriverState BlockDriverState;

/* --- event loop ----------------------------------------------------------- */
int aio_poll(AioContext *ctx, int blocking);
#define AIO_WAIT_WHILE(ctx, cond) \
    do { while ((cond)) { aio_poll((ctx), 1); } } while (0)
#define AIO_WAIT_WHILE_UNLOCKED(ctx, cond) AIO_WAIT_WHILE(ctx, cond)
AioContext *qemu_get_aio_context(void);

/* --- coroutines ------------------------------------------------------------ */
int qemu_in_coroutine(void);
void coroutine_fn qemu_coroutine_yield(void);
typedef void coroutine_fn CoroutineEntry(void *opaque);
typedef struct Coroutine Coroutine;
Coroutine *qemu_coroutine_create(CoroutineEntry *entry, void *opaque);
void qemu_coroutine_enter(Coroutine *co);

/* --- graph lock ------------------------------------------------------------ */
void bdrv_graph_wrlock(void) TSA_ACQUIRE(graph_lock) TSA_NO_TSA;
void bdrv_graph_wrunlock(void) TSA_RELEASE(graph_lock) TSA_NO_TSA;
void bdrv_graph_rdlock_main_loop(void) TSA_ACQUIRE_SHARED(graph_lock) TSA_NO_TSA;
void bdrv_graph_rdunlock_main_loop(void) TSA_RELEASE_SHARED(graph_lock) TSA_NO_TSA;

/* --- a tiny block layer ---------------------------------------------------- */
typedef void BlockCompletionFunc(void *opaque, int ret);

typedef struct BlockDriver {
    const char *format_name;
    int coroutine_fn (*bdrv_co_preadv)(BlockDriverState *bs, long off, long n);
    int coroutine_fn (*bdrv_co_flush)(BlockDriverState *bs);
    int coroutine_fn GRAPH_RDLOCK_PTR (*bdrv_co_getlength)(BlockDriverState *bs);
    int GRAPH_RDLOCK_PTR (*bdrv_probe_children)(BlockDriverState *bs);
    void GRAPH_WRLOCK_PTR (*bdrv_attach)(BlockDriverState *bs);
    void (*bdrv_close)(BlockDriverState *bs);
    void (*bdrv_bh_cb)(void *opaque);
} BlockDriver;

struct BlockDriverState {
    const BlockDriver *drv;
    AioContext *ctx;
    int in_flight;
    BlockDriverState *backing;
};

int coroutine_fn bdrv_co_pread(BlockDriverState *bs, long off, long n);
int co_wrapper bdrv_pread(BlockDriverState *bs, long off, long n);
int coroutine_fn GRAPH_RDLOCK bdrv_co_flush(BlockDriverState *bs);
int co_wrapper_bdrv_rdlock bdrv_flush(BlockDriverState *bs);
int coroutine_mixed_fn bdrv_mixed_status(BlockDriverState *bs);
int co_wrapper_mixed bdrv_getlength(BlockDriverState *bs);
int no_coroutine_fn bdrv_drain_sync(BlockDriverState *bs);
void polling_fn bdrv_drain_all(void);
int GRAPH_RDLOCK bdrv_child_count(BlockDriverState *bs);
void GRAPH_WRLOCK bdrv_replace_child(BlockDriverState *bs, BlockDriverState *child);
void aio_bh_schedule_oneshot(AioContext *ctx, void (*cb)(void *opaque), void *opaque);
void register_callback(int coroutine_fn (*cb)(BlockDriverState *bs), BlockDriverState *bs);
void register_plain_callback(int (*cb)(BlockDriverState *bs), BlockDriverState *bs);

#endif
