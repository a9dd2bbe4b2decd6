#include <blkcheck/annotations.h>
#include "blk.h"

int coroutine_fn job_co_run(BlockDriverState *bs)
{
    int n = blk_count(bs);                      // expect-not: BC002
    return n + blk_make_empty(bs);              // expect: BC002
}
