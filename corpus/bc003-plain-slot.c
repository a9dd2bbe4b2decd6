/* BC003 (c): a plain slot receives a coroutine_fn and plain code calls
 * through it. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void coroutine_fn co_close(BlockDriverState *bs)
{
    qemu_coroutine_yield();
}

static const BlockDriver bdrv_yielding = {
    .format_name = "yielding",
    .bdrv_close = co_close,                     // expect: BC003 "coroutine_fn 'co_close' is stored in plain pointer 'BlockDriver::bdrv_close', which non-coroutine code calls"
};

void close_bs(BlockDriverState *bs)
{
    bs->drv->bdrv_close(bs);
}

/* Near miss: a plain slot holding a coroutine_fn that only coroutines call. */
typedef struct Job {
    void (*run)(void *opaque);
} Job;

static void coroutine_fn job_body(void *opaque)
{
    qemu_coroutine_yield();
}

static Job the_job = {
    .run = job_body,                            // expect-not: BC003
};

void coroutine_fn job_co_start(void *opaque)
{
    the_job.run(opaque);
}

const BlockDriver *yielding = &bdrv_yielding;
