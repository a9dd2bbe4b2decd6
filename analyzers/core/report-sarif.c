/*
 * report-sarif.c - SARIF 2.1.0 output for code-scanning services
 *
 * One run: tool.driver with the metadata of every rule (id, name,
 * short/full description, helpUri to docs/rules/BC00N.md, default level),
 * one result per finding (ruleId, ruleIndex, level, message, location,
 * partialFingerprints["blkcheck/v1"]), a codeFlow with one threadFlow for
 * findings with a path, and fixes (insertions) for BC010.  File paths below
 * info->root are relative URIs against the uriBaseId "SRCROOT"; others are
 * absolute file:// URIs.  Columns are clang's 1-based byte columns.
 */
#include "report-priv.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "xalloc.h"

#define SARIF_SCHEMA \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define BC_SELF "analyzers/core/report-sarif.c"

static const char *level_name(BcSeverity s)
{
    switch (s) {
    case BC_SEV_ERROR: return "error";
    case BC_SEV_WARNING: return "warning";
    case BC_SEV_NOTE: return "note";
    default: return "none";
    }
}

/* Percent-encode what a URI path may not hold literally. */
static json_t *uri_json(const char *path, bool absolute)
{
    size_t n = strlen(path);
    char *buf = bc_xmalloc(n * 3 + 8), *o = buf;

    if (absolute) {
        o += sprintf(o, "file://");
    }
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            *o++ = (char)*p;
        } else {
            o += sprintf(o, "%%%02X", *p);
        }
    }
    *o = 0;
    json_t *j = json_string(buf);
    free(buf);
    return j;
}

static json_t *artifact_json(const BcRunInfo *info, const char *file)
{
    json_t *a = json_object();
    const char *rel = bc_report_relpath(info, file);

    if (rel != file) {
        json_object_set_new(a, "uri", uri_json(rel, false));
        json_object_set_new(a, "uriBaseId", json_string("SRCROOT"));
    } else {
        json_object_set_new(a, "uri", uri_json(file, file[0] == '/'));
    }
    return a;
}

static json_t *region_json(BcLoc l, bool empty)
{
    json_t *r = json_object();

    json_object_set_new(r, "startLine", json_integer(l.line));
    if (l.col) {
        json_object_set_new(r, "startColumn", json_integer(l.col));
        if (empty) {
            json_object_set_new(r, "endColumn", json_integer(l.col));
        }
    }
    return r;
}

static json_t *location_json(const BcRunInfo *info, BcLoc l, const char *msg)
{
    json_t *loc = json_object(), *phys = json_object();

    if (l.file) {
        json_object_set_new(phys, "artifactLocation", artifact_json(info, l.file));
        if (l.line) {
            json_object_set_new(phys, "region", region_json(l, false));
        }
    }
    json_object_set_new(loc, "physicalLocation", phys);
    if (msg) {
        json_object_set_new(loc, "message", json_pack("{s:o}", "text", bc_json_str(msg)));
    }
    return loc;
}

/*
 * Rule documentation: info->help_base, else the docs/rules/ directory of the
 * tree this file was compiled from (found through __FILE__, which the build
 * passes as an absolute path), else a path relative to the tree root.
 */
static void help_uri(const BcRunInfo *info, const char *id, char *buf, size_t size)
{
    const char *me = __FILE__;
    size_t n = strlen(me), self = strlen(BC_SELF);

    if (info && info->help_base) {
        snprintf(buf, size, "%s%s.md", info->help_base, id);
    } else if (me[0] == '/' && n > self && strcmp(me + n - self, BC_SELF) == 0) {
        snprintf(buf, size, "file://%.*sdocs/rules/%s.md", (int)(n - self), me, id);
    } else {
        snprintf(buf, size, "docs/rules/%s.md", id);
    }
}

static json_t *rules_json(const BcRunInfo *info)
{
    json_t *rules = json_array();

    for (size_t i = 0; i < bc_n_rules; i++) {
        const BcRule *r = bc_rules[i];
        char uri[1024], help[1100];
        help_uri(info, r->id, uri, sizeof(uri));
        snprintf(help, sizeof(help), "%s: %s. Documentation: %s", r->id, r->summary, uri);
        json_array_append_new(rules, json_pack(
            "{s:s, s:s, s:{s:s}, s:{s:s}, s:s, s:{s:s}, s:{s:s}}",
            "id", r->id, "name", r->name, "shortDescription", "text", r->summary,
            "fullDescription", "text", r->summary, "helpUri", uri,
            "help", "text", help, "defaultConfiguration", "level",
            level_name(r->default_severity)));
    }
    return rules;
}

static json_t *code_flow_json(const BcFinding *fd, const BcRunInfo *info)
{
    json_t *locs = json_array();
    char buf[1024];

    for (uint32_t i = 0; i < fd->n_path; i++) {
        json_t *tfl = json_object();
        json_object_set_new(tfl, "location", location_json(info, fd->path[i].loc,
                            bc_report_hop_text(&fd->path[i], buf, sizeof(buf))));
        json_object_set_new(tfl, "nestingLevel", json_integer(0));
        json_object_set_new(tfl, "executionOrder", json_integer(i + 1));
        json_array_append_new(locs, tfl);
    }
    return json_pack("[{s:[{s:o}]}]", "threadFlows", "locations", locs);
}

static json_t *fixes_json(const BcFinding *fd, const BcRunInfo *info)
{
    json_t *changes = json_array();

    for (uint32_t i = 0; i < bc_finding_n_fixits(fd); i++) {
        const BcFixit *x = &fd->fixit[i];
        if (!x->loc.file) {
            continue;
        }
        json_array_append_new(changes, json_pack(
            "{s:o, s:[{s:o, s:{s:o}}]}", "artifactLocation", artifact_json(info, x->loc.file),
            "replacements", "deletedRegion", region_json(x->loc, true),
            "insertedContent", "text", bc_json_str(x->insert)));
    }
    return json_pack("[{s:{s:s}, s:o}]", "description", "text",
                     "insert the suggested annotation", "artifactChanges", changes);
}

static json_t *result_json(const BcFinding *fd, const BcRunInfo *info)
{
    json_t *res = json_object();

    json_object_set_new(res, "ruleId", json_string(fd->rule->id));
    json_object_set_new(res, "ruleIndex", json_integer((json_int_t)bc_rule_index(fd->rule)));
    json_object_set_new(res, "level", json_string(level_name(fd->severity)));
    json_object_set_new(res, "message", json_pack("{s:o}", "text", bc_json_str(fd->message)));
    json_object_set_new(res, "locations",
                        json_pack("[o]", location_json(info, fd->loc, NULL)));
    json_object_set_new(res, "partialFingerprints",
                        json_pack("{s:s}", "blkcheck/v1", fd->fingerprint ? fd->fingerprint : ""));
    if (fd->n_path) {
        json_object_set_new(res, "codeFlows", code_flow_json(fd, info));
    }
    if (bc_finding_n_fixits(fd)) {
        json_object_set_new(res, "fixes", fixes_json(fd, info));
    }
    return res;
}

static json_t *invocation_json(const BcRunInfo *info)
{
    json_t *inv = json_object(), *notes = json_array();

    for (unsigned i = 0; info && i < info->n_failed_files; i++) {
        json_array_append_new(notes, json_pack(
            "{s:s, s:{s:o}, s:[o]}", "level", "error", "message", "text",
            bc_json_str("translation unit could not be parsed; its findings are missing"),
            "locations", location_json(info, (BcLoc){ info->failed_files[i], 0, 0 }, NULL)));
    }
    json_object_set_new(inv, "executionSuccessful",
                        json_boolean(!info || (info->tus_failed == 0 && !info->n_failed_files)));
    json_object_set_new(inv, "toolExecutionNotifications", notes);
    return inv;
}

static json_t *sarif_json(const BcFindings *f, const BcRunInfo *info)
{
    json_t *results = json_array(), *run;
    const char *version = info && info->tool_version ? info->tool_version : "0.1";

    for (size_t i = 0; i < f->v.n; i++) {
        json_array_append_new(results, result_json(&f->v.v[i], info));
    }
    run = json_pack("{s:{s:{s:s, s:s, s:o}}, s:o, s:[o]}",
                    "tool", "driver", "name", "blkcheck", "version", version,
                    "rules", rules_json(info), "results", results,
                    "invocations", invocation_json(info));
    if (info && info->root && info->root[0]) {
        char *root = bc_xmalloc(strlen(info->root) + 2);
        sprintf(root, "%s%s", info->root, info->root[strlen(info->root) - 1] == '/' ? "" : "/");
        json_object_set_new(run, "originalUriBaseIds",
                            json_pack("{s:{s:o}}", "SRCROOT", "uri", uri_json(root, true)));
        free(root);
    }
    return json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0",
                     "runs", run);
}

int bc_report_sarif(FILE *out, const BcFindings *f, const BcRunInfo *info)
{
    json_t *root = sarif_json(f, info);
    int ret = root ? json_dumpf(root, out, JSON_INDENT(2)) : -1;

    json_decref(root);
    fputc('\n', out);
    return ret == 0 && fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}
