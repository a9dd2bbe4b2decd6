/*
 * body.cpp - a function body as a control-flow graph (core/flow.h)
 *
 * Context: the compiler's thread, after the TU's AST is complete.
 *
 * The clang-AST twin of extract/body.c, building the same graph for the
 * same engine: basic blocks joined by edges for if/else, loops,
 * switch/case/default, break, continue, return, goto and labels, and for
 * `&&`, `||`, `!` and `?:` (in conditions and in plain expressions).
 * Constant conditions take one edge (`do { } while (0)` does not loop), a
 * call to a noreturn function ends its block, scoped guards are counted per
 * scope (compound statement, statement expression, for statement) and
 * released on every edge that leaves it.  Macro expansions of the body's
 * file (polling, guard and code-class macros) are consumed when the walk
 * reaches their offset.  The leaves are calls.cpp's.  When the graph is
 * complete the engine solves it and the state before each event is written
 * back into the records.
 *
 * clang::CFG is not used on purpose: its blocks are built for C++ semantics
 * and do not carry macro offsets, scopes or in-coroutine edges; the shape
 * built here is the libclang extractor's, so both front ends give the same
 * facts for the same source (the corpus runner checks that).
 */
#include "plugin-int.h"

#include "clang/AST/Attr.h"

using namespace clang;

namespace blkcheck {

namespace {
struct Scope {
    const Stmt *s;
    unsigned guards;
};
struct Target {
    uint32_t block;
    size_t depth;
};
struct RecRef {
    Rec kind;
    size_t index;
};
struct Switch {
    uint32_t dispatch;
    bool has_default;
};
} // namespace

class Body {
public:
    PluginTu *t;
    const char *usr;
    size_t def;
    BcFlow *flow;
    uint32_t cur = 0;
    FileID file;
    const std::vector<MacroExp> *mf = nullptr;
    size_t next_exp = 0;
    unsigned end = 0;
    std::vector<Scope> scopes;
    std::vector<Target> breaks, continues;
    std::vector<Switch> switches;
    std::map<const LabelDecl *, uint32_t> labels;
    std::set<const Decl *> co_flags;
    std::set<const Decl *> fresh;
    std::vector<RecRef> recs;
    bool first_statement = false;

    void node(const Stmt *s);
    void cond(const Expr *e, uint32_t tb, uint32_t fb);

    uint32_t new_block() { return bc_flow_block(flow); }
    void edge(uint32_t from, uint32_t to, BcFlowEdge kind = BC_FLOW_PLAIN)
    {
        bc_flow_edge(flow, from, to, kind);
    }
    void consume_macros(unsigned offset, bool at);
    unsigned start_offset(const Stmt *s, bool *in_file);
    void push_scope(const Stmt *s) { scopes.push_back({ s, 0 }); }
    void drop_guards(size_t depth);
    void pop_scope();
    void jump(const Target &tg);
    uint32_t label_block(const LabelDecl *l);
    size_t label_depth(const LabelStmt *ls);
    void note_fresh(const Decl *var, const Expr *value);
    bool is_co_flag(const Expr *e);
    void stmts(const Stmt *s);
    void compound(const CompoundStmt *c, bool body);
    void if_stmt(const IfStmt *s);
    void loop(const Expr *c, const Stmt *b, bool test_last);
    void for_stmt(const ForStmt *s);
    void switch_stmt(const SwitchStmt *s);
    void case_stmt(const SwitchCase *s);
    void var_decl(const VarDecl *v);
    void binary(const BinaryOperator *op);
    void conditional(const ConditionalOperator *op);
};

PluginTu *body_tu(const Body *b) { return b->t; }
const char *body_usr(const Body *b) { return b->usr; }
size_t body_def(const Body *b) { return b->def; }
bool body_in_first_statement(const Body *b) { return b->first_statement; }
bool body_is_fresh(const Body *b, const Decl *var) { return b->fresh.count(var) != 0; }

void body_dead_end(Body *b)
{
    b->cur = b->new_block();        /* no predecessor: unreachable */
}

void body_effect(Body *b, BcFlowOp op)
{
    bc_flow_event(b->flow, b->cur, op, UINT32_MAX);
}

void body_event(Body *b, BcFlowOp op, Rec kind, size_t index)
{
    b->recs.push_back({ kind, index });
    bc_flow_event(b->flow, b->cur, op, (uint32_t)b->recs.size() - 1);
}

void body_take_guard(Body *b, BcLoc loc)
{
    BcLockEvent e = { b->usr, BC_LOCK_OP_GUARD, loc, 0, 0 };

    bc_vec_push(&b->t->f->locks, e);
    body_event(b, BC_FLOW_GUARD_TAKE, Rec::Lock, b->t->f->locks.n - 1);
    if (!b->scopes.empty()) {
        b->scopes.back().guards++;
    }
}

unsigned Body::start_offset(const Stmt *s, bool *in_file)
{
    std::pair<FileID, unsigned> d = expansion_offset(t, s->getBeginLoc());
    *in_file = d.first == file;
    return d.second;
}

/* --- macro expansions ----------------------------------------------------- */

void Body::consume_macros(unsigned offset, bool at)
{
    while (mf && next_exp < mf->size()) {
        const MacroExp &e = (*mf)[next_exp];
        if (e.start > end || e.start > offset || (e.start == offset && !at)) {
            break;
        }
        switch (e.role) {
        case MacroRole::Poll:
            call_poll(this, e.name, e.loc);
            break;
        case MacroRole::Guard:
            body_take_guard(this, e.loc);
            break;
        case MacroRole::CodeClass:
            bc_facts_decl_add_label(t->f, &t->f->decls.v[def], e.label);
            break;
        case MacroRole::Other:
            break;
        }
        next_exp++;
    }
}

/* --- scopes and jumps ------------------------------------------------------- */

void Body::drop_guards(size_t depth)
{
    for (size_t i = scopes.size(); i-- > depth;) {
        for (unsigned g = 0; g < scopes[i].guards; g++) {
            bc_flow_event(flow, cur, BC_FLOW_GUARD_DROP, UINT32_MAX);
        }
    }
}

void Body::pop_scope()
{
    drop_guards(scopes.size() - 1);
    scopes.pop_back();
}

void Body::jump(const Target &tg)
{
    drop_guards(tg.depth);
    edge(cur, tg.block);
    body_dead_end(this);
}

uint32_t Body::label_block(const LabelDecl *l)
{
    auto it = labels.find(l);
    if (it != labels.end()) {
        return it->second;
    }
    uint32_t b = new_block();
    labels.emplace(l, b);
    return b;
}

/* How many of the current scopes enclose @ls (it may be ahead of us). */
size_t Body::label_depth(const LabelStmt *ls)
{
    std::pair<FileID, unsigned> l = expansion_offset(t, ls->getBeginLoc());

    for (size_t i = scopes.size(); i-- > 0;) {
        std::pair<FileID, unsigned> s = expansion_offset(t, scopes[i].s->getBeginLoc());
        std::pair<FileID, unsigned> e = expansion_offset(t, scopes[i].s->getEndLoc());
        if (s.first == l.first && s.second <= l.second && l.second < e.second + 1) {
            return i + 1;
        }
    }
    return 0;
}

/* --- conditions --------------------------------------------------------------- */

/* A constant condition written as a literal: 1 true, 0 false, -1 not. */
static int constant(const Expr *e)
{
    if (const auto *il = dyn_cast<IntegerLiteral>(e)) {
        return il->getValue() != 0;
    }
    if (const auto *cl = dyn_cast<CharacterLiteral>(e)) {
        return cl->getValue() != 0;
    }
    return -1;
}

static bool callee_named(const CallExpr *call, const char *name)
{
    const FunctionDecl *fn = expr_function(call->getCallee());
    return fn && fn->getIdentifier() && fn->getName() == name;
}

bool Body::is_co_flag(const Expr *e)
{
    const auto *dre = dyn_cast<DeclRefExpr>(e);
    return dre && co_flags.count(dre->getDecl());
}

void Body::cond(const Expr *c, uint32_t tb, uint32_t fb)
{
    bool in_file;
    unsigned off = start_offset(c, &in_file);

    if (in_file) {
        consume_macros(off, true);
    }
    c = strip_parens(c, false);
    if (const auto *u = dyn_cast<UnaryOperator>(c)) {
        if (u->getOpcode() == UO_LNot) {
            cond(u->getSubExpr(), fb, tb);
            return;
        }
    } else if (const auto *bo = dyn_cast<BinaryOperator>(c)) {
        if (bo->getOpcode() == BO_LAnd || bo->getOpcode() == BO_LOr) {
            uint32_t mid = new_block();
            if (bo->getOpcode() == BO_LAnd) {
                cond(bo->getLHS(), mid, fb);
            } else {
                cond(bo->getLHS(), tb, mid);
            }
            cur = mid;
            cond(bo->getRHS(), tb, fb);
            return;
        }
    } else if (const auto *call = dyn_cast<CallExpr>(c)) {
        if (call->getNumArgs() == 2 && callee_named(call, "__builtin_expect")) {
            cond(call->getArg(0), tb, fb);   /* likely()/unlikely() */
            return;
        }
    }
    int value = constant(c);
    if (value >= 0) {
        edge(cur, value ? tb : fb);
        return;
    }
    node(c);
    bool co = is_co_flag(c) || (isa<CallExpr>(c) && call_is_in_coroutine_test(this, c));
    edge(cur, tb, co ? BC_FLOW_IN_CO : BC_FLOW_PLAIN);
    edge(cur, fb, co ? BC_FLOW_NOT_IN_CO : BC_FLOW_PLAIN);
}

/* `local = constructor(...)`: remember @var as holding a new object. */
void Body::note_fresh(const Decl *var, const Expr *value)
{
    const auto *call = dyn_cast_or_null<CallExpr>(strip_expr(value));
    const FunctionDecl *fn = call ? expr_function(call->getCallee()) : nullptr;

    if (!fn || !t->cfg->no_poll_when_fresh.n) {
        return;
    }
    const auto *vd = dyn_cast<VarDecl>(var);
    std::string name = fn->getNameAsString();
    if (bc_config_is_constructor(t->cfg, name.c_str()) && vd &&
        isa<FunctionDecl>(vd->getDeclContext()) && vd->getStorageClass() != SC_Static) {
        fresh.insert(var);
    }
}

/* --- statements ---------------------------------------------------------------- */

void Body::if_stmt(const IfStmt *s)
{
    uint32_t tb = new_block(), fb = new_block(), join = new_block();

    if (s->getInit()) {
        node(s->getInit());
    }
    cond(s->getCond(), tb, s->getElse() ? fb : join);
    cur = tb;
    node(s->getThen());
    edge(cur, join);
    if (s->getElse()) {
        cur = fb;
        node(s->getElse());
        edge(cur, join);
    }
    cur = join;
}

void Body::loop(const Expr *c, const Stmt *body_s, bool test_last)
{
    uint32_t test = new_block(), body_b = new_block(), exit = new_block();

    edge(cur, test_last ? body_b : test);
    if (!test_last) {
        cur = test;
        cond(c, body_b, exit);
    }
    cur = body_b;
    breaks.push_back({ exit, scopes.size() });
    continues.push_back({ test, scopes.size() });
    node(body_s);
    breaks.pop_back();
    continues.pop_back();
    edge(cur, test);
    if (test_last) {
        cur = test;
        cond(c, body_b, exit);
    }
    cur = exit;
}

void Body::for_stmt(const ForStmt *s)
{
    uint32_t head = new_block(), body_b = new_block(), inc = new_block(), exit = new_block();

    if (s->getInit()) {
        node(s->getInit());
    }
    edge(cur, head);
    cur = head;
    if (s->getCond()) {
        cond(s->getCond(), body_b, exit);
    } else {
        edge(head, body_b);
    }
    cur = body_b;
    breaks.push_back({ exit, scopes.size() });
    continues.push_back({ inc, scopes.size() });
    node(s->getBody());
    breaks.pop_back();
    continues.pop_back();
    edge(cur, inc);
    cur = inc;
    if (s->getInc()) {
        node(s->getInc());
    }
    edge(cur, head);
    cur = exit;
}

void Body::switch_stmt(const SwitchStmt *s)
{
    uint32_t exit = new_block();

    if (s->getInit()) {
        node(s->getInit());
    }
    node(s->getCond());
    switches.push_back({ cur, false });
    breaks.push_back({ exit, scopes.size() });
    body_dead_end(this);            /* code before the first case is unreachable */
    node(s->getBody());
    breaks.pop_back();
    Switch sw = switches.back();
    switches.pop_back();
    edge(cur, exit);
    if (!sw.has_default) {
        edge(sw.dispatch, exit);
    }
    cur = exit;
}

void Body::case_stmt(const SwitchCase *s)
{
    uint32_t block = new_block();

    if (!switches.empty()) {
        edge(switches.back().dispatch, block);
        switches.back().has_default |= isa<DefaultStmt>(s);
    }
    edge(cur, block);
    cur = block;
    node(s->getSubStmt());
}

void Body::var_decl(const VarDecl *v)
{
    var_extract(t, v, usr);
    if (const Expr *init = v->getInit()) {
        node(init);
        note_fresh(v, init);
        const Expr *e = strip_parens(init, false);
        if (isa<CallExpr>(e) && call_is_in_coroutine_test(this, e)) {
            co_flags.insert(v);   /* `bool in_co = qemu_in_coroutine();` */
        }
    }
}

void Body::binary(const BinaryOperator *op)
{
    if (op->getOpcode() == BO_LAnd || op->getOpcode() == BO_LOr) {
        uint32_t join = new_block();
        cond(op, join, join);
        cur = join;
        return;
    }
    call_assignment(this, op);
    node(op->getLHS());
    node(op->getRHS());
    if (op->getOpcode() == BO_Assign) {
        const Expr *rhs = strip_parens(op->getRHS(), false);
        const auto *lhs = dyn_cast<DeclRefExpr>(strip_parens(op->getLHS(), false));
        if (lhs) {
            note_fresh(lhs->getDecl(), op->getRHS());
        }
        if (lhs && isa<CallExpr>(rhs) && isa<VarDecl>(lhs->getDecl()) &&
            call_is_in_coroutine_test(this, rhs)) {
            co_flags.insert(lhs->getDecl());
        }
    }
}

void Body::conditional(const ConditionalOperator *op)
{
    uint32_t tb = new_block(), fb = new_block(), join = new_block();

    cond(op->getCond(), tb, fb);
    cur = tb;
    node(op->getTrueExpr());
    edge(cur, join);
    cur = fb;
    node(op->getFalseExpr());
    edge(cur, join);
    cur = join;
}

void Body::compound(const CompoundStmt *c, bool body)
{
    push_scope(c);
    size_t i = 0;
    for (const Stmt *s : c->body()) {
        if (body) {
            first_statement = i == 0;
        }
        node(s);
        i++;
    }
    if (body) {
        first_statement = false;
    }
    pop_scope();
}

void Body::stmts(const Stmt *s)
{
    for (const Stmt *c : s->children()) {
        if (c) {
            node(c);
        }
    }
}

void Body::node(const Stmt *s)
{
    if (!s) {
        return;
    }
    bool in_file;
    unsigned off = start_offset(s, &in_file);

    /* Expansions before this node see the state before it; one at its very
     * start belongs to it (a guard opening a for scope). */
    if (in_file) {
        consume_macros(off, false);
    }
    if (isa<ForStmt>(s)) {
        push_scope(s);
    }
    if (in_file) {
        consume_macros(off, true);
    }
    switch (s->getStmtClass()) {
    case Stmt::CompoundStmtClass:
        compound(cast<CompoundStmt>(s), false);
        break;
    case Stmt::IfStmtClass:
        if_stmt(cast<IfStmt>(s));
        break;
    case Stmt::WhileStmtClass:
        loop(cast<WhileStmt>(s)->getCond(), cast<WhileStmt>(s)->getBody(), false);
        break;
    case Stmt::DoStmtClass:
        loop(cast<DoStmt>(s)->getCond(), cast<DoStmt>(s)->getBody(), true);
        break;
    case Stmt::ForStmtClass:
        for_stmt(cast<ForStmt>(s));
        pop_scope();
        break;
    case Stmt::SwitchStmtClass:
        switch_stmt(cast<SwitchStmt>(s));
        break;
    case Stmt::CaseStmtClass:
    case Stmt::DefaultStmtClass:
        case_stmt(cast<SwitchCase>(s));
        break;
    case Stmt::LabelStmtClass: {
        const auto *ls = cast<LabelStmt>(s);
        uint32_t block = label_block(ls->getDecl());
        edge(cur, block);
        cur = block;
        node(ls->getSubStmt());
        break;
    }
    case Stmt::GotoStmtClass: {
        const LabelDecl *ld = cast<GotoStmt>(s)->getLabel();
        if (!ld || !ld->getStmt()) {
            body_dead_end(this);
            break;
        }
        jump({ label_block(ld), label_depth(ld->getStmt()) });
        break;
    }
    case Stmt::IndirectGotoStmtClass:
        stmts(s);
        body_dead_end(this);        /* computed goto: targets unknown */
        break;
    case Stmt::BreakStmtClass:
        if (!breaks.empty()) {
            jump(breaks.back());
        }
        break;
    case Stmt::ContinueStmtClass:
        if (!continues.empty()) {
            jump(continues.back());
        }
        break;
    case Stmt::ReturnStmtClass:
        stmts(s);
        body_dead_end(this);
        break;
    case Stmt::DeclStmtClass:
        for (const Decl *d : cast<DeclStmt>(s)->decls()) {
            if (const auto *v = dyn_cast<VarDecl>(d)) {
                var_decl(v);
            } else if (const auto *fn = dyn_cast<FunctionDecl>(d)) {
                local_function_decl(t, fn);
            }
        }
        break;
    case Stmt::CallExprClass: {
        const auto *call = cast<CallExpr>(s);
        size_t rec = call_begin(this, call);
        stmts(s);
        call_end(this, call, rec);
        break;
    }
    case Stmt::BinaryOperatorClass:
        binary(cast<BinaryOperator>(s));
        break;
    case Stmt::ConditionalOperatorClass:
        conditional(cast<ConditionalOperator>(s));
        break;
    case Stmt::DeclRefExprClass:
        call_function_ref(this, cast<DeclRefExpr>(s));
        break;
    case Stmt::StmtExprClass:
        node(cast<StmtExpr>(s)->getSubStmt());
        break;
    default:
        stmts(s);
        break;
    }
}

/* --- solving ---------------------------------------------------------------------- */

static void write_back(void *opaque, uint32_t tag, BcFlowOp, const BcFlowState *s)
{
    Body *b = static_cast<Body *>(opaque);
    BcTuFacts *f = b->t->f;
    /* Unreachable code satisfies every must-fact and no may-fact. */
    uint32_t must = s->reachable ? s->must : BC_LOCK_ALL;
    bool in_co = s->reachable ? s->in_co : true;

    if (tag == UINT32_MAX) {
        return;
    }
    const RecRef &r = b->recs[tag];
    switch (r.kind) {
    case Rec::Call:
        f->calls.v[r.index].lock_state = must;
        f->calls.v[r.index].lock_may = s->may;
        f->calls.v[r.index].in_coroutine_check = in_co;
        break;
    case Rec::Lock:
        f->locks.v[r.index].lock_state_before = must;
        f->locks.v[r.index].lock_may_before = s->may;
        break;
    case Rec::Poll:
        f->polls.v[r.index].lock_state = must;
        f->polls.v[r.index].lock_may = s->may;
        f->polls.v[r.index].in_coroutine_check = in_co;
        break;
    }
}

void body_extract(PluginTu *t, const FunctionDecl *fn, size_t def)
{
    Body b;
    const auto *body = dyn_cast_or_null<CompoundStmt>(fn->getBody());
    std::pair<FileID, unsigned> s = expansion_offset(t, fn->getSourceRange().getBegin());
    std::pair<FileID, unsigned> e = expansion_offset(t, fn->getSourceRange().getEnd());

    b.t = t;
    b.usr = t->f->decls.v[def].usr;
    b.def = def;
    b.file = s.first;
    b.end = e.first == s.first ? e.second + 1 : s.second;
    b.mf = t->macros.file(b.file);
    if (b.mf) {
        /* Skip expansions before the declaration. */
        while (b.next_exp < b.mf->size() && (*b.mf)[b.next_exp].start < s.second) {
            b.next_exp++;
        }
    }
    b.flow = bc_flow_new();
    if (body) {
        bool in_file;
        unsigned off = b.start_offset(body, &in_file);
        if (in_file) {
            b.consume_macros(off, true);
        }
        b.compound(body, true);
    }
    b.consume_macros(b.end, true);
    bc_flow_solve(b.flow, write_back, &b);
    bc_flow_free(b.flow);
}

} // namespace blkcheck
