/* BC004 through calls of function-pointer variables: a file-scope hook,
 * a callback parameter and a local that holds a polling function. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static void drain_wait(BlockDriverState *bs)
{
    AIO_WAIT_WHILE(bs->ctx, bs->in_flight > 0);
}

static void count_only(BlockDriverState *bs)
{
    bs->in_flight++;
}

static void (*quiesce_hook)(BlockDriverState *bs) = drain_wait;
static void (*stats_hook)(BlockDriverState *bs) = count_only;

static void for_each_backing(BlockDriverState *bs, void (*fn)(BlockDriverState *bs))
{
    for (; bs; bs = bs->backing) {
        fn(bs);
    }
}

void coroutine_fn co_quiesce(BlockDriverState *bs)
{
    quiesce_hook(bs);                           // expect: BC004 "through 2 non-coroutine calls"
    stats_hook(bs);                             // expect-not: BC004
}

void coroutine_fn co_quiesce_chain(BlockDriverState *bs)
{
    for_each_backing(bs, drain_wait);           // expect: BC004 "through 3 non-coroutine calls"
    for_each_backing(bs, count_only);           // expect-not: BC004
}

void coroutine_fn co_quiesce_local(BlockDriverState *bs)
{
    void (*wait)(BlockDriverState *bs) = bs->in_flight ? drain_wait : count_only;

    wait(bs);                                   // expect: BC004 "through 2 non-coroutine calls"
}
