/* BC002: a coroutine_fn calls a co_wrapper (which polls). */
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_fn co_read_twice(BlockDriverState *bs)
{
    return bdrv_pread(bs, 0, 512);              // expect: BC002
}

/* Near miss: the plain function may call the wrapper. */
int read_twice(BlockDriverState *bs)
{
    return bdrv_pread(bs, 0, 512);              // expect-not: BC002
}

/* Near miss: the coroutine calls the _co_ twin instead. */
int coroutine_fn co_read_right(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 512);           // expect-not: BC002
}
