/*
 * test_block_powerloss.c - a power cut keeps every write acknowledged
 * before a completed flush, on a device whose write cache is volatile.
 *
 * SIGKILL (test_block_crash) keeps the page cache, so it cannot tell a
 * flush that works from one that does nothing.  This test runs on
 * volcache (volcache-driver.h): writes are acknowledged from a volatile
 * cache and reach the medium only through a flush; a power cut keeps the
 * medium alone.
 *
 * Writer coroutines in two IOThreads and the main loop write 4 KiB blocks
 * through one BlockBackend: write number seq goes to block seq - 1, each
 * block is written once and carries seq, its index and a checksum.  A
 * completed write appends its seq to the "acknowledged" log.  A flusher
 * notes how long the log is, calls blk_co_flush() and, when it returns 0,
 * declares that prefix durable.  At a random moment, with writes and
 * flushes in flight, the test cuts the power: it reads how much is durable,
 * then snapshots the medium.  Every durable seq must read back intact from
 * the snapshot; the rest may be missing.
 *
 * `test_block_powerloss broken` runs the same on flush=broken and must fail
 * with "acknowledged before a completed flush ... lost" (a ctest checks the
 * message): the test does catch a flush that does nothing.
 * BLKCHECK_STRESS_SECONDS=N runs power cuts for N seconds instead of 4.
 *
 * Context: main loop, two IOThreads.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "block-test.h"
#include "rt-test.h"
#include "block/aio-wait.h"
#include "qemu/coroutine.h"
#include "volcache-driver.h"

#define BLK         4096
#define NBLOCKS     2048                    /* 8 MiB */
#define WRITERS     12
#define THREADS     2
#define MAGIC       0x706f7765726c6f73ull   /* "powerlos" */

typedef struct Block {
    uint64_t magic, seq, index, sum;
    uint8_t body[BLK - 32];
} Block;

typedef struct Run {
    BlockBackend *blk;
    pthread_mutex_t lock;
    uint64_t next_seq;                      /* atomic */
    uint64_t acked[NBLOCKS];                /* under lock */
    size_t n_acked;                         /* under lock */
    size_t durable;                         /* atomic: acked[0..durable) */
    int stop;                               /* atomic */
    int running;                            /* atomic: coroutines alive */
    int errors;                             /* atomic */
} Run;

static uint64_t checksum(const Block *b)
{
    const uint8_t *p = (const uint8_t *)b;
    uint64_t h = 1469598103934665603ull;

    for (size_t i = 0; i < sizeof(*b); i++) {
        if (i < offsetof(Block, sum) || i >= offsetof(Block, body)) {
            h = (h ^ p[i]) * 1099511628211ull;
        }
    }
    return h;
}

static void fill(Block *b, uint64_t seq)
{
    b->magic = MAGIC;
    b->seq = seq;
    b->index = seq - 1;
    for (size_t i = 0; i < sizeof(b->body); i++) {
        b->body[i] = (uint8_t)(seq * 31 + i);
    }
    b->sum = checksum(b);
}

static bool intact(const Block *b, uint64_t seq)
{
    Block want;

    fill(&want, seq);
    return memcmp(b, &want, sizeof(want)) == 0;
}

static void coroutine_fn writer_entry(void *opaque)
{
    Run *r = opaque;
    Block *b = aligned_alloc(BLK, BLK);

    while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
        uint64_t seq = __atomic_add_fetch(&r->next_seq, 1, __ATOMIC_SEQ_CST);
        if (seq > NBLOCKS) {
            break;
        }
        fill(b, seq);
        if (blk_co_pwrite(r->blk, (int64_t)(seq - 1) * BLK, BLK, b, 0) < 0) {
            __atomic_add_fetch(&r->errors, 1, __ATOMIC_SEQ_CST);
            break;
        }
        pthread_mutex_lock(&r->lock);
        r->acked[r->n_acked++] = seq;
        pthread_mutex_unlock(&r->lock);
    }
    free(b);
    __atomic_sub_fetch(&r->running, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

static void coroutine_fn flusher_entry(void *opaque)
{
    Run *r = opaque;

    while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
        size_t before;

        pthread_mutex_lock(&r->lock);
        before = r->n_acked;
        pthread_mutex_unlock(&r->lock);
        if (blk_co_flush(r->blk) < 0) {
            __atomic_add_fetch(&r->errors, 1, __ATOMIC_SEQ_CST);
            break;
        }
        /* Everything acknowledged before the flush began is durable. */
        __atomic_store_n(&r->durable, before, __ATOMIC_SEQ_CST);
        qemu_co_sleep_ns(300 * 1000);
    }
    __atomic_sub_fetch(&r->running, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

static bool all_stopped(Run *r)
{
    return __atomic_load_n(&r->running, __ATOMIC_SEQ_CST) == 0;
}

/* One run up to a power cut; returns the number of durable writes lost. */
static size_t one_power_cut(IOThread **threads, const char *opts, unsigned *seed,
                            size_t *durable_out)
{
    Run *r = calloc(1, sizeof(*r));
    struct timespec cut = { 0, (long)(20 + rand_r(seed) % 180) * 1000 * 1000 };
    size_t lost = 0, durable;
    uint64_t *acked;
    uint8_t *medium;
    int64_t size;

    assert_non_null(r);
    pthread_mutex_init(&r->lock, NULL);
    r->blk = bt_open_blk(opts);
    r->running = WRITERS + 1;
    for (int i = 0; i < WRITERS; i++) {
        AioContext *ctx = i % (THREADS + 1) == THREADS
                          ? qemu_get_aio_context()
                          : iothread_get_aio_context(threads[i % (THREADS + 1)]);
        aio_co_schedule(ctx, qemu_coroutine_create(writer_entry, r));
    }
    aio_co_schedule(iothread_get_aio_context(threads[0]),
                    qemu_coroutine_create(flusher_entry, r));

    /* Let I/O run in the main loop too, then cut the power mid-flight:
     * first how much is durable, then the medium (a flush that completes
     * in between only adds to the medium). */
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        aio_poll(qemu_get_aio_context(), false);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) <
             cut.tv_nsec);
    durable = __atomic_load_n(&r->durable, __ATOMIC_SEQ_CST);
    medium = volcache_power_loss(bt_root(r->blk), &size);

    __atomic_store_n(&r->stop, 1, __ATOMIC_SEQ_CST);
    AIO_WAIT_WHILE(qemu_get_aio_context(), !all_stopped(r));
    assert_int_equal(__atomic_load_n(&r->errors, __ATOMIC_SEQ_CST), 0);

    acked = r->acked;
    for (size_t i = 0; i < durable; i++) {
        const Block *b = (const Block *)(medium + (acked[i] - 1) * BLK);
        if (!intact(b, acked[i])) {
            if (lost++ < 5) {
                printf("write %" PRIu64 " (block %" PRIu64 "), acknowledged before a "
                       "completed flush, was lost at the power cut\n", acked[i], acked[i] - 1);
            }
        }
    }
    *durable_out = durable;
    free(medium);
    blk_unref(r->blk);
    pthread_mutex_destroy(&r->lock);
    free(r);
    return lost;
}

/* Power cuts for a few seconds on @opts; returns the durable writes lost. */
static size_t power_cuts(const char *opts)
{
    IOThread *threads[THREADS];
    long seconds = rt_stress_seconds() > 0 ? rt_stress_seconds() : 4;
    const char *s = getenv("BLKCHECK_SEED");
    unsigned seed = s ? (unsigned)strtoul(s, NULL, 10) : (unsigned)time(NULL);
    time_t end = time(NULL) + seconds;
    size_t lost = 0, rounds = 0, durable_total = 0;

    printf("power cuts on %s for %lds, BLKCHECK_SEED=%u\n", opts, seconds, seed);
    assert_int_equal(rt_iothreads_start(threads, THREADS, "pl"), 0);
    do {
        size_t durable;
        lost += one_power_cut(threads, opts, &seed, &durable);
        durable_total += durable;
        rounds++;
    } while (time(NULL) < end);
    rt_iothreads_stop(threads, THREADS);
    printf("%zu power cuts, %zu durable writes checked, %zu lost\n", rounds, durable_total,
           lost);
    /* A run that never completed a flush checked nothing: not a pass. */
    assert_true(durable_total > 0);
    return lost;
}

static void test_powerloss(void **state)
{
    (void)state;
    assert_int_equal(power_cuts("driver=volcache,size=8M,latency-ns=200000"), 0);
}

static void test_powerloss_broken_flush(void **state)
{
    size_t lost;

    (void)state;
    lost = power_cuts("driver=volcache,size=8M,latency-ns=200000,flush=broken");
    if (lost) {
        fail_msg("%zu writes acknowledged before a completed flush were lost", lost);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_powerloss),
    };
    const struct CMUnitTest broken[] = {
        cmocka_unit_test(test_powerloss_broken_flush),
    };

    bdrv_register(&bdrv_volcache);
    if (argc == 2 && !strcmp(argv[1], "broken")) {
        return cmocka_run_group_tests(broken, rt_group_setup, rt_group_teardown);
    }
    return cmocka_run_group_tests(tests, rt_group_setup, rt_group_teardown);
}
