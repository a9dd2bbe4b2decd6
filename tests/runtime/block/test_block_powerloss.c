/*
 * test_block_powerloss.c - at a power loss, every write acknowledged before
 * a completed flush, and every write issued before a completed barrier,
 * survives.
 *
 * Runs on `vcache` (vcache-driver.h), a RAM disk whose write cache is lost
 * at a power loss, so a flush or barrier that does not make earlier writes
 * durable loses data here (unlike SIGKILL, which keeps the page cache; see
 * test_block_crash.c).  Eight coroutines write 4 KiB blocks, write number
 * `seq` to block seq - 1, each block once.  Every 32 acknowledgements one
 * writer flushes; about one write in 48 is a barrier (BDRV_REQ_BARRIER).
 *   - a flush that returns 0 promises the writes acknowledged before it
 *     began;
 *   - a barrier write that returns 0 promises itself and every write issued
 *     before it (every smaller seq).
 * In half the rounds the power goes exactly at the 2nd-9th such
 * completion; in the other half 0-23 acknowledgements after it.  In-flight
 * requests fail; the disk is powered on again and every promised block must
 * read back intact, every other block intact or zero.
 *
 * Each case runs directly on vcache and through a filter (testfilter), so
 * flushes must also cross a filter.
 *
 * Fault injection, for the tests that must fail (ctest checks the message):
 *   BLKCHECK_POWERLOSS_FAULT=flush    vcache drop-flush=on (flush keeps
 *                                     nothing)
 *   BLKCHECK_POWERLOSS_FAULT=barrier  barriers are issued as plain writes
 * A broken mechanism loses data in most rounds but not in every one (the
 * power may go just after a flush that covered the barrier), so with a
 * fault the rounds go on until the first loss, at most FAULT_MAX_ROUNDS.
 * BLKCHECK_STRESS_SECONDS=N repeats rounds for N seconds; BLKCHECK_SEED=S
 * fixes the random choices.  Context: main loop.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "rt-test.h"
#include "block-test.h"
#include "block/block_int.h"
#include "qemu/coroutine.h"
#include "sysemu/block-backend.h"
#include "test-filter.h"
#include "vcache-driver.h"

#define BLK             VCACHE_BLOCK
#define NBLOCKS         2048
#define WRITERS         8
#define FLUSH_EVERY     32
#define BARRIER_ONE_IN  48
#define FAULT_MAX_ROUNDS 400

typedef struct Round {
    BlockBackend *blk;
    VcacheState *vc;
    uint64_t rng;
    bool fault_barrier;
    /* writers */
    uint64_t next_seq;
    uint64_t *acked;            /* acknowledged since the last flush began */
    uint32_t n_acked;
    bool flushing;
    int writers;
    /* promises, made only by completions before the power loss */
    bool *promised;             /* [seq] */
    uint64_t barrier_upto;      /* every seq <= this is promised */
    int completions, target;
    bool loss_at_target;        /* the power goes at completion @target */
    int acks_after_target;      /* else this many acks after it */
    bool power_lost, stop;
    int errors_before_loss;
    int flushes_ok, barriers_ok;
} Round;

static void fill_block(uint8_t *buf, uint64_t seq)
{
    uint64_t *w = (uint64_t *)buf;

    for (size_t i = 0; i < BLK / 8; i++) {
        w[i] = bt_mix64(seq * 0x10000 + i);
    }
}

/* A promise was kept by a completion: maybe the power goes right now. */
static void round_completed(Round *r)
{
    if (++r->completions == r->target && r->loss_at_target && !r->power_lost) {
        vcache_power_loss(r->vc);
        r->power_lost = true;
    }
}

static void coroutine_fn round_flush(Round *r)
{
    uint32_t n = r->n_acked;
    uint64_t *snap = malloc(n * sizeof(uint64_t));
    int ret;

    memcpy(snap, r->acked, n * sizeof(uint64_t));
    r->n_acked = 0;
    r->flushing = true;
    ret = blk_co_flush(r->blk);
    r->flushing = false;
    if (ret == 0 && !r->power_lost) {
        for (uint32_t i = 0; i < n; i++) {
            r->promised[snap[i]] = true;
        }
        r->flushes_ok++;
        round_completed(r);
    } else if (ret < 0 && !r->power_lost) {
        r->errors_before_loss++;
    }
    free(snap);
}

static void coroutine_fn round_writer(void *opaque)
{
    Round *r = opaque;
    uint8_t *buf = aligned_alloc(BLK, BLK);

    while (!r->stop && !r->power_lost && r->next_seq <= NBLOCKS) {
        uint64_t seq = r->next_seq++;
        bool barrier = bt_rng_next(&r->rng) % BARRIER_ONE_IN == 0;
        BdrvRequestFlags flags = barrier && !r->fault_barrier ?
                                 BDRV_REQ_BARRIER : 0;
        int ret;

        fill_block(buf, seq);
        ret = blk_co_pwrite(r->blk, (int64_t)(seq - 1) * BLK, BLK, buf, flags);
        if (r->power_lost) {
            break;
        }
        if (ret < 0) {
            r->errors_before_loss++;
            break;
        }
        r->acked[r->n_acked++] = seq;
        if (!barrier && !r->loss_at_target && r->completions >= r->target &&
            --r->acks_after_target < 0) {
            vcache_power_loss(r->vc);
            r->power_lost = true;
            break;
        }
        if (barrier) {
            if (seq > r->barrier_upto) {
                r->barrier_upto = seq;
            }
            r->barriers_ok++;
            round_completed(r);
        }
        if (r->n_acked >= FLUSH_EVERY && !r->flushing) {
            round_flush(r);
        }
    }
    free(buf);
    r->writers--;
}

/* Read back after the power loss: promised blocks intact, others intact
 * or zero (blocks never issued are not read).  Returns the number of
 * promised blocks, or -1 with the first violation in @err (the caller
 * frees the round before failing, so sanitizers see no leak). */
static int verify(Round *r, char *err, size_t errlen)
{
    uint8_t *buf = aligned_alloc(BLK, BLK), *want = aligned_alloc(BLK, BLK);
    int promised = 0;

    for (uint64_t seq = 1; seq < r->next_seq; seq++) {
        bool must = r->promised[seq] || seq <= r->barrier_upto;
        bool zero = true;

        assert_int_equal(blk_pread(r->blk, (int64_t)(seq - 1) * BLK, BLK,
                                   buf, 0), 0);
        fill_block(want, seq);
        for (size_t i = 0; i < BLK && zero; i++) {
            zero = buf[i] == 0;
        }
        if (must && memcmp(buf, want, BLK) != 0) {
            snprintf(err, errlen, "powerloss: seq %" PRIu64 " was promised by "
                     "a completed %s but was lost at power loss (reads back "
                     "%s)", seq, r->promised[seq] ? "flush" : "barrier",
                     zero ? "as zeroes" : "damaged");
            promised = -1;
            break;
        }
        if (!zero && memcmp(buf, want, BLK) != 0) {
            snprintf(err, errlen, "powerloss: seq %" PRIu64 " reads back "
                     "damaged", seq);
            promised = -1;
            break;
        }
        promised += must;
    }
    free(buf);
    free(want);
    return promised;
}

/* Returns the number of cached blocks the power loss dropped. */
static int64_t run_round(const char *opts, uint64_t *rng, bool fault_barrier)
{
    Error *err = NULL;
    Round r = {
        .rng = bt_rng_next(rng), .fault_barrier = fault_barrier, .next_seq = 1,
        .acked = calloc(NBLOCKS, sizeof(uint64_t)),
        .promised = calloc(NBLOCKS + 1, sizeof(bool)),
    };
    AioContext *ctx = qemu_get_aio_context();
    BlockDriverState *bs;
    int promised;
    int64_t dropped;
    char lost[256];

    r.target = 2 + (int)(bt_rng_next(rng) % 8);
    r.loss_at_target = bt_rng_next(rng) % 2 == 0;
    r.acks_after_target = (int)(bt_rng_next(rng) % 24);
    r.blk = blk_new_open("powerloss", opts, &err);
    if (!r.blk) {
        fail_msg("powerloss: open '%s': %s", opts, error_get_pretty(err));
    }
    bdrv_graph_rdlock_main_loop();
    bs = blk_bs(r.blk);
    if (strcmp(bs->drv->format_name, "vcache")) {
        bs = bs->file->bs;
    }
    r.vc = bs->opaque;
    bdrv_graph_rdunlock_main_loop();

    for (int i = 0; i < WRITERS; i++) {
        r.writers++;
        qemu_coroutine_enter(qemu_coroutine_create(round_writer, &r));
    }
    while (!r.power_lost && r.writers > 0) {
        aio_poll(ctx, true);
    }
    if (!r.power_lost) {
        vcache_power_loss(r.vc);
        r.power_lost = true;
    }
    r.stop = true;
    while (r.writers > 0) {
        aio_poll(ctx, true);
    }
    vcache_power_on(r.vc);
    r.vc->latency_ns = 0;       /* verification needs no delays */
    assert_int_equal(r.errors_before_loss, 0);
    promised = verify(&r, lost, sizeof(lost));
    printf("# %s: %d flushes, %d barriers completed before the power loss; "
           "%d blocks promised intact, %" PRId64 " cached blocks dropped\n",
           opts, r.flushes_ok, r.barriers_ok, promised, r.vc->dropped_blocks);
    dropped = r.vc->dropped_blocks;
    blk_unref(r.blk);
    free(r.acked);
    free(r.promised);
    if (promised < 0) {
        fail_msg("%s", lost);
    }
    assert_true(promised > 0);
    return dropped;
}

/* @base opens the stack; @vc is the option prefix of the vcache node. */
static void powerloss_test(const char *base, const char *vc)
{
    const char *s = getenv("BLKCHECK_SEED");
    const char *fault = getenv("BLKCHECK_POWERLOSS_FAULT");
    uint64_t seed = s ? strtoull(s, NULL, 0) :
                    (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
    int64_t end = qemu_clock_get_ns() + rt_stress_seconds() * 1000000000LL;
    bool fault_flush = fault && !strcmp(fault, "flush");
    bool fault_barrier = fault && !strcmp(fault, "barrier");
    char opts[256];
    uint64_t rng = seed;
    int64_t dropped = 0;

    if (fault && !fault_flush && !fault_barrier) {
        fail_msg("powerloss: unknown BLKCHECK_POWERLOSS_FAULT '%s'", fault);
    }
    snprintf(opts, sizeof(opts), "%s,%ssize=%d,%slatency-ns=200000,"
             "%sdrop-flush=%s", base, vc, NBLOCKS * BLK, vc, vc,
             fault_flush ? "on" : "off");
    printf("# %s seed=0x%" PRIx64 " (BLKCHECK_SEED)%s%s\n", base, seed,
           fault ? " fault=" : "", fault ? fault : "");
    /* With a fault, run_round fails the test at the first broken promise.
     * Without one, rounds go on (up to the same bound) until some power
     * loss found data in the cache: one that hit an empty cache proved
     * nothing (under load the power may always go right after a flush). */
    int rounds = fault ? FAULT_MAX_ROUNDS : 6, round;
    for (round = 0; round < rounds || qemu_clock_get_ns() < end ||
                    (dropped == 0 && round < FAULT_MAX_ROUNDS); round++) {
        dropped += run_round(opts, &rng, fault_barrier);
    }
    if (fault) {
        fail_msg("powerloss: fault=%s broke no promise in %d rounds: the "
                 "test no longer sees the mechanism", fault, rounds);
    }
    if (dropped == 0) {
        fail_msg("powerloss: %d power losses all hit an empty cache", round);
    }
}

static void test_powerloss_direct(void **state)
{
    (void)state;
    powerloss_test("driver=vcache", "");
}

static void test_powerloss_filter(void **state)
{
    (void)state;
    powerloss_test("driver=testfilter,file.driver=vcache", "file.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_powerloss_direct),
        cmocka_unit_test(test_powerloss_filter),
    };

    bdrv_register(&bdrv_vcache);
    test_filter_register();
    return cmocka_run_group_tests(tests, rt_group_setup, rt_group_teardown);
}
