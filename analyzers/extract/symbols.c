/*
 * symbols.c - functions and function-pointer slots, with their labels
 *
 * Context: one TU, its worker thread.
 *
 * The top-level walk visits declarations of non-system files: functions
 * (and their function-pointer parameters), function-pointer fields of
 * structs and unions, and variables.  Each declaration site becomes one
 * BcDecl carrying the labels written *there*:
 *
 *   - annotate("...") strings;
 *   - clang thread-safety attributes that name the configured graph-lock
 *     capability, as graph_rdlock / graph_wrlock / graph_unlocked (and
 *     graph_rdlock_ptr for guarded_by on a pointer slot).  libclang shows
 *     them as unexposed attributes: the attribute kind is its first token,
 *     the capability is found in its tokens or in the macro that made it;
 *   - code-class labels, added by calls.c while it walks the body.
 *
 * Attributes a redeclaration inherits from an earlier one appear on the
 * later cursor too; they are recognised by their position (before the
 * declaration, or in another file) and skipped, so BC008 can compare what
 * each site says.
 */
#include <string.h>
#include "extract-int.h"
#include "graph.h"

BcSymbol *bc_symbol_note(BcTu *t, const char *usr, const char *name, const char *qual,
                         BcSymbolKind kind, bool is_static)
{
    long i = bc_strmap_get(t->symbols, usr);
    BcSymbol s = { 0 };

    if (i >= 0) {
        return &t->f->symbols.v[i];
    }
    s.usr = usr;
    s.name = name;
    s.qual_name = qual ? qual : name;
    s.kind = kind;
    s.is_static = is_static;
    bc_strmap_put(t->symbols, usr, (long)t->f->symbols.n);
    bc_vec_push(&t->f->symbols, s);
    return &t->f->symbols.v[t->f->symbols.n - 1];
}

/* "Struct::field" for a field, else NULL. */
static const char *field_qual_name(BcTu *t, CXCursor field, const char *name)
{
    CXCursor rec = clang_getCursorSemanticParent(field);
    CXString s = clang_getCursorSpelling(rec);
    const char *rn = clang_getCString(s);
    const char *q;

    if (!rn || !*rn || strchr(rn, '(')) {
        CXString ts = clang_getTypeSpelling(clang_getCursorType(rec));
        q = bc_arena_printf(t->f->arena, "%s::%s", clang_getCString(ts), name);
        clang_disposeString(ts);
    } else {
        q = bc_arena_printf(t->f->arena, "%s::%s", rn, name);
    }
    clang_disposeString(s);
    return q;
}

static BcSymbolKind slot_kind(CXCursor decl)
{
    switch (clang_getCursorKind(decl)) {
    case CXCursor_FunctionDecl: return BC_SYM_FUNCTION;
    case CXCursor_FieldDecl: return BC_SYM_FIELD;
    case CXCursor_ParmDecl: return BC_SYM_PARAM;
    default: return BC_SYM_VARIABLE;
    }
}

BcSymbol *bc_symbol_of(BcTu *t, CXCursor decl, const char *usr)
{
    long i = bc_strmap_get(t->symbols, usr);
    BcSymbolKind kind = slot_kind(decl);
    const char *name, *qual = NULL;

    if (i >= 0) {
        return &t->f->symbols.v[i];
    }
    name = bc_cursor_name(t, decl);
    if (kind == BC_SYM_FIELD) {
        qual = field_qual_name(t, decl, name);
    }
    return bc_symbol_note(t, usr, name, qual, kind,
                          clang_getCursorLinkage(decl) == CXLinkage_Internal);
}

BcDecl *bc_decl_record(BcTu *t, CXCursor decl, BcSymbolKind kind, const char *usr)
{
    BcDecl d = { 0 };

    d.usr = usr;
    d.loc = bc_cursor_loc(t, decl);
    d.is_definition = clang_isCursorDefinition(decl) || kind != BC_SYM_FUNCTION;
    bc_vec_push(&t->f->decls, d);
    BcDecl *out = &t->f->decls.v[t->f->decls.n - 1];
    bc_labels_collect(t, decl, out);
    return out;
}

/* --- labels ------------------------------------------------------------- */

typedef struct LabelCtx {
    BcTu *t;
    BcDecl *d;
    CXFile file;
    unsigned start;
    bool slot;
    bool guarded;         /* guarded_by(graph lock) on a pointer slot */
    bool guarded_wr;      /* ... spelled with a GRAPH_WRLOCK_PTR macro */
} LabelCtx;

/* Written on this declaration, not inherited from an earlier one. */
static bool attr_is_own(const LabelCtx *lc, CXCursor attr)
{
    CXFile file;
    unsigned off;

    clang_getExpansionLocation(clang_getCursorLocation(attr), &file, NULL, NULL, &off);
    return file == lc->file && off >= lc->start;
}

/* Graph-lock label for a TSA attribute named @kind, or NULL. */
static const char *tsa_label(const char *kind)
{
    static const struct { const char *attr, *label; } map[] = {
        { "requires_shared_capability", "graph_rdlock" },
        { "shared_locks_required", "graph_rdlock" },
        { "requires_capability", "graph_wrlock" },
        { "exclusive_locks_required", "graph_wrlock" },
        { "locks_excluded", "graph_unlocked" },
        { "guarded_by", "" },
        { "pt_guarded_by", "" },
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i].attr, kind) == 0) {
            return map[i].label;
        }
    }
    return NULL;
}

/* Does the attribute name the capability: in its tokens or its macro? */
static bool tsa_names_capability(BcTu *t, CXCursor attr, CXToken *toks, unsigned n)
{
    const char *cap = t->cfg->graph_lock_capability;

    for (unsigned i = 1; i < n; i++) {
        CXString s = clang_getTokenSpelling(t->tu, toks[i]);
        bool hit = strcmp(clang_getCString(s), cap) == 0;
        clang_disposeString(s);
        if (hit) {
            return true;
        }
    }
    /* Spelled in a macro body: the argument is a macro parameter there. */
    return bc_macros_mention(t, attr, cap);
}

static void tsa_collect(LabelCtx *lc, CXCursor attr)
{
    BcTu *t = lc->t;
    CXToken *toks;
    unsigned n;
    const char *label = NULL;

    if (!t->cfg->graph_lock_capability) {
        return;
    }
    clang_tokenize(t->tu, clang_getCursorExtent(attr), &toks, &n);
    if (n > 0) {
        CXString s = clang_getTokenSpelling(t->tu, toks[0]);
        label = tsa_label(clang_getCString(s));
        clang_disposeString(s);
    }
    if (label && tsa_names_capability(t, attr, toks, n)) {
        if (*label) {
            bc_facts_decl_add_label(t->f, lc->d, label);
        } else if (lc->slot) {
            /* guarded_by says nothing of the mode; the macro's name does
             * (QEMU: GRAPH_WRLOCK_PTR and GRAPH_RDLOCK_PTR are both
             * TSA_GUARDED_BY(graph_lock)). */
            const char *macro = bc_macros_attribute(t, attr);
            lc->guarded = true;
            lc->guarded_wr = macro && strcmp(bc_config_canonical_label(t->cfg, macro),
                                             "graph_wrlock_ptr") == 0;
        }
    }
    clang_disposeTokens(t->tu, toks, n);
}

typedef struct AssertCtx {
    BcTu *t;
    BcFlowOp op;
} AssertCtx;

static enum CXChildVisitResult assert_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    AssertCtx *ac = data;
    BcTu *t = ac->t;
    CXToken *toks;
    unsigned n;

    (void)parent;
    if (clang_getCursorKind(c) != CXCursor_UnexposedAttr) {
        return CXChildVisit_Continue;
    }
    clang_tokenize(t->tu, clang_getCursorExtent(c), &toks, &n);
    if (n > 0) {
        CXString s = clang_getTokenSpelling(t->tu, toks[0]);
        const char *kind = clang_getCString(s);
        bool shared = strcmp(kind, "assert_shared_capability") == 0;
        bool excl = strcmp(kind, "assert_capability") == 0;
        clang_disposeString(s);
        if ((shared || excl) && tsa_names_capability(t, c, toks, n)) {
            ac->op = shared ? BC_FLOW_RDLOCK : BC_FLOW_WRLOCK;
        }
    }
    clang_disposeTokens(t->tu, toks, n);
    return ac->op == BC_FLOW_OBSERVE ? CXChildVisit_Continue : CXChildVisit_Break;
}

BcFlowOp bc_tsa_asserts(BcTu *t, CXCursor fn)
{
    AssertCtx ac = { t, BC_FLOW_OBSERVE };
    const char *usr;
    long memo;

    if (!t->cfg->graph_lock_capability) {
        return BC_FLOW_OBSERVE;
    }
    /* Once per callee and TU: its attributes do not change between calls. */
    usr = bc_cursor_usr(t, fn);
    memo = bc_strmap_get(t->asserts, usr);
    if (memo >= 0) {
        return (BcFlowOp)memo;
    }
    clang_visitChildren(fn, assert_visit, &ac);
    bc_strmap_put(t->asserts, usr, (long)ac.op);
    return ac.op;
}

/*
 * The macro that wrote an attribute, when its name is a marker's: QEMU's
 * co_wrapper_mixed expands to no_coroutine_fn coroutine_mixed_fn and
 * carries no annotate string of its own, so the spelling is the only trace
 * that the declaration is a generated wrapper.
 */
static void macro_label(LabelCtx *lc, CXCursor attr)
{
    const char *macro = bc_macros_attribute(lc->t, attr);
    int label = macro ? bc_label_from_name(bc_config_canonical_label(lc->t->cfg, macro)) : -1;

    if (label >= 0) {
        bc_facts_decl_add_label(lc->t->f, lc->d, bc_label_name((BcLabel)label));
    }
}

static enum CXChildVisitResult label_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    LabelCtx *lc = data;
    enum CXCursorKind k = clang_getCursorKind(c);

    (void)parent;
    if (k == CXCursor_AnnotateAttr && attr_is_own(lc, c)) {
        CXString s = clang_getCursorSpelling(c);
        bc_facts_decl_add_label(lc->t->f, lc->d, clang_getCString(s));
        clang_disposeString(s);
        macro_label(lc, c);
    } else if (k == CXCursor_UnexposedAttr && attr_is_own(lc, c)) {
        tsa_collect(lc, c);     /* the macro's name only tells a slot's mode */
    }
    return CXChildVisit_Continue;
}

static enum CXChildVisitResult typedef_label_visit(CXCursor c, CXCursor parent,
                                                   CXClientData data)
{
    LabelCtx *lc = data;

    (void)parent;
    if (clang_getCursorKind(c) == CXCursor_AnnotateAttr) {
        CXString s = clang_getCursorSpelling(c);
        bc_facts_decl_add_label(lc->t->f, lc->d, clang_getCString(s));
        clang_disposeString(s);
    }
    return CXChildVisit_Continue;
}

/*
 * A slot typed with a labelled typedef (`typedef int coroutine_fn
 * CoReadFn(...)`; `CoReadFn *slot`, `CoReadFn *table[2]`) has the labels of
 * the typedef: follow typedefs, pointers and arrays down to the function.
 */
static void type_labels(LabelCtx *lc, CXType type)
{
    for (int depth = 0; depth < 16; depth++) {
        switch (type.kind) {
        case CXType_Elaborated:
            type = clang_Type_getNamedType(type);
            break;
        case CXType_Typedef: {
            CXCursor td = clang_getTypeDeclaration(type);
            clang_visitChildren(td, typedef_label_visit, lc);
            type = clang_getTypedefDeclUnderlyingType(td);
            break;
        }
        case CXType_Pointer:
            type = clang_getPointeeType(type);
            break;
        case CXType_ConstantArray:
        case CXType_IncompleteArray:
            type = clang_getArrayElementType(type);
            break;
        default:
            return;
        }
    }
}

void bc_labels_collect(BcTu *t, CXCursor decl, BcDecl *d)
{
    LabelCtx lc = { .t = t, .d = d };
    unsigned end;

    bc_cursor_offsets(decl, &lc.file, &lc.start, &end);
    lc.slot = clang_getCursorKind(decl) != CXCursor_FunctionDecl;
    clang_visitChildren(decl, label_visit, &lc);
    if (lc.slot) {
        type_labels(&lc, clang_getCursorType(decl));
    }
    /* QEMU spells GRAPH_RDLOCK_PTR as a bare TSA_GUARDED_BY(graph_lock). */
    if (lc.guarded && !bc_decl_has_label_prefix(d, "graph_")) {
        bc_facts_decl_add_label(t->f, d, lc.guarded_wr ? "graph_wrlock_ptr" : "graph_rdlock_ptr");
    }
}

/* --- declarations ------------------------------------------------------- */

static void slot_decl(BcTu *t, CXCursor decl, const char *key)
{
    BcSymbolKind kind = slot_kind(decl);

    bc_symbol_of(t, decl, key);
    bc_decl_record(t, decl, kind, key);
}

static void function_params(BcTu *t, CXCursor fn)
{
    int n = clang_Cursor_getNumArguments(fn);

    for (int i = 0; i < n; i++) {
        CXCursor p = clang_Cursor_getArgument(fn, i);
        if (bc_type_is_fnptr(clang_getCursorType(p))) {
            slot_decl(t, p, bc_param_key(t, fn, i));
        }
    }
}

static void function_decl(BcTu *t, CXCursor fn)
{
    const char *usr = bc_cursor_usr(t, fn);
    size_t sym, def;
    bool is_def;

    /* Indexes, not pointers: the vectors grow while we walk the body. */
    bc_symbol_of(t, fn, usr);
    sym = (size_t)bc_strmap_get(t->symbols, usr);
    def = t->f->decls.n;
    is_def = bc_decl_record(t, fn, BC_SYM_FUNCTION, usr)->is_definition;
    function_params(t, fn);
    if (is_def) {
        t->f->symbols.v[sym].has_body_here = true;
        bc_body_extract(t, fn, def);
    }
}

void bc_local_function_decl(BcTu *t, CXCursor fn)
{
    const char *usr = bc_cursor_usr(t, fn);

    bc_symbol_of(t, fn, usr);
    bc_decl_record(t, fn, BC_SYM_FUNCTION, usr);
    function_params(t, fn);
}

static enum CXChildVisitResult record_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    BcTu *t = data;
    enum CXCursorKind k = clang_getCursorKind(c);

    (void)parent;
    if (k == CXCursor_FieldDecl && bc_type_is_fnptr_slot(clang_getCursorType(c))) {
        slot_decl(t, c, bc_cursor_usr(t, c));
    } else if ((k == CXCursor_StructDecl || k == CXCursor_UnionDecl) &&
               clang_isCursorDefinition(c)) {
        clang_visitChildren(c, record_visit, t);
    }
    return CXChildVisit_Continue;
}

static enum CXChildVisitResult last_expr(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    if (clang_isExpression(clang_getCursorKind(c))) {
        *(CXCursor *)data = c;
    }
    return CXChildVisit_Continue;
}

/* The initializer of variable @var (its last expression child), or null. */
static CXCursor var_init(CXCursor var)
{
    CXCursor init = clang_getNullCursor();

    clang_visitChildren(var, last_expr, &init);
    return init;
}

void bc_var_extract(BcTu *t, CXCursor var, const char *context_usr)
{
    CXCursor init = var_init(var);
    bool fnptr = bc_type_is_fnptr_slot(clang_getCursorType(var));
    /* Only a pointer or an array of pointers is a slot: an array of structs
     * stores into the structs' fields. */
    const char *key = fnptr ? bc_cursor_usr(t, var) : NULL;

    if (fnptr) {
        slot_decl(t, var, key);
    }
    if (clang_Cursor_isNull(init)) {
        return;
    }
    if (clang_getCursorKind(init) == CXCursor_InitListExpr) {
        bc_addr_init_list(t, init, key, context_usr);
    } else if (fnptr) {
        bc_addr_store(t, init, key, BC_ADDR_INITIALIZER, context_usr);
    }
}

void bc_claim(BcTu *t, CXCursor ref)
{
    bc_vec_push(&t->claimed, ref);
}

bool bc_claimed(const BcTu *t, CXCursor ref)
{
    for (size_t i = t->claimed.n; i-- > 0;) {
        if (clang_equalCursors(t->claimed.v[i], ref)) {
            return true;
        }
    }
    return false;
}

static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    BcTu *t = data;
    enum CXCursorKind k = clang_getCursorKind(c);

    (void)parent;
    if (k == CXCursor_LinkageSpec || k == CXCursor_UnexposedDecl) {
        return CXChildVisit_Recurse;
    }
    if (k != CXCursor_FunctionDecl && k != CXCursor_VarDecl && k != CXCursor_StructDecl &&
        k != CXCursor_UnionDecl) {
        return CXChildVisit_Continue;
    }
    if (clang_Location_isInSystemHeader(clang_getCursorLocation(c))) {
        return CXChildVisit_Continue;
    }
    t->claimed.n = 0;
    switch (k) {
    case CXCursor_FunctionDecl:
        function_decl(t, c);
        break;
    case CXCursor_VarDecl:
        bc_var_extract(t, c, NULL);
        break;
    default:
        if (clang_isCursorDefinition(c)) {
            clang_visitChildren(c, record_visit, t);
        }
        break;
    }
    return CXChildVisit_Continue;
}

void bc_symbols_walk_tu(BcTu *t)
{
    clang_visitChildren(clang_getTranslationUnitCursor(t->tu), top_visit, t);
}
