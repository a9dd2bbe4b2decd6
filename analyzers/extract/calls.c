/*
 * calls.c - the leaves of a function body: calls, lock calls, polling
 * points, stores of function pointers, function references
 *
 * Context: one TU, its worker thread; driven by body.c.
 *
 * A call is recorded when the traversal reaches it (so that its callee
 * expression is claimed before the argument walk sees it as an address
 * taken) and becomes a flow event after its arguments, which run first.
 * Configured lock functions (rdlock, rdunlock, wrlock, wrunlock, guard
 * functions) add their effect after the call's own event; a call to a
 * polling function adds a polling point; a call to a noreturn function
 * (its type says __attribute__((noreturn))) ends the block.
 */
#include <string.h>
#include <sys/param.h>
#include "extract-int.h"

void bc_call_poll(BcBody *b, const char *what, BcLoc loc)
{
    BcTu *t = bc_body_tu(b);
    BcPoll p = { bc_body_usr(b), what, loc, 0, 0, false };

    bc_vec_push(&t->f->polls, p);
    bc_body_event(b, BC_FLOW_OBSERVE, BC_REC_POLL, t->f->polls.n - 1);
}

static void lock_event(BcBody *b, BcLockOp op, BcFlowOp flow, BcLoc loc)
{
    BcTu *t = bc_body_tu(b);
    BcLockEvent e = { bc_body_usr(b), op, loc, 0, 0 };

    bc_vec_push(&t->f->locks, e);
    bc_body_event(b, flow, BC_REC_LOCK, t->f->locks.n - 1);
}

/* Explicit lock functions change the state after the call. */
static void lock_call(BcBody *b, const char *name, BcLoc loc, const char *macro)
{
    BcLockCall call = bc_config_lock_call(bc_body_tu(b)->cfg, name, macro);
    BcLockOp op;
    BcFlowOp flow;

    if (bc_flow_lock_call(call, &op, &flow)) {
        lock_event(b, op, flow, loc);
    } else if (call == BC_LOCK_CALL_GUARD) {
        bc_body_take_guard(b, loc);
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
static void code_class_call(BcBody *b, CXCursor callee)
{
    BcTu *t = bc_body_tu(b);
    char *label = NULL;

    if (!bc_body_in_first_statement(b)) {
        return;
    }
    clang_visitChildren(callee, find_code_class, &label);
    if (label) {
        bc_facts_decl_add_label(t->f, &t->f->decls.v[bc_body_def(b)], label);
        free(label);
    }
}

/* Classify the callee expression of @call into @out; returns the function
 * for a direct call, else a null cursor. */
static CXCursor classify_callee(BcTu *t, CXCursor call, BcCall *out)
{
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
    /* `table[i](...)`, `ops->cb[i](...)`: the array is the slot. */
    for (int depth = 0; k == CXCursor_ArraySubscriptExpr && depth < 4; depth++) {
        e = bc_strip_expr(bc_first_child(e));
        k = clang_getCursorKind(e);
        d = clang_getCursorReferenced(e);
        dk = clang_getCursorKind(d);
    }
    /* A field (through a member access), a variable or a parameter (named
     * by a reference; C has no other way to name them) is the slot.  A
     * callee of another kind (a call's result, a conditional) is unknown. */
    if (k != CXCursor_MemberRefExpr && k != CXCursor_DeclRefExpr) {
        return clang_getNullCursor();
    }
    switch (dk) {
    case CXCursor_FieldDecl:
    case CXCursor_VarDecl:
    case CXCursor_ParmDecl:
        out->kind = BC_CALL_SLOT;
        out->callee_usr = bc_slot_key(t, d);
        out->callee_name = bc_symbol_of(t, d, out->callee_usr)->name;
        break;
    default:
        break;
    }
    return clang_getNullCursor();
}

static bool is_noreturn(CXCursor fn)
{
    CXString s = clang_getTypeSpelling(clang_getCursorType(fn));
    bool nr = strstr(clang_getCString(s), "noreturn") != NULL;

    clang_disposeString(s);
    return nr;
}

/* Arguments that are the integer constant 0 (`false` is 0 in C). */
static uint32_t zero_args(CXCursor call)
{
    int n = MIN(clang_Cursor_getNumArguments(call), 32);
    uint32_t bits = 0;

    for (int i = 0; i < n; i++) {
        CXCursor a = bc_strip_expr(clang_Cursor_getArgument(call, (unsigned)i));
        if (clang_getCursorKind(a) != CXCursor_IntegerLiteral) {
            continue;
        }
        CXEvalResult r = clang_Cursor_Evaluate(a);  /* a literal: always an int */
        if (clang_EvalResult_getAsLongLong(r) == 0) {
            bits |= 1u << i;
        }
        clang_EvalResult_dispose(r);
    }
    return bits;
}

/* Arguments that are locals holding an object created in this body. */
static uint32_t fresh_args(BcBody *b, CXCursor call)
{
    int n = MIN(clang_Cursor_getNumArguments(call), 32);
    uint32_t bits = 0;

    for (int i = 0; i < n; i++) {
        CXCursor a = bc_strip_expr(clang_Cursor_getArgument(call, (unsigned)i));
        if (clang_getCursorKind(a) == CXCursor_DeclRefExpr &&
            bc_body_is_fresh(b, clang_getCursorReferenced(a))) {
            bits |= 1u << i;
        }
    }
    return bits;
}

void bc_call_begin(BcBody *b, CXCursor call, size_t *rec)
{
    BcTu *t = bc_body_tu(b);
    BcCall c = { 0 };
    CXCursor callee = classify_callee(t, call, &c);

    c.caller_usr = bc_body_usr(b);
    c.loc = bc_cursor_loc(t, call);
    c.macro = bc_macros_attribute(t, call);
    c.fresh_args = fresh_args(b, call);
    c.zero_args = zero_args(call);
    bc_vec_push(&t->f->calls, c);
    *rec = t->f->calls.n - 1;
    /* Before the arguments are walked: functions passed are claimed. */
    bc_addr_call_args(t, call, callee, c.caller_usr);
}

void bc_call_end(BcBody *b, CXCursor call, size_t rec)
{
    BcTu *t = bc_body_tu(b);
    const BcConfig *cfg = t->cfg;
    const BcCall c = t->f->calls.v[rec];
    CXCursor callee = bc_expr_function(bc_first_child(call));

    bc_body_event(b, BC_FLOW_OBSERVE, BC_REC_CALL, rec);
    if (c.kind == BC_CALL_DIRECT) {
        /* Guards assert the lock for clang's TSA (which ignores cleanup
         * functions) but hold it only for their scope: not an assertion. */
        bool guard = bc_config_is_guard_call(cfg, c.callee_name, c.macro);
        BcFlowOp asserted = guard ? BC_FLOW_OBSERVE : bc_tsa_asserts(t, callee);
        if (asserted != BC_FLOW_OBSERVE) {
            bc_body_effect(b, asserted);
        }
        lock_call(b, c.callee_name, c.loc, c.macro);
        if (bc_config_call_polls(cfg, c.callee_name, c.macro)) {
            bc_call_poll(b, c.callee_name, c.loc);
        }
        code_class_call(b, callee);
    }
    if (c.kind == BC_CALL_DIRECT && is_noreturn(callee)) {
        bc_body_dead_end(b);
    }
}

/* --- assignments, references -------------------------------------------- */

/* `slot = value`: the type of an assignment is its left side's type, so a
 * function-pointer typed binary operator is an assignment (comparisons give
 * int). */
void bc_call_assignment(BcBody *b, CXCursor op)
{
    BcTu *t = bc_body_tu(b);

    if (!bc_type_is_fnptr(clang_getCursorType(op))) {
        return;
    }
    CXCursor slot = clang_getCursorReferenced(bc_strip_expr(bc_nth_child(op, 0)));
    enum CXCursorKind sk = clang_getCursorKind(slot);
    if (sk != CXCursor_FieldDecl && sk != CXCursor_VarDecl && sk != CXCursor_ParmDecl) {
        return;
    }
    const char *key = bc_slot_key(t, slot);
    bc_symbol_of(t, slot, key);
    bc_addr_store(t, bc_nth_child(op, 1), key, BC_ADDR_ASSIGNMENT, bc_body_usr(b));
}

/* A function named anywhere else: its address escapes to an unknown place. */
void bc_call_function_ref(BcBody *b, CXCursor ref)
{
    BcTu *t = bc_body_tu(b);
    CXCursor fn = clang_getCursorReferenced(ref);
    BcAddrTaken a = { 0 };

    if (clang_getCursorKind(fn) != CXCursor_FunctionDecl || bc_claimed(t, ref)) {
        return;
    }
    a.func_usr = bc_cursor_usr(t, fn);
    bc_symbol_of(t, fn, a.func_usr);
    a.context_usr = bc_body_usr(b);
    a.kind = BC_ADDR_OTHER;
    a.loc = bc_cursor_loc(t, ref);
    bc_vec_push(&t->f->addrs, a);
}

/* --- in-coroutine tests ------------------------------------------------- */

bool bc_call_is_in_coroutine_test(BcBody *b, CXCursor call)
{
    CXCursor fn = bc_expr_function(bc_first_child(call));
    bool hit = false;

    if (!clang_Cursor_isNull(fn)) {
        CXString s = clang_getCursorSpelling(fn);
        hit = BC_CONFIG_HAS(bc_body_tu(b)->cfg, in_coroutine_functions, clang_getCString(s));
        clang_disposeString(s);
    }
    return hit;
}
