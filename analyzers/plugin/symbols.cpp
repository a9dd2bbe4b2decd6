/*
 * symbols.cpp - positions, USRs, functions and function-pointer slots with
 * their labels, variables and the functions stored in them
 *
 * Context: the compiler's thread, after the TU's AST is complete.
 *
 * The clang-AST twin of extract/cursor.c, symbols.c and addr.c: the same
 * records, from the real AST instead of libclang cursors.  Positions are
 * file:line:col of the file location (macro arguments at their spelling,
 * macro bodies at the expansion), files absolute against the working
 * directory; USRs come from clang's own generator, the one libclang uses,
 * so facts of both front ends merge.  Labels written on a declaration are
 * its own attributes (not those a redeclaration inherited): annotate
 * strings, thread-safety attributes naming the configured graph-lock
 * capability (graph_rdlock / graph_wrlock / graph_unlocked, and
 * graph_rdlock_ptr / graph_wrlock_ptr for guarded_by on a slot, the macro
 * name telling which), marker macro names, and for slots the annotate
 * strings of the typedefs their type goes through.
 */
#include "plugin-int.h"

#include <climits>
#include <cstdlib>

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/Index/USRGeneration.h"
#include "llvm/ADT/SmallString.h"

extern "C" {
#include "graph.h"
}

using namespace clang;

namespace blkcheck {

/* --- positions ------------------------------------------------------------ */

const char *file_name(PluginTu *t, FileID fid)
{
    auto it = t->names.find(fid.getHashValue());
    if (it != t->names.end()) {
        return it->second;
    }
    const FileEntry *fe = t->sm->getFileEntryForID(fid);
    const char *name = nullptr;
    if (fe) {
        std::string raw = fe->getName().str();
        char resolved[PATH_MAX];
        if (raw[0] != '/' && !t->dir.empty()) {
            raw = t->dir + "/" + raw;
        }
        if (raw.find("/.") != std::string::npos && realpath(raw.c_str(), resolved)) {
            raw = resolved;
        }
        name = t->str(raw);
        t->files.emplace(raw, fid);
    }
    t->names.emplace(fid.getHashValue(), name);
    return name;
}

BcLoc location(PluginTu *t, SourceLocation l)
{
    BcLoc loc = { nullptr, 0, 0 };

    if (l.isInvalid()) {
        return loc;
    }
    std::pair<FileID, unsigned> d = t->sm->getDecomposedLoc(t->sm->getFileLoc(l));
    loc.file = file_name(t, d.first);
    loc.line = t->sm->getLineNumber(d.first, d.second);
    loc.col = t->sm->getColumnNumber(d.first, d.second);
    return loc;
}

std::pair<FileID, unsigned> expansion_offset(PluginTu *t, SourceLocation l)
{
    return t->sm->getDecomposedLoc(t->sm->getExpansionLoc(l));
}

const char *macro_at(PluginTu *t, SourceLocation l)
{
    if (l.isInvalid()) {
        return nullptr;
    }
    std::pair<FileID, unsigned> d = expansion_offset(t, l);
    const MacroExp *e = t->macros.at(d.first, d.second);
    return e ? e->name : nullptr;
}

/* --- names ------------------------------------------------------------------ */

const char *decl_usr(PluginTu *t, const Decl *d)
{
    llvm::SmallString<128> buf;

    if (index::generateUSRForDecl(d, buf)) {
        return "";
    }
    return t->str(buf.str());
}

const char *param_key(PluginTu *t, const FunctionDecl *fn, unsigned index)
{
    return bc_arena_printf(t->f->arena, "%s@P@%u", decl_usr(t, fn), index);
}

const char *slot_key(PluginTu *t, const ValueDecl *d)
{
    if (const auto *p = dyn_cast<ParmVarDecl>(d)) {
        const auto *fn = dyn_cast<FunctionDecl>(p->getDeclContext());
        unsigned i = p->getFunctionScopeIndex();
        if (fn && i < fn->getNumParams() && fn->getParamDecl(i) == p) {
            return param_key(t, fn, i);
        }
    }
    return decl_usr(t, d);
}

bool type_is_fnptr(QualType t)
{
    return !t.isNull() && t->isFunctionPointerType();
}

bool type_is_fnptr_slot(QualType t)
{
    if (t.isNull()) {
        return false;
    }
    t = t.getCanonicalType();
    while (const ArrayType *a = dyn_cast<ArrayType>(t.getTypePtr())) {
        t = a->getElementType().getCanonicalType();
    }
    return type_is_fnptr(t);
}

const Expr *strip_parens(const Expr *e, bool operators)
{
    for (int depth = 0; e && depth < 32; depth++) {
        const Expr *inner = nullptr;
        if (const auto *c = dyn_cast<ImplicitCastExpr>(e)) {
            inner = c->getSubExpr();
        } else if (const auto *p = dyn_cast<ParenExpr>(e)) {
            inner = p->getSubExpr();
        } else if (const auto *ce = dyn_cast<ConstantExpr>(e)) {
            inner = ce->getSubExpr();
        } else if (!operators) {
            break;
        } else if (const auto *u = dyn_cast<UnaryOperator>(e)) {
            inner = u->getSubExpr();
        } else if (const auto *c2 = dyn_cast<CStyleCastExpr>(e)) {
            inner = c2->getSubExpr();
        }
        if (!inner) {
            break;
        }
        e = inner;
    }
    return e;
}

const Expr *strip_expr(const Expr *e)
{
    return strip_parens(e, true);
}

const FunctionDecl *expr_function(const Expr *e, const DeclRefExpr **ref)
{
    e = strip_expr(e);
    if (const auto *dre = dyn_cast_or_null<DeclRefExpr>(e)) {
        if (const auto *fn = dyn_cast<FunctionDecl>(dre->getDecl())) {
            if (ref) {
                *ref = dre;
            }
            return fn;
        }
    }
    return nullptr;
}

/* --- symbols ------------------------------------------------------------------ */

BcSymbol *symbol_note(PluginTu *t, const char *usr, const char *name, const char *qual,
                      BcSymbolKind kind, bool is_static)
{
    auto it = t->symbols.find(usr);
    if (it != t->symbols.end()) {
        return &t->f->symbols.v[it->second];
    }
    BcSymbol s = {};
    s.usr = usr;
    s.name = name;
    s.qual_name = qual ? qual : name;
    s.kind = kind;
    s.is_static = is_static;
    t->symbols.emplace(usr, (long)t->f->symbols.n);
    bc_vec_push(&t->f->symbols, s);
    return &t->f->symbols.v[t->f->symbols.n - 1];
}

static BcSymbolKind slot_kind(const Decl *d)
{
    if (isa<FunctionDecl>(d)) {
        return BC_SYM_FUNCTION;
    }
    if (isa<FieldDecl>(d)) {
        return BC_SYM_FIELD;
    }
    if (isa<ParmVarDecl>(d)) {
        return BC_SYM_PARAM;
    }
    return BC_SYM_VARIABLE;
}

static const char *field_qual_name(PluginTu *t, const FieldDecl *fd, const char *name)
{
    const RecordDecl *rd = fd->getParent();
    std::string rn = rd->getName().str();

    if (rn.empty()) {
        if (const TypedefNameDecl *td = rd->getTypedefNameForAnonDecl()) {
            rn = td->getName().str();
        } else {
            rn = QualType(rd->getTypeForDecl(), 0).getAsString(t->ctx->getPrintingPolicy());
        }
    }
    return bc_arena_printf(t->f->arena, "%s::%s", rn.c_str(), name);
}

BcSymbol *symbol_of(PluginTu *t, const NamedDecl *d, const char *usr)
{
    auto it = t->symbols.find(usr);
    if (it != t->symbols.end()) {
        return &t->f->symbols.v[it->second];
    }
    BcSymbolKind kind = slot_kind(d);
    const char *name = t->str(d->getNameAsString());
    const char *qual = nullptr;
    if (const auto *fd = dyn_cast<FieldDecl>(d)) {
        qual = field_qual_name(t, fd, name);
    }
    Linkage l = d->getLinkageInternal();
    return symbol_note(t, usr, name, qual, kind,
                       l == InternalLinkage || l == ModuleInternalLinkage);
}

/* --- labels ------------------------------------------------------------------- */

/* Does expression @e name the capability (a variable, a field, a string)? */
static bool names_capability(const Expr *e, const char *cap)
{
    if (!e) {
        return false;
    }
    if (const auto *dre = dyn_cast<DeclRefExpr>(e)) {
        if (dre->getDecl()->getIdentifier() && dre->getDecl()->getName() == cap) {
            return true;
        }
    } else if (const auto *me = dyn_cast<MemberExpr>(e)) {
        if (me->getMemberDecl()->getIdentifier() && me->getMemberDecl()->getName() == cap) {
            return true;
        }
    } else if (const auto *sl = dyn_cast<StringLiteral>(e)) {
        if (sl->getCharByteWidth() == 1 && sl->getString() == cap) {
            return true;
        }
    }
    for (const Stmt *c : e->children()) {
        if (names_capability(dyn_cast_or_null<Expr>(c), cap)) {
            return true;
        }
    }
    return false;
}

template <typename R>
static bool args_name_capability(R args, const char *cap)
{
    for (const Expr *e : args) {
        if (names_capability(e, cap)) {
            return true;
        }
    }
    return false;
}

struct LabelCtx {
    PluginTu *t;
    BcDecl *d;
    bool slot;
    bool guarded = false;
    bool guarded_wr = false;
};

static void tsa_collect(LabelCtx *lc, const Attr *a)
{
    const char *cap = lc->t->cfg->graph_lock_capability;
    const char *label = nullptr;
    bool named = false;

    if (!cap) {
        return;
    }
    if (const auto *r = dyn_cast<RequiresCapabilityAttr>(a)) {
        label = r->isShared() ? "graph_rdlock" : "graph_wrlock";
        named = args_name_capability(r->args(), cap);
    } else if (const auto *x = dyn_cast<LocksExcludedAttr>(a)) {
        label = "graph_unlocked";
        named = args_name_capability(x->args(), cap);
    } else if (const auto *g = dyn_cast<GuardedByAttr>(a)) {
        label = "";
        named = names_capability(g->getArg(), cap);
    } else if (const auto *pg = dyn_cast<PtGuardedByAttr>(a)) {
        label = "";
        named = names_capability(pg->getArg(), cap);
    }
    if (!label || !named) {
        return;
    }
    if (*label) {
        bc_facts_decl_add_label(lc->t->f, lc->d, label);
    } else if (lc->slot) {
        /* guarded_by says nothing of the mode; the macro's name does. */
        const char *macro = macro_at(lc->t, a->getLocation());
        lc->guarded = true;
        lc->guarded_wr = macro && strcmp(bc_config_canonical_label(lc->t->cfg, macro),
                                         "graph_wrlock_ptr") == 0;
    }
}

/* The macro that wrote an attribute, when its name is a marker's (QEMU's
 * co_wrapper_mixed carries no annotate string of its own). */
static void macro_label(LabelCtx *lc, const Attr *a)
{
    const char *macro = macro_at(lc->t, a->getLocation());
    int label = macro ? bc_label_from_name(bc_config_canonical_label(lc->t->cfg, macro)) : -1;

    if (label >= 0) {
        bc_facts_decl_add_label(lc->t->f, lc->d, bc_label_name((BcLabel)label));
    }
}

/* A slot typed with a labelled typedef has the typedef's labels. */
static void type_labels(LabelCtx *lc, QualType type)
{
    for (int depth = 0; depth < 16 && !type.isNull(); depth++) {
        const Type *ty = type.getTypePtr();
        if (const auto *el = dyn_cast<ElaboratedType>(ty)) {
            type = el->getNamedType();
        } else if (const auto *td = dyn_cast<TypedefType>(ty)) {
            const TypedefNameDecl *d = td->getDecl();
            for (const auto *an : d->specific_attrs<AnnotateAttr>()) {
                bc_facts_decl_add_label(lc->t->f, lc->d, lc->t->str(an->getAnnotation()));
            }
            type = d->getUnderlyingType();
        } else if (const auto *p = dyn_cast<PointerType>(ty)) {
            type = p->getPointeeType();
        } else if (const auto *pa = dyn_cast<ParenType>(ty)) {
            type = pa->getInnerType();
        } else if (const auto *ar = dyn_cast<ArrayType>(ty)) {
            type = ar->getElementType();
        } else {
            return;
        }
    }
}

static void labels_collect(PluginTu *t, const Decl *decl, BcDecl *d)
{
    LabelCtx lc = { t, d, !isa<FunctionDecl>(decl) };

    for (const Attr *a : decl->attrs()) {
        if (a->isInherited() || a->isImplicit()) {
            continue;       /* written on an earlier declaration */
        }
        if (const auto *an = dyn_cast<AnnotateAttr>(a)) {
            bc_facts_decl_add_label(t->f, d, t->str(an->getAnnotation()));
        } else {
            tsa_collect(&lc, a);
        }
        macro_label(&lc, a);
    }
    if (lc.slot) {
        if (const auto *vd = dyn_cast<ValueDecl>(decl)) {
            type_labels(&lc, vd->getType());
        }
    }
    /* QEMU spells GRAPH_RDLOCK_PTR as a bare TSA_GUARDED_BY(graph_lock). */
    if (lc.guarded && !bc_decl_has_label_prefix(d, "graph_")) {
        bc_facts_decl_add_label(t->f, d, lc.guarded_wr ? "graph_wrlock_ptr" : "graph_rdlock_ptr");
    }
}

BcFlowOp tsa_asserts(PluginTu *t, const FunctionDecl *fn)
{
    const char *cap = t->cfg->graph_lock_capability;

    if (!cap || !fn) {
        return BC_FLOW_OBSERVE;
    }
    auto it = t->asserts.find(fn);
    if (it != t->asserts.end()) {
        return it->second;
    }
    BcFlowOp op = BC_FLOW_OBSERVE;
    for (const auto *a : fn->specific_attrs<AssertCapabilityAttr>()) {
        if (args_name_capability(a->args(), cap)) {
            op = a->isShared() ? BC_FLOW_RDLOCK : BC_FLOW_WRLOCK;
            break;
        }
    }
    t->asserts.emplace(fn, op);
    return op;
}

/* --- declarations ---------------------------------------------------------------- */

static BcDecl *decl_record(PluginTu *t, const NamedDecl *decl, BcSymbolKind kind,
                           const char *usr)
{
    BcDecl d = {};
    const auto *fn = dyn_cast<FunctionDecl>(decl);

    d.usr = usr;
    d.loc = location(t, decl->getLocation());
    d.is_definition = kind != BC_SYM_FUNCTION || (fn && fn->doesThisDeclarationHaveABody());
    bc_vec_push(&t->f->decls, d);
    BcDecl *out = &t->f->decls.v[t->f->decls.n - 1];
    labels_collect(t, decl, out);
    return out;
}

static void slot_decl(PluginTu *t, const NamedDecl *decl, const char *key)
{
    symbol_of(t, decl, key);
    decl_record(t, decl, slot_kind(decl), key);
}

static void function_params(PluginTu *t, const FunctionDecl *fn)
{
    for (unsigned i = 0; i < fn->getNumParams(); i++) {
        const ParmVarDecl *p = fn->getParamDecl(i);
        if (type_is_fnptr(p->getType())) {
            slot_decl(t, p, param_key(t, fn, i));
        }
    }
}

static void function_decl(PluginTu *t, const FunctionDecl *fn)
{
    const char *usr = decl_usr(t, fn);
    size_t def;
    bool is_def;

    symbol_of(t, fn, usr);
    long sym = t->symbols[usr];
    def = t->f->decls.n;
    is_def = decl_record(t, fn, BC_SYM_FUNCTION, usr)->is_definition;
    function_params(t, fn);
    if (is_def) {
        t->f->symbols.v[sym].has_body_here = true;
        body_extract(t, fn, def);
    }
}

void local_function_decl(PluginTu *t, const FunctionDecl *fn)
{
    const char *usr = decl_usr(t, fn);

    symbol_of(t, fn, usr);
    decl_record(t, fn, BC_SYM_FUNCTION, usr);
    function_params(t, fn);
}

static void record_visit(PluginTu *t, const RecordDecl *rd)
{
    for (const Decl *d : rd->decls()) {
        if (const auto *fd = dyn_cast<FieldDecl>(d)) {
            if (type_is_fnptr_slot(fd->getType())) {
                slot_decl(t, fd, decl_usr(t, fd));
            }
        } else if (const auto *nested = dyn_cast<RecordDecl>(d)) {
            if (nested->isThisDeclarationADefinition()) {
                record_visit(t, nested);
            }
        }
    }
}

void var_extract(PluginTu *t, const VarDecl *var, const char *context_usr)
{
    const Expr *init = var->getInit();
    bool fnptr = type_is_fnptr_slot(var->getType());
    Type::TypeClass tc = var->getType()->getTypeClass();
    const char *key = nullptr;

    if (fnptr || tc == Type::ConstantArray || tc == Type::IncompleteArray) {
        key = decl_usr(t, var);
    }
    if (fnptr) {
        slot_decl(t, var, key);
    }
    if (!init) {
        return;
    }
    if (const auto *list = dyn_cast<InitListExpr>(init)) {
        addr_init_list(t, list, key, context_usr);
    } else if (fnptr) {
        addr_store(t, init, key, BC_ADDR_INITIALIZER, context_usr);
    }
}

static void top_decl(PluginTu *t, const Decl *d)
{
    if (const auto *ls = dyn_cast<LinkageSpecDecl>(d)) {
        for (const Decl *inner : ls->decls()) {
            top_decl(t, inner);
        }
        return;
    }
    if (d->isImplicit() || !(isa<FunctionDecl>(d) || isa<VarDecl>(d) || isa<RecordDecl>(d))) {
        return;
    }
    if (t->sm->isInSystemHeader(t->sm->getExpansionLoc(d->getLocation()))) {
        return;
    }
    t->claimed.clear();
    if (const auto *fn = dyn_cast<FunctionDecl>(d)) {
        function_decl(t, fn);
    } else if (const auto *var = dyn_cast<VarDecl>(d)) {
        var_extract(t, var, nullptr);
    } else if (const auto *rd = dyn_cast<RecordDecl>(d)) {
        if (rd->isThisDeclarationADefinition()) {
            record_visit(t, rd);
        }
    }
}

void walk_tu(PluginTu *t)
{
    for (const Decl *d : t->ctx->getTranslationUnitDecl()->decls()) {
        top_decl(t, d);
    }
}

/* --- functions stored in slots (extract/addr.c) ------------------------------------ */

static void addr_record(PluginTu *t, const DeclRefExpr *ref, const FunctionDecl *fn,
                        const char *slot, BcAddrKind kind, const char *context_usr)
{
    BcAddrTaken a = {};

    a.func_usr = decl_usr(t, fn);
    symbol_of(t, fn, a.func_usr);
    a.slot_usr = slot;
    a.context_usr = context_usr;
    a.kind = kind;
    a.loc = location(t, ref->getLocation());
    bc_vec_push(&t->f->addrs, a);
    t->claimed.insert(ref);
}

void addr_store(PluginTu *t, const Expr *value, const char *slot, BcAddrKind kind,
                const char *context_usr)
{
    const Expr *v = strip_expr(value);

    if (const auto *co = dyn_cast_or_null<ConditionalOperator>(v)) {
        addr_store(t, co->getTrueExpr(), slot, kind, context_usr);
        addr_store(t, co->getFalseExpr(), slot, kind, context_usr);
        return;
    }
    const DeclRefExpr *ref = nullptr;
    if (const FunctionDecl *fn = expr_function(v, &ref)) {
        addr_record(t, ref, fn, slot, kind, context_usr);
    }
}

static void init_field(PluginTu *t, const FieldDecl *field, const Expr *value,
                       const char *context_usr)
{
    const Expr *v = strip_expr(value);

    if (!field) {
        return;
    }
    if (const auto *list = dyn_cast_or_null<InitListExpr>(v)) {
        /* A nested struct, or an array field whose elements are the slot. */
        addr_init_list(t, list, decl_usr(t, field), context_usr);
    } else {
        /* A data field (`void *handler`) is a slot too (extract/addr.c). */
        addr_store(t, v, decl_usr(t, field), BC_ADDR_INITIALIZER, context_usr);
    }
}

void addr_init_list(PluginTu *t, const InitListExpr *list, const char *array_slot,
                    const char *context_usr)
{
    QualType type = list->getType().getCanonicalType();

    if (const auto *rt = dyn_cast<RecordType>(type.getTypePtr())) {
        const RecordDecl *rd = rt->getDecl();
        if (rd->isUnion()) {
            if (list->getNumInits() > 0) {
                init_field(t, list->getInitializedFieldInUnion(), list->getInit(0),
                           context_usr);
            }
            return;
        }
        unsigned i = 0;
        for (const FieldDecl *fd : rd->fields()) {
            if (i >= list->getNumInits()) {
                break;
            }
            init_field(t, fd, list->getInit(i++), context_usr);
        }
        return;
    }
    const ArrayType *at = t->ctx->getAsArrayType(type);
    const char *slot = at && type_is_fnptr(at->getElementType()) ? array_slot : nullptr;
    for (unsigned i = 0; i < list->getNumInits(); i++) {
        const Expr *v = strip_expr(list->getInit(i));
        if (const auto *inner = dyn_cast_or_null<InitListExpr>(v)) {
            addr_init_list(t, inner, array_slot, context_usr);
        } else if (slot) {
            addr_store(t, v, slot, BC_ADDR_INITIALIZER, context_usr);
        }
    }
}

void addr_call_args(PluginTu *t, const CallExpr *call, const FunctionDecl *callee,
                    const char *context_usr)
{
    for (unsigned i = 0; i < call->getNumArgs(); i++) {
        const Expr *arg = strip_expr(call->getArg(i));
        const DeclRefExpr *ref = nullptr;
        const FunctionDecl *fn = expr_function(arg, &ref);
        if (!fn) {
            continue;
        }
        const char *slot = nullptr;
        if (callee && i < callee->getNumParams()) {
            slot = param_key(t, callee, i);
            symbol_note(t, slot, t->str(callee->getParamDecl(i)->getNameAsString()), nullptr,
                        BC_SYM_PARAM, false);
        }
        addr_record(t, ref, fn, slot, BC_ADDR_ARGUMENT, context_usr);
    }
}

} // namespace blkcheck
