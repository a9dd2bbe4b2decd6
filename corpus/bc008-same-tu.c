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

/* Defined elsewhere, declared twice here: the first declaration is the
 * reference, the finding is there. */
int coroutine_fn bdrv_co_pdiscard(BlockDriverState *bs, long off);      // expect: BC008 "is declared with coroutine_fn but declared with no annotation elsewhere"
int bdrv_co_pdiscard(BlockDriverState *bs, long off);                   // expect-hop: BC008 "declaration: 'bdrv_co_pdiscard' declared here with no annotation"

int coroutine_fn co_trim(BlockDriverState *bs)
{
    return bdrv_co_pdiscard(bs, 0);
}

/* A callback parameter annotated in the prototype only: the parameter
 * takes the labels of every declaration of its function; BC008 compares
 * functions, not their parameters. */
int coroutine_fn co_for_each(BlockDriverState *bs,
                             int coroutine_fn (*fn)(BlockDriverState *bs));    // expect-not: BC008

int coroutine_fn co_for_each(BlockDriverState *bs, int (*fn)(BlockDriverState *bs))  // expect-not: BC008
{
    return fn(bs);
}
