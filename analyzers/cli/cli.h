/*
 * cli.h - private interface of the blkcheck command's files
 *
 * Context: command line only, one thread (extraction runs its own workers).
 *
 * main.c parses options; session.c turns them into a graph (config,
 * compile database, cache, extraction, graph build) for both `check` and
 * `query`; check.c runs rules and reports; fix.c applies BC010 fix-its.
 */
#ifndef BC_CLI_H
#define BC_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "config.h"
#include "cache.h"
#include "pipeline.h"
#include "findings.h"
#include "graph.h"
#include "report.h"

/* Exit codes (docs/blkcheck.md). */
enum {
    BC_EXIT_CLEAN = 0,
    BC_EXIT_FINDINGS = 1,
    BC_EXIT_USAGE = 2,
    BC_EXIT_INCOMPLETE = 3,
};

typedef struct BcOptions {
    const char *build_dir;        /* -p */
    const char *config;           /* --config */
    const char *rules;            /* --rules */
    BcFormat format;              /* --format */
    const char *output;           /* --output */
    const char *baseline;         /* --baseline */
    bool write_baseline;          /* --write-baseline */
    unsigned jobs;                /* -j, 0: CPUs */
    bool no_cache;                /* --no-cache */
    const char *cache_dir;        /* --cache-dir */
    const char *facts_dir;        /* --facts: plugin facts, no parsing */
    bool fix;                     /* --fix */
    bool stats;                   /* --stats */
    bool progress;                /* stderr is a terminal and not --no-progress */
    const char *const *paths;     /* PATH... */
    size_t n_paths;
} BcOptions;

typedef struct BcSession {
    const BcOptions *opt;
    BcConfig *cfg;
    char *build_dir;
    char *root;                   /* tree root: reports are relative to it */
    BcCompdb *db;
    BcGraph *g;
    BcExtractStats xs;
    double build_seconds;
    char *cache_dir;              /* NULL: --no-cache */
    struct BcCache *cache;        /* open while extracting */
    const char **failed;          /* files of TUs that did not parse cleanly */
    unsigned n_failed;
} BcSession;

/* Build the graph for @opt.  Returns: 0, or an exit code after a message. */
int bc_session_open(BcSession *s, const BcOptions *opt);
void bc_session_close(BcSession *s);

/*
 * Load every *.facts file of @dir (written by the clang plugin's
 * facts-dir=) into @s->xs / *@out (malloc'ed array of *@n facts, caller
 * owns).  Returns: 0, or an exit code after a message.
 */
int bc_facts_dir_load(const char *dir, BcTuFacts ***out, size_t *n, BcExtractStats *xs);

/* `blkcheck check` after options are parsed.  Returns: the exit code. */
int bc_check_main(const BcOptions *opt);

/*
 * Insert the fix-its of @f into their files.  Returns: fix-its applied, or
 * -errno (the message is printed).
 */
int bc_fix_apply(const BcFindings *f);

double bc_now(void);


#endif
