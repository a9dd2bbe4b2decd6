/*
 * query-bench.c - bc-query-bench: path query time on a generated graph
 *
 *   bc-query-bench [--functions N] [--edges M] [--runs R] [--seed S]
 *
 * Defaults are the DESIGN §9 target: 50,000 functions, 250,000 edges, each
 * query answering in < 200 ms.  A query's time is what `blkcheck query
 * paths` spends after the graph is built: parse, compile, evaluate the
 * matchers, search and reconstruct up to 100 paths (printing excluded).
 * Output is one key=value line per query and a final summary line.
 */
#include "graph-gen.h"
#include "query.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TARGET_MS 200.0

static const char *const queries[] = {
    "coroutine_fn [!coroutine_fn]* \"aio_poll\"",
    "coroutine_fn [!coroutine_fn]* polling_fn",
    "code_class:io ... code_class:global_state",
    "\"fn_00042\" ... \"aio_poll\"",
    "coroutine_fn ([!coroutine_fn] | graph_rdlock)+ [polling_fn, !coroutine_fn]",
    "/^fn_0001/ . . \"aio_poll\"",
    "coroutine_fn:callers [!coroutine_fn]* \"aio_poll\":callers",
};

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* One timed run.  Returns: milliseconds, or -1 on error. */
static double run_once(const BcGraph *g, const char *src, size_t *n_paths)
{
    double t0 = now_ms();
    BcQueryError err;
    BcQueryPaths res;
    BcQuery *q = bc_query_parse_path(src, &err);

    if (!q || bc_query_paths(q, g, 100, &res, &err) < 0) {
        fprintf(stderr, "bc-query-bench: %s: %s\n", src, err.msg);
        bc_query_free(q);
        return -1;
    }
    *n_paths = res.n_total;
    bc_query_paths_free(&res);
    bc_query_free(q);
    return now_ms() - t0;
}

static double bench_query(const BcGraph *g, const char *src, int runs)
{
    double *t = calloc((size_t)runs, sizeof(double)), median;
    size_t n_paths = 0;

    for (int r = 0; r < runs; r++) {
        if ((t[r] = run_once(g, src, &n_paths)) < 0) {
            free(t);
            return -1;
        }
    }
    qsort(t, (size_t)runs, sizeof(double), cmp_double);
    median = t[runs / 2];
    fputs("query=\"", stdout);
    for (const char *c = src; *c; c++) {    /* keep the line parseable */
        printf("%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
    }
    printf("\" median_ms=%.2f min_ms=%.2f max_ms=%.2f starts_matched=%zu\n",
           median, t[0], t[runs - 1], n_paths);
    free(t);
    return median;
}

static bool parse_args(int argc, char **argv, BcGenParams *p, int *runs)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *v = argv[i + 1];
        if (strcmp(argv[i], "--functions") == 0) {
            p->functions = (uint32_t)strtoul(v, NULL, 10);
        } else if (strcmp(argv[i], "--edges") == 0) {
            p->edges = (uint32_t)strtoul(v, NULL, 10);
        } else if (strcmp(argv[i], "--runs") == 0) {
            *runs = atoi(v);
        } else if (strcmp(argv[i], "--seed") == 0) {
            p->seed = strtoull(v, NULL, 10);
        } else {
            return false;
        }
    }
    return argc % 2 == 1 && p->functions > 0 && *runs > 0;
}

int main(int argc, char **argv)
{
    BcGenParams p = { .functions = 50000, .edges = 250000, .seed = 1 };
    int runs = 7;
    double t0, build_ms, worst = 0;
    BcGraph *g;

    if (!parse_args(argc, argv, &p, &runs)) {
        fputs("usage: bc-query-bench [--functions N] [--edges M] [--runs R] [--seed S]\n", stderr);
        return 2;
    }
    t0 = now_ms();
    g = bc_graph_gen_random(&p);
    build_ms = now_ms() - t0;
    printf("graph functions=%u nodes=%zu edges=%zu seed=%llu build_ms=%.1f\n", p.functions,
           g->nodes.n, g->edges.n, (unsigned long long)p.seed, build_ms);
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        double m = bench_query(g, queries[i], runs);
        if (m < 0) {
            bc_graph_free(g);
            return 1;
        }
        worst = m > worst ? m : worst;
    }
    printf("bc-query-bench functions=%u edges=%zu runs=%d worst_median_ms=%.2f "
           "target_ms=%.0f ratio=%.3f result=%s\n", p.functions, g->edges.n, runs, worst,
           TARGET_MS, worst / TARGET_MS, worst < TARGET_MS ? "PASS" : "FAIL");
    bc_graph_free(g);
    return 0;
}
