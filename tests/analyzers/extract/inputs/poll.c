#include <blkcheck/annotations.h>

int aio_poll(void *ctx, int blocking);
#define AIO_WAIT_WHILE(ctx, cond) \
    do { while ((cond)) { aio_poll((ctx), 1); } } while (0)

int busy(void);

void waits(void *ctx)
{
    AIO_WAIT_WHILE(ctx, busy());
}

void polls_directly(void *ctx)
{
    aio_poll(ctx, 0);
}

void coroutine_fn waits_guarded(void *ctx)
{
    GRAPH_RDLOCK_GUARD();
    AIO_WAIT_WHILE(ctx, busy());
}
