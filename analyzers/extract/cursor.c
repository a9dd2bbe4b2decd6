/*
 * cursor.c - small pure helpers over libclang cursors, types and locations
 *
 * Context: one TU, its worker thread.
 *
 * Everything the passes need to name a cursor (USR, spelling, position) and
 * to see through expression wrappers lives here, so the passes read as
 * decisions about C constructs rather than libclang plumbing.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "extract-int.h"

static const char *arena_cxstring(BcTu *t, CXString s)
{
    const char *c = clang_getCString(s);
    const char *copy = bc_arena_strdup(t->f->arena, c ? c : "");

    clang_disposeString(s);
    return copy;
}

const char *bc_cursor_usr(BcTu *t, CXCursor c)
{
    return arena_cxstring(t, clang_getCursorUSR(c));
}

const char *bc_cursor_name(BcTu *t, CXCursor c)
{
    return arena_cxstring(t, clang_getCursorSpelling(c));
}

/* Absolute, normalized path: relative names are relative to the compile dir. */
static const char *absolute_name(BcTu *t, const char *name)
{
    char joined[PATH_MAX], resolved[PATH_MAX];

    if (name[0] != '/' && t->dir) {
        snprintf(joined, sizeof(joined), "%s/%s", t->dir, name);
        name = joined;
    }
    if (strstr(name, "/.") && realpath(name, resolved)) {
        name = resolved;
    }
    return bc_arena_strdup(t->f->arena, name);
}

const char *bc_file_name(BcTu *t, CXFile file)
{
    if (!file) {
        return NULL;
    }
    /* A TU touches few files: a linear memo beats hashing here. */
    for (size_t i = t->names.n; i-- > 0;) {
        if (t->names.v[i].file == file) {
            return t->names.v[i].name;
        }
    }
    CXString s = clang_getFileName(file);
    const char *raw = clang_getCString(s);
    BcFileName fn = { file, absolute_name(t, raw ? raw : "") };

    clang_disposeString(s);
    bc_vec_push(&t->names, fn);
    return fn.name;
}

BcLoc bc_location(BcTu *t, CXSourceLocation l)
{
    CXFile file;
    unsigned line, col;
    BcLoc loc;

    clang_getFileLocation(l, &file, &line, &col, NULL);
    loc.file = bc_file_name(t, file);
    loc.line = line;
    loc.col = col;
    return loc;
}

BcLoc bc_cursor_loc(BcTu *t, CXCursor c)
{
    return bc_location(t, clang_getCursorLocation(c));
}

void bc_cursor_offsets(CXCursor c, CXFile *file, unsigned *start, unsigned *end)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile end_file;

    clang_getExpansionLocation(clang_getRangeStart(r), file, NULL, NULL, start);
    clang_getExpansionLocation(clang_getRangeEnd(r), &end_file, NULL, NULL, end);
    if (end_file != *file) {
        *end = *start;
    }
}

bool bc_type_is_fnptr(CXType t)
{
    t = clang_getCanonicalType(t);
    if (t.kind != CXType_Pointer) {
        return false;
    }
    CXType p = clang_getCanonicalType(clang_getPointeeType(t));
    return p.kind == CXType_FunctionProto || p.kind == CXType_FunctionNoProto;
}

bool bc_type_is_fnptr_slot(CXType t)
{
    t = clang_getCanonicalType(t);
    while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray) {
        t = clang_getCanonicalType(clang_getArrayElementType(t));
    }
    return bc_type_is_fnptr(t);
}

static enum CXChildVisitResult take_first(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    *(CXCursor *)d = c;
    return CXChildVisit_Break;
}

CXCursor bc_first_child(CXCursor c)
{
    CXCursor child = clang_getNullCursor();

    clang_visitChildren(c, take_first, &child);
    return child;
}

typedef struct NthChild {
    unsigned want, seen;
    CXCursor found;
} NthChild;

static enum CXChildVisitResult take_nth(CXCursor c, CXCursor parent, CXClientData d)
{
    NthChild *nc = d;

    (void)parent;
    if (nc->seen++ == nc->want) {
        nc->found = c;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Continue;
}

CXCursor bc_nth_child(CXCursor c, unsigned n)
{
    NthChild nc = { n, 0, clang_getNullCursor() };

    clang_visitChildren(c, take_nth, &nc);
    return nc.found;
}

static enum CXChildVisitResult take_last(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    *(CXCursor *)d = c;
    return CXChildVisit_Continue;
}

static CXCursor last_child(CXCursor c)
{
    CXCursor last = clang_getNullCursor();

    clang_visitChildren(c, take_last, &last);
    return last;
}

CXCursor bc_strip_expr(CXCursor c)
{
    for (int depth = 0; depth < 16; depth++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr &&
            k != CXCursor_UnaryOperator && k != CXCursor_CStyleCastExpr) {
            break;
        }
        /* A cast may name its type first (a TypeRef): the operand is the
         * last child. */
        CXCursor inner = k == CXCursor_CStyleCastExpr ? last_child(c) : bc_first_child(c);
        if (clang_Cursor_isNull(inner) || !clang_isExpression(clang_getCursorKind(inner))) {
            break;
        }
        c = inner;
    }
    return c;
}

CXCursor bc_expr_function(CXCursor c)
{
    c = bc_strip_expr(c);
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(c);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
            return d;
        }
    }
    return clang_getNullCursor();
}

const char *bc_param_key(BcTu *t, CXCursor fn, int index)
{
    CXString u = clang_getCursorUSR(fn);
    const char *key = bc_arena_printf(t->f->arena, "%s@P@%d", clang_getCString(u), index);

    clang_disposeString(u);
    return key;
}

/* Index of parameter @parm in its function, or -1. */
static int param_index(CXCursor fn, CXCursor parm)
{
    int n = clang_Cursor_getNumArguments(fn);

    for (int i = 0; i < n; i++) {
        if (clang_equalCursors(clang_Cursor_getArgument(fn, i), parm)) {
            return i;
        }
    }
    return -1;
}

const char *bc_slot_key(BcTu *t, CXCursor decl)
{
    if (clang_getCursorKind(decl) == CXCursor_ParmDecl) {
        CXCursor fn = clang_getCursorSemanticParent(decl);
        int i = clang_getCursorKind(fn) == CXCursor_FunctionDecl ? param_index(fn, decl) : -1;
        if (i >= 0) {
            return bc_param_key(t, fn, i);
        }
    }
    return bc_cursor_usr(t, decl);
}
