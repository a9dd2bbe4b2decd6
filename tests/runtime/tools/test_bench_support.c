/*
 * mqblk-bench's support modules: the --verify pattern detects every kind
 * of corruption it claims to (wrong generation, wrong offset, a flipped bit
 * anywhere including the tail of an odd-sized block, a zeroed block); the
 * log-linear histogram's buckets are contiguous and ~3% wide and its
 * percentiles are right; the option parser accepts the documented forms
 * and rejects bad ones with a usage error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bench-hist.h"
#include "bench-opts.h"
#include "bench-verify.h"

/* ---- verify pattern --------------------------------------------------- */

enum { BLK = 4096 };

static void test_verify_roundtrip(void **state)
{
    static unsigned char buf[BLK];

    (void)state;
    for (uint64_t off = 0; off < 64 * BLK; off += BLK) {
        bench_verify_fill(buf, BLK, off, 7);
        assert_true(bench_verify_check(buf, BLK, off, 7));
    }
}

static void test_verify_wrong_generation(void **state)
{
    static unsigned char buf[BLK];

    (void)state;
    bench_verify_fill(buf, BLK, 8 * BLK, 7);
    assert_false(bench_verify_check(buf, BLK, 8 * BLK, 8));
    assert_false(bench_verify_check(buf, BLK, 8 * BLK, 6));
    assert_false(bench_verify_check(buf, BLK, 8 * BLK, 0));
}

static void test_verify_wrong_offset(void **state)
{
    static unsigned char buf[BLK];

    (void)state;
    bench_verify_fill(buf, BLK, 8 * BLK, 7);
    assert_false(bench_verify_check(buf, BLK, 9 * BLK, 7));
    assert_false(bench_verify_check(buf, BLK, 7 * BLK, 7));
    assert_false(bench_verify_check(buf, BLK, 0, 7));
}

/* Every single-bit flip, at every byte, fails, including the tail of a
 * block whose size is not a multiple of 8. */
static void test_verify_bit_flips(void **state)
{
    static unsigned char buf[1021];

    (void)state;
    bench_verify_fill(buf, sizeof(buf), 3 * 1021, 1);
    for (size_t i = 0; i < sizeof(buf); i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            buf[i] ^= (unsigned char)(1u << bit);
            assert_false(bench_verify_check(buf, sizeof(buf), 3 * 1021, 1));
            buf[i] ^= (unsigned char)(1u << bit);
        }
    }
    assert_true(bench_verify_check(buf, sizeof(buf), 3 * 1021, 1));
}

static void test_verify_zeroed_block(void **state)
{
    static unsigned char buf[BLK];

    (void)state;
    memset(buf, 0, sizeof(buf));
    for (uint64_t gen = 0; gen < 16; gen++) {
        assert_false(bench_verify_check(buf, BLK, 0, gen));
        assert_false(bench_verify_check(buf, BLK, BLK * gen, gen));
    }
}

/* ---- histogram -------------------------------------------------------- */

static void test_hist_buckets_contiguous(void **state)
{
    (void)state;
    /* Bucket b covers (upper(b-1), upper(b)]: no gaps, no overlaps. */
    for (unsigned b = 1; b < BENCH_HIST_BUCKETS; b++) {
        uint64_t lo = bench_hist_bucket_upper(b - 1) + 1;
        assert_int_equal(bench_hist_bucket(lo), b);
        assert_int_equal(bench_hist_bucket(bench_hist_bucket_upper(b)), b);
    }
    assert_int_equal(bench_hist_bucket(UINT64_MAX), BENCH_HIST_BUCKETS - 1);
    assert_true(bench_hist_bucket_upper(BENCH_HIST_BUCKETS - 1) == UINT64_MAX);
}

static void test_hist_resolution(void **state)
{
    (void)state;
    for (unsigned b = 1u << BENCH_HIST_SUB_BITS; b < BENCH_HIST_BUCKETS; b++) {
        uint64_t up = bench_hist_bucket_upper(b);
        uint64_t lo = bench_hist_bucket_upper(b - 1) + 1;
        /* width / lower edge <= 1/32 */
        assert_true((up - lo + 1) <= lo / (1u << BENCH_HIST_SUB_BITS));
    }
}

static void test_hist_percentiles(void **state)
{
    BenchHist *h = calloc(1, sizeof(*h));
    BenchHist *h2 = calloc(1, sizeof(*h2));

    (void)state;
    assert_non_null(h);
    assert_non_null(h2);
    assert_int_equal(bench_hist_percentile(h, 50), 0);
    /* 1..1000 ns: p50 ~ 500, p99 ~ 990, max exact. */
    for (uint64_t v = 1; v <= 1000; v++) {
        bench_hist_add(h, v);
    }
    assert_int_equal(h->count, 1000);
    assert_int_equal(h->max, 1000);
    assert_in_range(bench_hist_percentile(h, 50), 500, 500 + 500 / 32);
    assert_in_range(bench_hist_percentile(h, 99), 990, 990 + 990 / 32);
    assert_int_equal(bench_hist_percentile(h, 100), 1000);
    /* Small values are exact. */
    bench_hist_add(h2, 3);
    bench_hist_add(h2, 3);
    bench_hist_add(h2, 17);
    assert_int_equal(bench_hist_percentile(h2, 50), 3);
    assert_int_equal(bench_hist_percentile(h2, 99.9), 17);
    /* Merge: counts add, max is the larger. */
    bench_hist_add(h2, 1000000);
    bench_hist_merge(h, h2);
    assert_int_equal(h->count, 1004);
    assert_int_equal(h->max, 1000000);
    assert_int_equal(bench_hist_percentile(h, 100), 1000000);
    free(h);
    free(h2);
}

/* ---- options ----------------------------------------------------------- */

static void test_parse_size(void **state)
{
    uint64_t v;

    (void)state;
    assert_true(bench_parse_size("4k", &v));
    assert_int_equal(v, 4096);
    assert_true(bench_parse_size("512", &v));
    assert_int_equal(v, 512);
    assert_true(bench_parse_size("1M", &v));
    assert_int_equal(v, 1 << 20);
    assert_true(bench_parse_size("2G", &v));
    assert_int_equal(v, 2ull << 30);
    assert_false(bench_parse_size("0", &v));
    assert_false(bench_parse_size("", &v));
    assert_false(bench_parse_size("-4k", &v));
    assert_false(bench_parse_size("4kb", &v));
    assert_false(bench_parse_size("4x", &v));
    assert_false(bench_parse_size("k", &v));
    assert_false(bench_parse_size("99999999999999999999", &v));
    assert_false(bench_parse_size("17179869184G", &v));     /* 2^64 */
}

/* Parse a NULL-terminated argument list. */
static int parse(BenchOpts *o, ...)
{
    char *argv[32] = { (char *)"mqblk-bench" };
    int argc = 1;
    va_list ap;

    va_start(ap, o);
    while ((argv[argc] = va_arg(ap, char *)) != NULL) {
        argc++;
    }
    va_end(ap);
    return bench_opts_parse(o, argc, argv);
}

static void test_opts_defaults(void **state)
{
    BenchOpts o;

    (void)state;
    assert_int_equal(parse(&o, NULL), 0);
    assert_string_equal(o.blockdev, "driver=null,size=1G");
    assert_int_equal(o.rw, BENCH_RW_RANDREAD);
    assert_int_equal(o.bs, 4096);
    assert_int_equal(o.iodepth, 64);
    assert_int_equal(o.queues, 1);
    assert_int_equal(o.iothreads, 1);
    assert_true(o.runtime == 5);
    assert_int_equal(o.count, 0);
    assert_false(o.verify);

    assert_int_equal(parse(&o, "--queues", "3", "--count", "100", NULL), 0);
    assert_int_equal(o.iothreads, 3);       /* default: one per queue */
    assert_true(o.runtime == 0);            /* --count alone: no time limit */
    assert_int_equal(parse(&o, "--queues", "3", "--iothreads", "0",
                           "--rw", "randrw", "--rwmix-read", "70",
                           "--bs", "64k", "--json", NULL), 0);
    assert_int_equal(o.iothreads, 0);
    assert_int_equal(o.rwmix_read, 70);
    assert_int_equal(o.bs, 65536);
    assert_true(o.json);
    assert_int_equal(parse(&o, "--verify-generation", "9", "--verify-only",
                           NULL), 0);
    assert_true(o.verify && o.verify_only && o.generation == 9);
    assert_int_equal(parse(&o, "--help", NULL), 1);
}

static void test_opts_errors(void **state)
{
    BenchOpts o;

    (void)state;
    assert_int_equal(parse(&o, "--frobnicate", NULL), -1);
    assert_int_equal(parse(&o, "--iodepth", "0", NULL), -1);
    assert_int_equal(parse(&o, "--iodepth", "4097", NULL), -1);
    assert_int_equal(parse(&o, "--bs", "4q", NULL), -1);
    assert_int_equal(parse(&o, "--bs", "0", NULL), -1);
    assert_int_equal(parse(&o, "--rw", "sideways", NULL), -1);
    assert_int_equal(parse(&o, "--queues", "0", NULL), -1);
    assert_int_equal(parse(&o, "--runtime", "-1", NULL), -1);
    assert_int_equal(parse(&o, "--runtime", "abc", NULL), -1);
    assert_int_equal(parse(&o, "--count", "0", NULL), -1);
    assert_int_equal(parse(&o, "--rwmix-read", "101", "--rw", "randrw", NULL), -1);
    assert_int_equal(parse(&o, "--rwmix-read", "50", NULL), -1);   /* not randrw */
    assert_int_equal(parse(&o, "--verify", "--runtime", "1", NULL), -1);
    assert_int_equal(parse(&o, "--verify-only", NULL), -1);   /* no generation */
    assert_int_equal(parse(&o, "stray", NULL), -1);
    assert_int_equal(parse(&o, "--bs", NULL), -1);              /* no value */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_roundtrip),
        cmocka_unit_test(test_verify_wrong_generation),
        cmocka_unit_test(test_verify_wrong_offset),
        cmocka_unit_test(test_verify_bit_flips),
        cmocka_unit_test(test_verify_zeroed_block),
        cmocka_unit_test(test_hist_buckets_contiguous),
        cmocka_unit_test(test_hist_resolution),
        cmocka_unit_test(test_hist_percentiles),
        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_opts_defaults),
        cmocka_unit_test(test_opts_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
