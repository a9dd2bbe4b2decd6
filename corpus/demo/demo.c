/*
 * demo.c - a small file with known findings, for `make run` and the docs.
 *
 * ci/run-default.sh writes a compile_commands.json for this directory into
 * the build tree (BUILD/demo/) and runs `blkcheck check -p BUILD/demo`.
 * Expected findings are marked like corpus cases.
 */
#include <blkcheck/annotations.h>
#include "demo.h"

/* A plain function calling a coroutine_fn directly. */
int read_sync(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0);            // expect: BC001
}

/* A coroutine calling a function that polls (a co_wrapper). */
int coroutine_fn co_read_twice(BlockDriverState *bs)
{
    return bdrv_pread(bs, 0);               // expect: BC002
}

static void wait_idle(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs, bs->in_flight > 0);
}

/* A coroutine reaching AIO_WAIT_WHILE through plain code, with the reader
 * lock held by a guard. */
void coroutine_fn co_drain(BlockDriverState *bs)
{
    GRAPH_RDLOCK_GUARD();
    wait_idle(bs);                          // expect: BC004 BC005
}

/* A call through a GRAPH_RDLOCK_PTR field without the lock. */
int coroutine_fn co_length(BlockDriverState *bs)
{
    return bs->drv->co_getlength(bs);       // expect: BC007
}

/* Fine: the mixed function checks where it runs. */
int coroutine_mixed_fn read_any(BlockDriverState *bs)
{
    if (qemu_in_coroutine()) {
        return bdrv_co_pread(bs, 0);        // expect-not: BC001
    }
    return bdrv_pread(bs, 0);
}
