/* Every marker of annotations.h compiles cleanly where it belongs. */
#include "../../test-locks.h"

typedef struct BlockDriverState BlockDriverState;

int coroutine_fn bdrv_co_pread(BlockDriverState *bs, long offset, void *buf);
int co_wrapper bdrv_pread(BlockDriverState *bs, long offset, void *buf);
int coroutine_fn bdrv_co_flush(BlockDriverState *bs);
int co_wrapper_mixed bdrv_flush(BlockDriverState *bs);
long coroutine_fn GRAPH_RDLOCK bdrv_co_getlength(BlockDriverState *bs);
long co_wrapper_bdrv_rdlock bdrv_getlength(BlockDriverState *bs);
long co_wrapper_mixed_bdrv_rdlock bdrv_nb_sectors(BlockDriverState *bs);
int no_co_wrapper bdrv_co_open(const char *name);
int no_co_wrapper_bdrv_rdlock bdrv_co_refresh(BlockDriverState *bs);
int no_co_wrapper_bdrv_wrlock bdrv_co_detach(BlockDriverState *bs);
int coroutine_mixed_fn bdrv_is_allocated(BlockDriverState *bs);
void no_coroutine_fn bdrv_close_all(void);
void polling_fn bdrv_drain_all(void);
void GRAPH_UNLOCKED bdrv_unref(BlockDriverState *bs);

void all_markers_global(void);
void all_markers_io(void);
void all_markers_io_or_gs(void);

void all_markers_global(void)
{
    GLOBAL_STATE_CODE();
    bdrv_drain_all();
}

void all_markers_io(void)
{
    IO_CODE();
}

void all_markers_io_or_gs(void)
{
    IO_OR_GS_CODE();
}
