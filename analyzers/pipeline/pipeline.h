/*
 * pipeline.h - from compile_commands.json to the facts of every TU, with
 * no libclang in the process until a TU must really be parsed
 *
 * Context: command line (or tests); bc_extract_all() runs N worker threads,
 * everything else is called by one thread.
 *
 * The pipeline reads and filters the compile database (cached by content),
 * looks every TU up in the fact cache (cache.h) and parses only the misses,
 * on worker threads, through a parse function: the libclang front end
 * (analyzers/extract/, extract.h), which blkcheck loads as a module on the
 * first miss (module-loader.c), so a warm run never loads libclang.  The
 * types here are the contract between the two halves.
 */
#ifndef BC_PIPELINE_H
#define BC_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include "config.h"
#include "facts.h"

/* One entry of compile_commands.json, with strings in the compdb's arena. */
typedef struct BcCompileCmd {
    const char *file;        /* absolute path of the source file */
    const char *dir;         /* the entry's "directory" */
    const char **argv;       /* full command, argv[0] is the compiler */
    unsigned argc;
} BcCompileCmd;

/*
 * A build's compile command made fit for analysis (compdb-clean.c): no
 * dependency-file or output options, no -c/-S/-E, response files spliced
 * in, relative paths absolute against @dir.  Strings live in @a.
 * *@bad_response names a response file that could not be read (left in
 * the command as written), or is NULL.
 */
void bc_compile_args_clean(BcArena *a, const char *dir, const char *const *argv,
                           unsigned argc, const char ***out, unsigned *out_argc,
                           const char **bad_response);

typedef struct BcCompdb {
    BcArena *arena;
    const char *dir;         /* directory holding compile_commands.json */
    BC_VEC(BcCompileCmd) cmds;
} BcCompdb;

/*
 * Keep only the commands whose file lies under one of @paths (files or
 * directories; none: all) and matches none of cfg->skip_paths (fnmatch
 * globs, tried on the absolute path and on the path relative to @root).
 * Duplicate files keep their first command.
 * Returns: how many commands remain, or -ENOENT with *@bad naming a PATH
 * that does not exist.
 */
long bc_compdb_filter(BcCompdb *db, const char *const *paths, size_t n_paths,
                      const BcConfig *cfg, const char *root, const char **bad);
void bc_compdb_free(BcCompdb *db);

/*
 * Find the directory holding compile_commands.json: @start and its parents.
 * Returns: malloc'ed directory, or NULL.
 */
char *bc_compdb_find_upward(const char *start);

struct BcCache;

typedef struct BcExtractRun {
    unsigned jobs;                   /* worker threads; 0: number of CPUs */
    /* Parse one TU on a cache miss (any worker thread): bc_pipeline_parse
     * (through the module), or bc_extract_parse when linked in. */
    BcTuFacts *(*parse)(const BcCompileCmd *cmd, const BcConfig *cfg);
    struct BcCache *cache;           /* NULL: no cache */
    /* Called under a lock after each TU, from any worker thread. */
    void (*progress)(void *opaque, unsigned done, unsigned total, const char *file);
    void *opaque;
} BcExtractRun;

typedef struct BcExtractStats {
    unsigned total, parsed, cached, errors, failed;
    double seconds;                  /* wall time of the whole extraction */
} BcExtractStats;

/*
 * Extract every command of @db in parallel.  Returns: a malloc'ed array of
 * db->cmds.n facts in command order (never NULL entries); the caller owns
 * the facts and the array.
 */
BcTuFacts **bc_extract_all(const BcCompdb *db, const BcConfig *cfg,
                           const BcExtractRun *run, BcExtractStats *stats);

/*
 * The libclang half as a loadable module (blkcheck-extract.so): the command
 * links only the libclang-free half (compdb-util, compdb-cache, cache,
 * workers) and dlopen()s the module on the first cache miss, so a warm run
 * never pays for loading libclang.  The module exports one symbol,
 * BC_EXTRACT_API_SYMBOL, a function returning this table.
 */
typedef struct BcExtractApi {
    unsigned version;                /* BC_EXTRACT_API_VERSION */
    int (*compdb_load)(const char *build_dir, BcCompdb **out, char **errmsg);
    BcTuFacts *(*parse)(const BcCompileCmd *cmd, const BcConfig *cfg);
    const char *clang_version;       /* "Debian clang version 14.0.6" */
} BcExtractApi;

#define BC_EXTRACT_API_VERSION 1
#define BC_EXTRACT_API_SYMBOL "bc_extract_module_api"

/*
 * Load the compile database through a cache in @cache_dir keyed by the
 * contents of compile_commands.json; on a miss call @load (libclang) and
 * store the result.  @cache_dir NULL: just @load.  Same returns as
 * bc_compdb_load().
 */
int bc_compdb_load_cached(const char *build_dir, const char *cache_dir,
                          int (*load)(const char *, BcCompdb **, char **),
                          BcCompdb **out, char **errmsg);

/*
 * module-loader.c: the libclang module (blkcheck-extract.so), loaded once on
 * first use from $BLKCHECK_EXTRACT_MODULE, beside the executable, then the
 * path it was built at.  Returns the module's table, or NULL with the reason
 * in *@err.
 */
const BcExtractApi *bc_pipeline_module(const char **err);
/* bc_compdb_load() and bc_extract_parse() through the module; without it,
 * -ENOSYS with the reason, resp. a BC_TU_FAILED TU saying why. */
int bc_pipeline_compdb_load(const char *build_dir, BcCompdb **out, char **errmsg);
BcTuFacts *bc_pipeline_parse(const BcCompileCmd *cmd, const BcConfig *cfg);

#endif
