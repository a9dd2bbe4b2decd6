/*
 * macros.c - where macros were expanded, and what they expand to
 *
 * Context: one TU, its worker thread.
 *
 * With CXTranslationUnit_DetailedPreprocessingRecord libclang lists every
 * top-level macro expansion of the TU as a cursor.  We index those of
 * non-system files by file and offset.  Three uses:
 *
 *   attribution  a cursor whose expansion location is the start of an
 *                expansion came from that macro (its body or arguments);
 *                the record lists only outermost expansions, so that is
 *                the outermost macro.
 *   roles        expansions of configured polling, guard and code-class
 *                macros are facts themselves; calls.c consumes them in
 *                source order while walking a body.
 *   mentions     a thread-safety attribute spelled inside a macro shows
 *                `__VA_ARGS__` in its tokens; whether the capability it
 *                names is the graph lock is answered by searching the
 *                expanding macro's definition, through nested macros.
 */
#include <string.h>
#include "extract-int.h"

static BcMacroFile *file_entry(BcTu *t, CXFile file)
{
    size_t n = t->macro_files.n;

    /* Expansions arrive grouped by file: the last entry is the usual hit. */
    for (size_t i = n; i-- > 0;) {
        if (t->macro_files.v[i].file == file) {
            return &t->macro_files.v[i];
        }
    }
    BcMacroFile mf = { .file = file };
    bc_vec_push(&t->macro_files, mf);
    return &t->macro_files.v[n];
}

static BcMacroRole macro_role(const BcConfig *cfg, const char *name, const char **label)
{
    *label = NULL;
    if (BC_CONFIG_HAS(cfg, polling_macros, name)) {
        return BC_MACRO_POLL;
    }
    if (BC_CONFIG_HAS(cfg, guard_macros, name)) {
        return BC_MACRO_GUARD;
    }
    for (size_t i = 0; i < cfg->code_class_macros.n; i++) {
        if (strcmp(cfg->code_class_macros.v[i].from, name) == 0) {
            *label = cfg->code_class_macros.v[i].to;
            return BC_MACRO_CODE_CLASS;
        }
    }
    return BC_MACRO_OTHER;
}

static void add_expansion(BcTu *t, CXCursor c)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile file;
    BcMacroExp e = { 0 };

    clang_getExpansionLocation(clang_getRangeStart(r), &file, NULL, NULL, &e.start);
    clang_getExpansionLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &e.end);
    if (!file) {
        return;
    }
    e.name = bc_cursor_name(t, c);
    e.loc = bc_location(t, clang_getRangeStart(r));
    e.role = macro_role(t->cfg, e.name, &e.label);
    bc_vec_push(&file_entry(t, file)->exps, e);
}

static void add_definition(BcTu *t, CXCursor c)
{
    const char *name = bc_cursor_name(t, c);

    bc_strmap_put(t->defs, name, (long)t->def_cursors.n);
    bc_vec_push(&t->def_cursors, c);
}

static enum CXChildVisitResult index_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    BcTu *t = d;
    enum CXCursorKind k = clang_getCursorKind(c);

    (void)parent;
    if (k != CXCursor_MacroExpansion && k != CXCursor_MacroDefinition) {
        return CXChildVisit_Continue;
    }
    if (clang_Location_isInSystemHeader(clang_getCursorLocation(c))) {
        return CXChildVisit_Continue;
    }
    if (k == CXCursor_MacroExpansion) {
        add_expansion(t, c);
    } else {
        add_definition(t, c);
    }
    return CXChildVisit_Continue;
}

void bc_macros_index(BcTu *t)
{
    t->defs = bc_strmap_new();
    clang_visitChildren(clang_getTranslationUnitCursor(t->tu), index_visit, t);
}

void bc_macros_free(BcTu *t)
{
    bc_vec_foreach(&t->macro_files, mf) {
        bc_vec_free(&mf->exps);
    }
    bc_vec_free(&t->macro_files);
    bc_vec_free(&t->def_cursors);
    bc_strmap_free(t->defs);
    t->defs = NULL;
}

const BcMacroFile *bc_macros_file(const BcTu *t, CXFile file)
{
    for (size_t i = 0; i < t->macro_files.n; i++) {
        if (t->macro_files.v[i].file == file) {
            return &t->macro_files.v[i];
        }
    }
    return NULL;
}

const BcMacroExp *bc_macros_at(const BcTu *t, CXFile file, unsigned offset)
{
    const BcMacroFile *mf = bc_macros_file(t, file);
    size_t lo = 0, hi = mf ? mf->exps.n : 0;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (mf->exps.v[mid].start < offset) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return mf && lo < mf->exps.n && mf->exps.v[lo].start == offset ? &mf->exps.v[lo] : NULL;
}

const char *bc_macros_attribute(const BcTu *t, CXCursor c)
{
    CXFile file;
    unsigned offset;
    const BcMacroExp *e;

    clang_getExpansionLocation(clang_getCursorLocation(c), &file, NULL, NULL, &offset);
    e = file ? bc_macros_at(t, file, offset) : NULL;
    return e ? e->name : NULL;
}

static bool mention(BcTu *t, const char *name, const char *ident, int depth);

/* Whether the tokens of @r name @ident, directly or through macros. */
static bool range_mentions(BcTu *t, CXSourceRange r, unsigned first, const char *self,
                           const char *ident, int depth)
{
    CXToken *toks;
    unsigned n;
    bool found = false;

    clang_tokenize(t->tu, r, &toks, &n);
    for (unsigned k = first; k < n && !found; k++) {
        if (clang_getTokenKind(toks[k]) != CXToken_Identifier) {
            continue;
        }
        CXString s = clang_getTokenSpelling(t->tu, toks[k]);
        const char *sp = clang_getCString(s);
        found = strcmp(sp, ident) == 0 ||
                (!(self && strcmp(sp, self) == 0) && mention(t, sp, ident, depth + 1));
        clang_disposeString(s);
    }
    clang_disposeTokens(t->tu, toks, n);
    return found;
}

/* Search the body of macro @name for @ident (token 0 is the name itself). */
static bool mention(BcTu *t, const char *name, const char *ident, int depth)
{
    long i = bc_strmap_get(t->defs, name);

    if (i < 0 || depth > 8) {
        return false;
    }
    return range_mentions(t, clang_getCursorExtent(t->def_cursors.v[i]), 1, name,
                          ident, depth);
}

bool bc_macros_mention(BcTu *t, CXCursor c, const char *ident)
{
    CXFile file;
    unsigned offset;
    const BcMacroExp *e;

    clang_getExpansionLocation(clang_getCursorLocation(c), &file, NULL, NULL, &offset);
    e = file ? bc_macros_at(t, file, offset) : NULL;
    if (!e) {
        return false;
    }
    /* The expansion as written: the macro name and its arguments. */
    CXSourceRange r = clang_getRange(clang_getLocationForOffset(t->tu, file, e->start),
                                     clang_getLocationForOffset(t->tu, file, e->end));
    return range_mentions(t, r, 0, NULL, ident, 0);
}
