/* Wrapper markers count as what they expand to. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int co_wrapper blk_pflush(BlockDriverState *bs);
int co_wrapper blk_ptrim(BlockDriverState *bs);
int no_co_wrapper blk_co_resize(BlockDriverState *bs);

/* A generated-style definition: no_coroutine_fn matches co_wrapper. */
int no_coroutine_fn blk_pflush(BlockDriverState *bs)            // expect-not: BC008
{
    return 0;
}

/* Lost its marker. */
int blk_ptrim(BlockDriverState *bs)                             // expect: BC008 "defined with no annotation but declared with no_coroutine_fn"
{
    return 0;
}

int coroutine_fn blk_co_resize(BlockDriverState *bs)            // expect-not: BC008
{
    return 0;
}
