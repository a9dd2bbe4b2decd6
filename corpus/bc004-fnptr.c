/* BC004 through a plain vtable slot (designated initializer). */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void poll_close(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);     // expect-hop: BC004 "poll: 'poll_close' polls (AIO_WAIT_WHILE)"
}

static const BlockDriver bdrv_polling = {
    .format_name = "polling",
    .bdrv_close = poll_close,                       // expect-hop: BC004 "points_to: 'BlockDriver::bdrv_close' may point to 'poll_close'"
};

void coroutine_fn co_close(BlockDriverState *bs)
{
    bs->drv->bdrv_close(bs);                    // expect: BC004 "AIO_WAIT_WHILE in 'poll_close' through 2 non-coroutine calls"
}

void close_sync(BlockDriverState *bs)
{
    bs->drv->bdrv_close(bs);                    // expect-not: BC004
}

/* Near miss: a callback slot whose only target does not poll. */
typedef struct Notifier {
    void (*notify)(void *opaque);
} Notifier;

static void quiet_notify(void *opaque)
{
}

static Notifier quiet = { .notify = quiet_notify };

void coroutine_fn co_notify(void *opaque)
{
    quiet.notify(opaque);                       // expect-not: BC004
}

const BlockDriver *polling = &bdrv_polling;
