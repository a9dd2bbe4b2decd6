/*
 * bench-opts.c - command-line parsing and --help of mqblk-bench
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench-opts.h"

static const char *const rw_names[] = {
    [BENCH_RW_READ] = "read",
    [BENCH_RW_WRITE] = "write",
    [BENCH_RW_RANDREAD] = "randread",
    [BENCH_RW_RANDWRITE] = "randwrite",
    [BENCH_RW_RANDRW] = "randrw",
};

const char *bench_rw_name(BenchRw rw)
{
    return rw_names[rw];
}

bool bench_rw_writes(BenchRw rw)
{
    return rw == BENCH_RW_WRITE || rw == BENCH_RW_RANDWRITE ||
           rw == BENCH_RW_RANDRW;
}

bool bench_rw_random(BenchRw rw)
{
    return rw >= BENCH_RW_RANDREAD;
}

bool bench_parse_size(const char *s, uint64_t *out)
{
    unsigned long long v;
    unsigned shift = 0;
    char *end;

    if (!s || *s < '0' || *s > '9') {       /* no sign, no blanks */
        return false;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s) {
        return false;
    }
    if (*end) {
        switch (*end) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        case 't': case 'T': shift = 40; break;
        default: return false;
        }
        if (end[1] != '\0') {
            return false;
        }
    }
    if (v == 0 || v > (UINT64_MAX >> shift)) {
        return false;
    }
    *out = (uint64_t)v << shift;
    return true;
}

/* A decimal unsigned in [@min, @max]. */
static bool parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
    unsigned long v;
    char *end;

    if (!s || *s < '0' || *s > '9') {
        return false;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max) {
        return false;
    }
    *out = (unsigned)v;
    return true;
}

void bench_opts_usage(FILE *f)
{
    fprintf(f,
"usage: mqblk-bench [OPTION]...\n"
"In-process load generator: queues of coroutines submit requests to one\n"
"BlockBackend (blk_co_preadv/pwritev) from the main loop or IOThreads.\n"
"\n"
"  --blockdev OPTS     node to open (default driver=null,size=1G), e.g.\n"
"                      driver=file,filename=F,aio=io_uring,cache.direct=on\n"
"  --rw PATTERN        read, write (sequential), randread, randwrite,\n"
"                      randrw (default randread)\n"
"  --rwmix-read PCT    percent of reads for randrw (default 50)\n"
"  --bs SIZE           bytes per request, k/M/G suffixes (default 4k)\n"
"  --api co|aio        co: iodepth coroutines per queue looping on\n"
"                      blk_co_preadv/pwritev (default); aio: iodepth\n"
"                      blk_aio_preadv/pwritev requests per queue, each\n"
"                      completion callback submitting the next (the API\n"
"                      qemu-img bench uses)\n"
"  --iodepth N         requests in flight per queue (default 64)\n"
"  --queues N          queues, each iodepth coroutines (default 1)\n"
"  --iothreads N       IOThreads (default: one per queue); queues are\n"
"                      spread round-robin over them; 0 runs every queue\n"
"                      in the main loop\n"
"  --runtime SEC       stop after SEC seconds (default 5 unless --count)\n"
"  --count N           stop after N requests in total (with --runtime:\n"
"                      whichever comes first)\n"
"  --verify            write every block with a pattern derived from its\n"
"                      offset and a generation, read every block back and\n"
"                      count mismatches; covers --count blocks (default\n"
"                      the whole device) in --rw order; not with --runtime\n"
"  --verify-generation G  generation of the pattern (default: from the\n"
"                      clock); implies --verify\n"
"  --verify-only       skip the write pass: check what an earlier run with\n"
"                      the same --verify-generation wrote\n"
"  --json              print one JSON object instead of text\n"
"  --help              print this text\n"
"\n"
"Output: IOPS, MiB/s, requests, errors, verify errors, the process's CPU\n"
"seconds, latency percentiles (log-linear histogram, ~3%% resolution) and\n"
"the effective depth (requests in flight when one is submitted, averaged:\n"
"with --api co on a driver that never yields it is 1, the run is inline);\n"
"with the file driver's io_uring or linux-aio back end also the\n"
"io_uring_enter/io_submit/io_getevents calls per request\n"
"(aio_syscalls_per_request: not epoll_wait, eventfd or futex; ci/bench\n"
"counts every system call with strace).\n"
"Exit status: 0 success; 1 open failure, failed requests or verify\n"
"mismatches; 2 bad usage (unknown option, bad value, bs larger than the\n"
"device or not a multiple of its request alignment).\n");
}

enum {
    OPT_BLOCKDEV = 256, OPT_RW, OPT_RWMIX, OPT_BS, OPT_IODEPTH, OPT_QUEUES,
    OPT_IOTHREADS, OPT_RUNTIME, OPT_COUNT, OPT_VERIFY, OPT_VERIFY_ONLY,
    OPT_VERIFY_GEN, OPT_JSON, OPT_HELP, OPT_API,
};

static const struct option long_opts[] = {
    { "blockdev", required_argument, NULL, OPT_BLOCKDEV },
    { "rw", required_argument, NULL, OPT_RW },
    { "rwmix-read", required_argument, NULL, OPT_RWMIX },
    { "bs", required_argument, NULL, OPT_BS },
    { "iodepth", required_argument, NULL, OPT_IODEPTH },
    { "api", required_argument, NULL, OPT_API },
    { "queues", required_argument, NULL, OPT_QUEUES },
    { "iothreads", required_argument, NULL, OPT_IOTHREADS },
    { "runtime", required_argument, NULL, OPT_RUNTIME },
    { "count", required_argument, NULL, OPT_COUNT },
    { "verify", no_argument, NULL, OPT_VERIFY },
    { "verify-only", no_argument, NULL, OPT_VERIFY_ONLY },
    { "verify-generation", required_argument, NULL, OPT_VERIFY_GEN },
    { "json", no_argument, NULL, OPT_JSON },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

static int bad(const char *opt, const char *what, const char *val)
{
    fprintf(stderr, "mqblk-bench: --%s %s: %s (see --help)\n", opt, val, what);
    return -1;
}

static bool parse_rw(const char *s, BenchRw *out)
{
    for (unsigned i = 0; i < sizeof(rw_names) / sizeof(rw_names[0]); i++) {
        if (strcmp(s, rw_names[i]) == 0) {
            *out = (BenchRw)i;
            return true;
        }
    }
    return false;
}

/* One option; returns 0, or -1 after printing the problem. */
static int parse_one(BenchOpts *o, int opt, const char *arg, bool *have_iothreads,
                     bool *have_rwmix)
{
    char *end;

    switch (opt) {
    case OPT_BLOCKDEV:
        o->blockdev = arg;
        return 0;
    case OPT_RW:
        return parse_rw(arg, &o->rw) ? 0 : bad("rw", "unknown pattern", arg);
    case OPT_RWMIX:
        *have_rwmix = true;
        return parse_uint(arg, 0, 100, &o->rwmix_read) ? 0 :
               bad("rwmix-read", "not a percentage 0..100", arg);
    case OPT_BS:
        return bench_parse_size(arg, &o->bs) ? 0 : bad("bs", "bad size", arg);
    case OPT_IODEPTH:
        return parse_uint(arg, 1, BENCH_MAX_IODEPTH, &o->iodepth) ? 0 :
               bad("iodepth", "not in 1..4096", arg);
    case OPT_QUEUES:
        return parse_uint(arg, 1, BENCH_MAX_QUEUES, &o->queues) ? 0 :
               bad("queues", "not in 1..256", arg);
    case OPT_IOTHREADS:
        *have_iothreads = true;
        return parse_uint(arg, 0, BENCH_MAX_QUEUES, &o->iothreads) ? 0 :
               bad("iothreads", "not in 0..256", arg);
    case OPT_RUNTIME:
        errno = 0;
        o->runtime = strtod(arg, &end);
        return (!errno && *arg && !*end && o->runtime > 0 && o->runtime < 1e6) ?
               0 : bad("runtime", "not a positive number of seconds", arg);
    case OPT_COUNT:
        return (*arg >= '0' && *arg <= '9' &&
                (errno = 0, o->count = strtoull(arg, &end, 10), !errno) &&
                !*end && o->count > 0) ? 0 : bad("count", "not a positive count", arg);
    case OPT_VERIFY:
        o->verify = true;
        return 0;
    case OPT_VERIFY_ONLY:
        o->verify = o->verify_only = true;
        return 0;
    case OPT_VERIFY_GEN:
        o->verify = o->have_generation = true;
        return (*arg >= '0' && *arg <= '9' &&
                (errno = 0, o->generation = strtoull(arg, &end, 0), !errno) &&
                !*end) ? 0 : bad("verify-generation", "not a number", arg);
    case OPT_JSON:
        o->json = true;
        return 0;
    case OPT_API:
        if (!strcmp(arg, "co") || !strcmp(arg, "aio")) {
            o->api = arg[0] == 'c' ? BENCH_API_CO : BENCH_API_AIO;
            return 0;
        }
        return bad("api", "not co or aio", arg);
    default:
        return -1;
    }
}

/* Combinations that make no sense. */
static int check_combinations(BenchOpts *o, bool have_rwmix)
{
    if (have_rwmix && o->rw != BENCH_RW_RANDRW) {
        fprintf(stderr, "mqblk-bench: --rwmix-read needs --rw randrw\n");
        return -1;
    }
    if (o->verify && o->runtime > 0) {
        fprintf(stderr, "mqblk-bench: --verify covers --count blocks (default: "
                "the whole device), not --runtime\n");
        return -1;
    }
    if (o->verify_only && !o->have_generation) {
        fprintf(stderr, "mqblk-bench: --verify-only needs the "
                "--verify-generation of the run that wrote the data\n");
        return -1;
    }
    return 0;
}

int bench_opts_parse(BenchOpts *o, int argc, char **argv)
{
    bool have_iothreads = false, have_rwmix = false;
    int opt;

    *o = (BenchOpts) {
        .blockdev = "driver=null,size=1G",
        .rw = BENCH_RW_RANDREAD,
        .rwmix_read = 50,
        .bs = 4096,
        .iodepth = 64,
        .queues = 1,
    };
    opterr = 0;                 /* our own message, on stderr */
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            bench_opts_usage(stdout);
            return 1;
        }
        if (opt == '?' || opt == ':') {
            fprintf(stderr, "mqblk-bench: %s: unknown option or missing "
                    "value (see --help)\n", argv[optind - 1]);
            return -1;
        }
        if (parse_one(o, opt, optarg, &have_iothreads, &have_rwmix) < 0) {
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "mqblk-bench: unexpected argument '%s' (see --help)\n",
                argv[optind]);
        return -1;
    }
    if (!have_iothreads) {
        o->iothreads = o->queues;
    }
    if (check_combinations(o, have_rwmix) < 0) {
        return -1;
    }
    if (!o->verify && o->runtime == 0 && o->count == 0) {
        o->runtime = 5;
    }
    return 0;
}
