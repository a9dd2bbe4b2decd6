#include <blkcheck/annotations.h>
#include "x.h"

void x_update(BlockDriverState *bs)
{
    x_apply(bs);                                    // expect-hop: BC009 "call: 'x_update' calls 'x_apply'"
}

void x_apply(BlockDriverState *bs)
{
    x_reconfigure(bs);                              // expect-hop: BC009 "call: 'x_apply' calls 'x_reconfigure'"
}
