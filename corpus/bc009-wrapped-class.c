/* BC009 with the code classes opened by a project's own macros that wrap
 * GLOBAL_STATE_CODE() and IO_CODE() (a trace point beside the assertion).
 * The label comes from the marker function the wrapped macro calls in the
 * first statement; a marker later in the body labels nothing. */
#include <blkcheck/annotations.h>
#include "corpus.h"

extern int trace_enabled;
void trace_entry(const char *fn);

#define BDRV_GS_ENTRY() \
    do { if (trace_enabled) { trace_entry(__func__); } GLOBAL_STATE_CODE(); } while (0)
#define BDRV_IO_ENTRY() do { IO_CODE(); trace_entry(__func__); } while (0)

void bdrv_refresh_limits(BlockDriverState *bs)
{
    BDRV_GS_ENTRY();
    bs->in_flight = 0;
}

void blk_io_limits(BlockDriverState *bs)
{
    BDRV_IO_ENTRY();
    bdrv_refresh_limits(bs);                    // expect: BC009 "calls GLOBAL_STATE_CODE function 'bdrv_refresh_limits'"
}

void blk_io_stats(BlockDriverState *bs)
{
    bs->in_flight--;
    BDRV_IO_ENTRY();
    bdrv_refresh_limits(bs);                    // expect-not: BC009
}
