/* BC003 through function-pointer arrays, typedef'd coroutine_fn function
 * and pointer types, and casts. */
#include <blkcheck/annotations.h>
#include "corpus.h"

typedef int coroutine_fn CoReadFn(BlockDriverState *bs, long off, long n);
typedef int coroutine_fn (*CoReadPtr)(BlockDriverState *bs, long off, long n);

static int coroutine_fn co_impl(BlockDriverState *bs, long off, long n)
{
    (void)bs; (void)off;
    return (int)n;
}

static int plain_impl(BlockDriverState *bs, long off, long n)
{
    (void)bs; (void)off;
    return (int)n;
}

static CoReadFn *const table[] = {
    co_impl,                                    // expect-not: BC003
    plain_impl,                                 // expect: BC003 "stored in coroutine_fn pointer 'table'"
};
static CoReadPtr ptr_table[] = { co_impl };     // expect-not: BC003

int plain_caller(BlockDriverState *bs)
{
    CoReadPtr cast = (CoReadPtr)plain_impl;     // expect: BC003
    int r = table[0](bs, 0, 1);                 // expect: BC003

    r += ptr_table[0](bs, 0, 1);                // expect: BC003 "coroutine_fn pointer 'ptr_table' called"
    return r + ((CoReadPtr)plain_impl)(bs, 0, 1) + (cast != NULL);
}

/* Near miss: coroutine code may call through all of them. */
int coroutine_fn co_caller(BlockDriverState *bs)
{
    int r = table[1](bs, 0, 1);                 // expect-not: BC003

    return r + ptr_table[0](bs, 0, 1);          // expect-not: BC003
}

/* A plain typedef'd pointer receiving a coroutine_fn (through a cast) and
 * called from plain code: reported at the store, the call is the note. */
typedef int (*PlainReadPtr)(BlockDriverState *bs, long off, long n);
static PlainReadPtr plain_table[] = { (PlainReadPtr)co_impl };  // expect: BC003

int plain_through_plain(BlockDriverState *bs)
{
    return plain_table[0](bs, 0, 1);            // expect-not: BC003
}
