/* BC003 with a positional value after a designated one: it fills the field
 * that follows the designated field. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static int coroutine_fn co_flush_impl(BlockDriverState *bs)
{
    return bs->in_flight;
}

static int getlength_sync(BlockDriverState *bs)
{
    return bs->in_flight;
}

static const BlockDriver bdrv_mixed = {
    .bdrv_co_flush = co_flush_impl,
    getlength_sync,                             // expect: BC003 "stored in coroutine_fn pointer 'BlockDriver::bdrv_co_getlength'" expect: BC008
};

const BlockDriver *mixed_drv = &bdrv_mixed;
