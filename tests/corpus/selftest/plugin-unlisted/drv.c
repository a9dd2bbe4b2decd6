/* Runner self-test: a cross-TU finding the plugin cannot see, NOT listed
 * with plugin-missing: the plugin side of the runner must fail on it. */
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
    .bdrv_bh_cb = co_bh,                        // expect: BC003 
};

const BlockDriver drv_good = {
    .bdrv_close = 0,
    .bdrv_bh_cb = plain_bh,                     // expect-not: BC003
};
