/* BC010: suggest coroutine_mixed_fn for functions that call coroutine code
 * only under the in-coroutine check. */
#include <blkcheck/annotations.h>
#include "corpus.h"

int read_either(BlockDriverState *bs)                   // expect: BC010 "mark it coroutine_mixed_fn" // expect-fixit: "coroutine_mixed_fn "
{
    if (qemu_in_coroutine()) {
        return bdrv_co_pread(bs, 0, 1);
    }
    return bdrv_pread(bs, 0, 1);
}

int read_either2(BlockDriverState *bs)                  // expect: BC010 "mark it coroutine_mixed_fn" // expect-fixit: "coroutine_mixed_fn "
{
    if (!qemu_in_coroutine()) {
        return bdrv_pread(bs, 0, 1);
    }
    return bdrv_co_pread(bs, 0, 1);
}

/* Near miss: already marked. */
int coroutine_mixed_fn read_marked(BlockDriverState *bs)   // expect-not: BC010
{
    if (qemu_in_coroutine()) {
        return bdrv_co_pread(bs, 0, 1);
    }
    return bdrv_pread(bs, 0, 1);
}

/* Near miss: calls only the blocking twin. */
int read_plain(BlockDriverState *bs)                    // expect-not: BC010
{
    return bdrv_pread(bs, 0, 1);
}
