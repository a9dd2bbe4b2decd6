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
    register_callback(plain_cb, bs);            // expect: BC003 "'plain_cb' is not coroutine_fn but is stored in coroutine_fn pointer 'cb'"
    register_callback(co_cb, bs);               // expect-not: BC003
    register_plain_callback(plain_cb, bs);      // expect-not: BC003
}

/* (d) Handed to a callee the front end cannot name (a function pointer):
 * whoever calls it may not be a coroutine. */
typedef void DeferFunc(int (*cb)(BlockDriverState *bs), BlockDriverState *bs);

void setup_deferred(BlockDriverState *bs, DeferFunc *defer)
{
    defer(co_cb, bs);                           // expect: BC003 "coroutine_fn 'co_cb' passed as a plain function pointer from non-coroutine function 'setup_deferred'"
    defer(plain_cb, bs);                        // expect-not: BC003
}

int coroutine_fn co_setup_deferred(BlockDriverState *bs, DeferFunc *defer)
{
    defer(co_cb, bs);                           // expect-not: BC003
    return 0;
}

/* (d) Through the variadic part of a known callee: no parameter names it. */
void register_handlers(BlockDriverState *bs, int n, ...);

void setup_handlers(BlockDriverState *bs)
{
    register_handlers(bs, 2, co_cb, plain_cb);  // expect: BC003 "coroutine_fn 'co_cb' passed as a plain function pointer"
}
