/* BC010 and addresses that escape through a variadic argument (a trace or
 * log call) or a data pointer of a table: no slot holds them, so any
 * caller may reach them and there is no suggestion. */
#include <blkcheck/annotations.h>
#include "corpus.h"

void trace_callback(const char *fmt, ...);

typedef struct NamedHandler {
    const char *name;
    void *handler;
} NamedHandler;

static int traced(BlockDriverState *bs)                 // expect-not: BC010
{
    return bdrv_co_pread(bs, 0, 1);             // expect: BC001
}

static int tabled(BlockDriverState *bs)                 // expect-not: BC010
{
    return bdrv_co_pread(bs, 0, 2);             // expect: BC001
}

static const NamedHandler handlers[] = {
    { .name = "tabled", .handler = tabled },
};

int coroutine_fn co_read_both(BlockDriverState *bs)
{
    trace_callback("read %p", traced);
    return traced(bs) + tabled(bs) + (handlers[0].handler != 0);
}
