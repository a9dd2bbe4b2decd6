/*
 * module-loader.c - load the libclang front end (blkcheck-extract.so) on
 * demand
 *
 * Context: any thread (worker threads call the parse stub); loading happens
 * once, under pthread_once.
 *
 * blkcheck links no libclang: loading it costs more than a whole warm run.
 * The first cache miss (or a compile database not cached yet) dlopen()s
 * blkcheck-extract.so, looked for in $BLKCHECK_EXTRACT_MODULE, beside the
 * executable, then at the path it was built at.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pipeline.h"

#ifndef BC_EXTRACT_MODULE_PATH
#define BC_EXTRACT_MODULE_PATH ""
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const BcExtractApi *api;
static char error[PATH_MAX + 256];

static void *try_open(const char *path)
{
    void *h = *path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;

    if (!h && *path && !error[0]) {
        snprintf(error, sizeof(error), "%s", dlerror());
    }
    return h;
}

/* blkcheck-extract.so in the executable's directory, if any. */
static void *open_beside_exe(void)
{
    char exe[PATH_MAX], path[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0) {
        return NULL;
    }
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash) {
        return NULL;
    }
    *slash = '\0';
    snprintf(path, sizeof(path), "%s/blkcheck-extract.so", exe);
    return access(path, R_OK) == 0 ? try_open(path) : NULL;
}

static void load(void)
{
    const char *env = getenv("BLKCHECK_EXTRACT_MODULE");
    void *h = env && *env ? try_open(env) : NULL;

    if (!h) {
        h = open_beside_exe();
    }
    if (!h) {
        h = try_open(BC_EXTRACT_MODULE_PATH);
    }
    if (!h) {
        if (!error[0]) {
            snprintf(error, sizeof(error), "blkcheck-extract.so not found");
        }
        return;
    }
    const BcExtractApi *(*get)(void) =
        (const BcExtractApi *(*)(void))dlsym(h, BC_EXTRACT_API_SYMBOL);
    const BcExtractApi *a = get ? get() : NULL;
    if (!a || a->version != BC_EXTRACT_API_VERSION) {
        snprintf(error, sizeof(error), "blkcheck-extract.so: wrong module version");
        return;
    }
    api = a;
}

const BcExtractApi *bc_pipeline_module(const char **err)
{
    pthread_once(&once, load);
    *err = error;
    return api;
}

int bc_pipeline_compdb_load(const char *build_dir, BcCompdb **out, char **errmsg)
{
    const char *err;
    const BcExtractApi *a = bc_pipeline_module(&err);

    if (!a) {
        *out = NULL;
        *errmsg = strdup(err);
        return -ENOSYS;
    }
    return a->compdb_load(build_dir, out, errmsg);
}

BcTuFacts *bc_pipeline_parse(const BcCompileCmd *cmd, const BcConfig *cfg)
{
    const char *err;
    const BcExtractApi *a = bc_pipeline_module(&err);
    BcTuFacts *f;

    if (a) {
        return a->parse(cmd, cfg);
    }
    f = bc_facts_new(cmd->file);
    f->status = BC_TU_FAILED;
    f->error = bc_arena_printf(f->arena, "%s: cannot load the parser: %s", cmd->file, err);
    return f;
}
