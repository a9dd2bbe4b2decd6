/* A driver in a subdirectory includes the layer's header by a relative
 * path (`../block-int.h`): a position in it is reported under the
 * header's own path. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int coroutine_fn bdrv_co_check_meta(BlockDriverState *bs);     // expect-hop: BC008 "declaration: 'bdrv_co_check_meta' declared here with coroutine_fn"
