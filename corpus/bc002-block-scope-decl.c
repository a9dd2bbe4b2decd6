/* BC002 with the callee declared at block scope (valid C, rare): the
 * co_wrapper label is on that declaration only.  Known failure (see
 * tests/corpus/known-failures.txt): the front end does not record labels of
 * block-scope declarations, so the call is missed. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_fn co_local_decl(BlockDriverState *bs)
{
    extern int co_wrapper blk_local_sync(BlockDriverState *bs);
    return blk_local_sync(bs);                  // expect: BC002
}

int plain_local_decl(BlockDriverState *bs)
{
    extern int co_wrapper blk_local_sync(BlockDriverState *bs);
    return blk_local_sync(bs);                  // expect-not: BC002
}
