/*
 * calls.cpp - the leaves of a function body: calls, lock calls, polling
 * points, stores of function pointers, function references
 *
 * Context: the compiler's thread; driven by body.cpp.
 *
 * The clang-AST twin of extract/calls.c.  A call is recorded when the walk
 * reaches it (so that its callee is claimed before the argument walk sees
 * it as an address taken) and becomes a flow event after its arguments.
 * Configured lock functions add their effect after the call's own event, a
 * call to a polling function adds a polling point, a call to a function
 * whose type is noreturn ends the block, and a graph-lock assertion
 * (assert_capability naming the graph lock) counts as taking the lock.
 */
#include "plugin-int.h"

#include "clang/AST/Attr.h"

using namespace clang;

namespace blkcheck {

void call_poll(Body *b, const char *what, BcLoc loc)
{
    PluginTu *t = body_tu(b);
    BcPoll p = { body_usr(b), what, loc, 0, 0, false };

    bc_vec_push(&t->f->polls, p);
    body_event(b, BC_FLOW_OBSERVE, Rec::Poll, t->f->polls.n - 1);
}

static void lock_event(Body *b, BcLockOp op, BcFlowOp flow, BcLoc loc)
{
    PluginTu *t = body_tu(b);
    BcLockEvent e = { body_usr(b), op, loc, 0, 0 };

    bc_vec_push(&t->f->locks, e);
    body_event(b, flow, Rec::Lock, t->f->locks.n - 1);
}

static void lock_call(Body *b, const char *name, BcLoc loc, const char *macro)
{
    BcLockCall call = bc_config_lock_call(body_tu(b)->cfg, name, macro);
    BcLockOp op;
    BcFlowOp flow;

    if (bc_flow_lock_call(call, &op, &flow)) {
        lock_event(b, op, flow, loc);
    } else if (call == BC_LOCK_CALL_GUARD) {
        body_take_guard(b, loc);
    }
}

/* A call in the first statement of the body to a code_class:* function. */
static void code_class_call(Body *b, const FunctionDecl *callee)
{
    PluginTu *t = body_tu(b);

    if (!body_in_first_statement(b) || !callee) {
        return;
    }
    for (const auto *a : callee->specific_attrs<AnnotateAttr>()) {
        if (a->getAnnotation().startswith("code_class:")) {
            bc_facts_decl_add_label(t->f, &t->f->decls.v[body_def(b)], t->str(a->getAnnotation()));
        }
    }
}

/* Classify the callee of @call into @out; the function of a direct call. */
static const FunctionDecl *classify_callee(PluginTu *t, const CallExpr *call, BcCall *out)
{
    const Expr *e = strip_expr(call->getCallee());

    out->kind = BC_CALL_UNKNOWN;
    if (const auto *dre = dyn_cast_or_null<DeclRefExpr>(e)) {
        if (const auto *fn = dyn_cast<FunctionDecl>(dre->getDecl())) {
            out->kind = BC_CALL_DIRECT;
            out->callee_usr = decl_usr(t, fn);
            out->callee_name = symbol_of(t, fn, out->callee_usr)->name;
            t->claimed.insert(dre);
            return fn;
        }
    }
    /* `table[i](...)`, `ops->cb[i](...)`: the array is the slot. */
    for (int depth = 0; depth < 4; depth++) {
        const auto *as = dyn_cast_or_null<ArraySubscriptExpr>(e);
        if (!as) {
            break;
        }
        e = strip_expr(as->getBase());
    }
    const ValueDecl *slot = nullptr;
    if (const auto *me = dyn_cast_or_null<MemberExpr>(e)) {
        slot = dyn_cast<FieldDecl>(me->getMemberDecl());
    } else if (const auto *dre = dyn_cast_or_null<DeclRefExpr>(e)) {
        if (isa<VarDecl>(dre->getDecl())) {      /* ParmVarDecl too */
            slot = dre->getDecl();
        }
    }
    if (slot) {
        out->kind = BC_CALL_SLOT;
        out->callee_usr = slot_key(t, slot);
        out->callee_name = symbol_of(t, slot, out->callee_usr)->name;
    }
    return nullptr;
}

static bool is_noreturn(const FunctionDecl *fn)
{
    const auto *ft = fn->getType()->getAs<FunctionType>();
    return ft && ft->getNoReturnAttr();
}

static uint32_t zero_args(const CallExpr *call)
{
    uint32_t bits = 0;

    for (unsigned i = 0; i < call->getNumArgs() && i < 32; i++) {
        const Expr *a = strip_expr(call->getArg(i));
        if (const auto *il = dyn_cast_or_null<IntegerLiteral>(a)) {
            if (il->getValue() == 0) {
                bits |= 1u << i;
            }
        }
    }
    return bits;
}

static uint32_t fresh_args(Body *b, const CallExpr *call)
{
    uint32_t bits = 0;

    for (unsigned i = 0; i < call->getNumArgs() && i < 32; i++) {
        const auto *dre = dyn_cast_or_null<DeclRefExpr>(strip_expr(call->getArg(i)));
        if (dre && body_is_fresh(b, dre->getDecl())) {
            bits |= 1u << i;
        }
    }
    return bits;
}

size_t call_begin(Body *b, const CallExpr *call)
{
    PluginTu *t = body_tu(b);
    BcCall c = {};
    const FunctionDecl *callee = classify_callee(t, call, &c);

    c.caller_usr = body_usr(b);
    c.loc = location(t, call->getBeginLoc());
    c.macro = macro_at(t, call->getBeginLoc());
    c.fresh_args = fresh_args(b, call);
    c.zero_args = zero_args(call);
    bc_vec_push(&t->f->calls, c);
    /* Before the arguments are walked: functions passed are claimed. */
    addr_call_args(t, call, callee, c.caller_usr);
    return t->f->calls.n - 1;
}

void call_end(Body *b, const CallExpr *call, size_t rec)
{
    PluginTu *t = body_tu(b);
    const BcConfig *cfg = t->cfg;
    const BcCall c = t->f->calls.v[rec];
    const FunctionDecl *callee = expr_function(call->getCallee());

    body_event(b, BC_FLOW_OBSERVE, Rec::Call, rec);
    if (c.kind == BC_CALL_DIRECT) {
        /* Guards assert the lock for clang's TSA but hold it only for their
         * scope: not an assertion. */
        bool guard = bc_config_is_guard_call(cfg, c.callee_name, c.macro);
        BcFlowOp asserted = guard ? BC_FLOW_OBSERVE : tsa_asserts(t, callee);
        if (asserted != BC_FLOW_OBSERVE) {
            body_effect(b, asserted);
        }
        lock_call(b, c.callee_name, c.loc, c.macro);
        if (bc_config_call_polls(cfg, c.callee_name, c.macro)) {
            call_poll(b, c.callee_name, c.loc);
        }
        code_class_call(b, callee);
    }
    if (c.kind == BC_CALL_DIRECT && callee && is_noreturn(callee)) {
        body_dead_end(b);
    }
}

/* `slot = value` with a function-pointer type: an assignment (comparisons
 * have type int). */
void call_assignment(Body *b, const BinaryOperator *op)
{
    PluginTu *t = body_tu(b);

    if (!type_is_fnptr(op->getType())) {
        return;
    }
    const Expr *lhs = strip_expr(op->getLHS());
    const ValueDecl *slot = nullptr;
    if (const auto *me = dyn_cast_or_null<MemberExpr>(lhs)) {
        slot = dyn_cast<FieldDecl>(me->getMemberDecl());
    } else if (const auto *dre = dyn_cast_or_null<DeclRefExpr>(lhs)) {
        slot = dyn_cast<VarDecl>(dre->getDecl());
    }
    if (!slot) {
        return;
    }
    const char *key = slot_key(t, slot);
    symbol_of(t, slot, key);
    addr_store(t, op->getRHS(), key, BC_ADDR_ASSIGNMENT, body_usr(b));
}

void call_function_ref(Body *b, const DeclRefExpr *ref)
{
    PluginTu *t = body_tu(b);
    const auto *fn = dyn_cast<FunctionDecl>(ref->getDecl());
    BcAddrTaken a = {};

    if (!fn || t->claimed.count(ref)) {
        return;
    }
    a.func_usr = decl_usr(t, fn);
    symbol_of(t, fn, a.func_usr);
    a.context_usr = body_usr(b);
    a.kind = BC_ADDR_OTHER;
    a.loc = location(t, ref->getLocation());
    bc_vec_push(&t->f->addrs, a);
}

bool call_is_in_coroutine_test(Body *b, const Expr *e)
{
    const auto *call = dyn_cast<CallExpr>(e);
    const FunctionDecl *fn = call ? expr_function(call->getCallee()) : nullptr;

    if (!fn) {
        return false;
    }
    std::string name = fn->getNameAsString();
    return BC_CONFIG_HAS(body_tu(b)->cfg, in_coroutine_functions, name.c_str());
}

} // namespace blkcheck
