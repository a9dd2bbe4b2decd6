/*
 * bench-verify.h - the data pattern mqblk-bench --verify writes and checks
 *
 * The content of a block is a pseudo-random stream seeded from the block's
 * byte offset and the run's generation, so that a block written to the
 * wrong place, a stale block from an earlier run (another generation), a
 * torn or zeroed block, and a flipped bit all fail the check.
 *
 * Context: any thread; pure functions of their arguments.
 */
#ifndef MQBLK_BENCH_VERIFY_H
#define MQBLK_BENCH_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fill @buf[0..@len) with the pattern of the block at @offset, @gen. */
void bench_verify_fill(void *buf, size_t len, uint64_t offset, uint64_t gen);

/* Returns: true when @buf[0..@len) holds exactly the pattern of the block
 * at @offset written in generation @gen. */
bool bench_verify_check(const void *buf, size_t len, uint64_t offset,
                        uint64_t gen);

#endif /* MQBLK_BENCH_VERIFY_H */
