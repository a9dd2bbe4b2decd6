/* Does not compile: the plugin must add nothing to clang's errors. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int read_sync(BlockDriverState *bs)
{
    return bdrv_co_pread(bs, 0, 512) + undeclared_thing;
}
