/* BC010 and functions whose address escapes outside a call or an
 * initializer: any caller may reach them through the pointer, so no
 * suggestion even when every direct caller is a coroutine. */
#include <blkcheck/annotations.h>
#include "corpus.h"

typedef int ReadFn(BlockDriverState *bs);

static int escaping(BlockDriverState *bs)               // expect-not: BC010
{
    return bdrv_co_pread(bs, 0, 1);             // expect: BC001
}

static int kept(BlockDriverState *bs)                   // expect: BC010 // expect-fixit: "coroutine_fn "
{
    return bdrv_co_pread(bs, 0, 2);             // expect: BC001
}

int coroutine_fn co_user(BlockDriverState *bs)
{
    return escaping(bs) + kept(bs);
}

ReadFn *pick(int which)
{
    return which ? escaping : 0;
}
