/* A header whose compat declaration, seen only by the TUs that ask for it,
 * lacks the marker.  The first declaration in the file is the reference,
 * whichever TU comes first in the compile database. */
#include <blkcheck/annotations.h>
#include "corpus.h"

#ifdef BLOCK_COMPAT_API
int bdrv_co_refresh(BlockDriverState *bs);              // expect: BC008 "is declared with no annotation but declared with coroutine_fn elsewhere"
#endif
int coroutine_fn bdrv_co_refresh(BlockDriverState *bs); // expect-hop: BC008 "declaration: 'bdrv_co_refresh' declared here with coroutine_fn"
