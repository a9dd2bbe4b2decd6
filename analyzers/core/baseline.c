/*
 * baseline.c - accepted findings, by fingerprint
 *
 * File format (JSON, written by --write-baseline, read by --baseline):
 *
 *   { "version": 1, "tool": "blkcheck",
 *     "findings": [ { "fingerprint": "…32 hex…", "rule": "BC001",
 *                     "function": "f", "message": "…" }, … ] }
 *
 * Only "fingerprint" matters when filtering; rule, function and message are
 * for people reviewing the file (they also make its diff readable).  No
 * line numbers are stored, so code moving above a finding keeps it
 * suppressed.  A fingerprint listed N times suppresses up to N findings.
 */
#define _GNU_SOURCE     /* asprintf */
#include "baseline.h"
#include "report-priv.h"
#include "rules.h"
#include "xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASELINE_VERSION 1

typedef struct Entry {
    char *fp;
    unsigned count;
} Entry;

struct BcBaseline {
    Entry *v;               /* sorted by fingerprint */
    size_t n;
};

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const Entry *)a)->fp, ((const Entry *)b)->fp);
}

static int fail(char **errmsg, int ret, const char *path, const char *what, int line)
{
    int r = line > 0 ? asprintf(errmsg, "%s:%d: %s", path, line, what)
                     : asprintf(errmsg, "%s: %s", path, what);

    if (r < 0) {
        *errmsg = NULL;
    }
    return ret;
}

/* Collapse equal fingerprints into counts. */
static void compact(BcBaseline *b)
{
    size_t w = 0;

    qsort(b->v, b->n, sizeof(Entry), cmp_entry);
    for (size_t i = 0; i < b->n; i++) {
        if (w && strcmp(b->v[w - 1].fp, b->v[i].fp) == 0) {
            b->v[w - 1].count++;
            free(b->v[i].fp);
        } else {
            b->v[w++] = b->v[i];
        }
    }
    b->n = w;
}

static int read_entries(json_t *list, BcBaseline *b, const char *path, char **errmsg)
{
    size_t i;
    json_t *e;

    b->v = bc_xcalloc(json_array_size(list) + 1, sizeof(Entry));
    json_array_foreach(list, i, e) {
        const char *fp = json_string_value(json_object_get(e, "fingerprint"));
        char what[80];
        if (!fp) {
            snprintf(what, sizeof(what), "findings[%zu]: no \"fingerprint\" string", i);
            return fail(errmsg, -EINVAL, path, what, 0);
        }
        b->v[b->n].fp = strdup(fp);
        b->v[b->n++].count = 1;
    }
    compact(b);
    return 0;
}

int bc_baseline_load(const char *path, BcBaseline **out, char **errmsg)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr), *list;
    BcBaseline *b;
    int ret;

    *out = NULL;
    *errmsg = NULL;
    if (!root) {
        FILE *fp = fopen(path, "r");
        if (!fp) {
            ret = -errno;
            return fail(errmsg, ret, path, strerror(-ret), 0);
        }
        fclose(fp);
        return fail(errmsg, -EINVAL, path, jerr.text, jerr.line);
    }
    list = json_object_get(root, "findings");
    if (!json_is_object(root) || !json_is_array(list) ||
        json_integer_value(json_object_get(root, "version")) != BASELINE_VERSION) {
        json_decref(root);
        return fail(errmsg, -EINVAL, path, "not a blkcheck baseline (version 1 with a "
                    "\"findings\" array)", 0);
    }
    b = bc_xcalloc(1, sizeof(*b));
    ret = read_entries(list, b, path, errmsg);
    json_decref(root);
    if (ret) {
        bc_baseline_free(b);
        return ret;
    }
    *out = b;
    return 0;
}

void bc_baseline_free(BcBaseline *b)
{
    if (!b) {
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].fp);
    }
    free(b->v);
    free(b);
}

unsigned bc_baseline_filter(const BcBaseline *b, BcFindings *f)
{
    unsigned *left = bc_xcalloc(b->n + 1, sizeof(unsigned)), removed = 0;
    size_t w = 0;

    for (size_t i = 0; i < b->n; i++) {
        left[i] = b->v[i].count;
    }
    for (size_t i = 0; i < f->v.n; i++) {
        Entry key = { (char *)f->v.v[i].fingerprint, 0 };
        Entry *e = key.fp ? bsearch(&key, b->v, b->n, sizeof(Entry), cmp_entry) : NULL;
        if (e && left[e - b->v] > 0) {
            left[e - b->v]--;
            removed++;
        } else {
            f->v.v[w++] = f->v.v[i];
        }
    }
    f->v.n = w;
    free(left);
    bc_findings_sort(f);    /* also re-indexes the sink's duplicate table */
    return removed;
}

static json_t *baseline_json(const BcFindings *f)
{
    json_t *list = json_array();

    for (size_t i = 0; i < f->v.n; i++) {
        const BcFinding *fd = &f->v.v[i];
        json_t *e = json_object();
        json_object_set_new(e, "fingerprint", json_string(fd->fingerprint ? fd->fingerprint : ""));
        json_object_set_new(e, "rule", json_string(fd->rule->id));
        json_object_set_new(e, "function", bc_json_str(fd->function ? fd->function : ""));
        json_object_set_new(e, "message", bc_json_str(fd->message ? fd->message : ""));
        json_array_append_new(list, e);
    }
    return json_pack("{s:i, s:s, s:o}", "version", BASELINE_VERSION, "tool", "blkcheck",
                     "findings", list);
}

int bc_baseline_write(const char *path, const BcFindings *f)
{
    json_t *root = baseline_json(f);
    char *tmp = NULL;
    int ret = 0;

    if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
        json_decref(root);
        return -ENOMEM;
    }
    if (json_dump_file(root, tmp, JSON_INDENT(2)) < 0) {
        ret = -EIO;
    } else if (rename(tmp, path) < 0) {
        ret = -errno;
    }
    if (ret) {
        unlink(tmp);
    }
    free(tmp);
    json_decref(root);
    return ret;
}
