/* BC005 through a vtable slot. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void poll_bh(void *opaque)
{
    BlockDriverState *bs = opaque;
    aio_poll(bs->ctx, 0);                           // expect-hop: BC005 "poll: 'poll_bh' polls (aio_poll)"
}

static void quiet_bh(void *opaque)
{
}

static const BlockDriver drv_poll = { .bdrv_bh_cb = poll_bh }; // expect-hop: BC005 "points_to: 'BlockDriver::bdrv_bh_cb' may point to 'poll_bh'"

typedef struct Hooks { void (*hook)(void *opaque); } Hooks;
static Hooks quiet_hooks = { .hook = quiet_bh };

void run_bh_locked(BlockDriverState *bs)
{
    bdrv_graph_rdlock_main_loop();
    bs->drv->bdrv_bh_cb(bs);                    // expect: BC005 "aio_poll in 'poll_bh'"
    quiet_hooks.hook(bs);                       // expect-not: BC005
    bdrv_graph_rdunlock_main_loop();
}

const BlockDriver *drvp = &drv_poll;
