/* demo.h - the declarations demo.c uses (a tiny block layer). */
#ifndef DEMO_H
#define DEMO_H

#include <blkcheck/annotations.h>

typedef struct BlockDriverState BlockDriverState;

typedef struct BlockDriver {
    int coroutine_fn GRAPH_RDLOCK_PTR (*co_getlength)(BlockDriverState *bs);
} BlockDriver;

struct BlockDriverState {
    const BlockDriver *drv;
    int in_flight;
};

int aio_poll(void *ctx, int blocking);
#define AIO_WAIT_WHILE(ctx, cond) \
    do { while ((cond)) { aio_poll((ctx), 1); } } while (0)

int qemu_in_coroutine(void);
int coroutine_fn bdrv_co_pread(BlockDriverState *bs, long offset);
int co_wrapper_bdrv_rdlock bdrv_pread(BlockDriverState *bs, long offset);

#endif
