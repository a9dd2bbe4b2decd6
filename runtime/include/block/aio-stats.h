/*
 * block/aio-stats.h - counters of the file driver's kernel interface
 *
 * How many requests the io_uring and linux-aio back ends handed to the
 * kernel and with how many system calls: requests / submit_calls is the
 * batching factor that defer_call_begin()/defer_call_end() sections buy.
 * The thread-pool back end (aio=threads) counts nothing here.
 *
 * Context: any thread.  Counting is per thread (qemu/thread-counter.h), so
 * the I/O path writes no cache line another thread writes; reading sums
 * over all threads.
 */
#ifndef BLOCK_AIO_STATS_H
#define BLOCK_AIO_STATS_H

#include <stdint.h>

typedef struct BlockAioStats {
    uint64_t requests;      /* requests handed to the kernel by io_uring/linux-aio */
    uint64_t submit_calls;  /* io_uring_enter/io_submit system calls that submitted */
    uint64_t wait_calls;    /* system calls that only reaped or waited */
} BlockAioStats;

/*
 * Fill @out with the process-wide sums since the last reset (or start).
 * Counts from requests that run concurrently may or may not be included.
 * Context: any thread.
 */
void block_aio_stats_get(BlockAioStats *out);

/*
 * Start counting from zero again (for the calling process).
 * Context: any thread.
 */
void block_aio_stats_reset(void);

#endif /* BLOCK_AIO_STATS_H */
