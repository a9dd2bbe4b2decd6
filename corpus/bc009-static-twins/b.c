/* ... this one is I/O-or-GS code, fine from I/O code. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void update(BlockDriverState *bs)
{
    IO_OR_GS_CODE();
    bs->in_flight++;
}

void b_io(BlockDriverState *bs)
{
    IO_CODE();
    update(bs);                                 // expect-not: BC009
}
