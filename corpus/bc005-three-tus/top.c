#include <blkcheck/annotations.h>
#include "q.h"

void top_refresh_locked(BlockDriverState *bs)
{
    bdrv_graph_rdlock_main_loop();
    q_refresh(bs);                              // expect: BC005 "AIO_WAIT_WHILE in 'q_wait'"
    bdrv_graph_rdunlock_main_loop();
}

void top_refresh(BlockDriverState *bs)
{
    q_refresh(bs);                              // expect-not: BC005
}
