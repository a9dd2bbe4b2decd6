/*
 * session.c - from options to a whole-program graph
 *
 * Context: command line, one thread.
 *
 * Shared by `check` and `query`: find and load the config (default
 * .blkcheck.json at the tree root), find compile_commands.json (-p, else
 * upward from the current directory), filter it by PATH arguments and
 * skip_paths, open the cache, extract every TU in parallel and build the
 * graph.  TUs that did not parse cleanly are reported on stderr and
 * remembered: the caller exits 3 after reporting the rest.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "rules.h"

double bc_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Nearest directory from @start upward holding .blkcheck.json, or NULL. */
static char *find_config_root(const char *start)
{
    char dir[PATH_MAX], path[PATH_MAX + 32];

    if (!realpath(start, dir)) {
        return NULL;
    }
    for (;;) {
        snprintf(path, sizeof(path), "%s/.blkcheck.json", dir);
        if (is_file(path)) {
            return strdup(dir);
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            return NULL;
        }
        *slash = '\0';
    }
}

static int load_config(BcSession *s)
{
    char path[PATH_MAX + 32];
    const char *file = s->opt->config;
    char *err = NULL;

    if (!file && s->root && (snprintf(path, sizeof(path), "%s/.blkcheck.json", s->root),
                             is_file(path))) {
        file = path;
    }
    if (!file) {
        s->cfg = bc_config_default();
        return 0;
    }
    if (bc_config_load(file, &s->cfg, &err) != 0) {
        fprintf(stderr, "blkcheck: error: %s\n", err ? err : file);
        free(err);
        return BC_EXIT_USAGE;
    }
    return 0;
}

static int find_build_dir(BcSession *s)
{
    char cwd[PATH_MAX];

    if (s->opt->build_dir) {
        s->build_dir = strdup(s->opt->build_dir);
        return 0;
    }
    s->build_dir = getcwd(cwd, sizeof(cwd)) ? bc_compdb_find_upward(cwd) : NULL;
    if (!s->build_dir) {
        fprintf(stderr, "blkcheck: error: no compile_commands.json in the current "
                        "directory, its parents or their build/; pass -p BUILD_DIR\n");
        return BC_EXIT_USAGE;
    }
    return 0;
}

static int load_compdb(BcSession *s)
{
    char *err = NULL;
    const char *bad = NULL;
    long n;

    if (bc_compdb_load_cached(s->build_dir, s->cache ? s->cache_dir : NULL,
                              bc_pipeline_compdb_load, &s->db, &err) != 0) {
        fprintf(stderr, "blkcheck: error: %s\n", err);
        free(err);
        return BC_EXIT_USAGE;
    }
    n = bc_compdb_filter(s->db, s->opt->paths, s->opt->n_paths, s->cfg, s->root, &bad);
    if (n < 0) {
        fprintf(stderr, "blkcheck: error: %s: %s\n", bad, strerror((int)-n));
        return BC_EXIT_USAGE;
    }
    if (n == 0) {
        fprintf(stderr, "blkcheck: error: no translation unit of %s/compile_commands.json "
                        "matches the given paths\n", s->build_dir);
        return BC_EXIT_USAGE;
    }
    return 0;
}

static BcCache *open_cache(BcSession *s)
{
    char *warning = NULL;
    BcCache *c;

    if (s->opt->no_cache) {
        return NULL;
    }
    s->cache_dir = s->opt->cache_dir ? strdup(s->opt->cache_dir)
                                     : bc_cache_default_dir(s->build_dir);
    c = bc_cache_open(s->cache_dir, s->cfg, &warning);
    if (warning) {
        fprintf(stderr, "blkcheck: warning: %s\n", warning);
        free(warning);
    }
    return c;
}

static void progress(void *opaque, unsigned done, unsigned total, const char *file)
{
    const char *base = strrchr(file, '/');

    (void)opaque;
    fprintf(stderr, "\r\033[K[%u/%u] %s", done, total, base ? base + 1 : file);
    if (done == total) {
        fputs("\r\033[K", stderr);
    }
    fflush(stderr);
}

/* Report TUs that did not parse cleanly; keep their names for the report. */
static void note_failures(BcSession *s, BcTuFacts **tus, size_t n)
{
    s->failed = calloc(n + 1, sizeof(*s->failed));
    for (size_t i = 0; i < n; i++) {
        if (tus[i]->status == BC_TU_OK) {
            continue;
        }
        fprintf(stderr, "blkcheck: %s: %s\n",
                tus[i]->status == BC_TU_FAILED ? "error" : "error (partial facts)",
                tus[i]->error ? tus[i]->error : tus[i]->main_file);
        s->failed[s->n_failed++] = strdup(s->db->cmds.v[i].file);
    }
}

static void choose_root(BcSession *s)
{
    char cwd[PATH_MAX];

    s->root = find_config_root(".");
    if (!s->root) {
        s->root = find_config_root(s->build_dir);
    }
    if (!s->root && getcwd(cwd, sizeof(cwd))) {
        s->root = strdup(cwd);
    }
}

/* --facts DIR: the graph from the plugin's facts; nothing is parsed. */
static int open_facts(BcSession *s)
{
    BcTuFacts **tus = NULL;
    size_t n = 0;
    double t0;
    int ret;

    s->root = find_config_root(".");
    if (!s->root) {
        char cwd[PATH_MAX];
        s->root = getcwd(cwd, sizeof(cwd)) ? strdup(cwd) : NULL;
    }
    if ((ret = load_config(s)) != 0) {
        return ret;
    }
    if ((ret = bc_facts_dir_load(s->opt->facts_dir, &tus, &n, &s->xs)) != 0) {
        return ret;
    }
    t0 = bc_now();
    s->g = bc_graph_build(tus, n, s->cfg);
    s->build_seconds = bc_now() - t0;
    free(tus);
    return 0;
}

int bc_session_open(BcSession *s, const BcOptions *opt)
{
    BcExtractRun run = { .jobs = opt->jobs, .parse = bc_pipeline_parse };
    BcTuFacts **tus;
    double t0;
    int ret;

    memset(s, 0, sizeof(*s));
    s->opt = opt;
    if (opt->facts_dir) {
        return open_facts(s);
    }
    if ((ret = find_build_dir(s)) != 0) {
        return ret;
    }
    choose_root(s);
    if ((ret = load_config(s)) != 0) {
        return ret;
    }
    s->cache = run.cache = open_cache(s);
    if ((ret = load_compdb(s)) != 0) {
        bc_cache_close(run.cache);
        return ret;
    }
    run.progress = opt->progress ? progress : NULL;
    tus = bc_extract_all(s->db, s->cfg, &run, &s->xs);
    bc_cache_close(run.cache);
    s->cache = NULL;
    note_failures(s, tus, s->db->cmds.n);
    t0 = bc_now();
    s->g = bc_graph_build(tus, s->db->cmds.n, s->cfg);
    s->build_seconds = bc_now() - t0;
    free(tus);
    return 0;
}

void bc_session_close(BcSession *s)
{
    bc_graph_free(s->g);
    bc_compdb_free(s->db);
    bc_config_free(s->cfg);
    for (unsigned i = 0; i < s->n_failed; i++) {
        free((char *)s->failed[i]);
    }
    free(s->failed);
    free(s->build_dir);
    free(s->cache_dir);
    free(s->root);
}
