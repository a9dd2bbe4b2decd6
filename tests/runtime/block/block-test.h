/*
 * block-test.h - helpers shared by the block layer tests: open a backend
 * or fail the test, read a backend's root node from the main loop, load a
 * counter another thread updates, mix and generate test numbers.
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

/* A 64-bit mixer (splitmix64's finalizer): test data and seeds. */
static inline uint64_t bt_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The next number of the generator whose state is *@state. */
static inline uint64_t bt_rng_next(uint64_t *state)
{
    *state = bt_mix64(*state);
    return *state;
}

#endif /* BLOCK_TEST_H */
