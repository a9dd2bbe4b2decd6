/*
 * report-json.c - the blkcheck JSON report (schema: docs/blkcheck-json.md)
 *
 * One object: format version, tool, summary counts, TUs that failed, and
 * the findings in report order, each with rule, severity, position,
 * message, function, fingerprint, path (hops) and fix-its.  Positions are
 * relative to info->root when set, like the text output.
 */
#include "report-priv.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "xalloc.h"

#define BC_JSON_VERSION 1

static const char *const hop_kinds[] = {
    [BC_HOP_CALL] = "call", [BC_HOP_POINTS_TO] = "points_to", [BC_HOP_POLL] = "poll",
    [BC_HOP_DECL] = "declaration", [BC_HOP_NOTE] = "note",
};

static void set_loc(json_t *o, const BcRunInfo *info, BcLoc l)
{
    json_object_set_new(o, "file", l.file ? bc_json_str(bc_report_relpath(info, l.file))
                                          : json_null());
    json_object_set_new(o, "line", json_integer(l.line));
    json_object_set_new(o, "column", json_integer(l.col));
}

static json_t *hop_json(const BcHop *h, const BcRunInfo *info)
{
    json_t *o = json_object();
    char buf[1024];

    json_object_set_new(o, "kind", json_string((unsigned)h->kind <= BC_HOP_NOTE
                                               ? hop_kinds[h->kind] : "call"));
    json_object_set_new(o, "function", bc_json_str(h->function ? h->function : ""));
    json_object_set_new(o, "callee", bc_json_str(h->callee ? h->callee : ""));
    set_loc(o, info, h->loc);
    json_object_set_new(o, "message", bc_json_str(bc_report_hop_text(h, buf, sizeof(buf))));
    return o;
}

static json_t *finding_json(const BcFinding *fd, const BcRunInfo *info)
{
    const BcRule *r = fd->rule;
    json_t *o = json_object(), *path = json_array(), *fix = json_array();

    json_object_set_new(o, "rule", json_string(fd->rule->id));
    json_object_set_new(o, "name", json_string(r ? r->name : ""));
    json_object_set_new(o, "severity", json_string(bc_severity_name(fd->severity)));
    set_loc(o, info, fd->loc);
    json_object_set_new(o, "message", bc_json_str(fd->message));
    json_object_set_new(o, "function", bc_json_str(fd->function));
    json_object_set_new(o, "fingerprint", json_string(fd->fingerprint ? fd->fingerprint : ""));
    for (uint32_t i = 0; i < fd->n_path; i++) {
        json_array_append_new(path, hop_json(&fd->path[i], info));
    }
    json_object_set_new(o, "path", path);
    for (uint32_t i = 0; i < bc_finding_n_fixits(fd); i++) {
        json_t *x = json_object();
        set_loc(x, info, fd->fixit[i].loc);
        json_object_set_new(x, "insert", bc_json_str(fd->fixit[i].insert));
        json_array_append_new(fix, x);
    }
    json_object_set_new(o, "fixits", fix);
    return o;
}

static json_t *summary_json(const BcFindings *f, const BcRunInfo *info)
{
    json_t *s = json_object();
    unsigned by_sev[4] = { 0 };

    for (size_t i = 0; i < f->v.n; i++) {
        by_sev[f->v.v[i].severity & 3]++;
    }
    json_object_set_new(s, "findings", json_integer((json_int_t)f->v.n));
    json_object_set_new(s, "errors", json_integer(by_sev[BC_SEV_ERROR]));
    json_object_set_new(s, "warnings", json_integer(by_sev[BC_SEV_WARNING]));
    json_object_set_new(s, "notes", json_integer(by_sev[BC_SEV_NOTE]));
    json_object_set_new(s, "dropped", json_integer(f->dropped));
    json_object_set_new(s, "suppressed", json_integer(info ? info->suppressed : 0));
    json_object_set_new(s, "tus_total", json_integer(info ? info->tus_total : 0));
    json_object_set_new(s, "tus_failed", json_integer(info ? info->tus_failed : 0));
    json_object_set_new(s, "tus_cached", json_integer(info ? info->tus_cached : 0));
    return s;
}

/* Build the whole document (exposed to tests through the output only). */
static json_t *report_json(const BcFindings *f, const BcRunInfo *info)
{
    json_t *root = json_object(), *tool = json_object(), *failed = json_array(),
           *list = json_array();

    json_object_set_new(root, "version", json_integer(BC_JSON_VERSION));
    json_object_set_new(tool, "name", json_string("blkcheck"));
    json_object_set_new(tool, "version", json_string(info && info->tool_version
                                                     ? info->tool_version : "0.1"));
    json_object_set_new(root, "tool", tool);
    json_object_set_new(root, "summary", summary_json(f, info));
    for (unsigned i = 0; info && i < info->n_failed_files; i++) {
        json_array_append_new(failed, bc_json_str(bc_report_relpath(info, info->failed_files[i])));
    }
    json_object_set_new(root, "failed_files", failed);
    for (size_t i = 0; i < f->v.n; i++) {
        json_array_append_new(list, finding_json(&f->v.v[i], info));
    }
    json_object_set_new(root, "findings", list);
    return root;
}

int bc_report_json(FILE *out, const BcFindings *f, const BcRunInfo *info)
{
    json_t *root = report_json(f, info);
    int ret = json_dumpf(root, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);

    json_decref(root);
    fputc('\n', out);
    return ret == 0 && fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}
