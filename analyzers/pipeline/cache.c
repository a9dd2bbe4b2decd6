/*
 * cache.c - per-TU facts on disk, keyed by command and included contents
 *
 * Context: lookups and stores from any worker thread; the content-hash memo
 * is the only shared state and is locked.
 *
 * Layout: DIR/KEY.facts (bc_facts_save) and DIR/KEY.deps, a text file
 *
 *     blkcheck-deps 2
 *     <16 hex content hash> <mtime ns> <size> <inode> <absolute path>
 *                                                one line per included file
 *
 * KEY hashes the extractor version, the extraction-relevant config, the
 * compile directory and every argument.  A lookup first compares each listed
 * file's stat (mtime, size, inode) with the recorded one; only a file whose
 * stat differs is rehashed (once per run, memoized), so an unchanged tree
 * costs one stat per header and a touched but unchanged file still hits.
 * A file modified less than two seconds before it was recorded gets no stat
 * (always rehashed): a later write in the same timestamp tick could
 * otherwise go unnoticed.  Only clean TUs are stored: a TU with errors
 * is parsed again so its errors are reported again.  A file that changes
 * between being parsed and being hashed leaves a stale entry until the next
 * change; we accept that.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cache.h"
#include "hash.h"
#include "strmap.h"
#include "vec.h"

#include "extractor-id.h"
#include "xalloc.h"

/* Facts from another extractor build are never reused. */
#define BC_CACHE_VERSION "blkcheck-extract " BC_EXTRACTOR_ID

struct BcCache {
    char *dir;
    uint64_t cfg_hash;
    pthread_mutex_t lock;
    BcStrMap *memo;              /* path -> index in hashes */
    BC_VEC(uint64_t) hashes;
    BC_VEC(char *) keys;         /* owned copies of the memo keys */
};

/* A string with its NUL, so that ("ab", "c") and ("a", "bc") differ. */
static uint64_t fnv_str(uint64_t h, const char *s)
{
    return bc_fnv1a(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static uint64_t fnv_list(uint64_t h, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h = fnv_str(h, v[i]);
    }
    return bc_fnv1a(h, "|", 1);
}

/* Everything in the config that changes what the extractor emits. */
static uint64_t config_hash(const BcConfig *c)
{
    uint64_t h = fnv_str(BC_FNV1A_BASIS, BC_CACHE_VERSION);

    h = fnv_str(h, c->graph_lock_capability);
    h = fnv_list(h, c->polling_functions.v, c->polling_functions.n);
    h = fnv_list(h, c->polling_macros.v, c->polling_macros.n);
    h = fnv_list(h, c->rdlock_functions.v, c->rdlock_functions.n);
    h = fnv_list(h, c->rdunlock_functions.v, c->rdunlock_functions.n);
    h = fnv_list(h, c->wrlock_functions.v, c->wrlock_functions.n);
    h = fnv_list(h, c->wrunlock_functions.v, c->wrunlock_functions.n);
    h = fnv_list(h, c->guard_macros.v, c->guard_macros.n);
    h = fnv_list(h, c->guard_functions.v, c->guard_functions.n);
    h = fnv_list(h, c->in_coroutine_functions.v, c->in_coroutine_functions.n);
    for (size_t i = 0; i < c->code_class_macros.n; i++) {
        h = fnv_str(fnv_str(h, c->code_class_macros.v[i].from), c->code_class_macros.v[i].to);
    }
    /* Aliases name the GRAPH_*_PTR macros; constructors make objects fresh. */
    for (size_t i = 0; i < c->label_aliases.n; i++) {
        h = fnv_str(fnv_str(h, c->label_aliases.v[i].from), c->label_aliases.v[i].to);
    }
    for (size_t i = 0; i < c->no_poll_when_fresh.n; i++) {
        h = fnv_list(h, c->no_poll_when_fresh.v[i].constructors.v,
                     c->no_poll_when_fresh.v[i].constructors.n);
    }
    return h;
}

/* Content hash: 8 bytes per step, a multiply-xorshift mix. */
static uint64_t content_hash(const char *path, bool *ok)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    uint64_t h = 0x9e3779b97f4a7c15ull, total = 0;
    unsigned char buf[65536];
    ssize_t n;

    *ok = fd >= 0;
    while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
        size_t i = 0;
        for (; i + 8 <= (size_t)n; i += 8) {
            uint64_t w;
            memcpy(&w, buf + i, 8);
            h = (h ^ w) * 0xff51afd7ed558ccdull;
            h ^= h >> 29;
        }
        h = bc_fnv1a(h, buf + i, (size_t)n - i);
        total += (uint64_t)n;
    }
    if (fd >= 0) {
        *ok = n == 0;
        close(fd);
    }
    return h ^ total;
}

/* The memoized hash of @path for this run, if any. */
static bool memo_get(BcCache *c, const char *path, uint64_t *out)
{
    long i;

    pthread_mutex_lock(&c->lock);
    i = bc_strmap_get(c->memo, path);
    if (i >= 0) {
        *out = c->hashes.v[i];
    }
    pthread_mutex_unlock(&c->lock);
    return i >= 0;
}

static void memo_put(BcCache *c, const char *path, uint64_t h)
{
    char *key = bc_xstrdup(path);

    pthread_mutex_lock(&c->lock);
    bc_vec_push(&c->keys, key);
    bc_strmap_put(c->memo, key, (long)c->hashes.n);
    bc_vec_push(&c->hashes, h);
    pthread_mutex_unlock(&c->lock);
}

/* Memoized content hash of @path for this run.  Returns false if unreadable. */
static bool file_hash(BcCache *c, const char *path, uint64_t *out)
{
    bool ok;

    if (memo_get(c, path, out)) {
        return *out != 0;
    }
    *out = content_hash(path, &ok);
    if (!ok) {
        *out = 0;
    }
    memo_put(c, path, *out);
    return ok;
}

static void entry_path(const BcCache *c, const BcCompileCmd *cmd, const char *ext,
                       char *out, size_t size)
{
    uint64_t h = bc_fnv1a(c->cfg_hash, "cmd", 3);

    h = fnv_str(h, cmd->dir);
    h = fnv_str(h, cmd->file);
    h = fnv_list(h, cmd->argv, cmd->argc);
    snprintf(out, size, "%s/%016llx.%s", c->dir, (unsigned long long)h, ext);
}

static int mkdir_p(const char *dir)
{
    char tmp[PATH_MAX];

    snprintf(tmp, sizeof(tmp), "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
                return -errno;
            }
            *p = '/';
        }
    }
    return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -errno : 0;
}

BcCache *bc_cache_open(const char *dir, const BcConfig *cfg, char **warning)
{
    int err = mkdir_p(dir);
    char probe[PATH_MAX], *real = NULL;

    *warning = NULL;
    if (err == 0 && access(dir, R_OK | W_OK | X_OK) != 0) {
        err = -errno;
    }
    snprintf(probe, sizeof(probe), "%s/.probe-%d", dir, (int)getpid());
    if (err == 0) {
        int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        err = fd < 0 ? -errno : 0;
        if (fd >= 0) {
            close(fd);
            unlink(probe);
        }
    }
    /* Absolute: nothing may depend on the current directory in workers. */
    if (err == 0 && !(real = realpath(dir, NULL))) {
        err = -errno;
    }
    if (err) {
        size_t len = strlen(dir) + 128;
        *warning = malloc(len);
        if (*warning) {
            snprintf(*warning, len, "cache directory %s is not usable (%s): running uncached",
                     dir, strerror(-err));
        }
        return NULL;
    }
    BcCache *c = bc_xcalloc(1, sizeof(*c));
    c->dir = real;
    c->cfg_hash = config_hash(cfg);
    c->memo = bc_strmap_new();
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void bc_cache_close(BcCache *c)
{
    if (!c) {
        return;
    }
    bc_vec_foreach(&c->keys, k) {
        free(*k);
    }
    bc_vec_free(&c->keys);
    bc_vec_free(&c->hashes);
    bc_strmap_free(c->memo);
    pthread_mutex_destroy(&c->lock);
    free(c->dir);
    free(c);
}

char *bc_cache_default_dir(const char *build_dir)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char resolved[PATH_MAX], path[PATH_MAX + 64];

    if (access(build_dir, W_OK) == 0) {
        snprintf(path, sizeof(path), "%s/.blkcheck-cache", build_dir);
        return strdup(path);
    }
    if (!realpath(build_dir, resolved)) {
        snprintf(resolved, sizeof(resolved), "%s", build_dir);
    }
    uint64_t h = fnv_str(BC_FNV1A_BASIS, resolved);
    if (xdg && *xdg) {
        snprintf(path, sizeof(path), "%s/blkcheck/%016llx", xdg, (unsigned long long)h);
    } else {
        snprintf(path, sizeof(path), "%s/.cache/blkcheck/%016llx", home ? home : "/tmp",
                 (unsigned long long)h);
    }
    return strdup(path);
}

typedef struct FileStamp {
    long long mtime_ns, size, ino;      /* all 0: no usable stamp */
} FileStamp;

static FileStamp file_stamp(const char *path)
{
    FileStamp st = { 0, 0, 0 };
    struct stat sb;
    struct timespec now;

    if (stat(path, &sb) != 0 || clock_gettime(CLOCK_REALTIME, &now) != 0 ||
        now.tv_sec - sb.st_mtim.tv_sec < 2) {
        return st;
    }
    st.mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
    st.size = (long long)sb.st_size;
    st.ino = (long long)sb.st_ino;
    return st;
}

static bool stamp_matches(const char *path, const FileStamp *want)
{
    struct stat sb;

    return want->mtime_ns != 0 && stat(path, &sb) == 0 &&
           (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec == want->mtime_ns &&
           (long long)sb.st_size == want->size && (long long)sb.st_ino == want->ino;
}

/* Does @path still have the content hashed as @want?  A matching stat
 * answers without reading; the answer is memoized for the run. */
static bool dep_unchanged(BcCache *c, const char *path, const FileStamp *st, uint64_t want)
{
    uint64_t have;

    if (memo_get(c, path, &have)) {
        return have != 0 && have == want;
    }
    if (stamp_matches(path, st)) {
        memo_put(c, path, want);
        return true;
    }
    return file_hash(c, path, &have) && have == want;
}

/* True if every file listed in the deps file @path still has its content. */
static bool deps_unchanged(BcCache *c, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[PATH_MAX + 64];
    bool ok;

    if (!f) {
        return false;
    }
    ok = fgets(line, sizeof(line), f) && strcmp(line, "blkcheck-deps 2\n") == 0;
    while (ok && fgets(line, sizeof(line), f)) {
        size_t len = strlen(line);
        unsigned long long want;
        FileStamp st;
        int name = 0;

        if (len < 2 || line[len - 1] != '\n' ||
            sscanf(line, "%llx %lld %lld %lld %n", &want, &st.mtime_ns, &st.size, &st.ino,
                   &name) != 4 || name == 0) {
            ok = false;
            break;
        }
        line[len - 1] = '\0';
        ok = dep_unchanged(c, line + name, &st, want);
    }
    fclose(f);
    return ok;
}

BcTuFacts *bc_cache_lookup(BcCache *c, const BcCompileCmd *cmd)
{
    char deps[PATH_MAX], facts[PATH_MAX];
    BcTuFacts *f = NULL;

    entry_path(c, cmd, "deps", deps, sizeof(deps));
    entry_path(c, cmd, "facts", facts, sizeof(facts));
    if (!deps_unchanged(c, deps) || bc_facts_load(facts, &f) != 0) {
        return NULL;
    }
    return f;
}

static bool write_deps(BcCache *c, const BcTuFacts *f, const char *path)
{
    char tmp[PATH_MAX + 32];
    FILE *out;
    bool ok = true;

    snprintf(tmp, sizeof(tmp), "%s.%d.%lx", path, (int)getpid(), (unsigned long)pthread_self());
    out = fopen(tmp, "w");
    if (!out) {
        return false;
    }
    fputs("blkcheck-deps 2\n", out);
    for (size_t i = 0; i < f->files.n && ok; i++) {
        FileStamp st = file_stamp(f->files.v[i]);
        uint64_t h;

        ok = file_hash(c, f->files.v[i], &h) && !strchr(f->files.v[i], '\n');
        fprintf(out, "%016llx %lld %lld %lld %s\n", (unsigned long long)h, st.mtime_ns,
                st.size, st.ino, f->files.v[i]);
    }
    ok = fclose(out) == 0 && ok;
    if (ok && rename(tmp, path) == 0) {
        return true;
    }
    unlink(tmp);
    return false;
}

void bc_cache_store(BcCache *c, const BcCompileCmd *cmd, const BcTuFacts *f)
{
    char deps[PATH_MAX], facts[PATH_MAX];

    if (f->status != BC_TU_OK) {
        return;
    }
    entry_path(c, cmd, "deps", deps, sizeof(deps));
    entry_path(c, cmd, "facts", facts, sizeof(facts));
    /* Facts first: a deps file never points at missing or old facts... */
    if (bc_facts_save(f, facts) != 0) {
        return;
    }
    /* ...and a failed deps write leaves no entry that could match. */
    if (!write_deps(c, f, deps)) {
        unlink(deps);
    }
}
