/*
 * demo.c - what the annotation layer catches with stock tools, before
 * blkcheck runs.  `make run` compiles this with clang -Wthread-safety, runs
 * sparse over it and lists the labels libclang sees.  Each violation is
 * marked with the diagnostic it gets.
 */
#include <blkcheck/annotations.h>

typedef struct BlockDriverState BlockDriverState;

int coroutine_fn GRAPH_RDLOCK bdrv_co_preadv(BlockDriverState *bs, void *buf);
void GRAPH_WRLOCK bdrv_replace_child_locked(BlockDriverState *bs);
void bdrv_graph_wrlock(void) TSA_ACQUIRE(graph_lock);
void bdrv_graph_wrunlock(void) TSA_RELEASE(graph_lock);

int coroutine_fn demo_co_read_ok(BlockDriverState *bs, void *buf);
int coroutine_fn demo_co_read_unlocked(BlockDriverState *bs, void *buf);
void demo_replace_under_reader(BlockDriverState *bs);
void demo_forgets_unlock(BlockDriverState *bs);

/* Correct: the guard holds the reader lock for the call. */
int coroutine_fn demo_co_read_ok(BlockDriverState *bs, void *buf)
{
    GRAPH_RDLOCK_GUARD();
    return bdrv_co_preadv(bs, buf);
}

/* clang: calling function 'bdrv_co_preadv' requires holding graph-lock */
int coroutine_fn demo_co_read_unlocked(BlockDriverState *bs, void *buf)
{
    return bdrv_co_preadv(bs, buf);
}

/* clang: ... requires holding graph-lock 'graph_lock' exclusively */
void demo_replace_under_reader(BlockDriverState *bs)
{
    bdrv_graph_co_rdlock();
    bdrv_replace_child_locked(bs);
    bdrv_graph_co_rdunlock();
}

/* clang: still held at the end of function; sparse: context imbalance */
void demo_forgets_unlock(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    bdrv_graph_wrlock();
    bdrv_replace_child_locked(bs);
}
