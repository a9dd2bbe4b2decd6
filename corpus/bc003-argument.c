/* BC003 (a) for arguments: register_callback()'s parameter is coroutine_fn. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static int plain_cb(BlockDriverState *bs)
{
    return 0;
}

static int coroutine_fn co_cb(BlockDriverState *bs)
{
    return 0;
}

void setup(BlockDriverState *bs)
{
    register_callback(plain_cb, bs);            // expect: BC003
    register_callback(co_cb, bs);               // expect-not: BC003
    register_plain_callback(plain_cb, bs);      // expect-not: BC003
}
