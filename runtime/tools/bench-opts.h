/*
 * bench-opts.h - the command line of mqblk-bench
 *
 * Parsing only checks what it can know without the device (syntax, ranges,
 * combinations); checks that need the opened device (bs larger than the
 * device, bs not a multiple of its request alignment) are in mqblk-bench.c.
 *
 * Context: any thread; no global state.
 */
#ifndef MQBLK_BENCH_OPTS_H
#define MQBLK_BENCH_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum BenchRw {
    BENCH_RW_READ,
    BENCH_RW_WRITE,
    BENCH_RW_RANDREAD,
    BENCH_RW_RANDWRITE,
    BENCH_RW_RANDRW,
} BenchRw;

typedef enum BenchApi {
    BENCH_API_CO,               /* coroutines looping on blk_co_preadv() */
    BENCH_API_AIO,              /* blk_aio_preadv() + a completion callback
                                 * per request, as qemu-img bench */
} BenchApi;

typedef struct BenchOpts {
    const char *blockdev;       /* option string for blk_new_open() */
    BenchApi api;
    BenchRw rw;
    unsigned rwmix_read;        /* percent of reads in randrw */
    uint64_t bs;                /* bytes per request */
    unsigned iodepth;           /* coroutines per queue */
    unsigned queues;
    unsigned iothreads;         /* 0: every queue in the main loop */
    double runtime;             /* seconds; 0 = until --count */
    uint64_t count;             /* total requests (verify: blocks); 0 = none */
    bool verify;
    bool verify_only;           /* skip the write pass */
    bool have_generation;
    uint64_t generation;
    bool json;
} BenchOpts;

/* Limits on the command line (they bound memory: queues*iodepth buffers). */
#define BENCH_MAX_IODEPTH 4096
#define BENCH_MAX_QUEUES  256

/*
 * Parse "123", "4k", "1M", "2G" (binary suffixes, case-insensitive).
 * Returns: true and *@out, or false for anything else (also 0 and
 * overflow).
 */
bool bench_parse_size(const char *s, uint64_t *out);

/* Returns: the name of @rw as given on the command line. */
const char *bench_rw_name(BenchRw rw);

/* Returns: true for the patterns that write (write, randwrite, randrw). */
bool bench_rw_writes(BenchRw rw);

/* Returns: true for the random patterns. */
bool bench_rw_random(BenchRw rw);

/*
 * Fill @o from @argv.  Returns: 0 when the run should go ahead, 1 after
 * --help (printed to stdout: exit 0), -1 after a usage error (message on
 * stderr: exit 2).
 */
int bench_opts_parse(BenchOpts *o, int argc, char **argv);

/* Print the --help text to @f. */
void bench_opts_usage(FILE *f);

#endif /* MQBLK_BENCH_OPTS_H */
