/*
 * config-load.c - reading .blkcheck.json over the defaults
 *
 * jansson parses the file; it keeps no positions for values, so errors about
 * a key (unknown, wrong type) find their line with a small scanner over the
 * raw text that follows the key path (locate_line).  Keys starting with "//"
 * in the fixed-schema objects are comments.  Lists replace the default list;
 * maps (label_aliases, external_labels, code_class_macros, severity) are
 * merged over the defaults.  docs/blkcheck-config.md documents every key.
 */
#define _GNU_SOURCE     /* asprintf */
#include "config.h"
#include "file.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "labels.h"

typedef BC_VEC(const char *) StrVec;

typedef struct Loader {
    const char *path;
    const char *text;
    BcConfig *c;
    char *err;
    const char *keys[4];    /* key path of the value being read */
    int depth;
} Loader;

/* ---- positions ---------------------------------------------------------- */

static const char *skip_string(const char *p, int *line)
{
    for (p++; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1]) {
            p++;
        } else if (*p == '\n') {
            (*line)++;
        }
    }
    return *p ? p + 1 : p;
}

static bool key_is(const char *start, const char *end, const char *key)
{
    size_t n = strlen(key);
    return (size_t)(end - start) == n && memcmp(start, key, n) == 0;
}

/*
 * Line of the key @keys[depth-1] reached through @keys[0..depth-2] in the
 * JSON @text (escapes in keys are not decoded; config keys have none).
 * Returns: the line, or 1 if the path is not found.
 */
static int locate_line(const char *text, const char *const *keys, int depth)
{
    int line = 1, level = 0, matched = 0;

    for (const char *p = text; *p;) {
        if (*p == '\n') {
            line++;
        } else if (*p == '{' || *p == '[') {
            level++;
        } else if (*p == '}' || *p == ']') {
            if (--level < matched) {
                matched = level;
            }
        } else if (*p == '"') {
            const char *s = p + 1, *e = skip_string(p, &line);
            const char *q = e;
            while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n') {
                q++;
            }
            if (*q == ':' && level == matched + 1 && matched < depth &&
                key_is(s, e - 1, keys[matched])) {
                if (++matched == depth) {
                    return line;
                }
            }
            p = e;
            continue;
        }
        p++;
    }
    return 1;
}

__attribute__((format(printf, 2, 3)))
static int fail(Loader *L, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    int line = locate_line(L->text, L->keys, L->depth);

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    free(L->err);
    if (asprintf(&L->err, "%s:%d: %s", L->path, line, msg) < 0) {
        L->err = NULL;
    }
    return -EINVAL;
}

static const char *key_path(Loader *L)
{
    static _Thread_local char buf[256];
    size_t off = 0;

    buf[0] = 0;
    for (int i = 0; i < L->depth && off < sizeof(buf); i++) {
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? "." : "", L->keys[i]);
    }
    return buf;
}

/* ---- typed readers -------------------------------------------------------- */

static int read_string_list(Loader *L, json_t *v, StrVec *out)
{
    size_t i;
    json_t *e;

    if (!json_is_array(v)) {
        return fail(L, "%s: expected an array of strings", key_path(L));
    }
    out->n = 0;
    json_array_foreach(v, i, e) {
        if (!json_is_string(e)) {
            return fail(L, "%s[%zu]: expected a string", key_path(L), i);
        }
        bc_vec_push(out, bc_arena_strdup(L->c->arena, json_string_value(e)));
    }
    return 0;
}

static int read_label(Loader *L, json_t *v, const char *what, const char **out)
{
    const char *s = json_string_value(v);

    if (!json_is_string(v)) {
        return fail(L, "%s: %s must be a string", key_path(L), what);
    }
    if (bc_label_from_name(s) < 0) {
        return fail(L, "%s: '%s' is not a blkcheck label", key_path(L), s);
    }
    *out = bc_arena_strdup(L->c->arena, s);
    return 0;
}

static int read_aliases(Loader *L, json_t *v, void *unused)
{
    const char *k;
    json_t *e;

    (void)unused;
    if (!json_is_object(v)) {
        return fail(L, "%s: expected an object of \"spelling\": \"label\"", key_path(L));
    }
    json_object_foreach(v, k, e) {
        BcNamePair p = { bc_arena_strdup(L->c->arena, k), NULL };
        L->keys[L->depth++] = k;
        int ret = read_label(L, e, "alias target", &p.to);
        L->depth--;
        if (ret) {
            return ret;
        }
        bc_vec_push(&L->c->label_aliases, p);
    }
    return 0;
}

static int read_external(Loader *L, json_t *v, void *unused)
{
    const char *k;
    json_t *e, *lab;
    size_t i;
    int ret = 0;

    (void)unused;
    if (!json_is_object(v)) {
        return fail(L, "%s: expected an object of \"function\": [labels]", key_path(L));
    }
    json_object_foreach(v, k, e) {
        L->keys[L->depth++] = k;
        if (!json_is_array(e)) {
            ret = fail(L, "%s: expected an array of labels", key_path(L));
        }
        json_array_foreach(e, i, lab) {
            BcNamePair p = { bc_arena_strdup(L->c->arena, k), NULL };
            if (ret || (ret = read_label(L, lab, "label", &p.to))) {
                break;
            }
            bc_vec_push(&L->c->external_labels, p);
        }
        L->depth--;
        if (ret) {
            return ret;
        }
    }
    return 0;
}

static int read_code_classes(Loader *L, json_t *v, void *unused)
{
    const char *k;
    json_t *e;

    (void)unused;
    if (!json_is_object(v)) {
        return fail(L, "%s: expected an object of \"MACRO\": \"code_class:...\"", key_path(L));
    }
    json_object_foreach(v, k, e) {
        BcNamePair p = { bc_arena_strdup(L->c->arena, k), NULL };
        L->keys[L->depth++] = k;
        int ret = read_label(L, e, "code class", &p.to);
        if (!ret && strncmp(p.to, "code_class:", 11) != 0) {
            ret = fail(L, "%s: '%s' is not a code_class: label", key_path(L), p.to);
        }
        L->depth--;
        if (ret) {
            return ret;
        }
        for (size_t i = 0; i < L->c->code_class_macros.n; i++) {
            if (strcmp(L->c->code_class_macros.v[i].from, k) == 0) {
                L->c->code_class_macros.v[i].to = p.to;
                p.from = NULL;
            }
        }
        if (p.from) {
            bc_vec_push(&L->c->code_class_macros, p);
        }
    }
    return 0;
}

typedef int EntryFn(Loader *L, const char *key, json_t *value, void *ctx);

/* @entry for each "key": value of object @v, the key on the key path. */
static int each_entry(Loader *L, json_t *v, const char *expected, EntryFn *entry, void *ctx)
{
    const char *k;
    json_t *e;

    if (!json_is_object(v)) {
        return fail(L, "%s: expected %s", key_path(L), expected);
    }
    json_object_foreach(v, k, e) {
        if (strncmp(k, "//", 2) == 0) {
            continue;       /* comment */
        }
        L->keys[L->depth++] = k;
        int ret = entry(L, k, e, ctx);
        L->depth--;
        if (ret) {
            return ret;
        }
    }
    return 0;
}

/* Kept as written: whether @k names a rule is rules.c's to say. */
static int severity_entry(Loader *L, const char *k, json_t *e, void *unused)
{
    int sev = bc_severity_parse(json_string_value(e));
    BcSeverityOverride o = { bc_arena_strdup(L->c->arena, k), (BcSeverity)sev,
                             locate_line(L->text, L->keys, L->depth) };

    (void)unused;
    if (sev < 0) {
        return fail(L, "%s: expected \"error\", \"warning\", \"note\" or \"off\"", key_path(L));
    }
    bc_vec_push(&L->c->severity, o);
    return 0;
}

static int read_severity(Loader *L, json_t *v, void *unused)
{
    (void)unused;
    return each_entry(L, v, "an object of \"BC00N\": \"level\"", severity_entry, NULL);
}

static int read_list(Loader *L, json_t *v, void *field)
{
    return read_string_list(L, v, field);
}

static int read_capability(Loader *L, json_t *v, void *unused)
{
    (void)unused;
    if (!json_is_string(v)) {
        return fail(L, "%s: expected a string", key_path(L));
    }
    L->c->graph_lock_capability = bc_arena_strdup(L->c->arena, json_string_value(v));
    return 0;
}

/* ---- schema ----------------------------------------------------------------- */

typedef struct KeyHandler {
    const char *key;
    int (*read)(Loader *L, json_t *v, void *field);
    size_t offset;          /* of the field in BcConfig, for read_list */
} KeyHandler;

#define LIST(key, field) { key, read_list, offsetof(BcConfig, field) }

static int read_graph_lock(Loader *L, json_t *v, void *unused);
static int read_conventions(Loader *L, json_t *v, void *unused);

static const KeyHandler top_keys[] = {
    { "label_aliases", read_aliases, 0 },
    { "external_labels", read_external, 0 },
    LIST("polling_functions", polling_functions),
    LIST("polling_macros", polling_macros),
    { "graph_lock", read_graph_lock, 0 },
    LIST("in_coroutine_functions", in_coroutine_functions),
    { "code_class_macros", read_code_classes, 0 },
    { "severity", read_severity, 0 },
    LIST("skip_paths", skip_paths),
    { "conventions", read_conventions, 0 },
    { NULL, NULL, 0 },
};

static const KeyHandler graph_lock_keys[] = {
    { "capability", read_capability, 0 },
    LIST("rdlock", rdlock_functions),
    LIST("rdunlock", rdunlock_functions),
    LIST("wrlock", wrlock_functions),
    LIST("wrunlock", wrunlock_functions),
    LIST("guard_macros", guard_macros),
    LIST("guard_functions", guard_functions),
    { NULL, NULL, 0 },
};

static int read_object(Loader *L, json_t *obj, const KeyHandler *keys)
{
    const char *k;
    json_t *v;

    json_object_foreach(obj, k, v) {
        const KeyHandler *h = keys;
        int ret;

        if (strncmp(k, "//", 2) == 0) {
            continue;       /* comment */
        }
        while (h->key && strcmp(h->key, k) != 0) {
            h++;
        }
        L->keys[L->depth++] = k;
        ret = h->key ? h->read(L, v, (char *)L->c + h->offset)
                     : fail(L, "unknown key '%s'", key_path(L));
        L->depth--;
        if (ret) {
            return ret;
        }
    }
    return 0;
}

static int read_graph_lock(Loader *L, json_t *v, void *unused)
{
    (void)unused;
    if (!json_is_object(v)) {
        return fail(L, "%s: expected an object", key_path(L));
    }
    return read_object(L, v, graph_lock_keys);
}

static int read_bool(Loader *L, json_t *v, void *field)
{
    if (!json_is_boolean(v)) {
        return fail(L, "%s: expected true or false", key_path(L));
    }
    *(bool *)field = json_is_true(v);
    return 0;
}

static int read_repeat(Loader *L, json_t *v, void *field)
{
    int ret = read_string_list(L, v, field);
    StrVec *list = field;

    for (size_t i = 0; !ret && i < list->n; i++) {
        if (bc_label_from_name(bc_config_canonical_label(L->c, list->v[i])) < 0) {
            ret = fail(L, "%s[%zu]: '%s' is not a blkcheck label", key_path(L), i, list->v[i]);
        }
    }
    return ret;
}

static int read_fresh_args(Loader *L, json_t *v, void *field)
{
    BcFreshRule *r = field;
    size_t i;
    json_t *x;

    if (!json_is_array(v) || json_array_size(v) == 0) {
        return fail(L, "%s: expected a non-empty array of argument indexes", key_path(L));
    }
    json_array_foreach(v, i, x) {
        if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 31) {
            return fail(L, "%s[%zu]: expected an argument index 0..31", key_path(L), i);
        }
        r->args |= 1u << json_integer_value(x);
    }
    return 0;
}

/* "blk_unref": { "args": [0], "constructors": ["blk_new"] } */
static int fresh_field(Loader *L, const char *k, json_t *v, void *ctx)
{
    BcFreshRule *r = ctx;

    if (strcmp(k, "args") == 0) {
        return read_fresh_args(L, v, r);
    }
    if (strcmp(k, "constructors") == 0) {
        return read_string_list(L, v, (StrVec *)&r->constructors);
    }
    return fail(L, "unknown key '%s'", key_path(L));
}

static int fresh_entry(Loader *L, const char *k, json_t *e, void *unused)
{
    BcFreshRule r = { .function = bc_arena_strdup(L->c->arena, k) };
    int ret = each_entry(L, e, "{ \"args\": [...], \"constructors\": [...] }", fresh_field, &r);

    (void)unused;
    if (!ret && (!r.args || !r.constructors.n)) {
        ret = fail(L, "%s: needs \"args\" and \"constructors\"", key_path(L));
    }
    if (ret) {
        bc_vec_free(&r.constructors);
        return ret;
    }
    bc_vec_push(&L->c->no_poll_when_fresh, r);
    return 0;
}

static int read_fresh(Loader *L, json_t *v, void *unused)
{
    (void)unused;
    return each_entry(L, v, "an object", fresh_entry, NULL);
}

/* "bdrv_do_drained_begin": [2] */
static int when_false_entry(Loader *L, const char *k, json_t *e, void *unused)
{
    BcFreshRule r = { .function = bc_arena_strdup(L->c->arena, k) };
    int ret = read_fresh_args(L, e, &r);

    (void)unused;
    if (!ret) {
        bc_vec_push(&L->c->no_poll_when_false, r);
    }
    return ret;
}

static int read_when_false(Loader *L, json_t *v, void *unused)
{
    (void)unused;
    return each_entry(L, v, "an object of argument index lists", when_false_entry, NULL);
}

static const KeyHandler convention_keys[] = {
    { "repeat_on_definition", read_repeat, offsetof(BcConfig, repeat_on_definition) },
    { "weaker_function_in_slot", read_bool, offsetof(BcConfig, weaker_function_in_slot) },
    { "wrapper_definitions_labelled", read_bool,
      offsetof(BcConfig, wrapper_definitions_labelled) },
    { "wrapper_polls_exempt", read_bool, offsetof(BcConfig, wrapper_polls_exempt) },
    { "mixed_wrappers_no_coroutine", read_bool,
      offsetof(BcConfig, mixed_wrappers_no_coroutine) },
    { "no_poll_when_fresh", read_fresh, 0 },
    { "no_poll_when_false", read_when_false, 0 },
    { NULL, NULL, 0 },
};

static int read_conventions(Loader *L, json_t *v, void *unused)
{
    (void)unused;
    if (!json_is_object(v)) {
        return fail(L, "%s: expected an object", key_path(L));
    }
    return read_object(L, v, convention_keys);
}

/* ---- entry point ------------------------------------------------------------- */

static int load_text(Loader *L, size_t len)
{
    json_error_t jerr;
    json_t *root = json_loadb(L->text, len, JSON_REJECT_DUPLICATES, &jerr);
    int ret;

    if (!root) {
        if (asprintf(&L->err, "%s:%d:%d: %s", L->path, jerr.line, jerr.column, jerr.text) < 0) {
            L->err = NULL;
        }
        return -EINVAL;
    }
    ret = json_is_object(root) ? read_object(L, root, top_keys)
                               : fail(L, "the top level must be a JSON object");
    json_decref(root);
    return ret;
}

int bc_config_load(const char *path, BcConfig **out, char **errmsg)
{
    Loader L = { .path = path };
    size_t len = 0;
    int ret;
    char *text = bc_read_file(path, &len, &ret);

    *out = NULL;
    *errmsg = NULL;
    if (!text) {
        if (asprintf(errmsg, "%s: %s", path, strerror(-ret)) < 0) {
            *errmsg = NULL;
        }
        return ret;
    }
    L.text = text;
    L.c = bc_config_default();
    L.c->path = bc_arena_strdup(L.c->arena, path);
    ret = load_text(&L, len);
    free(text);
    if (ret) {
        bc_config_free(L.c);
        *errmsg = L.err;
        return ret;
    }
    *out = L.c;
    return 0;
}
