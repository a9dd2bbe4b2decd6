#include <blkcheck/annotations.h>
#include "q.h"

void q_wait(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);   // expect-not: BC005
}
