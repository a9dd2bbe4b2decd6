/*
 * options.c - "key=value,key=value" option strings (see block/options.h)
 *
 * A BlockOpts is an array of (key, value, used) kept in insertion order, so
 * that block_opts_to_string() gives back what the user wrote and
 * block_opts_check_unused() names the first unread key the user wrote.  Sets
 * hold a handful of keys: linear search is the simple and fast choice.
 *
 * Context: any thread; a BlockOpts belongs to one caller at a time (no
 * locking).  Nothing here is on an I/O path.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "block/options.h"

typedef struct BlockOpt {
    char *key;
    char *value;
    bool used;
} BlockOpt;

struct BlockOpts {
    BlockOpt *v;
    size_t n;
    size_t alloc;
};

static void *opts_xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p) {
        abort();
    }
    return p;
}

static char *opts_xstrndup(const char *s, size_t len)
{
    char *d = strndup(s, len);

    if (!d) {
        abort();
    }
    return d;
}

static bool opts_key_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

/* A key is [A-Za-z0-9._-]+ with no empty dotted component. */
static bool opts_key_valid(const char *key)
{
    size_t len = strlen(key);

    if (len == 0 || key[0] == '.' || key[len - 1] == '.' || strstr(key, "..")) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!opts_key_char(key[i])) {
            return false;
        }
    }
    return true;
}

static BlockOpt *opts_find(const BlockOpts *opts, const char *key)
{
    for (size_t i = 0; i < opts->n; i++) {
        if (!strcmp(opts->v[i].key, key)) {
            return &opts->v[i];
        }
    }
    return NULL;
}

/* Append a pair; takes ownership of @key and @value. */
static void opts_append(BlockOpts *opts, char *key, char *value)
{
    if (opts->n == opts->alloc) {
        opts->alloc = opts->alloc ? opts->alloc * 2 : 8;
        opts->v = opts_xrealloc(opts->v, opts->alloc * sizeof(*opts->v));
    }
    opts->v[opts->n++] = (BlockOpt){ .key = key, .value = value };
}

BlockOpts *block_opts_new(void)
{
    BlockOpts *opts = calloc(1, sizeof(*opts));

    if (!opts) {
        abort();
    }
    return opts;
}

void block_opts_free(BlockOpts *opts)
{
    if (!opts) {
        return;
    }
    for (size_t i = 0; i < opts->n; i++) {
        free(opts->v[i].key);
        free(opts->v[i].value);
    }
    free(opts->v);
    free(opts);
}

/*
 * Read one value starting at *@pos up to a single ',' or the end, turning
 * ",," into ','.  Leaves *@pos on the separating comma or the NUL.
 */
static char *opts_parse_value(const char *str, size_t *pos)
{
    char *value = opts_xrealloc(NULL, strlen(str + *pos) + 1);
    size_t i = *pos, len = 0;

    for (; str[i]; i++) {
        if (str[i] == ',') {
            if (str[i + 1] != ',') {
                break;
            }
            i++;                    /* ",," is one literal comma */
        }
        value[len++] = str[i];
    }
    value[len] = 0;
    *pos = i;
    return value;
}

/* Parse "key=value" at *@pos into @opts.  Returns: false with *errp. */
static bool opts_parse_pair(BlockOpts *opts, const char *str, size_t *pos,
                            Error **errp)
{
    size_t start = *pos, i = start;
    char *key;

    while (str[i] && str[i] != '=' && str[i] != ',') {
        i++;
    }
    if (i == start) {
        error_setg(errp, "option string '%s': empty key at position %zu",
                   str, start);
        return false;
    }
    key = opts_xstrndup(str + start, i - start);
    if (str[i] != '=') {
        error_setg(errp, "option string '%s': key '%s' has no '=value'",
                   str, key);
        goto fail;
    }
    if (!opts_key_valid(key)) {
        error_setg(errp, "option string '%s': bad key '%s' (use letters, "
                   "digits, '-', '_' and '.' between names)", str, key);
        goto fail;
    }
    if (opts_find(opts, key)) {
        error_setg(errp, "option string '%s': duplicate key '%s'", str, key);
        goto fail;
    }
    i++;                            /* skip '=' */
    opts_append(opts, key, opts_parse_value(str, &i));
    *pos = i;
    return true;

fail:
    free(key);
    return false;
}

BlockOpts *block_opts_parse(const char *str, Error **errp)
{
    BlockOpts *opts = block_opts_new();
    size_t pos = 0;

    if (!str[0]) {
        return opts;                /* "" is the empty set */
    }
    for (;;) {
        if (!opts_parse_pair(opts, str, &pos, errp)) {
            block_opts_free(opts);
            return NULL;
        }
        if (!str[pos]) {
            return opts;
        }
        pos++;                      /* the separating comma */
    }
}

bool block_opts_set(BlockOpts *opts, const char *key, const char *value)
{
    BlockOpt *o;

    if (!opts_key_valid(key)) {
        return false;
    }
    o = opts_find(opts, key);
    if (o) {
        free(o->value);
        o->value = opts_xstrndup(value, strlen(value));
        o->used = false;
        return true;
    }
    opts_append(opts, opts_xstrndup(key, strlen(key)),
                opts_xstrndup(value, strlen(value)));
    return true;
}

const char *block_opts_get(BlockOpts *opts, const char *key)
{
    BlockOpt *o = opts_find(opts, key);

    if (!o) {
        return NULL;
    }
    o->used = true;
    return o->value;
}

static bool opts_str_eq_any(const char *s, const char *const *words)
{
    for (; *words; words++) {
        if (!strcmp(s, *words)) {
            return true;
        }
    }
    return false;
}

bool block_opts_get_bool(BlockOpts *opts, const char *key, bool def,
                         bool *out, Error **errp)
{
    static const char *const yes[] = { "on", "true", "yes", "1", NULL };
    static const char *const no[] = { "off", "false", "no", "0", NULL };
    const char *v = block_opts_get(opts, key);

    if (!v) {
        *out = def;
    } else if (opts_str_eq_any(v, yes)) {
        *out = true;
    } else if (opts_str_eq_any(v, no)) {
        *out = false;
    } else {
        error_setg(errp, "option '%s': '%s' is not a boolean "
                   "(use on/off, true/false, yes/no or 1/0)", key, v);
        return false;
    }
    return true;
}

/*
 * Parse the decimal digits at the start of @v.  Returns: false when there
 * are none or the number does not fit; *@end points after the digits.
 */
static bool opts_parse_digits(const char *v, uint64_t *out, const char **end)
{
    uint64_t n = 0;
    const char *p = v;

    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
            return false;
        }
        n = n * 10 + (uint64_t)(*p - '0');
    }
    *end = p;
    *out = n;
    return p != v;
}

bool block_opts_get_uint(BlockOpts *opts, const char *key, uint64_t def,
                         uint64_t *out, Error **errp)
{
    const char *v = block_opts_get(opts, key);
    const char *end;

    if (!v) {
        *out = def;
        return true;
    }
    if (!opts_parse_digits(v, out, &end) || *end) {
        error_setg(errp, "option '%s': '%s' is not an unsigned integer",
                   key, v);
        return false;
    }
    return true;
}

/* Returns: the power of 1024 that suffix @c stands for, or -1. */
static int opts_size_shift(char c)
{
    switch (c) {
    case 0:                 return 0;
    case 'k': case 'K':     return 10;
    case 'm': case 'M':     return 20;
    case 'g': case 'G':     return 30;
    case 't': case 'T':     return 40;
    default:                return -1;
    }
}

bool block_opts_get_size(BlockOpts *opts, const char *key, uint64_t def,
                         uint64_t *out, Error **errp)
{
    const char *v = block_opts_get(opts, key);
    const char *end;
    uint64_t n;
    int shift;

    if (!v) {
        *out = def;
        return true;
    }
    if (!opts_parse_digits(v, &n, &end) ||
        (shift = opts_size_shift(*end)) < 0 || (*end && end[1])) {
        error_setg(errp, "option '%s': '%s' is not a size "
                   "(a number with an optional k, M, G or T suffix)", key, v);
        return false;
    }
    if (n > (UINT64_MAX >> shift)) {
        error_setg(errp, "option '%s': '%s' is too large", key, v);
        return false;
    }
    *out = n << shift;
    return true;
}

/* Returns: the rest of @key after "@prefix.", or NULL if it does not match. */
static const char *opts_strip_prefix(const char *key, const char *prefix)
{
    size_t len = strlen(prefix);

    if (strncmp(key, prefix, len) || key[len] != '.') {
        return NULL;
    }
    return key + len + 1;
}

bool block_opts_has_prefix(const BlockOpts *opts, const char *prefix)
{
    for (size_t i = 0; i < opts->n; i++) {
        if (opts_strip_prefix(opts->v[i].key, prefix)) {
            return true;
        }
    }
    return false;
}

BlockOpts *block_opts_extract_prefix(BlockOpts *opts, const char *prefix)
{
    BlockOpts *sub = block_opts_new();

    for (size_t i = 0; i < opts->n; i++) {
        const char *rest = opts_strip_prefix(opts->v[i].key, prefix);

        if (rest) {
            /* Kept here (for display) but answered for by the new set. */
            opts->v[i].used = true;
            opts_append(sub, opts_xstrndup(rest, strlen(rest)),
                        opts_xstrndup(opts->v[i].value,
                                      strlen(opts->v[i].value)));
        }
    }
    return sub;
}

bool block_opts_check_unused(const BlockOpts *opts, const char *what,
                             Error **errp)
{
    for (size_t i = 0; i < opts->n; i++) {
        if (!opts->v[i].used) {
            error_setg(errp, "%s has no option '%s'", what, opts->v[i].key);
            return false;
        }
    }
    return true;
}

char *block_opts_to_string(const BlockOpts *opts)
{
    size_t len = 1;
    char *s, *p;

    for (size_t i = 0; i < opts->n; i++) {
        /* key '=' value (commas doubled) ',' */
        len += strlen(opts->v[i].key) + 2 + 2 * strlen(opts->v[i].value);
    }
    s = p = opts_xrealloc(NULL, len);
    for (size_t i = 0; i < opts->n; i++) {
        if (i) {
            *p++ = ',';
        }
        p = stpcpy(p, opts->v[i].key);
        *p++ = '=';
        for (const char *v = opts->v[i].value; *v; v++) {
            if (*v == ',') {
                *p++ = ',';
            }
            *p++ = *v;
        }
    }
    *p = 0;
    return s;
}
