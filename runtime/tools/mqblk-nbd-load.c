/*
 * mqblk-nbd-load - a minimal-overhead NBD load generator
 *
 *   mqblk-nbd-load --unix /run/mqblkd.sock --export disk --connections 2 \
 *                  --iodepth 64 --bs 4k --rw randread --runtime 3 --json
 *
 * Why: on a small machine the client shares the cores with the server, and
 * a general-purpose client (fio's nbd engine, ~15 us of CPU per 4k read)
 * costs more per request than the server under test, so it measures
 * itself.  This client does only what any NBD client must: a
 * fixed-newstyle handshake (nbd-load-handshake.c), then per connection one
 * thread that keeps --iodepth reads in flight, sends requests in batches
 * and parses simple replies in its receive buffer (nbd-load-conn.c).  It
 * reports IOPS, latency percentiles and its own CPU time per request, so
 * that what it costs is printed beside what it measured.
 *
 * Exit status: 0 done; 1 a connection failed (cannot connect, export not
 * found, server gone mid-run) or the server answered a request with an
 * error; 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "qemu/atomic.h"

#include "bench-hist.h"
#include "bench-opts.h"
#include "nbd-load-conn.h"
#include "nbd-load-handshake.h"

#define MAX_CONNECTIONS 64
#define MAX_IODEPTH     1024
#define MAX_BS          (32u << 20)     /* the largest read servers accept */

typedef struct LoadOpts {
    const char *unix_path;
    const char *tcp;
    const char *export_name;
    unsigned connections;
    unsigned iodepth;
    uint32_t bs;
    bool sequential;
    double runtime;
    double ramp;
    bool json;
    long server_pid;            /* 0: none */
} LoadOpts;

static void usage(FILE *f)
{
    fprintf(f,
"usage: mqblk-nbd-load (--unix PATH | --tcp HOST:PORT) [OPTION]...\n"
"Drive an NBD export with reads and report IOPS, latency and the client's\n"
"own CPU time per request.\n"
"\n"
"  --unix PATH        connect to a Unix socket\n"
"  --tcp HOST:PORT    connect over TCP ([V6]:PORT for IPv6)\n"
"  --export NAME      export name (default: the empty name)\n"
"  --connections N    connections, each served by a client thread of its\n"
"                     own (default 1, at most %d)\n"
"  --iodepth D        requests in flight per connection (default 64, at\n"
"                     most %d)\n"
"  --bs SIZE          request size in bytes, k/m suffixes (default 4k,\n"
"                     at most 32m); must not exceed the export\n"
"  --rw randread|read random block-aligned or sequential reads (default\n"
"                     randread)\n"
"  --runtime SECONDS  measured time (default 5)\n"
"  --ramp SECONDS     load before the measurement, not counted (default 0.5)\n"
"  --json             one JSON object on stdout instead of the text report\n"
"  --server-pid PID   also report the CPU time of process PID (all its\n"
"                     threads, from /proc/PID/stat) over the measured time,\n"
"                     and per request\n"
"  --help             this text\n"
"\n"
"Handshake: fixed newstyle, NBD_OPT_GO.  Structured replies are not\n"
"negotiated: simple replies (a 16-byte header, then the data) are the\n"
"cheapest for a client to parse.  Each connection sends every request it\n"
"can issue with one send() and reads replies with large recv() calls; the\n"
"data of each read is copied into that request's own buffer.\n"
"Latency is per request, from the send() that carried it to the recv()\n"
"that completed its reply.  Client CPU is getrusage(RUSAGE_SELF) over the\n"
"measured time, divided by the requests completed in it.\n"
"\n"
"Exit status: 0 done; 1 a connection failed (cannot connect, export not\n"
"found, the server closed the connection, no reply for %d s) or the\n"
"server answered a request with an error; 2 bad usage.  A connection that\n"
"fails only after the measured time (while the last replies come in, or at\n"
"the disconnect) still gets the report printed, with exit status 1.\n",
            MAX_CONNECTIONS, MAX_IODEPTH, NBD_LOAD_RECV_TIMEOUT);
}

/* bench_parse_size() (k/m/g binary suffixes) no larger than @max. */
static bool parse_size(const char *s, uint64_t max, uint64_t *out)
{
    return bench_parse_size(s, out) && *out <= max;
}

static bool parse_seconds(const char *s, bool zero_ok, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0) || (!zero_ok && v == 0) || v > 1e6) {
        return false;
    }
    *out = v;
    return true;
}

static bool bad_value(const char *opt, const char *val)
{
    fprintf(stderr, "mqblk-nbd-load: bad value for --%s: '%s'\n", opt, val);
    return false;
}

/* Returns: false on bad usage (message printed). */
static bool parse_opts(int argc, char **argv, LoadOpts *o)
{
    static const struct option longopts[] = {
        { "unix", required_argument, NULL, 'u' },
        { "tcp", required_argument, NULL, 't' },
        { "export", required_argument, NULL, 'e' },
        { "connections", required_argument, NULL, 'c' },
        { "iodepth", required_argument, NULL, 'd' },
        { "bs", required_argument, NULL, 'b' },
        { "rw", required_argument, NULL, 'w' },
        { "runtime", required_argument, NULL, 'r' },
        { "ramp", required_argument, NULL, 'R' },
        { "json", no_argument, NULL, 'j' },
        { "server-pid", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    uint64_t v;

    *o = (LoadOpts){ .export_name = "", .connections = 1, .iodepth = 64,
                     .bs = 4096, .runtime = 5, .ramp = 0.5 };
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        const char *name = "";

        for (const struct option *l = longopts; l->name; l++) {
            if (l->val == opt) {
                name = l->name;     /* for bad_value() */
            }
        }
        switch (opt) {
        case 'u': o->unix_path = optarg; break;
        case 't': o->tcp = optarg; break;
        case 'e': o->export_name = optarg; break;
        case 'c':
            if (!parse_size(optarg, MAX_CONNECTIONS, &v) || strpbrk(optarg, "kKmMgG")) {
                return bad_value(name, optarg);
            }
            o->connections = (unsigned)v;
            break;
        case 'd':
            if (!parse_size(optarg, MAX_IODEPTH, &v) || strpbrk(optarg, "kKmMgG")) {
                return bad_value(name, optarg);
            }
            o->iodepth = (unsigned)v;
            break;
        case 'b':
            if (!parse_size(optarg, MAX_BS, &v)) {
                return bad_value(name, optarg);
            }
            o->bs = (uint32_t)v;
            break;
        case 'w':
            if (strcmp(optarg, "randread") && strcmp(optarg, "read")) {
                return bad_value(name, optarg);
            }
            o->sequential = strcmp(optarg, "read") == 0;
            break;
        case 'r':
            if (!parse_seconds(optarg, false, &o->runtime)) {
                return bad_value(name, optarg);
            }
            break;
        case 'R':
            if (!parse_seconds(optarg, true, &o->ramp)) {
                return bad_value(name, optarg);
            }
            break;
        case 'j': o->json = true; break;
        case 'p':
            if (!parse_size(optarg, INT32_MAX, &v) || strpbrk(optarg, "kKmMgG")) {
                return bad_value(name, optarg);
            }
            o->server_pid = (long)v;
            break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return false;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "mqblk-nbd-load: unexpected argument '%s'\n", argv[optind]);
        return false;
    }
    if (!o->unix_path == !o->tcp) {
        fprintf(stderr, "mqblk-nbd-load: give exactly one of --unix and --tcp\n");
        return false;
    }
    return true;
}

/* Connect and negotiate connection @i.  Returns: false (message printed). */
static bool open_conn(const LoadOpts *o, unsigned i, NbdLoadConn *c)
{
    NbdLoadExport exp;
    char err[512];
    uint64_t blocks;

    c->fd = nbd_load_connect(o->unix_path, o->tcp, err, sizeof(err));
    if (c->fd < 0) {
        fprintf(stderr, "mqblk-nbd-load: %s\n", err);
        return false;
    }
    if (!nbd_load_handshake(c->fd, o->export_name, &exp, err, sizeof(err))) {
        fprintf(stderr, "mqblk-nbd-load: connection %u: %s\n", i, err);
        close(c->fd);
        return false;
    }
    if (exp.size < o->bs) {
        fprintf(stderr, "mqblk-nbd-load: export '%s' has %" PRIu64 " bytes, "
                "less than --bs %u\n", o->export_name, exp.size, o->bs);
        return false;
    }
    blocks = exp.size / o->bs;
    c->index = i;
    c->size = exp.size;
    c->bs = o->bs;
    c->depth = o->iodepth;
    c->sequential = o->sequential;
    c->start = blocks / o->connections * i * o->bs;
    c->seed = 0x9e3779b97f4a7c15ull * (i + 1);
    return true;
}

/* Wait until @deadline (CLOCK_MONOTONIC) or a failed connection.
 * Returns: false when a connection failed. */
static bool wait_until(NbdLoadRun *run, const struct timespec *deadline)
{
    bool ok;

    pthread_mutex_lock(&run->lock);
    while (!run->failed &&
           pthread_cond_timedwait(&run->cond, &run->lock, deadline) != ETIMEDOUT) {
        /* woken early or spuriously: look again */
    }
    ok = !run->failed;
    pthread_mutex_unlock(&run->lock);
    return ok;
}

static struct timespec after(double secs)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)secs;
    ts.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

static double ts_secs(const struct timespec *ts)
{
    return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

static double tv_secs(const struct timeval *tv)
{
    return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

/* Returns: user + system CPU seconds of process @pid (all threads), or
 * -1 when /proc/@pid/stat cannot be read. */
static double proc_cpu_secs(long pid)
{
    char path[64], buf[1024], *p;
    unsigned long long utime, stime;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');      /* the command name may hold anything */
    /* after ") ": state and 10 more fields, then utime and stime */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                     &utime, &stime) != 2) {
        return -1;
    }
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* What the measure phase produced, over all connections. */
typedef struct LoadResult {
    double secs;                /* wall time of the measure phase */
    double usr, sys;            /* client CPU seconds in it */
    double server;              /* --server-pid CPU seconds in it; -1: none */
    uint64_t ios, errors;
    BenchHist hist;
} LoadResult;

static void report(const LoadOpts *o, uint64_t size, const LoadResult *r)
{
    double iops = r->ios / r->secs;
    double mib = iops * o->bs / (1024.0 * 1024.0);
    double p50 = bench_hist_percentile(&r->hist, 50) / 1e3;
    double p99 = bench_hist_percentile(&r->hist, 99) / 1e3;
    double pmax = r->hist.max / 1e3;
    double cpu = r->usr + r->sys;
    double per = r->ios ? cpu * 1e6 / r->ios : 0;
    const char *rw = o->sequential ? "read" : "randread";
    char server[128] = "";

    if (r->server >= 0) {
        snprintf(server, sizeof(server),
                 o->json ? ", \"server_cpu_s\": %.6f, \"server_cpu_us_per_req\": %.2f"
                         : "  server CPU s: %.3f = %.2f us per request\n",
                 r->server, r->ios ? r->server * 1e6 / r->ios : 0);
    }
    if (o->json) {
        printf("{\"connections\": %u, \"iodepth\": %u, \"bs\": %u, \"rw\": \"%s\", "
               "\"export_size\": %" PRIu64 ", \"runtime_s\": %.6f, "
               "\"ios\": %" PRIu64 ", \"iops\": %.0f, \"mib_s\": %.1f, "
               "\"lat_p50_us\": %.1f, \"lat_p99_us\": %.1f, \"lat_max_us\": %.1f, "
               "\"cpu_s\": %.6f, \"cpu_usr_s\": %.6f, \"cpu_sys_s\": %.6f, "
               "\"cpu_us_per_req\": %.2f, \"errors\": %" PRIu64 "%s}\n",
               o->connections, o->iodepth, o->bs, rw, size, r->secs, r->ios,
               iops, mib, p50, p99, pmax, cpu, r->usr, r->sys, per, r->errors,
               server);
        return;
    }
    printf("%u connection%s x iodepth %u, %u-byte %s, %.2f s measured "
           "after %.2f s ramp\n", o->connections, o->connections > 1 ? "s" : "",
           o->iodepth, o->bs, rw, r->secs, o->ramp);
    printf("  IOPS %.0f  MiB/s %.1f  requests %" PRIu64 "  errors %" PRIu64 "\n",
           iops, mib, r->ios, r->errors);
    printf("  latency us: p50 %.1f  p99 %.1f  max %.1f\n", p50, p99, pmax);
    printf("  client CPU s: %.3f (usr %.3f sys %.3f) = %.2f us per request\n%s",
           cpu, r->usr, r->sys, per, server);
}

/* Run the phases on started connection threads.  Returns: false when a
 * connection failed before the measured time was over (the threads are
 * told to stop either way). */
static bool run_phases(const LoadOpts *o, NbdLoadRun *run, LoadResult *r)
{
    struct rusage ru0, ru1;
    struct timespec t0, t1, deadline;
    double s0 = -1, s1 = -1;
    bool ok;

    deadline = after(o->ramp);
    ok = wait_until(run, &deadline);
    qatomic_set(&run->phase, NBD_LOAD_MEASURE);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    getrusage(RUSAGE_SELF, &ru0);
    if (o->server_pid) {
        s0 = proc_cpu_secs(o->server_pid);
    }
    if (ok) {
        deadline = after(o->runtime);
        ok = wait_until(run, &deadline);
    }
    qatomic_set(&run->phase, NBD_LOAD_STOP);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &ru1);
    if (o->server_pid) {
        s1 = proc_cpu_secs(o->server_pid);
    }
    r->server = s0 >= 0 && s1 >= 0 ? s1 - s0 : -1;
    r->secs = ts_secs(&t1) - ts_secs(&t0);
    r->usr = tv_secs(&ru1.ru_utime) - tv_secs(&ru0.ru_utime);
    r->sys = tv_secs(&ru1.ru_stime) - tv_secs(&ru0.ru_stime);
    return ok;
}

int main(int argc, char **argv)
{
    static NbdLoadConn conns[MAX_CONNECTIONS];
    pthread_t threads[MAX_CONNECTIONS];
    static LoadResult res;
    NbdLoadRun run = { .phase = NBD_LOAD_RAMP };
    pthread_condattr_t ca;
    LoadOpts o;
    unsigned n;
    bool measured, ok = true;

    if (!parse_opts(argc, argv, &o)) {
        return 2;
    }
    for (n = 0; n < o.connections; n++) {
        if (!open_conn(&o, n, &conns[n])) {
            return 1;
        }
    }
    pthread_mutex_init(&run.lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&run.cond, &ca);
    for (n = 0; n < o.connections; n++) {
        conns[n].run = &run;
        if (pthread_create(&threads[n], NULL, nbd_load_conn_thread, &conns[n])) {
            fprintf(stderr, "mqblk-nbd-load: cannot start a thread\n");
            return 1;
        }
    }
    measured = run_phases(&o, &run, &res);
    for (n = 0; n < o.connections; n++) {
        pthread_join(threads[n], NULL);
        if (conns[n].error[0]) {
            fprintf(stderr, "mqblk-nbd-load: connection %u: %s\n", n, conns[n].error);
            ok = false;
        }
        res.ios += conns[n].ios;
        res.errors += conns[n].errors;
        bench_hist_merge(&res.hist, &conns[n].hist);
    }
    if (!measured) {
        return 1;               /* no report of a cut-short measurement */
    }
    if (o.server_pid && res.server < 0) {
        fprintf(stderr, "mqblk-nbd-load: cannot read the CPU time of process %ld\n",
                o.server_pid);
        ok = false;
    }
    report(&o, conns[0].size, &res);
    if (res.errors) {
        fprintf(stderr, "mqblk-nbd-load: the server answered %" PRIu64
                " requests with an error\n", res.errors);
        ok = false;
    }
    return ok ? 0 : 1;
}
