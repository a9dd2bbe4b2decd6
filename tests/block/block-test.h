/*
 * block-test.h - helpers shared by the block layer tests: open a backend
 * or fail the test, read a backend's root node from the main loop, load a
 * counter another thread updates.
 * Context: main loop (the test's thread) unless noted.
 */
#ifndef BLOCK_TEST_H
#define BLOCK_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sysemu/block-backend.h"

/* blk_new_open() or fail the test with the error message. */
static inline BlockBackend *bt_open_blk(const char *opts)
{
    Error *err = NULL;
    BlockBackend *blk = blk_new_open(NULL, opts, &err);

    if (!blk) {
        fail_msg("open '%s': %s", opts, error_get_pretty(err));
    }
    return blk;
}

/* Returns: @blk's root node (borrowed). */
static inline BlockDriverState *bt_root(BlockBackend *blk)
{
    BlockDriverState *bs;

    bdrv_graph_rdlock_main_loop();
    bs = blk_bs(blk);
    bdrv_graph_rdunlock_main_loop();
    return bs;
}

/* A counter updated atomically by other threads.  Any thread. */
static inline int64_t bt_load(const int64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

#endif /* BLOCK_TEST_H */
