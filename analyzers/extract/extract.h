/*
 * extract.h - the libclang front end: compile_commands.json -> BcTuFacts
 *
 * Context: command line (or tests).  bc_extract_all() runs N worker threads,
 * each with its own CXIndex; everything else is called by one thread.
 *
 * The front end knows no rules: it turns each translation unit into the fact
 * records of facts.h (symbols and declarations with labels, calls with lock
 * state and in-coroutine flag, address-taken references, lock events,
 * polling points, included files).  What counts as a lock function, guard,
 * polling point or in-coroutine test comes from the BcConfig.
 *
 * Slot keys.  Fields, global and local function-pointer variables are keyed
 * by their clang USR.  A function-pointer *parameter* is keyed as
 * "<function USR>@P@<index>" so that the prototype seen by a caller in one
 * TU and the definition in another name the same slot.
 */
#ifndef BC_EXTRACT_H
#define BC_EXTRACT_H

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
 * Read @build_dir/compile_commands.json through libclang's
 * CXCompilationDatabase.  A missing, unreadable or empty database is an
 * error.  Returns: 0, or -ENOENT / -EINVAL with a message in *@errmsg
 * (malloc'ed; caller frees).
 */
int bc_compdb_load(const char *build_dir, BcCompdb **out, char **errmsg);
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

/*
 * Parse one TU with @cxindex (a CXIndex owned by the calling thread) and
 * extract its facts.  Never NULL: a TU that libclang cannot parse gives
 * status BC_TU_FAILED, one with errors BC_TU_ERRORS and partial facts.
 */
BcTuFacts *bc_extract_tu(void *cxindex, const BcCompileCmd *cmd, const BcConfig *cfg);
/*
 * bc_extract_tu() with a CXIndex private to the calling thread (created on
 * first use, disposed when the thread exits): the parse callback for
 * bc_extract_all().
 */
BcTuFacts *bc_extract_parse(const BcCompileCmd *cmd, const BcConfig *cfg);
/*
 * bc_extract_parse() without the extraction: the same arguments and parse
 * flags, then only the diagnostics (status, first error); no records.  The
 * baseline of the analyzer benchmark (bc-parse-bench).
 */
BcTuFacts *bc_extract_parse_bare(const BcCompileCmd *cmd, const BcConfig *cfg);
/* Convenience for tests: parse @file with compiler @args (no argv[0]). */
BcTuFacts *bc_extract_file(const char *file, const char *const *args, unsigned n_args,
                           const BcConfig *cfg);

/* The clang resource directory compiled in (for stddef.h & co). */
const char *bc_extract_resource_dir(void);

struct BcCache;

typedef struct BcExtractRun {
    unsigned jobs;                   /* worker threads; 0: number of CPUs */
    /* Parse one TU on a cache miss (any worker thread): bc_extract_parse,
     * or the CLI's stub that loads the libclang module first. */
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
const BcExtractApi *bc_extract_module_api(void);

/*
 * Load the compile database through a cache in @cache_dir keyed by the
 * contents of compile_commands.json; on a miss call @load (libclang) and
 * store the result.  @cache_dir NULL: just @load.  Same returns as
 * bc_compdb_load().
 */
int bc_compdb_load_cached(const char *build_dir, const char *cache_dir,
                          int (*load)(const char *, BcCompdb **, char **),
                          BcCompdb **out, char **errmsg);

#endif
