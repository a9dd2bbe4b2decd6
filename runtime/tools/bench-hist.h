/*
 * bench-hist.h - log-linear latency histogram for mqblk-bench
 *
 * Values (nanoseconds) below 2^BENCH_HIST_SUB_BITS get a bucket each; above
 * that every power of two is split into 2^BENCH_HIST_SUB_BITS equal
 * buckets, so a bucket is at most 1/32 (~3%) of its value wide and the
 * whole uint64_t range fits in a fixed array: recording is an index
 * computation and an increment, never an allocation.
 *
 * Context: any thread; a histogram is written by one thread (its queue's)
 * and read by another only after that thread has finished with it.
 */
#ifndef MQBLK_BENCH_HIST_H
#define MQBLK_BENCH_HIST_H

#include <stdint.h>

#define BENCH_HIST_SUB_BITS 5
#define BENCH_HIST_BUCKETS  ((64 - BENCH_HIST_SUB_BITS + 1) << BENCH_HIST_SUB_BITS)

typedef struct BenchHist {
    uint64_t count;
    uint64_t max;
    uint64_t bucket[BENCH_HIST_BUCKETS];
} BenchHist;

/* Returns: the bucket index of @v. */
static inline unsigned bench_hist_bucket(uint64_t v)
{
    unsigned e;

    if (v < (1u << BENCH_HIST_SUB_BITS)) {
        return (unsigned)v;
    }
    e = 63u - (unsigned)__builtin_clzll(v);            /* e >= SUB_BITS */
    return ((e - BENCH_HIST_SUB_BITS + 1) << BENCH_HIST_SUB_BITS) +
           (unsigned)((v >> (e - BENCH_HIST_SUB_BITS)) &
                      ((1u << BENCH_HIST_SUB_BITS) - 1));
}

/* Count one value @v.  Context: the histogram's writer thread. */
static inline void bench_hist_add(BenchHist *h, uint64_t v)
{
    h->bucket[bench_hist_bucket(v)]++;
    h->count++;
    if (v > h->max) {
        h->max = v;
    }
}

/* Returns: the largest value that falls into bucket @b. */
uint64_t bench_hist_bucket_upper(unsigned b);

/* Add every count of @src to @dst.  Context: after @src's writer is done. */
void bench_hist_merge(BenchHist *dst, const BenchHist *src);

/*
 * Returns: the upper edge of the bucket holding the value of rank
 * ceil(@pct/100 * count) (@pct in (0, 100]), capped at the exact maximum;
 * 0 for an empty histogram.
 */
uint64_t bench_hist_percentile(const BenchHist *h, double pct);

#endif /* MQBLK_BENCH_HIST_H */
