/*
 * parse-bench.c - bc-parse-bench: parse the TUs blkcheck would analyze, in
 * one process, and do nothing else.
 *
 *   bc-parse-bench -p BUILD_DIR [-c CONFIG] [-j N] [-l] [PATH...]
 *
 * The baseline of ci/bench/analyzer.sh: the same compile database loading
 * and PATH selection as `blkcheck check`, the same worker pool, the same
 * arguments and libclang parse flags (bc_extract_parse_bare), but no fact
 * extraction, no rules and no cache.  blkcheck's cold time over this one is
 * what the analysis costs beyond libclang's parse.  Prints one line:
 *   bc-parse-bench tus=N parsed=N errors=N failed=N jobs=N seconds=S
 * -l lists the selected source files instead, one a line, without parsing
 * (the benchmark gives the clang side exactly these).
 * Exit: 0, or 2 for bad usage or an unreadable database or config.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "extract.h"
#include "rules.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: bc-parse-bench -p BUILD_DIR [-c CONFIG] [-j N] [-l] [PATH...]\n");
}

int main(int argc, char **argv)
{
    const char *build_dir = NULL, *config = NULL, *bad = NULL;
    unsigned jobs = 0;
    BcConfig *cfg = NULL;
    BcCompdb *db = NULL;
    BcExtractStats st = { 0 };
    BcExtractRun run = { .parse = bc_extract_parse_bare };
    BcTuFacts **tus;
    char *err = NULL, cwd[4096];
    bool list = false;
    int opt;

    while ((opt = getopt(argc, argv, "p:c:j:lh")) != -1) {
        switch (opt) {
        case 'l': list = true; break;
        case 'p': build_dir = optarg; break;
        case 'c': config = optarg; break;
        case 'j': jobs = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!build_dir || !getcwd(cwd, sizeof(cwd))) {
        usage(stderr);
        return 2;
    }
    if (config ? bc_config_load(config, &cfg, &err) != 0 || bc_rules_check_config(cfg, &err) != 0
               : !(cfg = bc_config_default())) {
        fprintf(stderr, "bc-parse-bench: %s\n", err ? err : "no configuration");
        return 2;
    }
    if (bc_compdb_load(build_dir, &db, &err) != 0) {
        fprintf(stderr, "bc-parse-bench: %s\n", err);
        return 2;
    }
    if (bc_compdb_filter(db, (const char *const *)argv + optind, (size_t)(argc - optind),
                         cfg, cwd, &bad) < 0) {
        fprintf(stderr, "bc-parse-bench: %s: no such file or directory\n", bad);
        return 2;
    }
    if (list) {
        for (size_t i = 0; i < db->cmds.n; i++) {
            printf("%s\n", db->cmds.v[i].file);
        }
        bc_compdb_free(db);
        bc_config_free(cfg);
        return 0;
    }
    run.jobs = jobs;
    tus = bc_extract_all(db, cfg, &run, &st);
    for (size_t i = 0; i < db->cmds.n; i++) {
        bc_facts_free(tus[i]);
    }
    free(tus);
    printf("bc-parse-bench tus=%u parsed=%u errors=%u failed=%u jobs=%u seconds=%.3f\n",
           st.total, st.parsed, st.errors, st.failed, jobs, st.seconds);
    bc_compdb_free(db);
    bc_config_free(cfg);
    return 0;
}
