/*
 * report-text.c - GCC-style text output
 *
 *   file:line:col: warning: message [BC004]
 *     file:line:col: note: 'co_read' calls 'helper'
 *     file:line:col: note: 'helper' polls (AIO_WAIT_WHILE)
 *
 * One line per finding, then one indented note per hop of its path and per
 * fix-it, so editors and CI annotators that read compiler output pick both
 * up.  An unknown position prints as "<unknown>:0:0".
 */
#include "report-priv.h"
#include "rules.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void print_loc(FILE *out, const BcRunInfo *info, BcLoc l)
{
    fprintf(out, "%s:%u:%u", bc_report_relpath(info, l.file), l.line, l.col);
}

static void print_finding(FILE *out, const BcFinding *fd, const BcRunInfo *info)
{
    char buf[1024];

    print_loc(out, info, fd->loc);
    fprintf(out, ": %s: %s [%s]\n", bc_severity_name(fd->severity), fd->message,
            fd->rule->id);
    for (uint32_t i = 0; i < fd->n_path; i++) {
        fputs("  ", out);
        print_loc(out, info, fd->path[i].loc);
        fprintf(out, ": note: %s\n", bc_report_hop_text(&fd->path[i], buf, sizeof(buf)));
    }
    for (uint32_t i = 0; i < bc_finding_n_fixits(fd); i++) {
        fputs("  ", out);
        print_loc(out, info, fd->fixit[i].loc);
        fprintf(out, ": note: fix-it: insert '%s'\n", fd->fixit[i].insert);
    }
}

int bc_report_text(FILE *out, const BcFindings *f, const BcRunInfo *info)
{
    for (size_t i = 0; i < f->v.n; i++) {
        print_finding(out, &f->v.v[i], info);
    }
    if (f->dropped) {
        fprintf(out, "blkcheck: note: %u more findings not shown (cap %u)\n", f->dropped, f->cap);
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}
