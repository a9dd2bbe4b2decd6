/*
 * calls.c - one function body: calls, lock state, in-coroutine context
 *
 * Context: one TU, its worker thread.
 *
 * The body is walked in source order (walk.c).  Two kinds of state ride on
 * the frame stack:
 *
 *   lock state   explicit acquire/release calls (configured rdlock, rdunlock,
 *                wrlock, wrunlock functions) change a per-function state
 *                that persists in source order.  A guard (configured guard
 *                function, or expansion of a guard macro) holds the reader
 *                lock until the end of the enclosing scope: a compound
 *                statement, or a for statement when the guard is declared in
 *                its init clause (WITH_GRAPH_RDLOCK_GUARD() { ... }).
 *   in-coroutine the then-branch of `if (IN_CO())` and the else-branch of
 *                `if (!IN_CO())`; and everything after `if (!IN_CO()) { ...
 *                return ...; }` up to the end of the enclosing block.
 *
 * Macro expansions of the body (polling, guard and code-class macros) are
 * consumed when the walk reaches their offset, so they see the state there.
 */
#include <string.h>
#include "extract-int.h"

enum {
    F_SCOPE = 1u << 8,          /* frame is a scope guards attach to */
    F_IN_CO = 1u << 9,          /* frame is in-coroutine context */
    F_THEN_RETURNS = 1u << 10,  /* IfStmt: its then-branch ends in return */
    LOCK_BITS = BC_LOCK_RD | BC_LOCK_WR | BC_LOCK_RD_GUARD,
};

typedef struct Body {
    BcTu *t;
    const char *usr;
    size_t def;                 /* index of the definition in f->decls */
    uint32_t held;              /* explicit lock bits */
    CXFile file;
    const BcMacroFile *mf;      /* expansions of the body's file */
    size_t next_exp;            /* first expansion not consumed yet */
    unsigned end;               /* body end offset */
    BcWalk w;
} Body;

static uint32_t lock_state(Body *b)
{
    uint32_t s = b->held;

    bc_vec_foreach(&b->w.stack, fr) {
        s |= fr->bits & LOCK_BITS;
    }
    return s;
}

static bool in_coroutine(Body *b)
{
    bc_vec_foreach(&b->w.stack, fr) {
        if (fr->bits & F_IN_CO) {
            return true;
        }
    }
    return false;
}

static BcFrame *innermost_scope(Body *b)
{
    for (size_t up = 0; up < b->w.stack.n; up++) {
        BcFrame *fr = bc_walk_frame(&b->w, up);
        if (fr->bits & F_SCOPE) {
            return fr;
        }
    }
    return bc_walk_frame(&b->w, b->w.stack.n - 1);
}

static void lock_event(Body *b, BcLockOp op, BcLoc loc)
{
    BcLockEvent e = { b->usr, op, loc, lock_state(b) };

    bc_vec_push(&b->t->f->locks, e);
}

static void poll_point(Body *b, const char *what, BcLoc loc)
{
    BcPoll p = { b->usr, what, loc, lock_state(b), in_coroutine(b) };

    bc_vec_push(&b->t->f->polls, p);
}

static void take_guard(Body *b, BcFrame *scope, BcLoc loc)
{
    lock_event(b, BC_LOCK_OP_GUARD, loc);
    scope->bits |= BC_LOCK_RD_GUARD;
}

/* --- macro expansions --------------------------------------------------- */

static void apply_macro(Body *b, const BcMacroExp *e, BcFrame *scope)
{
    switch (e->role) {
    case BC_MACRO_POLL:
        poll_point(b, e->name, e->loc);
        break;
    case BC_MACRO_GUARD:
        take_guard(b, scope, e->loc);
        break;
    case BC_MACRO_CODE_CLASS:
        bc_decl_add_label(b->t, &b->t->f->decls.v[b->def], e->label);
        break;
    case BC_MACRO_OTHER:
        break;
    }
}

/* Consume expansions before @offset (or at it, when @at is set). */
static void consume_macros(Body *b, unsigned offset, bool at, BcFrame *scope)
{
    while (b->mf && b->next_exp < b->mf->exps.n) {
        const BcMacroExp *e = &b->mf->exps.v[b->next_exp];
        if (e->start > b->end || e->start > offset || (e->start == offset && !at)) {
            break;
        }
        apply_macro(b, e, scope ? scope : innermost_scope(b));
        b->next_exp++;
    }
}

/* --- calls -------------------------------------------------------------- */

static bool name_in(const char *const *v, size_t n, const char *name)
{
    return name && bc_config_name_in(v, n, name);
}

/* Explicit lock functions change the function's state after the call. */
static void lock_call(Body *b, const char *name, BcLoc loc, const char *macro)
{
    const BcConfig *cfg = b->t->cfg;

    if (name_in(cfg->rdlock_functions.v, cfg->rdlock_functions.n, name)) {
        lock_event(b, BC_LOCK_OP_RDLOCK, loc);
        b->held |= BC_LOCK_RD;
    } else if (name_in(cfg->rdunlock_functions.v, cfg->rdunlock_functions.n, name)) {
        lock_event(b, BC_LOCK_OP_RDUNLOCK, loc);
        b->held &= ~(uint32_t)BC_LOCK_RD;
    } else if (name_in(cfg->wrlock_functions.v, cfg->wrlock_functions.n, name)) {
        lock_event(b, BC_LOCK_OP_WRLOCK, loc);
        b->held |= BC_LOCK_WR;
    } else if (name_in(cfg->wrunlock_functions.v, cfg->wrunlock_functions.n, name)) {
        lock_event(b, BC_LOCK_OP_WRUNLOCK, loc);
        b->held &= ~(uint32_t)BC_LOCK_WR;
    } else if (name_in(cfg->guard_functions.v, cfg->guard_functions.n, name) &&
               !(macro && BC_CONFIG_HAS(cfg, guard_macros, macro))) {
        /* Inside a guard macro the expansion already took the guard. */
        take_guard(b, innermost_scope(b), loc);
    }
}

static enum CXChildVisitResult find_code_class(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    if (clang_getCursorKind(c) == CXCursor_AnnotateAttr) {
        CXString s = clang_getCursorSpelling(c);
        if (strncmp(clang_getCString(s), "code_class:", 11) == 0) {
            *(const char **)d = strdup(clang_getCString(s));
        }
        clang_disposeString(s);
    }
    return CXChildVisit_Continue;
}

/* A call in the first statement of the body to a code_class:* function. */
static void code_class_call(Body *b, CXCursor callee)
{
    BcWalk *w = &b->w;
    char *label = NULL;

    if (w->stack.n < 3 || w->stack.v[1].kind != CXCursor_CompoundStmt ||
        w->stack.v[2].index != 0) {
        return;
    }
    clang_visitChildren(callee, find_code_class, &label);
    if (label) {
        bc_decl_add_label(b->t, &b->t->f->decls.v[b->def], label);
        free(label);
    }
}

/* Classify the callee expression of @call into @out; returns the function
 * for a direct call, else a null cursor. */
static CXCursor classify_callee(Body *b, CXCursor call, BcCall *out)
{
    BcTu *t = b->t;
    CXCursor e = bc_strip_expr(bc_first_child(call));
    enum CXCursorKind k = clang_getCursorKind(e);
    CXCursor d = clang_getCursorReferenced(e);
    enum CXCursorKind dk = clang_getCursorKind(d);

    out->kind = BC_CALL_UNKNOWN;
    if (k == CXCursor_DeclRefExpr && dk == CXCursor_FunctionDecl) {
        out->kind = BC_CALL_DIRECT;
        out->callee_usr = bc_cursor_usr(t, d);
        out->callee_name = bc_symbol_of(t, d, out->callee_usr)->name;
        bc_claim(t, e);
        return d;
    }
    if ((k == CXCursor_MemberRefExpr && dk == CXCursor_FieldDecl) ||
        (k == CXCursor_DeclRefExpr && (dk == CXCursor_VarDecl || dk == CXCursor_ParmDecl))) {
        out->kind = BC_CALL_SLOT;
        out->callee_usr = bc_slot_key(t, d);
        out->callee_name = bc_symbol_of(t, d, out->callee_usr)->name;
    }
    return clang_getNullCursor();
}

static void call_expr(Body *b, CXCursor call)
{
    BcTu *t = b->t;
    const BcConfig *cfg = t->cfg;
    BcCall c = { 0 };
    CXCursor callee = classify_callee(b, call, &c);

    c.caller_usr = b->usr;
    c.loc = bc_cursor_loc(t, call);
    c.lock_state = lock_state(b);
    c.in_coroutine_check = in_coroutine(b);
    c.macro = bc_macros_attribute(t, call);
    bc_vec_push(&t->f->calls, c);
    if (c.kind == BC_CALL_DIRECT) {
        lock_call(b, c.callee_name, c.loc, c.macro);
        if (BC_CONFIG_HAS(cfg, polling_functions, c.callee_name) &&
            !(c.macro && BC_CONFIG_HAS(cfg, polling_macros, c.macro))) {
            poll_point(b, c.callee_name, c.loc);
        }
        code_class_call(b, callee);
    }
    bc_addr_call_args(t, call, callee, b->usr);
}

/* --- assignments, references -------------------------------------------- */

/* `slot = value`: the type of an assignment is its left side's type, so a
 * function-pointer typed binary operator is an assignment (comparisons give
 * int). */
static void assignment(Body *b, CXCursor op)
{
    if (!bc_type_is_fnptr(clang_getCursorType(op))) {
        return;
    }
    CXCursor slot = clang_getCursorReferenced(bc_strip_expr(bc_nth_child(op, 0)));
    enum CXCursorKind sk = clang_getCursorKind(slot);
    if (sk != CXCursor_FieldDecl && sk != CXCursor_VarDecl && sk != CXCursor_ParmDecl) {
        return;
    }
    const char *key = bc_slot_key(b->t, slot);
    bc_symbol_of(b->t, slot, key);
    bc_addr_store(b->t, bc_nth_child(op, 1), key, BC_ADDR_ASSIGNMENT, b->usr);
}

/* A function named anywhere else: its address escapes to an unknown place. */
static void function_ref(Body *b, CXCursor ref)
{
    CXCursor fn = clang_getCursorReferenced(ref);
    BcAddrTaken a = { 0 };

    if (clang_getCursorKind(fn) != CXCursor_FunctionDecl || bc_claimed(b->t, ref)) {
        return;
    }
    a.func_usr = bc_cursor_usr(b->t, fn);
    bc_symbol_of(b->t, fn, a.func_usr);
    a.context_usr = b->usr;
    a.kind = BC_ADDR_OTHER;
    a.loc = bc_cursor_loc(b->t, ref);
    bc_vec_push(&b->t->f->addrs, a);
}

/* --- in-coroutine tests ------------------------------------------------- */

/* +1 for `IN_CO()`, -1 for `!IN_CO()`, 0 otherwise. */
static int co_check(Body *b, CXCursor cond)
{
    const BcConfig *cfg = b->t->cfg;
    int sign = 1;
    CXCursor c = cond;

    for (int depth = 0; depth < 8; depth++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k == CXCursor_UnaryOperator) {
            if (!bc_cursor_first_token_is(b->t, c, "!")) {
                return 0;
            }
            sign = -sign;
        } else if (k == CXCursor_CallExpr) {
            CXCursor fn = bc_expr_function(bc_first_child(c));
            if (clang_Cursor_isNull(fn)) {
                return 0;
            }
            CXString s = clang_getCursorSpelling(fn);
            bool hit = BC_CONFIG_HAS(cfg, in_coroutine_functions, clang_getCString(s));
            clang_disposeString(s);
            return hit ? sign : 0;
        } else if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr) {
            return 0;
        }
        c = bc_first_child(c);
    }
    return 0;
}

/* Branch @fr of an IfStmt @parent: in-coroutine when the test says so. */
static void if_child(Body *b, BcFrame *parent, BcFrame *fr)
{
    if (fr->index == 0) {
        parent->mark = co_check(b, fr->c);
    } else if ((fr->index == 1 && parent->mark > 0) || (fr->index == 2 && parent->mark < 0)) {
        fr->bits |= F_IN_CO | F_SCOPE;
    }
}

/* --- the walk ----------------------------------------------------------- */

static bool enter(BcWalk *w, BcFrame *fr)
{
    Body *b = w->opaque;
    BcFrame *parent = bc_walk_frame(w, 1);
    CXFile file;
    unsigned start, end;

    bc_cursor_offsets(fr->c, &file, &start, &end);
    if (file == b->file) {
        /* Expansions before this statement see the state before it; one at
         * its very start belongs to it (a guard opening a for scope). */
        consume_macros(b, start, false, NULL);
    }
    if (fr->kind == CXCursor_CompoundStmt || fr->kind == CXCursor_ForStmt) {
        fr->bits |= F_SCOPE;
    }
    if (parent && parent->kind == CXCursor_IfStmt) {
        if_child(b, parent, fr);
        fr = bc_walk_frame(w, 0);
    }
    if (file == b->file) {
        consume_macros(b, start, true, NULL);
    }
    switch (fr->kind) {
    case CXCursor_CallExpr:
        call_expr(b, fr->c);
        break;
    case CXCursor_BinaryOperator:
        assignment(b, fr->c);
        break;
    case CXCursor_VarDecl:
        bc_var_extract(b->t, fr->c, b->usr);
        break;
    case CXCursor_FunctionDecl:
        bc_local_function_decl(b->t, fr->c);
        break;
    case CXCursor_DeclRefExpr:
        function_ref(b, fr->c);
        break;
    default:
        break;
    }
    return true;
}

static void leave(BcWalk *w, BcFrame *fr)
{
    BcFrame *parent = bc_walk_frame(w, 1);

    if (parent && parent->kind == CXCursor_IfStmt && fr->index == 1 &&
        (fr->kind == CXCursor_ReturnStmt ||
         (fr->kind == CXCursor_CompoundStmt && fr->last_child == CXCursor_ReturnStmt))) {
        parent->bits |= F_THEN_RETURNS;
    }
    /* `if (!IN_CO()) { ... return; }` without else: the rest of the block
     * runs only in a coroutine. */
    if (fr->kind == CXCursor_IfStmt && fr->mark < 0 && (fr->bits & F_THEN_RETURNS) &&
        fr->n_children == 2 && parent) {
        Body *b = w->opaque;
        BcFrame *scope = innermost_scope(b);
        scope->bits |= F_IN_CO;
    }
}

void bc_body_extract(BcTu *t, CXCursor fn, size_t def)
{
    Body b = { .t = t, .usr = t->f->decls.v[def].usr, .def = def };
    unsigned start;

    bc_cursor_offsets(fn, &b.file, &start, &b.end);
    b.mf = bc_macros_file(t, b.file);
    if (b.mf) {
        /* Skip expansions before the body (attributes on the declaration). */
        while (b.next_exp < b.mf->exps.n && b.mf->exps.v[b.next_exp].start < start) {
            b.next_exp++;
        }
    }
    b.w.enter = enter;
    b.w.leave = leave;
    b.w.opaque = &b;
    bc_walk(&b.w, fn);
    consume_macros(&b, b.end, true, NULL);
    bc_vec_free(&b.w.stack);
}
