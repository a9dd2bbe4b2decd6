/*
 * main.c - the blkcheck command: option parsing and dispatch
 *
 * Context: command line, one thread.
 *
 *   blkcheck check [OPTIONS] [PATH...]
 *   blkcheck query [OPTIONS] paths|callers|callees|labels|dot|shell ...
 *   blkcheck --list-rules | --help | --version
 *
 * Usage errors exit 2 (see docs/blkcheck.md for every exit code).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "rules.h"
#include "query-cmd.h"

enum {
    OPT_RULES = 256, OPT_FORMAT, OPT_OUTPUT, OPT_BASELINE, OPT_WRITE_BASELINE,
    OPT_NO_CACHE, OPT_CACHE_DIR, OPT_CONFIG, OPT_FIX, OPT_STATS, OPT_LIST_RULES,
    OPT_NO_PROGRESS, OPT_HELP, OPT_VERSION, OPT_FACTS,
};

static const struct option long_opts[] = {
    { "rules", required_argument, NULL, OPT_RULES },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "output", required_argument, NULL, OPT_OUTPUT },
    { "baseline", required_argument, NULL, OPT_BASELINE },
    { "write-baseline", no_argument, NULL, OPT_WRITE_BASELINE },
    { "jobs", required_argument, NULL, 'j' },
    { "no-cache", no_argument, NULL, OPT_NO_CACHE },
    { "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
    { "config", required_argument, NULL, OPT_CONFIG },
    { "fix", no_argument, NULL, OPT_FIX },
    { "stats", no_argument, NULL, OPT_STATS },
    { "list-rules", no_argument, NULL, OPT_LIST_RULES },
    { "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
    { "help", no_argument, NULL, OPT_HELP },
    { "version", no_argument, NULL, OPT_VERSION },
    { "facts", required_argument, NULL, OPT_FACTS },
    { NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
    fputs("usage: blkcheck check [OPTIONS] [PATH...]\n"
          "       blkcheck query [OPTIONS] COMMAND ARGS...\n"
          "       blkcheck --list-rules | --help | --version\n"
          "\n"
          "Checks the coroutine, polling and graph-lock rules of a C tree over its\n"
          "whole-program call graph (docs/blkcheck.md).  PATHs (files or\n"
          "directories) limit the translation units analyzed.\n"
          "\n"
          "Options:\n"
          "  -p DIR              build directory with compile_commands.json\n"
          "                      (default: searched upward from the current directory,\n"
          "                      also in each parent's build/)\n"
          "  --config FILE       configuration (default: .blkcheck.json at the tree root)\n"
          "  --rules LIST        rules to run: all, or ids/names (BC001,poll-in-coroutine)\n"
          "  --format FMT        text (default), json or sarif\n"
          "  --output FILE       write the report to FILE instead of stdout\n"
          "  --baseline FILE     do not report findings accepted in FILE\n"
          "  --write-baseline    write all current findings to the --baseline FILE\n"
          "  -j, --jobs N        parse N translation units at once (default: CPUs)\n"
          "  --no-cache          parse every translation unit, ignore the cache\n"
          "  --cache-dir DIR     cache directory (default BUILD_DIR/.blkcheck-cache)\n"
          "  --facts DIR         no parsing: the facts the clang plugin wrote with\n"
          "                      -fplugin-arg-blkcheck-facts-dir=DIR (docs/plugin.md)\n"
          "  --fix               apply BC010 fix-its (coroutine_fn marks) to the sources\n"
          "  --stats             print timings and counts on stderr\n"
          "  --no-progress       no progress line (shown only when stderr is a terminal)\n"
          "  --list-rules        list the rules and exit\n"
          "  --help, --version\n"
          "\n"
          "Exit status: 0 clean, 1 findings, 2 usage or input error,\n"
          "3 analysis incomplete (a translation unit did not parse).\n", out);
    fputc('\n', out);
    bc_query_usage(out);
}

static void list_rules(void)
{
    for (size_t i = 0; i < bc_n_rules; i++) {
        const BcRule *r = bc_rules[i];
        printf("%s  %-22s %-8s %s\n", r->id, r->name,
               r->default_severity == BC_SEV_ERROR ? "error" :
               r->default_severity == BC_SEV_WARNING ? "warning" :
               r->default_severity == BC_SEV_NOTE ? "note" : "off", r->summary);
    }
}

static void version(void)
{
    const char *err;
    const BcExtractApi *api = bc_pipeline_module(&err);

    printf("blkcheck %s (libclang: %s)\n", BLKCHECK_VERSION,
           api ? api->clang_version : err);
}

static bool parse_jobs(const char *s, unsigned *out)
{
    char *end;
    long n = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || n < 1 || n > 1024) {
        return false;
    }
    *out = (unsigned)n;
    return true;
}

/* One option.  Returns: -1 to go on, else an exit code. */
static int take_option(int c, BcOptions *o)
{
    switch (c) {
    case 'p': o->build_dir = optarg; break;
    case 'j':
        if (!parse_jobs(optarg, &o->jobs)) {
            fprintf(stderr, "blkcheck: error: -j: '%s' is not a job count\n", optarg);
            return BC_EXIT_USAGE;
        }
        break;
    case OPT_RULES: o->rules = optarg; break;
    case OPT_FORMAT:
        if (bc_format_parse(optarg, &o->format) != 0) {
            fprintf(stderr, "blkcheck: error: --format: '%s' is not text, json or sarif\n",
                    optarg);
            return BC_EXIT_USAGE;
        }
        break;
    case OPT_OUTPUT: o->output = optarg; break;
    case OPT_BASELINE: o->baseline = optarg; break;
    case OPT_WRITE_BASELINE: o->write_baseline = true; break;
    case OPT_NO_CACHE: o->no_cache = true; break;
    case OPT_FACTS: o->facts_dir = optarg; break;
    case OPT_CACHE_DIR: o->cache_dir = optarg; break;
    case OPT_CONFIG: o->config = optarg; break;
    case OPT_FIX: o->fix = true; break;
    case OPT_STATS: o->stats = true; break;
    case OPT_NO_PROGRESS: o->progress = false; break;
    case OPT_LIST_RULES: list_rules(); return BC_EXIT_CLEAN;
    case OPT_HELP: usage(stdout); return BC_EXIT_CLEAN;
    case OPT_VERSION: version(); return BC_EXIT_CLEAN;
    default:
        fputs("Try 'blkcheck --help'.\n", stderr);
        return BC_EXIT_USAGE;
    }
    return -1;
}

/* Parse argv[1..]; @stop_at_operand for query (its own words follow). */
static int parse_options(int argc, char **argv, BcOptions *o, bool stop_at_operand)
{
    int c, r;

    o->progress = isatty(STDERR_FILENO);
    optind = 1;
    while ((c = getopt_long(argc, argv, stop_at_operand ? "+p:j:" : "p:j:", long_opts,
                            NULL)) != -1) {
        if ((r = take_option(c, o)) >= 0) {
            return r;
        }
    }
    return -1;
}

static int query_main(int argc, char **argv)
{
    BcOptions o = { 0 };
    int r = parse_options(argc, argv, &o, true);

    if (r >= 0) {
        return r;
    }
    BcSession s;
    if (optind >= argc) {
        bc_query_usage(stderr);
        return BC_EXIT_USAGE;
    }
    if ((r = bc_session_open(&s, &o)) == 0) {
        r = bc_query_main(s.g, argc - optind, argv + optind, stdout);
    }
    bc_session_close(&s);
    return r;
}

static int check_main(int argc, char **argv)
{
    BcOptions o = { 0 };
    int r = parse_options(argc, argv, &o, false);

    if (r >= 0) {
        return r;
    }
    o.paths = (const char *const *)argv + optind;
    o.n_paths = (size_t)(argc - optind);
    return bc_check_main(&o);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "check") == 0) {
        return check_main(argc - 1, argv + 1);
    }
    if (argc >= 2 && strcmp(argv[1], "query") == 0) {
        return query_main(argc - 1, argv + 1);
    }
    if (argc >= 2 && argv[1][0] == '-') {
        /* Global options only: --help, --version, --list-rules. */
        BcOptions o = { 0 };
        int r = parse_options(argc, argv, &o, true);
        if (r >= 0) {
            return r;
        }
    }
    usage(stderr);
    return BC_EXIT_USAGE;
}
