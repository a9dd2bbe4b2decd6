/*
 * check-markers - prove through libclang that every marker of annotations.h
 * is visible as an annotation on the declaration it marks.
 *
 * Usage: check-markers [-v] FILE.c [CLANG-ARGS...]
 *   -v  also print each checked declaration with the labels libclang saw
 *
 * Each declaration to check carries a comment on the line of its name:
 *     int coroutine_fn foo(void);   // labels: coroutine_fn
 * The labels are the annotate("...") strings libclang reports on that
 * function or field, plus, for a function definition, the code_class:*
 * label of a GLOBAL_STATE_CODE()/IO_CODE()/IO_OR_GS_CODE() in its body.
 * Sets must match exactly.  Every declaration with a "labels:" comment must
 * be found.  Exit 0 pass, 1 mismatch, 2 usage or parse error.
 */
#include <clang-c/Index.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 4096
#define MAX_LABELS 1024

typedef struct Expectation {
    char *labels;       /* sorted, space separated; NULL: no expectation */
    char got[MAX_LABELS];
    bool seen;
} Expectation;

static Expectation expect[MAX_LINES];
static const char *main_file;
static bool verbose;

/* Sort the words of @s into canonical order in place. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void canonicalize(char *s, size_t cap)
{
    char *words[64], *copy = strdup(s), *save = NULL;
    size_t n = 0, len = 0;

    for (char *w = strtok_r(copy, " \t\r\n", &save); w && n < 64;
         w = strtok_r(NULL, " \t\r\n", &save)) {
        words[n++] = w;
    }
    qsort(words, n, sizeof(words[0]), cmp_str);
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(words[i], words[i - 1]) == 0) {
            continue;
        }
        len += snprintf(s + len, cap - len, "%s%s", len ? " " : "", words[i]);
    }
    free(copy);
}

static int read_expectations(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int lineno = 0, count = 0;

    if (!f) {
        perror(path);
        return -1;
    }
    while (fgets(line, sizeof(line), f) && ++lineno < MAX_LINES) {
        char *p = strstr(line, "// labels:");
        if (p) {
            expect[lineno].labels = strdup(p + strlen("// labels:"));
            canonicalize(expect[lineno].labels, strlen(expect[lineno].labels) + 1);
            count++;
        }
    }
    fclose(f);
    return count;
}

static void add_label(Expectation *e, const char *label)
{
    size_t len = strlen(e->got);
    snprintf(e->got + len, sizeof(e->got) - len, "%s%s", len ? " " : "", label);
}

static enum CXChildVisitResult collect_annotations(CXCursor c, CXCursor parent,
                                                   CXClientData data)
{
    (void)parent;
    if (clang_getCursorKind(c) == CXCursor_AnnotateAttr) {
        CXString s = clang_getCursorSpelling(c);
        add_label(data, clang_getCString(s));
        clang_disposeString(s);
    }
    return CXChildVisit_Continue;
}

/* In a body: a call to a function annotated code_class:* labels the caller. */
static enum CXChildVisitResult collect_code_class(CXCursor c, CXCursor parent,
                                                  CXClientData data)
{
    (void)parent;
    if (clang_getCursorKind(c) == CXCursor_CallExpr) {
        CXCursor callee = clang_getCursorReferenced(c);
        Expectation tmp = { 0 };

        clang_visitChildren(callee, collect_annotations, &tmp);
        if (strncmp(tmp.got, "code_class:", 11) == 0) {
            add_label(data, tmp.got);
        }
    }
    return CXChildVisit_Recurse;
}

static enum CXChildVisitResult visit(CXCursor c, CXCursor parent, CXClientData data)
{
    enum CXCursorKind kind = clang_getCursorKind(c);
    CXFile file;
    unsigned line;
    CXString fname;
    bool in_main;

    (void)parent;
    (void)data;
    clang_getSpellingLocation(clang_getCursorLocation(c), &file, &line, NULL, NULL);
    fname = clang_getFileName(file);
    in_main = clang_getCString(fname) && strcmp(clang_getCString(fname), main_file) == 0;
    clang_disposeString(fname);
    if (!in_main) {
        return CXChildVisit_Continue;
    }
    if (kind == CXCursor_FunctionDecl || kind == CXCursor_FieldDecl ||
        kind == CXCursor_VarDecl) {
        /* Fields are found by recursing into the struct below. */
        if (line < MAX_LINES && expect[line].labels) {
            Expectation *e = &expect[line];
            e->seen = true;
            clang_visitChildren(c, collect_annotations, e);
            if (kind == CXCursor_FunctionDecl && clang_isCursorDefinition(c)) {
                clang_visitChildren(c, collect_code_class, e);
            }
        }
        return CXChildVisit_Continue;
    }
    return CXChildVisit_Recurse;
}

int main(int argc, char **argv)
{
    CXIndex index;
    CXTranslationUnit tu;
    int failures = 0, expected;

    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        verbose = true;
        argv++;
        argc--;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: check-markers [-v] FILE.c [CLANG-ARGS...]\n");
        return 2;
    }
    main_file = argv[1];
    expected = read_expectations(main_file);
    if (expected <= 0) {
        fprintf(stderr, "%s: no '// labels:' expectations\n", main_file);
        return 2;
    }
    index = clang_createIndex(0, 1);
    if (clang_parseTranslationUnit2(index, main_file, (const char *const *)argv + 2,
                                    argc - 2, NULL, 0, CXTranslationUnit_None,
                                    &tu) != CXError_Success) {
        fprintf(stderr, "%s: libclang could not parse the file\n", main_file);
        return 2;
    }
    for (unsigned i = 0; i < clang_getNumDiagnostics(tu); i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            CXString s = clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
            fprintf(stderr, "%s\n", clang_getCString(s));
            clang_disposeString(s);
            failures++;
        }
        clang_disposeDiagnostic(d);
    }
    if (failures) {
        return 2;
    }
    clang_visitChildren(clang_getTranslationUnitCursor(tu), visit, NULL);

    for (int line = 0; line < MAX_LINES; line++) {
        Expectation *e = &expect[line];
        if (!e->labels) {
            continue;
        }
        canonicalize(e->got, sizeof(e->got));
        if (verbose && e->seen) {
            printf("%s:%d: %s\n", main_file, line, e->got[0] ? e->got : "(none)");
        }
        if (!e->seen) {
            printf("%s:%d: no declaration found on this line\n", main_file, line);
            failures++;
        } else if (strcmp(e->got, e->labels) != 0) {
            printf("%s:%d: labels [%s], expected [%s]\n", main_file, line, e->got,
                   e->labels);
            failures++;
        }
    }
    clang_disposeTranslationUnit(tu);
    clang_disposeIndex(index);
    printf("%s: %d declarations checked, %d mismatches\n", main_file, expected, failures);
    return failures ? 1 : 0;
}
