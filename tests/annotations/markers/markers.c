/* Every marker of annotations.h on the declaration kinds it is used on. */
#include <blkcheck/annotations.h>

typedef struct BlockDriverState BlockDriverState;

int coroutine_fn bdrv_co_pread(BlockDriverState *bs, void *buf); // labels: coroutine_fn
int coroutine_mixed_fn bdrv_is_allocated(BlockDriverState *bs); // labels: coroutine_mixed_fn
void no_coroutine_fn bdrv_close_all(void); // labels: no_coroutine_fn
void polling_fn bdrv_drain_all(void); // labels: polling_fn

int co_wrapper bdrv_pread(BlockDriverState *bs, void *buf); // labels: co_wrapper no_coroutine_fn
int co_wrapper_mixed bdrv_flush(BlockDriverState *bs); // labels: co_wrapper_mixed no_coroutine_fn coroutine_mixed_fn
long co_wrapper_bdrv_rdlock bdrv_getlength(BlockDriverState *bs); // labels: co_wrapper_bdrv_rdlock no_coroutine_fn
long co_wrapper_mixed_bdrv_rdlock bdrv_nb_sectors(BlockDriverState *bs); // labels: co_wrapper_mixed_bdrv_rdlock no_coroutine_fn coroutine_mixed_fn
int no_co_wrapper bdrv_co_open(const char *name); // labels: no_co_wrapper coroutine_fn
int no_co_wrapper_bdrv_rdlock bdrv_co_refresh(BlockDriverState *bs); // labels: no_co_wrapper_bdrv_rdlock coroutine_fn
int no_co_wrapper_bdrv_wrlock bdrv_co_detach(BlockDriverState *bs); // labels: no_co_wrapper_bdrv_wrlock coroutine_fn

int GRAPH_RDLOCK bdrv_count_children(BlockDriverState *bs); // labels: graph_rdlock
void GRAPH_WRLOCK bdrv_attach_locked(BlockDriverState *bs); // labels: graph_wrlock
void GRAPH_UNLOCKED bdrv_unref(BlockDriverState *bs); // labels: graph_unlocked
int coroutine_fn GRAPH_RDLOCK bdrv_co_block_status(BlockDriverState *bs); // labels: coroutine_fn graph_rdlock

typedef struct BlockDriver {
    int coroutine_fn GRAPH_RDLOCK_PTR (*bdrv_co_preadv)(BlockDriverState *bs); // labels: coroutine_fn graph_rdlock_ptr
    void GRAPH_WRLOCK_PTR (*bdrv_child_perm)(BlockDriverState *bs); // labels: graph_wrlock_ptr
    void (*bdrv_close)(BlockDriverState *bs); // labels:
} BlockDriver;

int coroutine_fn (*co_entry_hook)(void *opaque); // labels: coroutine_fn

void global_state_fn(void); // labels:
void global_state_fn(void) // labels: code_class:global_state
{
    GLOBAL_STATE_CODE();
}

void io_fn(void) // labels: code_class:io
{
    IO_CODE();
}

void io_or_gs_fn(void) // labels: code_class:io_or_gs
{
    IO_OR_GS_CODE();
}

int coroutine_fn guarded_reader(BlockDriverState *bs) // labels: coroutine_fn
{
    GRAPH_RDLOCK_GUARD();
    return bdrv_count_children(bs);
}
