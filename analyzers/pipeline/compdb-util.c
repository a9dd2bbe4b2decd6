/*
 * compdb-util.c - selecting compile commands, finding the database
 *
 * Context: command line, one thread.
 *
 * The parts of compile-database handling that need no libclang, so the
 * command can filter and find without loading it (see compdb-cache.c).
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pipeline.h"

void bc_compdb_free(BcCompdb *db)
{
    if (db) {
        bc_vec_free(&db->cmds);
        bc_arena_free(db->arena);
        free(db);
    }
}

static bool under(const char *file, const char *dir)
{
    size_t n = strlen(dir);

    return strncmp(file, dir, n) == 0 && (file[n] == '\0' || file[n] == '/' ||
                                          (n > 0 && dir[n - 1] == '/'));
}

static bool skipped(const BcConfig *cfg, const char *file, const char *root)
{
    const char *rel = root && under(file, root) ? file + strlen(root) : NULL;

    while (rel && *rel == '/') {
        rel++;
    }
    for (size_t i = 0; cfg && i < cfg->skip_paths.n; i++) {
        const char *pat = cfg->skip_paths.v[i];
        if (fnmatch(pat, file, 0) == 0 || (rel && fnmatch(pat, rel, 0) == 0)) {
            return true;
        }
    }
    return false;
}

/*
 * A TU generated into the build directory (@build) mirrors a source
 * directory: build/block/block-gen.c mirrors .../src/block.  It is
 * selected when a PATH is a directory whose trailing components are the
 * start of the file's path below the build directory.
 */
static bool mirrors(const char *file, const char *build, const char *path)
{
    struct stat st;
    size_t bl = build ? strlen(build) : 0;

    if (!build || !under(file, build) || under(path, build) || stat(path, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
        return false;
    }
    const char *rel = file + bl;
    while (*rel == '/') {
        rel++;
    }
    /* Each tail of @path: "c", "b/c", "a/b/c". */
    for (const char *tail = strrchr(path, '/'); tail && tail > path;) {
        size_t n = strlen(tail + 1);
        if (n && strncmp(rel, tail + 1, n) == 0 && rel[n] == '/') {
            return true;
        }
        do {
            tail--;
        } while (tail > path && *tail != '/');
    }
    return false;
}

static bool selected(const char *file, char **abs, size_t n, const char *build)
{
    for (size_t i = 0; i < n; i++) {
        if (under(file, abs[i]) || mirrors(file, build, abs[i])) {
            return true;
        }
    }
    return n == 0;
}

static bool seen_before(const BcCompdb *db, size_t upto, const char *file)
{
    for (size_t i = 0; i < upto; i++) {
        if (strcmp(db->cmds.v[i].file, file) == 0) {
            return true;
        }
    }
    return false;
}

long bc_compdb_filter(BcCompdb *db, const char *const *paths, size_t n_paths,
                      const BcConfig *cfg, const char *root, const char **bad)
{
    char **abs = calloc(n_paths + 1, sizeof(*abs));
    char *build = db->dir ? realpath(db->dir, NULL) : NULL;
    size_t keep = 0;
    long ret;

    for (size_t i = 0; i < n_paths; i++) {
        abs[i] = realpath(paths[i], NULL);
        if (!abs[i]) {
            *bad = paths[i];
            ret = -ENOENT;
            goto out;
        }
    }
    for (size_t i = 0; i < db->cmds.n; i++) {
        const char *file = db->cmds.v[i].file;
        if (selected(file, abs, n_paths, build) && !skipped(cfg, file, root) &&
            !seen_before(db, keep, file)) {
            db->cmds.v[keep++] = db->cmds.v[i];
        }
    }
    db->cmds.n = keep;
    ret = (long)keep;
out:
    for (size_t i = 0; i < n_paths; i++) {
        free(abs[i]);
    }
    free(abs);
    free(build);
    return ret;
}

char *bc_compdb_find_upward(const char *start)
{
    static const char *const where[] = { "", "/build" };
    char dir[PATH_MAX], path[PATH_MAX + 32];
    struct stat st;

    if (!realpath(start, dir)) {
        return NULL;
    }
    for (;;) {
        for (size_t i = 0; i < 2; i++) {
            snprintf(path, sizeof(path), "%s%s/compile_commands.json",
                     strcmp(dir, "/") ? dir : "", where[i]);
            if (stat(path, &st) == 0) {
                path[strlen(path) - strlen("/compile_commands.json")] = '\0';
                return strdup(path[0] ? path : "/");
            }
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            return NULL;
        }
        *slash = '\0';
    }
}
