/*
 * body.c - a function body as a control-flow graph (core/flow.h)
 *
 * Context: one TU, its worker thread.
 *
 * libclang has no CFG, so we build one from the statement cursors: basic
 * blocks joined by edges for if/else, loops, switch/case/default, break,
 * continue, return, goto and labels, and for the short-circuit operators
 * `&&`, `||`, `!` and `?:` (in conditions and in plain expressions, so
 * `qemu_in_coroutine() && f()` reaches f only in a coroutine).  Constant
 * conditions take one edge (`do { } while (0)` macro bodies do not loop),
 * and a call to a noreturn function ends its block.
 *
 * The leaves (calls, assignments, function references) are calls.c's; they
 * append events to the current block.  Scoped guards are counted per scope
 * (compound statement, statement expression, for statement) and released on
 * every edge that leaves the scope: its end, break, continue, goto, return.
 *
 * Macro expansions of the body's file (polling, guard and code-class
 * macros) are consumed when the traversal reaches their offset, so they
 * land in the block that contains them.  When the graph is complete the
 * engine solves it and the state before each event is written back into the
 * records (calls, lock events, polls).
 */
#include <stdio.h>
#include <string.h>
#include "extract-int.h"

#define NO_BLOCK UINT32_MAX

typedef struct Scope {
    CXCursor c;
    unsigned guards;                 /* guards taken in this scope */
} Scope;

typedef struct Target {
    uint32_t block;
    size_t depth;                    /* scopes alive at the target */
} Target;

typedef struct Label {
    CXFile file;                     /* where the LabelStmt starts */
    unsigned offset;
    uint32_t block;
} Label;

typedef struct Rec {
    BcBodyRec kind;
    size_t index;
} Rec;

typedef struct Switch {
    uint32_t dispatch;
    bool has_default;
} Switch;

struct BcBody {
    BcTu *t;
    const char *usr;
    size_t def;                      /* index of the definition in f->decls */
    CXCursor fn;
    BcFlow *flow;
    uint32_t cur;                    /* the block events go to */
    CXFile file;
    const BcMacroFile *mf;           /* expansions of the body's file */
    size_t next_exp;                 /* first expansion not consumed yet */
    unsigned end;                    /* body end offset */
    BC_VEC(Scope) scopes;
    BC_VEC(Target) breaks, continues;
    BC_VEC(Switch) switches;
    BC_VEC(Label) labels;
    BC_VEC(CXCursor) co_flags;       /* locals that hold the in-coroutine test */
    BC_VEC(CXCursor) fresh;          /* locals assigned from a call */
    BC_VEC(Rec) recs;                /* event tag -> record */
    bool first_statement;
};

static void node(BcBody *b, CXCursor c);

/* --- small helpers ------------------------------------------------------- */

BcTu *bc_body_tu(const BcBody *b) { return b->t; }
const char *bc_body_usr(const BcBody *b) { return b->usr; }
size_t bc_body_def(const BcBody *b) { return b->def; }
bool bc_body_in_first_statement(const BcBody *b) { return b->first_statement; }

static uint32_t new_block(BcBody *b)
{
    return bc_flow_block(b->flow);
}

static void edge(BcBody *b, uint32_t from, uint32_t to, BcFlowEdge kind)
{
    bc_flow_edge(b->flow, from, to, kind);
}

void bc_body_dead_end(BcBody *b)
{
    b->cur = new_block(b);      /* no predecessor: unreachable */
}

void bc_body_effect(BcBody *b, BcFlowOp op)
{
    bc_flow_event(b->flow, b->cur, op, UINT32_MAX);
}

void bc_body_event(BcBody *b, BcFlowOp op, BcBodyRec kind, size_t index)
{
    Rec r = { kind, index };

    bc_vec_push(&b->recs, r);
    bc_flow_event(b->flow, b->cur, op, (uint32_t)b->recs.n - 1);
}

typedef BC_VEC(CXCursor) CursorVec;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    bc_vec_push((CursorVec *)d, c);
    return CXChildVisit_Continue;
}

static void children(CXCursor c, CursorVec *out)
{
    out->n = 0;
    clang_visitChildren(c, collect, out);
}

/* Child @i of @v, or a null cursor: an operator's operands by position. */
static CXCursor kid(const CursorVec *v, size_t i)
{
    return i < v->n ? v->v[i] : clang_getNullCursor();
}

static unsigned start_offset(const BcBody *b, CXCursor c, bool *in_file)
{
    CXFile file;
    unsigned start, end;

    bc_cursor_offsets(c, &file, &start, &end);
    *in_file = file == b->file;
    return start;
}

/* --- macro expansions ---------------------------------------------------- */

static void apply_macro(BcBody *b, const BcMacroExp *e)
{
    switch (e->role) {
    case BC_MACRO_POLL:
        bc_call_poll(b, e->name, e->loc);
        break;
    case BC_MACRO_GUARD:
        bc_body_take_guard(b, e->loc);
        break;
    case BC_MACRO_CODE_CLASS:
        bc_facts_decl_add_label(b->t->f, &b->t->f->decls.v[b->def], e->label);
        break;
    case BC_MACRO_OTHER:
        break;
    }
}

/* Consume expansions before @offset (or at it, when @at is set); @offset
 * is at most the body's end. */
static void consume_macros(BcBody *b, unsigned offset, bool at)
{
    while (b->mf && b->next_exp < b->mf->exps.n) {
        const BcMacroExp *e = &b->mf->exps.v[b->next_exp];
        if (e->start > offset || (e->start == offset && !at)) {
            break;
        }
        apply_macro(b, e);
        b->next_exp++;
    }
}

/* --- scopes and guards ---------------------------------------------------- */

static void push_scope(BcBody *b, CXCursor c)
{
    Scope s = { c, 0 };

    bc_vec_push(&b->scopes, s);
}

void bc_body_take_guard(BcBody *b, BcLoc loc)
{
    BcLockEvent e = { b->usr, BC_LOCK_OP_GUARD, loc, 0, 0 };

    bc_vec_push(&b->t->f->locks, e);
    bc_body_event(b, BC_FLOW_GUARD_TAKE, BC_REC_LOCK, b->t->f->locks.n - 1);
    if (b->scopes.n) {
        b->scopes.v[b->scopes.n - 1].guards++;
    }
}

/* Release, in the current block, the guards of scopes [@depth, top). */
static void drop_guards(BcBody *b, size_t depth)
{
    for (size_t i = b->scopes.n; i-- > depth;) {
        for (unsigned g = 0; g < b->scopes.v[i].guards; g++) {
            bc_flow_event(b->flow, b->cur, BC_FLOW_GUARD_DROP, UINT32_MAX);
        }
    }
}

static void pop_scope(BcBody *b)
{
    drop_guards(b, b->scopes.n - 1);
    b->scopes.n--;
}

/* Jump from the current block to @t, leaving the scopes above its depth. */
static void jump(BcBody *b, const Target *t)
{
    drop_guards(b, t->depth);
    edge(b, b->cur, t->block, BC_FLOW_PLAIN);
    bc_body_dead_end(b);
}

/* --- labels and goto ------------------------------------------------------ */

/* The block of a label.  Keyed by position: the cursor a goto's LabelRef
 * refers to and the one the traversal meets are not equal as cursors. */
static uint32_t label_block(BcBody *b, CXCursor label)
{
    CXFile file;
    unsigned start, end;

    bc_cursor_offsets(label, &file, &start, &end);
    bc_vec_foreach(&b->labels, l) {
        if (l->file == file && l->offset == start) {
            return l->block;
        }
    }
    Label l = { file, start, new_block(b) };
    bc_vec_push(&b->labels, l);
    return l.block;
}

/* How many of the current scopes enclose @label (it may be ahead of us):
 * the deepest scope whose extent holds the label, and those outside it. */
static size_t label_depth(BcBody *b, CXCursor label)
{
    CXFile lf;
    unsigned lstart, lend;

    bc_cursor_offsets(label, &lf, &lstart, &lend);
    for (size_t i = b->scopes.n; i-- > 0;) {
        CXFile f;
        unsigned s, e;
        bc_cursor_offsets(b->scopes.v[i].c, &f, &s, &e);
        if (f == lf && s <= lstart && lstart < e) {
            return i + 1;
        }
    }
    return 0;
}

static void goto_stmt(BcBody *b, CXCursor c)
{
    CursorVec kids = { 0 };
    CXCursor label = clang_getNullCursor();

    children(c, &kids);
    bc_vec_foreach(&kids, k) {
        if (clang_getCursorKind(*k) == CXCursor_LabelRef) {
            label = clang_getCursorReferenced(*k);
        }
    }
    bc_vec_free(&kids);
    if (clang_Cursor_isNull(label)) {
        bc_body_dead_end(b);
        return;
    }
    Target t = { label_block(b, label), label_depth(b, label) };
    jump(b, &t);
}

/* --- conditions ----------------------------------------------------------- */

/* Parentheses and implicit conversions only. */
static CXCursor strip_parens(CXCursor c)
{
    for (int i = 0; i < 32; i++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr) {
            break;
        }
        CursorVec kids = { 0 };
        children(c, &kids);
        CXCursor only = kids.n == 1 ? kids.v[0] : clang_getNullCursor();
        bc_vec_free(&kids);
        if (clang_Cursor_isNull(only) || !clang_isExpression(clang_getCursorKind(only))) {
            break;
        }
        c = only;
    }
    return c;
}

/*
 * The operator of binary/unary operator @c, from its tokens: "&&", "!", ...
 * Only the gap between the operands is tokenized (before @operand for a
 * unary operator, between @lhs and @rhs for a binary one): libclang 14 has
 * no operator-kind query.
 */
static void operator_spelling(BcBody *b, CXCursor c, CXCursor lhs, CXCursor rhs,
                              char *out, size_t len)
{
    CXSourceRange r;
    CXToken *toks = NULL;
    unsigned n = 0;

    out[0] = '\0';
    if (clang_Cursor_isNull(lhs)) {
        r = clang_getRange(clang_getRangeStart(clang_getCursorExtent(c)),
                           clang_getRangeStart(clang_getCursorExtent(rhs)));
    } else {
        r = clang_getRange(clang_getRangeEnd(clang_getCursorExtent(lhs)),
                           clang_getRangeStart(clang_getCursorExtent(rhs)));
    }
    clang_tokenize(b->t->tu, r, &toks, &n);
    for (unsigned i = 0; i < n; i++) {
        if (clang_getTokenKind(toks[i]) == CXToken_Punctuation) {
            CXString s = clang_getTokenSpelling(b->t->tu, toks[i]);
            snprintf(out, len, "%s", clang_getCString(s));
            clang_disposeString(s);
            break;
        }
    }
    clang_disposeTokens(b->t->tu, toks, n);     /* NULL-safe */
}

/* A constant condition: 1 true, 0 false, -1 not constant. */
static int constant(CXCursor c)
{
    int v = -1;

    if (clang_getCursorKind(c) == CXCursor_IntegerLiteral ||
        clang_getCursorKind(c) == CXCursor_CharacterLiteral) {
        CXEvalResult r = clang_Cursor_Evaluate(c);  /* a literal: always an int */
        v = clang_EvalResult_getAsLongLong(r) != 0;
        clang_EvalResult_dispose(r);
    }
    return v;
}

static bool cursor_in(const CursorVec *v, CXCursor c)
{
    bc_vec_foreach_const(v, x) {
        if (clang_equalCursors(*x, c)) {
            return true;
        }
    }
    return false;
}

bool bc_body_is_fresh(const BcBody *b, CXCursor var)
{
    return cursor_in((const CursorVec *)&b->fresh, var);
}

/* `local = constructor(...)`: remember @var as holding a new object. */
static void note_fresh(BcBody *b, CXCursor var, CXCursor value)
{
    CXCursor v = bc_strip_expr(value);

    CXCursor fn = clang_getCursorKind(v) == CXCursor_CallExpr
                  ? bc_expr_function(bc_first_child(v)) : clang_getNullCursor();

    if (clang_Cursor_isNull(fn) || !b->t->cfg->no_poll_when_fresh.n) {
        return;
    }
    CXString name = clang_getCursorSpelling(fn);
    bool ctor = bc_config_is_constructor(b->t->cfg, clang_getCString(name));
    clang_disposeString(name);
    if (ctor && clang_getCursorKind(var) == CXCursor_VarDecl &&
        clang_getCursorKind(clang_getCursorSemanticParent(var)) == CXCursor_FunctionDecl &&
        clang_Cursor_getStorageClass(var) != CX_SC_Static &&
        !bc_body_is_fresh(b, var)) {
        bc_vec_push(&b->fresh, var);
    }
}

static bool is_co_flag(BcBody *b, CXCursor c)
{
    if (clang_getCursorKind(c) != CXCursor_DeclRefExpr) {
        return false;
    }
    CXCursor var = clang_getCursorReferenced(c);
    bc_vec_foreach(&b->co_flags, f) {
        if (clang_equalCursors(*f, var)) {
            return true;
        }
    }
    return false;
}

static bool callee_named(CXCursor call, const char *name)
{
    CXCursor fn = bc_expr_function(bc_first_child(call));
    bool hit = false;

    if (!clang_Cursor_isNull(fn)) {
        CXString s = clang_getCursorSpelling(fn);
        hit = strcmp(clang_getCString(s), name) == 0;
        clang_disposeString(s);
    }
    return hit;
}

/* Evaluate @c and branch to @t when it is true, to @f when false. */
static void cond(BcBody *b, CXCursor c, uint32_t t, uint32_t f)
{
    c = strip_parens(c);
    enum CXCursorKind k = clang_getCursorKind(c);
    CursorVec kids = { 0 };
    char op[8];

    children(c, &kids);
    /* A unary operator has one operand, a binary one two (kid() is null
     * past the end, and a null operand spells no operator). */
    if (k == CXCursor_UnaryOperator) {
        operator_spelling(b, c, clang_getNullCursor(), kid(&kids, 0), op, sizeof(op));
        if (strcmp(op, "!") == 0) {
            cond(b, kids.v[0], f, t);
            goto out;
        }
    } else if (k == CXCursor_BinaryOperator) {
        operator_spelling(b, c, kid(&kids, 0), kid(&kids, 1), op, sizeof(op));
        if (strcmp(op, "&&") == 0 || strcmp(op, "||") == 0) {
            uint32_t mid = new_block(b);
            if (op[0] == '&') {
                cond(b, kids.v[0], mid, f);
            } else {
                cond(b, kids.v[0], t, mid);
            }
            b->cur = mid;
            cond(b, kids.v[1], t, f);
            goto out;
        }
    } else if (k == CXCursor_CallExpr && kids.n == 3 && callee_named(c, "__builtin_expect")) {
        /* likely()/unlikely(): the first argument decides. */
        cond(b, kids.v[1], t, f);
        goto out;
    }

    int value = constant(c);
    if (value >= 0) {
        edge(b, b->cur, value ? t : f, BC_FLOW_PLAIN);
        goto out;
    }
    node(b, c);
    bool co = is_co_flag(b, c) ||
              (k == CXCursor_CallExpr && bc_call_is_in_coroutine_test(b, c));
    edge(b, b->cur, t, co ? BC_FLOW_IN_CO : BC_FLOW_PLAIN);
    edge(b, b->cur, f, co ? BC_FLOW_NOT_IN_CO : BC_FLOW_PLAIN);
out:
    bc_vec_free(&kids);
}

/* --- statements ----------------------------------------------------------- */

static void if_stmt(BcBody *b, CursorVec *kids)
{
    uint32_t t = new_block(b), f = new_block(b), join = new_block(b);

    if (kids->n < 2) {
        return;
    }
    cond(b, kids->v[0], t, kids->n > 2 ? f : join);
    b->cur = t;
    node(b, kids->v[1]);
    edge(b, b->cur, join, BC_FLOW_PLAIN);
    if (kids->n > 2) {
        b->cur = f;
        node(b, kids->v[2]);
        edge(b, b->cur, join, BC_FLOW_PLAIN);
    }
    b->cur = join;
}

static void push_targets(BcBody *b, uint32_t brk, uint32_t cont)
{
    Target tb = { brk, b->scopes.n }, tc = { cont, b->scopes.n };

    bc_vec_push(&b->breaks, tb);
    if (cont != NO_BLOCK) {
        bc_vec_push(&b->continues, tc);
    }
}

static void pop_targets(BcBody *b, bool cont)
{
    b->breaks.n--;
    if (cont) {
        b->continues.n--;
    }
}

/* while (@cond) @body, or do @body while (@cond) when @test_last. */
static void loop_stmt(BcBody *b, CXCursor cond_c, CXCursor body_c, bool test_last)
{
    uint32_t test = new_block(b), body = new_block(b), exit = new_block(b);

    edge(b, b->cur, test_last ? body : test, BC_FLOW_PLAIN);
    if (!test_last) {
        b->cur = test;
        cond(b, cond_c, body, exit);
    }
    b->cur = body;
    push_targets(b, exit, test);
    node(b, body_c);
    pop_targets(b, true);
    edge(b, b->cur, test, BC_FLOW_PLAIN);
    if (test_last) {
        b->cur = test;
        cond(b, cond_c, body, exit);
    }
    b->cur = exit;
}

/*
 * Which of init, cond and inc a for statement has: libclang lists only the
 * present ones (the body is always last).  Outside macros the header's
 * semicolons tell; inside a macro expansion its tokens are the macro's, so
 * assume the usual shapes.
 */
static void for_parts(BcBody *b, CXCursor c, CursorVec *kids, CXCursor part[3])
{
    size_t n = kids->n - 1;

    part[0] = part[1] = part[2] = clang_getNullCursor();
    if (n == 3) {
        part[0] = kids->v[0], part[1] = kids->v[1], part[2] = kids->v[2];
        return;
    }
    /* A for that a macro spells starts where the macro is used.  (libclang
     * 14's spelling location of a macro's token is where it is used, not
     * where it is written: it cannot tell.) */
    CXFile file;
    unsigned at;
    clang_getExpansionLocation(clang_getCursorLocation(c), &file, NULL, NULL, &at);
    if (!bc_macros_at(b->t, file, at)) {
        /* Offsets of the two ';' of the header. */
        unsigned semi[2] = { 0, 0 }, found = 0, depth = 0;
        CXToken *toks = NULL;
        unsigned nt = 0;
        CXSourceRange r = clang_getRange(clang_getRangeStart(clang_getCursorExtent(c)),
                                         clang_getRangeStart(clang_getCursorExtent(
                                             kids->v[kids->n - 1])));
        clang_tokenize(b->t->tu, r, &toks, &nt);
        for (unsigned i = 0; i < nt && found < 2; i++) {
            CXString s = clang_getTokenSpelling(b->t->tu, toks[i]);
            const char *sp = clang_getCString(s);
            if (!strcmp(sp, "(")) {
                depth++;
            } else if (!strcmp(sp, ")")) {
                depth--;
            } else if (!strcmp(sp, ";") && depth == 1) {
                CXSourceLocation tl = clang_getTokenLocation(b->t->tu, toks[i]);
                clang_getSpellingLocation(tl, NULL, NULL, NULL, &semi[found++]);
            }
            clang_disposeString(s);
        }
        clang_disposeTokens(b->t->tu, toks, nt);
        if (found == 2) {
            for (size_t i = 0; i < n; i++) {
                unsigned off;
                clang_getSpellingLocation(clang_getRangeStart(clang_getCursorExtent(kids->v[i])),
                                          NULL, NULL, NULL, &off);
                part[off < semi[0] ? 0 : off < semi[1] ? 1 : 2] = kids->v[i];
            }
            return;
        }
    }
    /* Macro body: a declaration is the init; otherwise cond first.  At most
     * two parts are left (three returned above). */
    size_t i = 0;
    if (clang_getCursorKind(kids->v[0]) == CXCursor_DeclStmt) {
        part[0] = kids->v[i++];
    }
    for (int p = 1; i < n; p++) {
        part[p] = kids->v[i++];
    }
}

static void for_stmt(BcBody *b, CXCursor c, CursorVec *kids)
{
    CXCursor part[3];
    uint32_t head = new_block(b), body = new_block(b), inc = new_block(b), exit = new_block(b);

    if (kids->n < 1) {
        return;
    }
    for_parts(b, c, kids, part);
    if (!clang_Cursor_isNull(part[0])) {
        node(b, part[0]);
    }
    edge(b, b->cur, head, BC_FLOW_PLAIN);
    b->cur = head;
    if (!clang_Cursor_isNull(part[1])) {
        cond(b, part[1], body, exit);
    } else {
        edge(b, head, body, BC_FLOW_PLAIN);
    }
    b->cur = body;
    push_targets(b, exit, inc);
    node(b, kids->v[kids->n - 1]);
    pop_targets(b, true);
    edge(b, b->cur, inc, BC_FLOW_PLAIN);
    b->cur = inc;
    if (!clang_Cursor_isNull(part[2])) {
        node(b, part[2]);
    }
    edge(b, b->cur, head, BC_FLOW_PLAIN);
    b->cur = exit;
}

static void switch_stmt(BcBody *b, CursorVec *kids)
{
    uint32_t exit = new_block(b);
    Switch sw;

    if (kids->n < 2) {
        return;
    }
    node(b, kids->v[0]);
    sw.dispatch = b->cur;
    sw.has_default = false;
    bc_vec_push(&b->switches, sw);
    push_targets(b, exit, NO_BLOCK);
    bc_body_dead_end(b);        /* code before the first case is unreachable */
    node(b, kids->v[kids->n - 1]);
    pop_targets(b, false);
    sw = b->switches.v[--b->switches.n];
    edge(b, b->cur, exit, BC_FLOW_PLAIN);
    if (!sw.has_default) {
        edge(b, sw.dispatch, exit, BC_FLOW_PLAIN);
    }
    b->cur = exit;
}

/* case / default / label: a block entered by fallthrough and by its jumps. */
static void entry_point(BcBody *b, uint32_t block, CursorVec *kids)
{
    edge(b, b->cur, block, BC_FLOW_PLAIN);
    b->cur = block;
    if (kids->n) {
        node(b, kids->v[kids->n - 1]);
    }
}

static void case_stmt(BcBody *b, CXCursor c, CursorVec *kids)
{
    uint32_t block = new_block(b);

    if (b->switches.n) {
        Switch *sw = &b->switches.v[b->switches.n - 1];
        edge(b, sw->dispatch, block, BC_FLOW_PLAIN);
        sw->has_default |= clang_getCursorKind(c) == CXCursor_DefaultStmt;
    }
    entry_point(b, block, kids);
}

static void var_decl(BcBody *b, CXCursor var, CursorVec *kids)
{
    bc_var_extract(b->t, var, b->usr);
    bc_vec_foreach(kids, k) {
        node(b, *k);
    }
    /* `bool in_co = qemu_in_coroutine();` makes in_co a test too. */
    bc_vec_foreach(kids, k) {
        CXCursor e = strip_parens(*k);
        if (clang_isExpression(clang_getCursorKind(*k))) {
            note_fresh(b, var, *k);
        }
        if (clang_getCursorKind(e) == CXCursor_CallExpr && bc_call_is_in_coroutine_test(b, e)) {
            bc_vec_push(&b->co_flags, var);
        }
    }
}

static void binary_operator(BcBody *b, CXCursor c, CursorVec *kids)
{
    char op[8];

    operator_spelling(b, c, kid(kids, 0), kid(kids, 1), op, sizeof(op));
    if (!strcmp(op, "&&") || !strcmp(op, "||")) {
        uint32_t join = new_block(b);
        cond(b, c, join, join);
        b->cur = join;
        return;
    }
    bc_call_assignment(b, c);
    bc_vec_foreach(kids, k) {
        node(b, *k);
    }
    if (!strcmp(op, "=")) {
        CXCursor rhs = strip_parens(kids->v[1]);
        CXCursor lhs = clang_getCursorReferenced(strip_parens(kids->v[0]));
        if (clang_getCursorKind(strip_parens(kids->v[0])) == CXCursor_DeclRefExpr) {
            note_fresh(b, lhs, kids->v[1]);
        }
        if (clang_getCursorKind(rhs) == CXCursor_CallExpr &&
            clang_getCursorKind(lhs) == CXCursor_VarDecl &&
            bc_call_is_in_coroutine_test(b, rhs)) {
            bc_vec_push(&b->co_flags, lhs);
        }
    }
}

static void conditional_operator(BcBody *b, CursorVec *kids)
{
    uint32_t t = new_block(b), f = new_block(b), join = new_block(b);

    if (kids->n != 3) {
        bc_vec_foreach(kids, k) {
            node(b, *k);
        }
        return;
    }
    cond(b, kids->v[0], t, f);
    b->cur = t;
    node(b, kids->v[1]);
    edge(b, b->cur, join, BC_FLOW_PLAIN);
    b->cur = f;
    node(b, kids->v[2]);
    edge(b, b->cur, join, BC_FLOW_PLAIN);
    b->cur = join;
}

static void compound(BcBody *b, CXCursor c, CursorVec *kids, bool body)
{
    push_scope(b, c);
    for (size_t i = 0; i < kids->n; i++) {
        if (body) {
            b->first_statement = i == 0;
        }
        node(b, kids->v[i]);
    }
    if (body) {
        b->first_statement = false;
    }
    pop_scope(b);
}

static void node(BcBody *b, CXCursor c)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    CursorVec kids = { 0 };
    bool in_file;
    unsigned off = start_offset(b, c, &in_file);

    /* Expansions before this cursor see the state before it; one at its
     * very start belongs to it (a guard opening a for scope). */
    if (in_file) {
        consume_macros(b, off, false);
    }
    if (k == CXCursor_ForStmt) {
        push_scope(b, c);
    }
    if (in_file) {
        consume_macros(b, off, true);
    }
    if (k != CXCursor_FunctionDecl) {
        children(c, &kids);
    }
    switch (k) {
    case CXCursor_CompoundStmt:
        compound(b, c, &kids, false);
        break;
    case CXCursor_StmtExpr:
        bc_vec_foreach(&kids, kid) {
            node(b, *kid);
        }
        break;
    case CXCursor_IfStmt:
        if_stmt(b, &kids);
        break;
    case CXCursor_WhileStmt:
        if (kids.n == 2) {
            loop_stmt(b, kids.v[0], kids.v[1], false);
        }
        break;
    case CXCursor_DoStmt:
        if (kids.n == 2) {
            loop_stmt(b, kids.v[1], kids.v[0], true);
        }
        break;
    case CXCursor_ForStmt:
        for_stmt(b, c, &kids);
        pop_scope(b);
        break;
    case CXCursor_SwitchStmt:
        switch_stmt(b, &kids);
        break;
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
        case_stmt(b, c, &kids);
        break;
    case CXCursor_LabelStmt:
        entry_point(b, label_block(b, c), &kids);
        break;
    case CXCursor_GotoStmt:
        goto_stmt(b, c);
        break;
    case CXCursor_IndirectGotoStmt:
        bc_vec_foreach(&kids, kid) {
            node(b, *kid);
        }
        bc_body_dead_end(b);    /* computed goto: targets unknown */
        break;
    case CXCursor_BreakStmt:
        if (b->breaks.n) {
            jump(b, &b->breaks.v[b->breaks.n - 1]);
        }
        break;
    case CXCursor_ContinueStmt:
        if (b->continues.n) {
            jump(b, &b->continues.v[b->continues.n - 1]);
        }
        break;
    case CXCursor_ReturnStmt:
        bc_vec_foreach(&kids, kid) {
            node(b, *kid);
        }
        bc_body_dead_end(b);
        break;
    case CXCursor_VarDecl:
        var_decl(b, c, &kids);
        break;
    case CXCursor_FunctionDecl:
        bc_local_function_decl(b->t, c);
        break;
    case CXCursor_CallExpr: {
        size_t rec;
        bc_call_begin(b, c, &rec);
        bc_vec_foreach(&kids, kid) {
            node(b, *kid);
        }
        bc_call_end(b, c, rec);
        break;
    }
    case CXCursor_BinaryOperator:
        binary_operator(b, c, &kids);
        break;
    case CXCursor_ConditionalOperator:
        conditional_operator(b, &kids);
        break;
    case CXCursor_DeclRefExpr:
        bc_call_function_ref(b, c);
        break;
    default:
        bc_vec_foreach(&kids, kid) {
            node(b, *kid);
        }
        break;
    }
    bc_vec_free(&kids);
}

/* --- solving -------------------------------------------------------------- */

static void write_back(void *opaque, uint32_t tag, BcFlowOp op, const BcFlowState *s)
{
    BcBody *b = opaque;
    BcTuFacts *f = b->t->f;
    /* Unreachable code (after a noreturn call) satisfies every must-fact
     * and no may-fact: it raises no finding. */
    uint32_t must = s->reachable ? s->must : BC_LOCK_ALL;
    bool in_co = s->reachable ? s->in_co : true;

    (void)op;
    if (tag == UINT32_MAX) {
        return;
    }
    const Rec *r = &b->recs.v[tag];
    switch (r->kind) {
    case BC_REC_CALL:
        f->calls.v[r->index].lock_state = must;
        f->calls.v[r->index].lock_may = s->may;
        f->calls.v[r->index].in_coroutine_check = in_co;
        break;
    case BC_REC_LOCK:
        f->locks.v[r->index].lock_state_before = must;
        f->locks.v[r->index].lock_may_before = s->may;
        break;
    case BC_REC_POLL:
        f->polls.v[r->index].lock_state = must;
        f->polls.v[r->index].lock_may = s->may;
        f->polls.v[r->index].in_coroutine_check = in_co;
        break;
    }
}

void bc_body_extract(BcTu *t, CXCursor fn, size_t def)
{
    BcBody b = { .t = t, .usr = t->f->decls.v[def].usr, .def = def, .fn = fn };
    CursorVec kids = { 0 };
    unsigned start;

    bc_cursor_offsets(fn, &b.file, &start, &b.end);
    b.mf = bc_macros_file(t, b.file);
    if (b.mf) {
        /* Skip expansions before the body (attributes on the declaration). */
        while (b.next_exp < b.mf->exps.n && b.mf->exps.v[b.next_exp].start < start) {
            b.next_exp++;
        }
    }
    b.flow = bc_flow_new();
    b.cur = 0;
    children(fn, &kids);
    bc_vec_foreach(&kids, k) {
        enum CXCursorKind kk = clang_getCursorKind(*k);
        if (kk == CXCursor_CompoundStmt) {
            CursorVec body = { 0 };
            children(*k, &body);
            compound(&b, *k, &body, true);
            bc_vec_free(&body);
        } else if (kk != CXCursor_ParmDecl && !clang_isAttribute(kk)) {
            node(&b, *k);
        }
    }
    consume_macros(&b, b.end, true);
    bc_vec_free(&kids);
    bc_flow_solve(b.flow, write_back, &b);
    bc_flow_free(b.flow);
    bc_vec_free(&b.scopes);
    bc_vec_free(&b.breaks);
    bc_vec_free(&b.continues);
    bc_vec_free(&b.switches);
    bc_vec_free(&b.labels);
    bc_vec_free(&b.co_flags);
    bc_vec_free(&b.fresh);
    bc_vec_free(&b.recs);
}
