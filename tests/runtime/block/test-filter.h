/*
 * test-filter.h - `testfilter`: a filter driver for the graph tests.  It
 * opens its child with bdrv_open_child("file", FILTERED), passes every
 * request to bs->file unchanged and counts requests and closes, so a test
 * can see that I/O went through it and when it was closed.
 *
 *   driver=testfilter,file=NODE | file.driver=...,tag=N
 *
 * Context: opened and closed in the main loop; the I/O callbacks run in
 * any thread (the counters are atomics).  Register it once per process
 * with test_filter_register().
 */
#ifndef TEST_FILTER_H
#define TEST_FILTER_H

#include <errno.h>

#include "block/block_int.h"
#include "qemu/atomic.h"

static int64_t test_filter_requests;    /* atomic */
static int test_filter_closes;          /* main loop */
static uint64_t test_filter_last_tag;   /* main loop */

static int test_filter_open(BlockDriverState *bs, BlockOpts *opts,
                            Error **errp)
{
    if (!block_opts_get_uint(opts, "tag", 0, &test_filter_last_tag, errp)) {
        return -EINVAL;
    }
    if (!bdrv_open_child(bs, opts, "file", BDRV_CHILD_FILTERED, errp)) {
        return -EINVAL;
    }
    return 0;
}

static void test_filter_close(BlockDriverState *bs)
{
    (void)bs;
    test_filter_closes++;
}

static int coroutine_fn GRAPH_RDLOCK test_filter_co_preadv(
    BlockDriverState *bs, int64_t offset, int64_t bytes, QEMUIOVector *qiov,
    BdrvRequestFlags flags)
{
    qatomic_inc(&test_filter_requests);
    return bdrv_co_preadv(bs->file, offset, bytes, qiov, flags);
}

static int coroutine_fn GRAPH_RDLOCK test_filter_co_pwritev(
    BlockDriverState *bs, int64_t offset, int64_t bytes, QEMUIOVector *qiov,
    BdrvRequestFlags flags)
{
    qatomic_inc(&test_filter_requests);
    return bdrv_co_pwritev(bs->file, offset, bytes, qiov, flags);
}

static int coroutine_fn GRAPH_RDLOCK test_filter_co_flush(BlockDriverState *bs)
{
    return bdrv_co_flush(bs->file->bs);
}

static const BlockDriver bdrv_test_filter = {
    .format_name = "testfilter",
    .is_filter = true,
    .bdrv_open = test_filter_open,
    .bdrv_close = test_filter_close,
    .bdrv_co_preadv = test_filter_co_preadv,
    .bdrv_co_pwritev = test_filter_co_pwritev,
    .bdrv_co_flush = test_filter_co_flush,
};

static inline void test_filter_register(void)
{
    if (!bdrv_find_driver("testfilter")) {
        bdrv_register(&bdrv_test_filter);
    }
}

#endif /* TEST_FILTER_H */
