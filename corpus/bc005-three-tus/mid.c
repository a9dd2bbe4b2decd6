#include <blkcheck/annotations.h>
#include "q.h"

void q_refresh(BlockDriverState *bs)
{
    q_update(bs);
}

void q_update(BlockDriverState *bs)
{
    q_wait(bs);
}
