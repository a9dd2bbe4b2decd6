/*
 * workers.c - extract many TUs in parallel
 *
 * Context: bc_extract_all() is called by one thread; it starts N workers
 * and joins them before returning.
 *
 * libclang's CXIndex is not meant to be shared between threads that parse
 * at the same time, so each worker has its own (run->parse keeps it per
 * thread; this file needs no libclang at all).  Work is handed out by
 * an atomic counter over the commands (largest-first ordering would help
 * tail latency but the compile database has no sizes).  The cache is asked
 * first; a miss parses and stores.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "cache.h"
#include "pipeline.h"
#include "xalloc.h"

typedef struct Pool {
    const BcCompdb *db;
    const BcConfig *cfg;
    const BcExtractRun *run;
    BcTuFacts **out;
    atomic_size_t next;
    pthread_mutex_t lock;         /* progress and stats */
    unsigned done;
    BcExtractStats *stats;
} Pool;

static void account(Pool *p, const BcTuFacts *f, bool cached, const char *file)
{
    pthread_mutex_lock(&p->lock);
    p->done++;
    if (cached) {
        p->stats->cached++;
    } else {
        p->stats->parsed++;
    }
    if (f->status == BC_TU_ERRORS) {
        p->stats->errors++;
    } else if (f->status == BC_TU_FAILED) {
        p->stats->failed++;
    }
    if (p->run->progress) {
        p->run->progress(p->run->opaque, p->done, (unsigned)p->db->cmds.n, file);
    }
    pthread_mutex_unlock(&p->lock);
}

static void *worker(void *arg)
{
    Pool *p = arg;
    size_t i;

    while ((i = atomic_fetch_add(&p->next, 1)) < p->db->cmds.n) {
        const BcCompileCmd *cmd = &p->db->cmds.v[i];
        BcTuFacts *f = p->run->cache ? bc_cache_lookup(p->run->cache, cmd) : NULL;
        bool cached = f != NULL;

        if (!f) {
            f = p->run->parse(cmd, p->cfg);
            if (p->run->cache) {
                bc_cache_store(p->run->cache, cmd, f);
            }
        }
        p->out[i] = f;
        account(p, f, cached, cmd->file);
    }
    return NULL;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

BcTuFacts **bc_extract_all(const BcCompdb *db, const BcConfig *cfg,
                           const BcExtractRun *run, BcExtractStats *stats)
{
    Pool p = { .db = db, .cfg = cfg, .run = run, .stats = stats };
    unsigned jobs = run->jobs ? run->jobs : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    pthread_t *threads;
    double t0 = now();

    *stats = (BcExtractStats){ .total = (unsigned)db->cmds.n };
    p.out = bc_xcalloc(db->cmds.n + 1, sizeof(*p.out));
    if (jobs == 0) {
        jobs = 1;
    }
    if (jobs > db->cmds.n) {
        jobs = db->cmds.n ? (unsigned)db->cmds.n : 1;
    }
    threads = bc_xcalloc(jobs, sizeof(*threads));
    atomic_init(&p.next, 0);
    pthread_mutex_init(&p.lock, NULL);
    for (unsigned i = 0; i < jobs; i++) {
        if (pthread_create(&threads[i], NULL, worker, &p) != 0) {
            abort();
        }
    }
    for (unsigned i = 0; i < jobs; i++) {
        pthread_join(threads[i], NULL);
    }
    pthread_mutex_destroy(&p.lock);
    free(threads);
    stats->seconds = now() - t0;
    return p.out;
}
