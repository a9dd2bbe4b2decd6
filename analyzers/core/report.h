/*
 * report.h - writing findings: text, JSON, SARIF 2.1.0
 *
 * Context: called once at the end of a run by one thread.
 *
 * Text is `file:line:col: SEVERITY: message [BC00N]` (GCC style, one line per
 * finding, then one indented "note:" line per hop of a path) so editors and
 * CI annotators parse it.  JSON follows docs/blkcheck-json.md.  SARIF is
 * 2.1.0 with rule metadata and, for path rules, codeFlows.
 */
#ifndef BC_REPORT_H
#define BC_REPORT_H

#include <stdio.h>
#include "findings.h"

typedef enum BcFormat {
    BC_FORMAT_TEXT,
    BC_FORMAT_JSON,
    BC_FORMAT_SARIF,
} BcFormat;

typedef struct BcRunInfo {
    const char *tool_version;   /* "0.1" */
    const char *root;           /* paths are reported relative to this, if set */
    unsigned tus_total, tus_failed, tus_cached;
    const char *const *failed_files;  /* TUs that did not parse */
    unsigned n_failed_files;
    unsigned suppressed;        /* findings matched by the baseline */
    /* Base URI of docs/rules/ for SARIF helpUri (ends in '/');
     * NULL: file:// URI of this source tree's docs/rules/. */
    const char *help_base;
} BcRunInfo;

/* Parse "text"/"json"/"sarif".  Returns: 0 or -EINVAL. */
int bc_format_parse(const char *s, BcFormat *out);
/* Write @f to @out.  Returns: 0 or -errno (write error). */
int bc_report_write(FILE *out, BcFormat fmt, const BcFindings *f, const BcRunInfo *info);

#endif
