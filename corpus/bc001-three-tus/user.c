/* The coroutine_fn is declared in a header and defined in another TU: the
 * label comes from the header at the call. */
#include <blkcheck/annotations.h>
#include "api.h"

int api_commit_now(BlockDriverState *bs)
{
    return api_co_commit(bs);                   // expect: BC001
}
