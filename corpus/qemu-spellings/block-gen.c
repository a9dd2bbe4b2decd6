/* What a generator writes for the wrapper: no labels repeated, polls until
 * the coroutine is done, asserts the lock on the coroutine path. */
#include "qemu-style.h"

int bdrv_size(BlockDriverState *bs)                     // expect-not: BC008
{
    if (qemu_in_coroutine()) {
        assume_graph_lock();
        return bdrv_co_size(bs);                        // expect-not: BC007
    }
    AIO_WAIT_WHILE(bs->ctx, bs->busy);
    return 0;
}
