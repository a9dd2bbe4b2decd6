/*
 * test_throttle_bucket.c - the throttle filter's bucket arithmetic
 * (runtime/block/throttle-bucket.c) on a fake clock: rates, bursts,
 * read/write/total interplay, bytes and IOPS together, large requests,
 * exact wait times, FIFO order, and the configuration errors.
 *
 * Single-threaded: the buckets are pure functions of their inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "throttle-bucket.h"

#define MS 1000000LL
#define SEC 1000000000LL

/* A fake clock that starts far from zero, like CLOCK_MONOTONIC does. */
#define T0 (1000 * SEC)

static ThrottleState state_of(ThrottleBucketKind k, uint64_t rate,
                              uint64_t max)
{
    ThrottleConfig cfg = { 0 };
    ThrottleState ts;

    cfg.limit[k].rate = rate;
    cfg.limit[k].max = max;
    assert_true(throttle_config_check(&cfg, NULL));
    throttle_state_init(&ts, &cfg);
    return ts;
}

static void test_unlimited(void **state)
{
    ThrottleConfig cfg = { 0 };
    ThrottleState ts;

    (void)state;
    throttle_state_init(&ts, &cfg);
    assert_false(throttle_state_enabled(&ts));
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(throttle_account(&ts, i & 1, 1 << 20, T0), 0);
    }
}

/* No burst: requests arriving together are spaced at exactly 1/rate. */
static void test_iops_rate_exact(void **state)
{
    ThrottleState ts = state_of(THROTTLE_IOPS_TOTAL, 100, 0);

    (void)state;
    assert_true(throttle_state_enabled(&ts));
    for (int i = 0; i < 50; i++) {
        assert_int_equal(throttle_account(&ts, THROTTLE_READ, 4096, T0),
                         i * 10 * MS);
    }
    /* Arriving exactly when the reserved slots run out: no wait. */
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 4096,
                                      T0 + 500 * MS), 0);
    /* 3 ms later the next slot is 7 ms away. */
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 4096,
                                      T0 + 503 * MS), 7 * MS);
}

/* A rate that does not divide 1e9 accumulates no rounding error. */
static void test_no_drift(void **state)
{
    ThrottleState ts = state_of(THROTTLE_IOPS_TOTAL, 3, 0);
    int64_t w = 0;

    (void)state;
    for (int i = 0; i < 3000; i++) {
        w = throttle_account(&ts, THROTTLE_READ, 512, T0);
        /* ceil(i * 1e9 / 3) */
        assert_int_equal(w, (i * SEC + 2) / 3);
    }
    assert_int_equal(w, 999666666667LL);
}

/* A capacity of `max` lets max requests through at once, then the rate
 * applies; idle time refills it at the rate and no further. */
static void test_iops_burst_and_refill(void **state)
{
    ThrottleState ts = state_of(THROTTLE_IOPS_TOTAL, 100, 250);
    int64_t t;

    (void)state;
    for (int i = 0; i < 250; i++) {
        assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 512, T0), 0);
    }
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 512, T0), 10 * MS);
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 512, T0), 20 * MS);

    /* Level 252 at T0; one second later 152 are left: 98 fit at once. */
    t = T0 + SEC;
    for (int i = 0; i < 98; i++) {
        assert_int_equal(throttle_account(&ts, THROTTLE_READ, 512, t), 0);
    }
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 512, t), 10 * MS);

    /* After a long idle time the bucket is full capacity again, not more. */
    t += 100 * SEC;
    for (int i = 0; i < 250; i++) {
        assert_int_equal(throttle_account(&ts, THROTTLE_READ, 512, t), 0);
    }
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 512, t), 10 * MS);
}

/* bps: the wait is the request's share of a second, exactly. */
static void test_bps_rate_exact(void **state)
{
    ThrottleState ts = state_of(THROTTLE_BPS_TOTAL, 1 << 20, 0);

    (void)state;
    for (int i = 0; i < 64; i++) {
        /* 4096 B at 1 MiB/s = 3906250 ns each. */
        assert_int_equal(throttle_account(&ts, THROTTLE_READ, 4096, T0),
                         i * 3906250LL);
    }
    /* A 1 MiB request then waits its own second behind them. */
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 1 << 20, T0),
                     250 * MS);
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 1, T0),
                     1250 * MS);
}

/* A request larger than the capacity passes once the bucket is empty, and
 * its whole cost delays the next one. */
static void test_large_request(void **state)
{
    ThrottleState ts = state_of(THROTTLE_BPS_WRITE, 1000, 1000);

    (void)state;
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 5000, T0), 0);
    /* Level 5000 must drain to 999 before 1 more byte fits. */
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 1, T0),
                     4001 * MS);
    /* The next big one waits for empty: 5001 bytes in at T0 + 4.001 s. */
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 3000, T0),
                     5001 * MS);
    /* Reads are not limited by a write bucket. */
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 1 << 30, T0), 0);
}

/* Read and write buckets are independent of each other. */
static void test_read_write_independent(void **state)
{
    ThrottleConfig cfg = { 0 };
    ThrottleState ts;

    (void)state;
    cfg.limit[THROTTLE_IOPS_READ].rate = 10;
    cfg.limit[THROTTLE_IOPS_WRITE].rate = 20;
    assert_true(throttle_config_check(&cfg, NULL));
    throttle_state_init(&ts, &cfg);
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 512, T0), 0);
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 512, T0), 0);
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 512, T0), 100 * MS);
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 512, T0), 50 * MS);
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 512, T0), 100 * MS);
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 512, T0), 200 * MS);
}

/* A total bucket is shared by both directions. */
static void test_total_shared(void **state)
{
    ThrottleState ts = state_of(THROTTLE_IOPS_TOTAL, 10, 0);

    (void)state;
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 512, T0), 0);
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 512, T0), 100 * MS);
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 512, T0), 200 * MS);
}

/* Total of one kind with per-direction limits of the other kind: the
 * request waits for the slowest bucket and is charged in all of them. */
static void test_bytes_and_iops(void **state)
{
    ThrottleConfig cfg = { 0 };
    ThrottleState ts;

    (void)state;
    cfg.limit[THROTTLE_IOPS_TOTAL].rate = 1000;   /* 1 ms per request */
    cfg.limit[THROTTLE_BPS_READ].rate = 1000;     /* 1 ms per byte */
    cfg.limit[THROTTLE_BPS_WRITE].rate = 100000;  /* 10 us per byte */
    assert_true(throttle_config_check(&cfg, NULL));
    throttle_state_init(&ts, &cfg);

    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 100, T0), 0);
    /* bps-read: 100 ms for the first read's bytes. */
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 1, T0), 100 * MS);
    /* Writes only meet the iops slots: read reservations at 0 and 100 ms
     * leave the slot after 101 ms (a later request never overtakes). */
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 10, T0), 101 * MS);
    /* bps-write: 10 bytes = 100 us, iops: 1 ms -> 102 ms. */
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 10, T0), 102 * MS);
    /* A small write after a big one: bps-write dominates. */
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 1000, T0), 103 * MS);
    assert_int_equal(throttle_account(&ts, THROTTLE_WRITE, 1, T0), 113 * MS);
}

/* FIFO: with mixed sizes arriving together, waits never decrease. */
static void test_fifo_order(void **state)
{
    ThrottleConfig cfg = { 0 };
    ThrottleState ts;
    int64_t prev = 0;

    (void)state;
    cfg.limit[THROTTLE_BPS_TOTAL].rate = 1 << 20;
    cfg.limit[THROTTLE_BPS_TOTAL].max = 2 << 20;
    cfg.limit[THROTTLE_IOPS_TOTAL].rate = 500;
    throttle_state_init(&ts, &cfg);
    srandom(7);
    for (int i = 0; i < 2000; i++) {
        uint64_t bytes = 512ULL << (random() % 12);
        int64_t w = throttle_account(&ts, random() & 1, bytes, T0);

        assert_true(w >= prev);
        prev = w;
    }
}

/*
 * The promise itself, for random traffic on every bucket: over any
 * interval [s_i, s_j] of start times the units started in a bucket are at
 * most rate * (s_j - s_i) + capacity, or one request alone when it is
 * larger than the capacity.
 */
#define NREQ 600

typedef struct Started {
    int64_t start;
    int dir;
    uint64_t bytes;
} Started;

static int cmp_start(const void *a, const void *b)
{
    const Started *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* Returns: false (with a message) when bucket @k of limit @l was exceeded
 * by the requests @r (sorted by start). */
static bool bucket_within_limit(const Started *r, int n, ThrottleBucketKind k,
                                const ThrottleLimit *l)
{
    bool is_bps = k >= THROTTLE_BPS_TOTAL;
    int dir = (int)(k - (is_bps ? THROTTLE_BPS_TOTAL : THROTTLE_IOPS_TOTAL)) - 1;

    if (!l->rate) {
        return true;
    }
    for (int i = 0; i < n; i++) {
        __int128 units = 0;
        uint64_t biggest = 0;

        for (int j = i; j < n; j++) {
            uint64_t c;
            __int128 allowed;

            if (dir >= 0 && r[j].dir != dir) {
                continue;
            }
            c = is_bps ? r[j].bytes : 1;
            units += c;
            biggest = c > biggest ? c : biggest;
            allowed = (__int128)(r[j].start - r[i].start) * l->rate / SEC +
                      (l->max > biggest ? l->max : biggest) + 1;
            if (units > allowed) {
                print_message("%s: %lld units in [%lld, %lld] ns\n",
                              throttle_bucket_name(k), (long long)units,
                              (long long)r[i].start, (long long)r[j].start);
                return false;
            }
        }
    }
    return true;
}

static void test_random_traffic_respects_limits(void **state)
{
    static const ThrottleLimit shapes[][THROTTLE_BUCKET_COUNT] = {
        { { 200, 0 }, { 0, 0 }, { 0, 0 }, { 1 << 20, 0 }, { 0, 0 }, { 0, 0 } },
        { { 0, 0 }, { 300, 600 }, { 100, 0 }, { 0, 0 }, { 1 << 20, 4 << 20 },
          { 512 << 10, 0 } },
        { { 1000, 5000 }, { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 },
          { 100000, 200000 } },
    };
    static Started r[NREQ];

    (void)state;
    srandom(42);
    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        ThrottleConfig cfg;
        ThrottleState ts;
        int64_t now = T0;

        memcpy(cfg.limit, shapes[s], sizeof(cfg.limit));
        assert_true(throttle_config_check(&cfg, NULL));
        throttle_state_init(&ts, &cfg);
        for (int i = 0; i < NREQ; i++) {
            now += random() % (5 * MS);
            r[i].dir = random() & 1;
            r[i].bytes = 512ULL << (random() % 10);
            r[i].start = now + throttle_account(&ts, r[i].dir, r[i].bytes, now);
            assert_true(r[i].start >= now);
        }
        qsort(r, NREQ, sizeof(r[0]), cmp_start);
        for (int k = 0; k < THROTTLE_BUCKET_COUNT; k++) {
            assert_true(bucket_within_limit(r, NREQ, k, &cfg.limit[k]));
        }
    }
}

/* The checker above must be able to fail: no throttling breaks it. */
static void test_checker_detects_excess(void **state)
{
    ThrottleLimit l = { 10, 0 };
    Started r[20];

    (void)state;
    for (int i = 0; i < 20; i++) {
        r[i] = (Started){ .start = T0 + i * MS, .dir = 0, .bytes = 512 };
    }
    assert_false(bucket_within_limit(r, 20, THROTTLE_IOPS_TOTAL, &l));
    l.max = 20;
    assert_true(bucket_within_limit(r, 20, THROTTLE_IOPS_TOTAL, &l));
}

static void expect_config_error(const ThrottleConfig *cfg, const char *msg)
{
    Error *err = NULL;

    assert_false(throttle_config_check(cfg, &err));
    assert_non_null(err);
    assert_string_equal(error_get_pretty(err), msg);
    error_free(err);
}

static void test_config_errors(void **state)
{
    ThrottleConfig cfg = { 0 };

    (void)state;
    cfg.limit[THROTTLE_IOPS_TOTAL].rate = 100;
    cfg.limit[THROTTLE_IOPS_READ].rate = 10;
    expect_config_error(&cfg, "iops-total cannot be combined with iops-read "
                        "or iops-write");

    memset(&cfg, 0, sizeof(cfg));
    cfg.limit[THROTTLE_BPS_TOTAL].rate = 100;
    cfg.limit[THROTTLE_BPS_WRITE].rate = 10;
    expect_config_error(&cfg, "bps-total cannot be combined with bps-read "
                        "or bps-write");

    memset(&cfg, 0, sizeof(cfg));
    cfg.limit[THROTTLE_BPS_READ].rate = 1000;
    cfg.limit[THROTTLE_BPS_READ].max = 999;
    expect_config_error(&cfg, "bps-read-max (999) must not be below "
                        "bps-read (1000)");

    memset(&cfg, 0, sizeof(cfg));
    cfg.limit[THROTTLE_IOPS_WRITE].max = 50;
    expect_config_error(&cfg, "iops-write-max needs iops-write");

    memset(&cfg, 0, sizeof(cfg));
    cfg.limit[THROTTLE_IOPS_READ].rate = THROTTLE_VALUE_MAX + 1;
    expect_config_error(&cfg, "iops-read must be at most 1000000000000000, "
                        "not 1000000000000001");

    memset(&cfg, 0, sizeof(cfg));
    cfg.limit[THROTTLE_BPS_WRITE].rate = 1;
    cfg.limit[THROTTLE_BPS_WRITE].max = UINT64_MAX;
    expect_config_error(&cfg, "bps-write-max must be at most "
                        "1000000000000000, not 18446744073709551615");

    /* Valid mixes: total of one kind with read/write of the other; the
     * largest values; max equal to the rate. */
    memset(&cfg, 0, sizeof(cfg));
    cfg.limit[THROTTLE_IOPS_TOTAL].rate = THROTTLE_VALUE_MAX;
    cfg.limit[THROTTLE_IOPS_TOTAL].max = THROTTLE_VALUE_MAX;
    cfg.limit[THROTTLE_BPS_READ].rate = 7;
    cfg.limit[THROTTLE_BPS_READ].max = 7;
    cfg.limit[THROTTLE_BPS_WRITE].rate = 1;
    assert_true(throttle_config_check(&cfg, NULL));
}

/* The largest rates and a huge request neither overflow nor misorder. */
static void test_extremes(void **state)
{
    ThrottleConfig cfg = { 0 };
    ThrottleState ts;

    (void)state;
    cfg.limit[THROTTLE_BPS_TOTAL].rate = THROTTLE_VALUE_MAX;
    cfg.limit[THROTTLE_BPS_TOTAL].max = THROTTLE_VALUE_MAX;
    throttle_state_init(&ts, &cfg);
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, UINT64_MAX, T0), 0);
    /* 1.8e19 bytes at 1e15/s: the next byte waits ~18446 s. */
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, 1, T0),
                     (int64_t)(((__int128)UINT64_MAX * SEC -
                                (__int128)(THROTTLE_VALUE_MAX - 1) * SEC +
                                THROTTLE_VALUE_MAX - 1) / THROTTLE_VALUE_MAX));

    ts = state_of(THROTTLE_BPS_TOTAL, 1, 0);
    assert_int_equal(throttle_account(&ts, THROTTLE_READ, UINT64_MAX, T0), 0);
    /* Clamped, still positive and finite. */
    assert_true(throttle_account(&ts, THROTTLE_READ, 1, T0) > 0);

    assert_string_equal(throttle_bucket_name(THROTTLE_BPS_WRITE), "bps-write");
    assert_string_equal(throttle_bucket_name(THROTTLE_BUCKET_COUNT), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unlimited),
        cmocka_unit_test(test_iops_rate_exact),
        cmocka_unit_test(test_no_drift),
        cmocka_unit_test(test_iops_burst_and_refill),
        cmocka_unit_test(test_bps_rate_exact),
        cmocka_unit_test(test_large_request),
        cmocka_unit_test(test_read_write_independent),
        cmocka_unit_test(test_total_shared),
        cmocka_unit_test(test_bytes_and_iops),
        cmocka_unit_test(test_fifo_order),
        cmocka_unit_test(test_random_traffic_respects_limits),
        cmocka_unit_test(test_checker_detects_excess),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_extremes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
