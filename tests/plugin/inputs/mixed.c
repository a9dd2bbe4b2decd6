/* Plugin behaviour test input: one BC001, one BC008, one BC010 (fix-it). */
#include <blkcheck/annotations.h>
#include "corpus.h"

int read_sync(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 512);
}

static int helper(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 1);
}

int coroutine_fn co_user(BlockDriverState *bs)
{
    return helper(bs);
}

int coroutine_fn co_decl(BlockDriverState *bs);
int co_decl(BlockDriverState *bs)
{
    return 0;
}
