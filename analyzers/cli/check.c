/*
 * check.c - `blkcheck check`: rules, baseline, fix-its, report, exit code
 *
 * Context: command line, one thread.
 *
 * Exit code: 3 when any TU did not parse cleanly (the rest is still
 * analyzed and reported), else 1 when a finding of severity warning or
 * error remains after the baseline, else 0.  Notes (BC010 suggestions at
 * their default severity) are reported but do not fail the run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "baseline.h"
#include "cli.h"
#include "rules.h"

static int select_rules(const BcOptions *opt, BcRuleSet *enabled)
{
    const char *bad = NULL;
    size_t bad_len = 0;

    if (bc_rules_parse(opt->rules ? opt->rules : "all", enabled, &bad, &bad_len) != 0) {
        fprintf(stderr, "blkcheck: error: --rules: unknown rule '%.*s' "
                        "(see blkcheck --list-rules)\n", (int)bad_len, bad ? bad : "");
        return BC_EXIT_USAGE;
    }
    return 0;
}

static int apply_baseline(const BcOptions *opt, BcFindings *fs, unsigned *suppressed)
{
    BcBaseline *b = NULL;
    char *err = NULL;

    if (!opt->baseline || opt->write_baseline) {
        return 0;
    }
    if (bc_baseline_load(opt->baseline, &b, &err) != 0) {
        fprintf(stderr, "blkcheck: error: %s\n", err ? err : opt->baseline);
        free(err);
        return BC_EXIT_USAGE;
    }
    *suppressed = bc_baseline_filter(b, fs);
    bc_baseline_free(b);
    return 0;
}

static int write_report(const BcOptions *opt, const BcSession *s, const BcFindings *fs,
                        unsigned suppressed)
{
    BcRunInfo info = {
        .tool_version = BLKCHECK_VERSION,
        .root = s->root,
        .tus_total = s->xs.total,
        .tus_failed = s->n_failed,
        .tus_cached = s->xs.cached,
        .failed_files = s->failed,
        .n_failed_files = s->n_failed,
        .suppressed = suppressed,
    };
    FILE *out = opt->output ? fopen(opt->output, "w") : stdout;
    int err;

    if (!out) {
        fprintf(stderr, "blkcheck: error: %s: %s\n", opt->output, strerror(errno));
        return BC_EXIT_USAGE;
    }
    err = bc_report_write(out, opt->format, fs, &info);
    if (opt->output && fclose(out) != 0 && !err) {
        err = -errno;
    }
    if (err) {
        fprintf(stderr, "blkcheck: error: writing the report: %s\n", strerror(-err));
        return BC_EXIT_USAGE;
    }
    return 0;
}

static void print_stats(const BcSession *s, double rules_s, size_t n_findings)
{
    fprintf(stderr,
            "blkcheck: stats: tus=%u parsed=%u cached=%u errors=%u failed=%u "
            "functions=%zu edges=%zu findings=%zu parse=%.3fs build=%.3fs rules=%.3fs\n",
            s->xs.total, s->xs.parsed, s->xs.cached, s->xs.errors, s->xs.failed,
            s->g->nodes.n, s->g->edges.n, n_findings, s->xs.seconds, s->build_seconds,
            rules_s);
}

static bool fails_run(const BcFindings *fs)
{
    for (size_t i = 0; i < fs->v.n; i++) {
        if (fs->v.v[i].severity >= BC_SEV_WARNING) {
            return true;
        }
    }
    return false;
}

static int finish(const BcOptions *opt, BcSession *s, BcFindings *fs)
{
    unsigned suppressed = 0;
    int ret;

    if (opt->write_baseline) {
        if (bc_baseline_write(opt->baseline, fs) != 0) {
            fprintf(stderr, "blkcheck: error: %s: cannot write the baseline\n", opt->baseline);
            return BC_EXIT_USAGE;
        }
        fprintf(stderr, "blkcheck: wrote %zu finding(s) to %s\n", fs->v.n, opt->baseline);
        return s->n_failed ? BC_EXIT_INCOMPLETE : BC_EXIT_CLEAN;
    }
    if ((ret = apply_baseline(opt, fs, &suppressed)) != 0) {
        return ret;
    }
    if (opt->fix) {
        int n = bc_fix_apply(fs);
        if (n >= 0) {
            fprintf(stderr, "blkcheck: applied %d fix-it(s)\n", n);
        }
    }
    if ((ret = write_report(opt, s, fs, suppressed)) != 0) {
        return ret;
    }
    if (s->n_failed) {
        return BC_EXIT_INCOMPLETE;
    }
    return fails_run(fs) ? BC_EXIT_FINDINGS : BC_EXIT_CLEAN;
}

int bc_check_main(const BcOptions *opt)
{
    BcRuleSet enabled = 0;
    BcSession s;
    BcFindings fs;
    double t0;
    int ret;

    if ((opt->write_baseline && !opt->baseline)) {
        fprintf(stderr, "blkcheck: error: --write-baseline needs --baseline FILE\n");
        return BC_EXIT_USAGE;
    }
    if ((ret = select_rules(opt, &enabled)) != 0) {
        return ret;
    }
    if ((ret = bc_session_open(&s, opt)) != 0) {
        bc_session_close(&s);
        return ret;
    }
    bc_findings_init(&fs);
    t0 = bc_now();
    bc_rules_run(s.g, s.cfg, enabled, &fs);
    bc_findings_sort(&fs);
    double rules_s = bc_now() - t0;
    ret = finish(opt, &s, &fs);
    if (opt->stats) {
        print_stats(&s, rules_s, fs.v.n);
    }
    bc_findings_destroy(&fs);
    bc_session_close(&s);
    return ret;
}
