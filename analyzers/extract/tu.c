/*
 * tu.c - parse one translation unit and run the extraction passes
 *
 * Context: the worker thread that owns the CXIndex.
 *
 * The compile command is used as compdb-clean.c left it (argv[0] is the
 * compiler; no dependency-file or output options; relative paths absolute,
 * since threads share one current directory), plus -resource-dir (so clang's own stddef.h & co resolve when libclang is not
 * installed beside clang) and -w (warnings are the build's business).  A TU with
 * errors still yields the facts of what parsed (BC_TU_ERRORS, first error in
 * f->error); one libclang cannot parse at all is BC_TU_FAILED.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "extract.h"
#include "extract-int.h"
#include "xalloc.h"

#ifndef BC_RESOURCE_DIR
#define BC_RESOURCE_DIR ""
#endif

const char *bc_extract_resource_dir(void)
{
    const char *env = getenv("BLKCHECK_RESOURCE_DIR");

    return env && *env ? env : BC_RESOURCE_DIR;
}

/*
 * argv for libclang: the cleaned command (compdb-clean.c) with our additions
 * after argv[0].
 */
static const char **build_argv(BcArena *a, const BcCompileCmd *cmd, int *argc)
{
    const char **v = bc_xcalloc(cmd->argc + 8, sizeof(*v));
    const char *rd = bc_extract_resource_dir();
    int n = 0;

    v[n++] = cmd->argv[0];
    if (*rd) {
        v[n++] = "-resource-dir";
        v[n++] = rd;
    }
    v[n++] = "-w";
    (void)a;
    for (unsigned i = 1; i < cmd->argc; i++) {
        v[n++] = cmd->argv[i];
    }
    *argc = n;
    return v;
}

static void inclusion_visit(CXFile file, CXSourceLocation *stack, unsigned depth,
                            CXClientData data)
{
    BcTu *t = data;

    (void)stack;
    (void)depth;
    bc_vec_push(&t->f->files, bc_file_name(t, file));
}

/* Status and first error message from the diagnostics. */
static void read_diagnostics(BcTu *t)
{
    unsigned n = clang_getNumDiagnostics(t->tu);

    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(t->tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            if (t->f->status == BC_TU_OK) {
                CXString s = clang_formatDiagnostic(d, CXDiagnostic_DisplaySourceLocation |
                                                       CXDiagnostic_DisplayColumn);
                t->f->error = bc_arena_strdup(t->f->arena, clang_getCString(s));
                clang_disposeString(s);
            }
            t->f->status = BC_TU_ERRORS;
        }
        clang_disposeDiagnostic(d);
    }
}

static void fail(BcTuFacts *f, const char *fmt, const char *a, int b)
{
    f->status = BC_TU_FAILED;
    f->error = bc_arena_printf(f->arena, fmt, a, b);
}

static void run_passes(BcTu *t)
{
    read_diagnostics(t);
    clang_getInclusions(t->tu, inclusion_visit, t);
    t->symbols = bc_strmap_new();
    t->asserts = bc_strmap_new();
    bc_macros_index(t);
    bc_symbols_walk_tu(t);
    bc_macros_free(t);
    bc_strmap_free(t->symbols);
    bc_strmap_free(t->asserts);
    bc_vec_free(&t->names);
    bc_vec_free(&t->claimed);
}

/* Parse @cmd into @f's TU, or mark @f failed.  Returns the TU or NULL. */
static CXTranslationUnit parse(void *cxindex, const BcCompileCmd *cmd, BcTuFacts *f)
{
    unsigned flags = CXTranslationUnit_DetailedPreprocessingRecord |
                     CXTranslationUnit_KeepGoing;
    CXTranslationUnit tu = NULL;
    enum CXErrorCode err;
    const char **argv;
    int argc;

    if (access(cmd->file, R_OK) != 0) {
        fail(f, "%s: cannot read the source file (%d)", cmd->file, errno);
        return NULL;
    }
    argv = build_argv(f->arena, cmd, &argc);
    err = clang_parseTranslationUnit2FullArgv(cxindex, NULL, argv, argc, NULL, 0, flags, &tu);
    free(argv);
    if (err != CXError_Success || !tu) {
        fail(f, "%s: libclang could not parse this translation unit (error %d)", cmd->file,
             (int)err);
        return NULL;
    }
    return tu;
}

/* Parse @cmd; with @passes extract its facts, else only read its status. */
static BcTuFacts *extract(void *cxindex, const BcCompileCmd *cmd, const BcConfig *cfg,
                          bool passes)
{
    BcTuFacts *f = bc_facts_new(cmd->file);
    BcTu t = { .f = f, .cfg = cfg, .dir = cmd->dir };

    t.tu = parse(cxindex, cmd, f);
    if (t.tu) {
        if (passes) {
            run_passes(&t);
        } else {
            read_diagnostics(&t);
        }
        clang_disposeTranslationUnit(t.tu);
    }
    return f;
}

BcTuFacts *bc_extract_tu(void *cxindex, const BcCompileCmd *cmd, const BcConfig *cfg)
{
    return extract(cxindex, cmd, cfg, true);
}

static pthread_key_t index_key;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static void index_dispose(void *index)
{
    clang_disposeIndex(index);
}

static void index_key_create(void)
{
    if (pthread_key_create(&index_key, index_dispose) != 0) {
        abort();
    }
}

/* The calling thread's CXIndex, created on first use. */
static CXIndex thread_index(void)
{
    CXIndex index;

    pthread_once(&index_once, index_key_create);
    index = pthread_getspecific(index_key);
    if (!index) {
        index = clang_createIndex(0, 0);
        pthread_setspecific(index_key, index);
    }
    return index;
}

BcTuFacts *bc_extract_parse(const BcCompileCmd *cmd, const BcConfig *cfg)
{
    return bc_extract_tu(thread_index(), cmd, cfg);
}

BcTuFacts *bc_extract_parse_bare(const BcCompileCmd *cmd, const BcConfig *cfg)
{
    return extract(thread_index(), cmd, cfg, false);
}
