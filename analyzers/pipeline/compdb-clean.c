/*
 * compdb-clean.c - a build's compile command made fit for analysis
 *
 * Context: any thread; pure (reads response files, nothing else).
 *
 * As clang-tidy does it: the command stays what the build runs, minus what
 * only the build's plumbing needs, so a TU that parses is never an error
 * because of it.
 *   - dropped: dependency-file output (-M, -MM, -MD, -MMD, -MP, -MG, -MF X,
 *     -MT X, -MQ X, joined forms too), the output file (-o X, -oX), the
 *     mode flags -c, -S, -E (libclang parses), -save-temps*, -pipe;
 *   - response files (@FILE, relative to the entry's directory) are read and
 *     spliced in, nested ones too (GNU quoting: '...', "...", backslash); an
 *     unreadable one stays as written, so clang names it in its error;
 *   - relative paths made absolute against the entry's directory: the
 *     source file, values of -I/-isystem/-iquote/-include/... in separate and
 *     joined forms.  libclang's -working-directory is not used: clang
 *     implements it by changing the process's directory, which the parallel
 *     workers share.
 * Dropping -MD -MQ X -MF X.o.d matters: libclang would otherwise try to
 * open (and, where it can, write) the dependency file relative to the
 * wrong directory and report every TU as an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pipeline.h"
#include "file.h"
#include "xalloc.h"

/* Options whose value (separate or joined) is a path. */
static const char *const path_opts[] = {
    "-I", "-isystem", "-iquote", "-idirafter", "-include", "-imacros", "-isysroot",
    "--sysroot=", "--sysroot", "-F", "-iframework", "-cxx-isystem", "-ivfsoverlay",
};
/* Options whose separate value is not a source file. */
static const char *const value_opts[] = {
    "-x", "-Xclang", "-target", "-arch", "-Xpreprocessor", "-Xassembler", "-Xlinker",
    "-D", "-U", "-l", "-L", "-u", "-z", "-e",
};
/* Dropped, with their separate value. */
static const char *const drop_with_value[] = { "-o", "-MF", "-MT", "-MQ", "-MJ" };
/* Dropped alone. */
static const char *const drop_alone[] = {
    "-M", "-MM", "-MD", "-MMD", "-MP", "-MG", "-c", "-S", "-E", "-pipe", "-save-temps",
};
/* Dropped when joined with their value (-MFfoo.d, -ofoo.o, -save-temps=obj). */
static const char *const drop_joined[] = { "-MF", "-MT", "-MQ", "-MJ", "-o", "-save-temps=" };

#define N_(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_RESPONSE_DEPTH 8

static bool in_list(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i], s) == 0) {
            return true;
        }
    }
    return false;
}

static bool joined(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]);
        if (strncmp(s, v[i], len) == 0 && s[len]) {
            return true;
        }
    }
    return false;
}

static const char *absolute(BcArena *a, const char *dir, const char *prefix, const char *path)
{
    if (path[0] == '/' || path[0] == '\0') {
        return NULL;
    }
    return bc_arena_printf(a, "%s%s/%s", prefix, dir, path);
}

/* @arg made absolute against @dir if it is (or ends in) a relative path. */
static const char *absolute_arg(BcArena *a, const char *dir, const char *prev, const char *arg)
{
    const char *abs = NULL;

    if (prev && in_list(path_opts, N_(path_opts), prev)) {
        abs = absolute(a, dir, "", arg);
    } else if (arg[0] != '-' && !(prev && in_list(value_opts, N_(value_opts), prev))) {
        abs = absolute(a, dir, "", arg);                 /* a source file */
    } else {
        for (size_t i = 0; i < N_(path_opts) && !abs; i++) {
            size_t len = strlen(path_opts[i]);
            if (strncmp(arg, path_opts[i], len) == 0 && arg[len] && arg[len] != '=' &&
                strcmp(path_opts[i], "--sysroot") != 0) {
                char *p = bc_arena_strndup(a, arg, len);
                abs = absolute(a, dir, p, arg + len);
            }
        }
    }
    return abs ? abs : arg;
}

typedef BC_VEC(const char *) ArgVec;

/* Split response-file text the way GCC reads it. */
static void split_response(BcArena *a, const char *text, ArgVec *out)
{
    size_t len = strlen(text);
    char *word = bc_xmalloc(len + 1);
    const char *p = text;

    while (*p) {
        size_t n = 0;
        char quote = 0;
        bool any = false;

        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            p++;
        }
        for (; *p && (quote || !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')); p++) {
            any = true;
            if (*p == '\\' && p[1]) {
                word[n++] = *++p;
            } else if (quote && *p == quote) {
                quote = 0;
            } else if (!quote && (*p == '\'' || *p == '"')) {
                quote = *p;
            } else {
                word[n++] = *p;
            }
        }
        if (any) {
            word[n] = '\0';
            const char *w = bc_arena_strdup(a, word);
            bc_vec_push(out, w);
        }
    }
    free(word);
}

/* Append @argv to @out with response files spliced in (@first: argv[0]
 * is the compiler, not a response file). */
static void expand(BcArena *a, const char *dir, const char *const *argv, size_t argc,
                   bool first, ArgVec *out, int depth, const char **bad)
{
    for (size_t i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '@' || (first && i == 0)) {
            bc_vec_push(out, arg);
            continue;
        }
        const char *path = arg[1] == '/' ? arg + 1 : bc_arena_printf(a, "%s/%s", dir, arg + 1);
        char *text = depth < MAX_RESPONSE_DEPTH ? bc_read_file(path, NULL, NULL) : NULL;
        if (!text) {
            *bad = path;
            bc_vec_push(out, bc_arena_printf(a, "@%s", path));
            continue;
        }
        ArgVec inner = { 0 };
        split_response(a, text, &inner);
        free(text);
        expand(a, dir, inner.v, inner.n, false, out, depth + 1, bad);
        bc_vec_free(&inner);
    }
}

void bc_compile_args_clean(BcArena *a, const char *dir, const char *const *argv,
                           unsigned argc, const char ***out, unsigned *out_argc,
                           const char **bad_response)
{
    ArgVec all = { 0 };
    const char **v;
    unsigned n = 0;

    *bad_response = NULL;
    expand(a, dir, argv, argc, true, &all, 0, bad_response);
    v = BC_ARENA_NEW(a, const char *, all.n + 1);
    for (size_t i = 0; i < all.n; i++) {
        const char *arg = all.v[i];
        if (i > 0 && in_list(drop_with_value, N_(drop_with_value), arg)) {
            i++;                /* and its value */
            continue;
        }
        if (i > 0 && (in_list(drop_alone, N_(drop_alone), arg) ||
                      joined(drop_joined, N_(drop_joined), arg))) {
            continue;
        }
        const char *prev = n ? v[n - 1] : NULL;
        v[n++] = i == 0 || arg[0] == '@' ? arg : absolute_arg(a, dir, prev, arg);
    }
    v[n] = NULL;
    bc_vec_free(&all);
    *out = v;
    *out_argc = n;
}
