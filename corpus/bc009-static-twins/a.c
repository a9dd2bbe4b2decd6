/* Two static `update()`: this one is global-state code. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void update(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    bs->in_flight = 0;
}

void a_io(BlockDriverState *bs)
{
    IO_CODE();
    update(bs);                                 // expect: BC009
}
