/* I/O path: coroutines, reader guards, calls through the vtable. */
#include <blkcheck/annotations.h>
#include "block.h"

int coroutine_fn GRAPH_RDLOCK cb_co_child_len(BlockDriverState *bs)
{
    return bs->drv->bdrv_co_getlength(bs) + bdrv_child_count(bs);
}

static int coroutine_fn cb_co_wait_turn(BlockDriverState *bs)
{
    qemu_coroutine_yield();
    return bs->in_flight;
}

static int cb_note_request(BlockDriverState *bs)
{
    return bs->in_flight++;
}

int coroutine_fn cb_co_read(BlockDriverState *bs, long off)
{
    int n;

    cb_note_request(bs);
    n = cb_co_wait_turn(bs);
    GRAPH_RDLOCK_GUARD();
    n += cb_co_child_len(bs);                       /* mut: guard */
    return n + bdrv_co_pread(bs, off, 512);         /* mut: wrapper */
}

int coroutine_fn cb_co_len(BlockDriverState *bs)
{
    int n = 0;

    WITH_GRAPH_RDLOCK_GUARD() {
        n = bs->drv->bdrv_co_getlength(bs);         /* mut: with-guard */
    }
    return n + bs->drv->bdrv_co_flush(bs);
}

int coroutine_mixed_fn cb_read_any(BlockDriverState *bs)
{
    if (qemu_in_coroutine()) {                      /* mut: mixed */
        return cb_co_read(bs, 0);
    }
    return cb_read(bs, 0);
}

void cb_io_complete(BlockDriverState *bs)
{
    IO_CODE();
    cb_note_request(bs);                            /* mut: gs-from-io */
}
