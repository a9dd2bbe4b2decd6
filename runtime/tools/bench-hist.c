/*
 * bench-hist.c - percentiles and merging of the log-linear latency
 * histogram (recording is inline in bench-hist.h).
 */
#include <math.h>

#include "bench-hist.h"

uint64_t bench_hist_bucket_upper(unsigned b)
{
    unsigned e, shift;
    uint64_t low;

    if (b < (1u << BENCH_HIST_SUB_BITS)) {
        return b;
    }
    e = (b >> BENCH_HIST_SUB_BITS) + BENCH_HIST_SUB_BITS - 1;
    shift = e - BENCH_HIST_SUB_BITS;
    low = ((uint64_t)(1u << BENCH_HIST_SUB_BITS) |
           (b & ((1u << BENCH_HIST_SUB_BITS) - 1))) << shift;
    return low + ((UINT64_C(1) << shift) - 1);
}

void bench_hist_merge(BenchHist *dst, const BenchHist *src)
{
    for (unsigned b = 0; b < BENCH_HIST_BUCKETS; b++) {
        dst->bucket[b] += src->bucket[b];
    }
    dst->count += src->count;
    if (src->max > dst->max) {
        dst->max = src->max;
    }
}

uint64_t bench_hist_percentile(const BenchHist *h, double pct)
{
    uint64_t rank, seen = 0;

    if (h->count == 0) {
        return 0;
    }
    rank = (uint64_t)ceil(pct / 100.0 * (double)h->count);
    if (rank < 1) {
        rank = 1;
    }
    for (unsigned b = 0; b < BENCH_HIST_BUCKETS; b++) {
        seen += h->bucket[b];
        if (seen >= rank) {
            uint64_t up = bench_hist_bucket_upper(b);
            return up < h->max ? up : h->max;
        }
    }
    return h->max;
}
