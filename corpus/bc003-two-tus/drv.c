/* BC003 (c) across TUs: the store is here, the plain call in user.c. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void coroutine_fn co_bh(void *opaque)
{
    qemu_coroutine_yield();
}

static void plain_bh(void *opaque)
{
}

const BlockDriver drv_bad = {
    .bdrv_bh_cb = co_bh,                        // expect: BC003 // plugin-missing: BC003 the plain call through the slot is in user.c, another TU
};

const BlockDriver drv_good = {
    .bdrv_close = 0,
    .bdrv_bh_cb = plain_bh,                     // expect-not: BC003
};
