/* BC008: declaration and definition in one file. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int no_coroutine_fn wait_all(BlockDriverState *bs);
int GRAPH_RDLOCK first_child(BlockDriverState *bs);
int coroutine_fn co_step(BlockDriverState *bs);

int coroutine_fn wait_all(BlockDriverState *bs)                 // expect: BC008
{
    return 0;
}

int GRAPH_WRLOCK first_child(BlockDriverState *bs)              // expect: BC008 "is defined with GRAPH_WRLOCK but declared with GRAPH_RDLOCK elsewhere"
{
    return 0;
}

int coroutine_fn co_step(BlockDriverState *bs)                  // expect-not: BC008
{
    return 0;
}
