/*
 * compdb-cache.c - the compile database, remembered between runs
 *
 * Context: command line, one thread.
 *
 * Reading compile_commands.json goes through libclang, and loading libclang
 * alone costs more than a whole warm run.  So the database as libclang
 * read it is stored in the cache directory, keyed by a hash of the build
 * directory and the file's contents; a warm run reads that instead.
 *
 * Format (private, versioned): a header line "blkcheck-compdb 2 N\n" (2: commands
 * cleaned by compdb-clean.c), then
 * per command: directory, file, argc, then argc arguments; every string as
 * "<length>:<bytes>\n".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pipeline.h"
#include "hash.h"
#include "file.h"

static void put_str(FILE *f, const char *s)
{
    fprintf(f, "%zu:", strlen(s));
    fwrite(s, 1, strlen(s), f);
    fputc('\n', f);
}

static bool save(const BcCompdb *db, const char *path)
{
    char tmp[PATH_MAX + 32];
    FILE *f;
    bool ok;

    snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
    if (!(f = fopen(tmp, "wb"))) {
        return false;
    }
    fprintf(f, "blkcheck-compdb 2 %zu\n", db->cmds.n);
    for (size_t i = 0; i < db->cmds.n; i++) {
        const BcCompileCmd *c = &db->cmds.v[i];
        put_str(f, c->dir);
        put_str(f, c->file);
        fprintf(f, "%u\n", c->argc);
        for (unsigned k = 0; k < c->argc; k++) {
            put_str(f, c->argv[k]);
        }
    }
    ok = fclose(f) == 0 && rename(tmp, path) == 0;
    if (!ok) {
        unlink(tmp);
    }
    return ok;
}

typedef struct Reader {
    const char *p, *end;
    BcArena *arena;
    bool bad;
} Reader;

static unsigned long get_num(Reader *r, char term)
{
    char *e;
    unsigned long v = strtoul(r->p, &e, 10);

    if (e == r->p || e >= r->end || *e != term) {
        r->bad = true;
        return 0;
    }
    r->p = e + 1;
    return v;
}

static const char *get_str(Reader *r)
{
    unsigned long n = get_num(r, ':');

    if (r->bad || n > (unsigned long)(r->end - r->p) || r->p[n] != '\n') {
        r->bad = true;
        return "";
    }
    const char *s = bc_arena_strndup(r->arena, r->p, n);
    r->p += n + 1;
    return s;
}

static BcCompdb *load(const char *build_dir, const char *buf, size_t len)
{
    static const char magic[] = "blkcheck-compdb 2 ";
    Reader r = { buf, buf + len, NULL, false };
    BcCompdb *db;
    unsigned long n;

    if (len < sizeof(magic) || memcmp(buf, magic, sizeof(magic) - 1) != 0) {
        return NULL;
    }
    r.p += sizeof(magic) - 1;
    n = get_num(&r, '\n');
    if (r.bad || n == 0 || !(db = calloc(1, sizeof(*db)))) {
        return NULL;
    }
    db->arena = r.arena = bc_arena_new();
    db->dir = bc_arena_strdup(db->arena, build_dir);
    for (unsigned long i = 0; i < n && !r.bad; i++) {
        BcCompileCmd c = { 0 };
        c.dir = get_str(&r);
        c.file = get_str(&r);
        c.argc = (unsigned)get_num(&r, '\n');
        if (r.bad || c.argc > 100000) {
            r.bad = true;
            break;
        }
        c.argv = BC_ARENA_NEW(db->arena, const char *, c.argc + 1);
        for (unsigned k = 0; k < c.argc; k++) {
            c.argv[k] = get_str(&r);
        }
        bc_vec_push(&db->cmds, c);
    }
    if (r.bad || r.p != r.end) {
        bc_compdb_free(db);
        return NULL;
    }
    return db;
}

int bc_compdb_load_cached(const char *build_dir, const char *cache_dir,
                          int (*loadfn)(const char *, BcCompdb **, char **),
                          BcCompdb **out, char **errmsg)
{
    char path[PATH_MAX], entry[PATH_MAX + 64];
    size_t len = 0, clen = 0;
    char *json, *cached;
    int ret;

    snprintf(path, sizeof(path), "%s/compile_commands.json", build_dir);
    json = cache_dir ? bc_read_file(path, &len, NULL) : NULL;
    if (!json) {
        return loadfn(build_dir, out, errmsg);
    }
    unsigned long long h = bc_fnv1a(BC_FNV1A_BASIS, build_dir, strlen(build_dir) + 1);
    h = bc_fnv1a(h, json, len);
    free(json);
    snprintf(entry, sizeof(entry), "%s/compdb-%016llx", cache_dir, h);
    if ((cached = bc_read_file(entry, &clen, NULL)) != NULL) {
        *out = load(build_dir, cached, clen);
        free(cached);
        if (*out) {
            return 0;
        }
    }
    ret = loadfn(build_dir, out, errmsg);
    if (ret == 0) {
        save(*out, entry);
    }
    return ret;
}
