/*
 * compdb.c - compile_commands.json through libclang's CXCompilationDatabase
 *
 * Context: command line, one thread.
 *
 * We never parse the JSON ourselves: libclang's compilation database reads
 * it, and we copy each command into an arena (the CXCompileCommands die
 * here), cleaned for analysis (compdb-clean.c).  Files are made absolute
 * against the entry's directory so that filtering, the cache key and
 * reported positions agree.  Filtering and
 * the upward search are in compdb-util.c (no libclang there).
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <clang-c/CXCompilationDatabase.h>
#include "extract.h"
#include "xalloc.h"

static char *xstrdup_printf(const char *fmt, const char *a)
{
    size_t len = strlen(fmt) + strlen(a) + 1;
    char *s = bc_xmalloc(len);

    snprintf(s, len, fmt, a);
    return s;
}

static const char *arena_cx(BcArena *a, CXString s)
{
    const char *c = bc_arena_strdup(a, clang_getCString(s) ? clang_getCString(s) : "");

    clang_disposeString(s);
    return c;
}

/* @file made absolute against @dir and normalized when it exists. */
static const char *absolute_file(BcArena *a, const char *dir, const char *file)
{
    char joined[PATH_MAX], resolved[PATH_MAX];

    if (file[0] != '/') {
        snprintf(joined, sizeof(joined), "%s/%s", dir, file);
        file = joined;
    }
    return bc_arena_strdup(a, realpath(file, resolved) ? resolved : file);
}

static void copy_command(BcCompdb *db, CXCompileCommand cc)
{
    BcCompileCmd cmd = { 0 };

    cmd.dir = arena_cx(db->arena, clang_CompileCommand_getDirectory(cc));
    cmd.file = absolute_file(db->arena, cmd.dir,
                             arena_cx(db->arena, clang_CompileCommand_getFilename(cc)));
    unsigned argc = clang_CompileCommand_getNumArgs(cc);
    const char **argv = BC_ARENA_NEW(db->arena, const char *, argc + 1);
    const char *bad;
    for (unsigned i = 0; i < argc; i++) {
        argv[i] = arena_cx(db->arena, clang_CompileCommand_getArg(cc, i));
    }
    bc_compile_args_clean(db->arena, cmd.dir, argv, argc, &cmd.argv, &cmd.argc, &bad);
    bc_vec_push(&db->cmds, cmd);
}

int bc_compdb_load(const char *build_dir, BcCompdb **out, char **errmsg)
{
    char path[PATH_MAX];
    struct stat st;
    CXCompilationDatabase_Error err;
    CXCompilationDatabase cdb;
    CXCompileCommands all;
    unsigned n;

    *out = NULL;
    snprintf(path, sizeof(path), "%s/compile_commands.json", build_dir);
    if (stat(path, &st) != 0) {
        *errmsg = xstrdup_printf("%s: not found (configure with "
                                 "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON, or pass -p)", path);
        return -ENOENT;
    }
    /* libclang returns NULL exactly when it sets an error code. */
    cdb = clang_CompilationDatabase_fromDirectory(build_dir, &err);
    if (!cdb) {
        *errmsg = xstrdup_printf("%s: cannot be read as a compilation database", path);
        return -EINVAL;
    }
    /* Both calls below take a NULL set (size 0; nothing to free). */
    all = clang_CompilationDatabase_getAllCompileCommands(cdb);
    n = clang_CompileCommands_getSize(all);
    if (n == 0) {
        clang_CompileCommands_dispose(all);
        clang_CompilationDatabase_dispose(cdb);
        *errmsg = xstrdup_printf("%s: no compile commands", path);
        return -EINVAL;
    }
    BcCompdb *db = bc_xcalloc(1, sizeof(*db));
    db->arena = bc_arena_new();
    db->dir = bc_arena_strdup(db->arena, build_dir);
    for (unsigned i = 0; i < n; i++) {
        copy_command(db, clang_CompileCommands_getCommand(all, i));
    }
    clang_CompileCommands_dispose(all);
    clang_CompilationDatabase_dispose(cdb);
    *out = db;
    return 0;
}
