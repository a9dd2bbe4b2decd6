/*
 * report-text.c - GCC-style text output, and the format dispatch
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

int bc_format_parse(const char *s, BcFormat *out)
{
    static const char *const names[] = { "text", "json", "sarif" };

    for (int i = 0; i < 3; i++) {
        if (s && strcmp(s, names[i]) == 0) {
            *out = (BcFormat)i;
            return 0;
        }
    }
    return -EINVAL;
}

const char *bc_report_relpath(const BcRunInfo *info, const char *file)
{
    size_t n;

    if (!file) {
        return "<unknown>";
    }
    if (!info || !info->root || !(n = strlen(info->root))) {
        return file;
    }
    while (n > 1 && info->root[n - 1] == '/') {
        n--;
    }
    if (strncmp(file, info->root, n) == 0 && file[n] == '/') {
        return file + n + 1;
    }
    return file;
}

const char *bc_report_hop_text(const BcHop *h, char *buf, size_t size)
{
    switch (h->kind) {
    case BC_HOP_POINTS_TO:
        snprintf(buf, size, "'%s' may point to '%s' (stored here)", h->function, h->callee);
        break;
    case BC_HOP_POLL:
        snprintf(buf, size, "'%s' polls (%s)", h->function, h->callee);
        break;
    case BC_HOP_DECL:
        snprintf(buf, size, "'%s' declared here with %s", h->function, h->callee);
        break;
    case BC_HOP_NOTE:
        snprintf(buf, size, "%s", h->callee ? h->callee : "");
        break;
    default:
        snprintf(buf, size, "'%s' calls '%s'", h->function, h->callee);
        break;
    }
    return buf;
}

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

int bc_report_write(FILE *out, BcFormat fmt, const BcFindings *f, const BcRunInfo *info)
{
    switch (fmt) {
    case BC_FORMAT_JSON:
        return bc_report_json(out, f, info);
    case BC_FORMAT_SARIF:
        return bc_report_sarif(out, f, info);
    default:
        return bc_report_text(out, f, info);
    }
}
