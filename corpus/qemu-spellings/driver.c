/* Callers of the wrapper and of the lock assertion. */
#include "qemu-style.h"

/* Main-loop GRAPH_RDLOCK code may call the wrapper (exempt by config)... */
int GRAPH_RDLOCK probe_size(BlockDriverState *bs)
{
    return bdrv_size(bs);                               // expect-not: BC005
}

/* ...but not a plain helper that polls. */
static void wait_idle(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->busy);
}

void GRAPH_RDLOCK probe_idle(BlockDriverState *bs)
{
    wait_idle(bs);                                      // expect: BC005
}

/* A coroutine calls the mixed wrapper, spelled only by its macro. */
int coroutine_fn co_probe(BlockDriverState *bs)
{
    return bdrv_size(bs);                               // expect: BC002
}

/* The assertion counts from the call on. */
int count_children(BlockDriverState *bs)
{
    int before = bdrv_child_count(bs);                  // expect: BC007

    assume_graph_lock();
    return before + bdrv_child_count(bs);               // expect-not: BC007
}
