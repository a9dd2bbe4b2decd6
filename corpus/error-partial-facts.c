/* A TU with a compile error still gives the facts of what parsed: the
 * error is reported (exit 3) and the other functions are checked. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int read_sync(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 512);           // expect: BC001
}

/* Half-way through a rename: the field is gone from BlockDriverState. */
long bdrv_nb_sectors(BlockDriverState *bs)
{
    return bs->total_sectors;                   // expect-error: "no member named 'total_sectors'"
}

int coroutine_fn co_length(BlockDriverState *bs)
{
    return bdrv_getlength(bs);                  // expect: BC002
}
