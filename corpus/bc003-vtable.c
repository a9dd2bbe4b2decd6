/* BC003 (a): a coroutine_fn vtable slot receives a plain function. */
#include <blkcheck/annotations.h>
#include "corpus.h"

static int null_flush(BlockDriverState *bs)
{
    return 0;
}

static int coroutine_fn null_co_preadv(BlockDriverState *bs, long off, long n)
{
    return 0;
}

static int coroutine_mixed_fn null_co_flush_mixed(BlockDriverState *bs)
{
    return 0;
}

static const BlockDriver bdrv_null = {
    .format_name = "null",
    .bdrv_co_preadv = null_co_preadv,           // expect-not: BC003
    .bdrv_co_flush = null_flush,                // expect: BC003 "'null_flush' is not coroutine_fn but is stored in coroutine_fn pointer 'BlockDriver::bdrv_co_flush'"
};

/* Near miss: a coroutine_mixed_fn may sit in a coroutine_fn slot. */
static const BlockDriver bdrv_null2 = {
    .format_name = "null2",
    .bdrv_co_flush = null_co_flush_mixed,       // expect-not: BC003
};

const BlockDriver *drivers[] = { &bdrv_null, &bdrv_null2 };

/* A driver filled in at start-up: a choice stores both of its functions. */
static BlockDriver bdrv_null3 = { .format_name = "null3" };

void bdrv_null3_init(int sync_flush)
{
    bdrv_null3.bdrv_co_flush = sync_flush ? null_flush : null_co_flush_mixed;   // expect: BC003
    bdrv_null3.bdrv_co_preadv = sync_flush ? null_co_preadv : NULL;              // expect-not: BC003
}

/* Near miss: comparing a slot with a coroutine_fn stores nothing. */
int bdrv_is_null_driver(const BlockDriver *drv)
{
    return drv->bdrv_co_preadv == null_co_preadv;                               // expect-not: BC003
}

/* An ops table typed by an anonymous struct: the typedef names the slot. */
typedef struct {
    int coroutine_fn (*co_flush)(BlockDriverState *bs);
} FlushOps;

static const FlushOps null_flush_ops = { .co_flush = null_flush };             // expect: BC003 "stored in coroutine_fn pointer 'FlushOps::co_flush'"
const FlushOps *flush_ops = &null_flush_ops;

/* A completion that is one of two callback kinds: a union's slots count. */
typedef union BlockCompletion {
    int coroutine_fn (*co_done)(BlockDriverState *bs);
    void (*bh_done)(void *opaque);
} BlockCompletion;

static const BlockCompletion flush_done = { .co_done = null_flush };           // expect: BC003 "stored in coroutine_fn pointer 'BlockCompletion::co_done'"
const BlockCompletion *flush_donep = &flush_done;

/* A table of drivers, and a driver written positionally. */
static const BlockDriver null_drivers[] = {
    { .format_name = "null-a", .bdrv_co_flush = null_flush },                  // expect: BC003
    { .format_name = "null-b", .bdrv_co_flush = null_co_flush_mixed },         // expect-not: BC003
};
const BlockDriver *null_driversp = null_drivers;

static const BlockDriver bdrv_null_positional = {
    "null-p", null_co_preadv, null_flush,                                       // expect: BC003
};
const BlockDriver *null_positionalp = &bdrv_null_positional;
