/*
 * mqblk-microbench - the runtime's fast paths, each printed as the median
 * of several runs, one machine-readable line per figure:
 *
 *   name=co_yield_enter median_ns=... target_ns=30 runs=7 backend=asm
 *
 * Figures: coroutine yield+enter round trip; create+enter+terminate from
 * the pool; uncontended CoMutex lock+unlock; BH schedule+run in one
 * thread; cross-thread aio_co_wake round trip (no target: reported only);
 * graph reader lock rdlock+rdunlock fast path (no writer).
 *
 * Usage: mqblk-microbench [-r RUNS] [-n SCALE] [-b BACKEND]
 *   -r RUNS     runs per figure (default 7), the median is printed
 *   -n SCALE    multiply the iteration counts (default 1)
 *   -b BACKEND  coroutine switch backend: asm (default on x86-64), ucontext
 * Exit status: 0, or 2 on bad usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block/aio.h"
#include "block/aio-wait.h"
#include "block/graph-lock.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "qemu/coroutine-lock.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "sysemu/iothread.h"

enum { MAX_RUNS = 101 };

static long scale = 1;

/* ---- coroutine yield + enter ------------------------------------------------ */

static void coroutine_fn yield_loop(void *opaque)
{
    (void)opaque;
    for (;;) {
        qemu_coroutine_yield();
    }
}

static double bench_yield_enter(void)
{
    static Coroutine *co;
    long n = 2000000 * scale;
    int64_t t0;

    if (!co) {
        co = qemu_coroutine_create(yield_loop, NULL);   /* lives forever */
    }
    t0 = qemu_clock_get_ns();
    for (long i = 0; i < n; i++) {
        qemu_coroutine_enter(co);
    }
    return (double)(qemu_clock_get_ns() - t0) / n;
}

/* ---- create + enter + terminate ----------------------------------------------- */

static void coroutine_fn nop_entry(void *opaque)
{
    (void)opaque;
}

static double bench_create_pool(void)
{
    long n = 1000000 * scale;
    int64_t t0;

    qemu_coroutine_enter(qemu_coroutine_create(nop_entry, NULL));  /* warm pool */
    t0 = qemu_clock_get_ns();
    for (long i = 0; i < n; i++) {
        qemu_coroutine_enter(qemu_coroutine_create(nop_entry, NULL));
    }
    return (double)(qemu_clock_get_ns() - t0) / n;
}

/* ---- CoMutex ------------------------------------------------------------------------ */

static double comutex_result;

static void coroutine_fn comutex_entry(void *opaque)
{
    CoMutex m;
    long n = 5000000 * scale;
    int64_t t0;

    (void)opaque;
    qemu_co_mutex_init(&m);
    t0 = qemu_clock_get_ns();
    for (long i = 0; i < n; i++) {
        qemu_co_mutex_lock(&m);
        qemu_co_mutex_unlock(&m);
    }
    comutex_result = (double)(qemu_clock_get_ns() - t0) / n;
}

static double bench_comutex(void)
{
    qemu_coroutine_enter(qemu_coroutine_create(comutex_entry, NULL));
    return comutex_result;
}

/* ---- graph reader lock ------------------------------------------------------------ */

static double graph_rdlock_result;

static void coroutine_fn graph_rdlock_entry(void *opaque)
{
    long n = 10000000 * scale;
    int64_t t0;

    (void)opaque;
    bdrv_graph_co_rdlock();                     /* register this thread's counter */
    bdrv_graph_co_rdunlock();
    t0 = qemu_clock_get_ns();
    for (long i = 0; i < n; i++) {
        bdrv_graph_co_rdlock();
        bdrv_graph_co_rdunlock();
    }
    graph_rdlock_result = (double)(qemu_clock_get_ns() - t0) / n;
}

static double bench_graph_rdlock(void)
{
    qemu_coroutine_enter(qemu_coroutine_create(graph_rdlock_entry, NULL));
    return graph_rdlock_result;
}

/* ---- BH schedule + run --------------------------------------------------------------- */

static void nop_bh(void *opaque)
{
    (*(long *)opaque)++;
}

static double bench_bh(void)
{
    AioContext *ctx = qemu_get_aio_context();
    long n = 2000000 * scale, runs = 0;
    QEMUBH *bh = aio_bh_new(ctx, nop_bh, &runs);
    int64_t t0 = qemu_clock_get_ns();

    for (long i = 0; i < n; i++) {
        qemu_bh_schedule(bh);
        aio_poll(ctx, false);
    }
    t0 = qemu_clock_get_ns() - t0;
    qemu_bh_delete(bh);
    if (runs != n) {
        fprintf(stderr, "mqblk-microbench: BH ran %ld times, expected %ld\n", runs, n);
        exit(1);
    }
    return (double)t0 / n;
}

/* ---- cross-thread aio_co_wake round trip ------------------------------------------- */

static IOThread *iothread;
static Coroutine *ping_co, *pong_co;
static long ping_rounds;
static bool ping_done;          /* main thread only */

static void coroutine_fn pong_entry(void *opaque)
{
    (void)opaque;
    for (;;) {
        qemu_coroutine_yield();
        aio_co_wake(ping_co);
    }
}

static void coroutine_fn ping_entry(void *opaque)
{
    (void)opaque;
    for (long i = 0; i < ping_rounds; i++) {
        aio_co_wake(pong_co);
        qemu_coroutine_yield();
    }
    ping_done = true;
}

static void start_pong(void *opaque)
{
    (void)opaque;
    qemu_coroutine_enter(pong_co);
}

static double bench_cross_thread(void)
{
    AioContext *main_ctx = qemu_get_aio_context();
    int64_t t0;

    if (!pong_co) {
        pong_co = qemu_coroutine_create(pong_entry, NULL);
        aio_wait_bh_oneshot(iothread_get_aio_context(iothread), start_pong, NULL);
    }
    ping_rounds = 20000 * scale;
    ping_done = false;
    ping_co = qemu_coroutine_create(ping_entry, NULL);
    t0 = qemu_clock_get_ns();
    qemu_coroutine_enter(ping_co);
    while (!ping_done) {
        aio_poll(main_ctx, true);
    }
    return (double)(qemu_clock_get_ns() - t0) / ping_rounds;
}

/* ---- driver ---------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void report(const char *name, double (*fn)(void), int runs, long target)
{
    double v[MAX_RUNS];

    fn();                                           /* warm-up */
    for (int i = 0; i < runs; i++) {
        v[i] = fn();
    }
    qsort(v, runs, sizeof(v[0]), cmp_double);
    printf("name=%s median_ns=%.1f min_ns=%.1f max_ns=%.1f", name, v[runs / 2],
           v[0], v[runs - 1]);
    if (target > 0) {
        printf(" target_ns=%ld ok=%s", target, v[runs / 2] <= target ? "yes" : "no");
    } else {
        printf(" target_ns=none");
    }
    printf(" runs=%d backend=%s\n", runs, qemu_coroutine_backend_name());
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *err = NULL;
    int runs = 7, opt;

    while ((opt = getopt(argc, argv, "r:n:b:h")) != -1) {
        switch (opt) {
        case 'r':
            runs = atoi(optarg);
            break;
        case 'n':
            scale = atol(optarg);
            break;
        case 'b':
            if (!qemu_coroutine_set_backend(optarg)) {
                fprintf(stderr, "mqblk-microbench: unknown backend %s\n", optarg);
                return 2;
            }
            break;
        default:
            fprintf(stderr, "usage: %s [-r RUNS] [-n SCALE] [-b asm|ucontext]\n", argv[0]);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (runs < 1 || runs > MAX_RUNS || scale < 1) {
        fprintf(stderr, "mqblk-microbench: -r 1..%d, -n >= 1\n", MAX_RUNS);
        return 2;
    }
    if (!qemu_init_main_loop(&err) || !(iothread = iothread_create("bench-io", &err))) {
        fprintf(stderr, "mqblk-microbench: %s\n", err);
        return 1;
    }
    report("co_yield_enter", bench_yield_enter, runs, 30);
    report("co_create_enter_terminate_pool", bench_create_pool, runs, 100);
    report("comutex_lock_unlock_uncontended", bench_comutex, runs, 20);
    report("bh_schedule_run_one_thread", bench_bh, runs, 50);
    report("aio_co_wake_cross_thread_round_trip", bench_cross_thread, runs, 0);
    report("graph_rdlock_rdunlock_fast_path", bench_graph_rdlock, runs, 20);
    return 0;
}
