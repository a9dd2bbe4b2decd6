/* BC002 with the callee declared at block scope (valid C, rare): the
 * co_wrapper label is on that declaration only, so the front end must
 * record labels of block-scope declarations too. */
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
