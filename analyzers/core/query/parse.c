/*
 * parse.c - recursive-descent parser: query text -> matcher / path ASTs
 *
 *   path     := seq ('|' seq)*
 *   seq      := repeat repeat*
 *   repeat   := atom ('*' | '+' | '?')*
 *   atom     := '(' path ')' | '...' | unary
 *   or       := and ('|' and)*                 (inside [ ], and a whole
 *   and      := unary (',' unary)*              matcher-only query)
 *   unary    := '!' unary | primary suffix*
 *   primary  := label | "name" | /regex/ | '.' | '[' or ']'
 *   label    := WORD (':' WORD)*               (stops at a suffix keyword)
 *   suffix   := ':' (callers | callees | all_callers | all_callees)
 *
 * Every error names the position and what was expected there.  Nesting is
 * bounded (BC_Q_MAX_DEPTH) so hostile input cannot exhaust the stack.
 */
#include "query-int.h"

#include <string.h>

typedef struct Parser {
    BcLexer lx;
    BcTok tok;
    BcQuery *q;
    BcQueryError *err;
    int depth;
    uint32_t n_nodes;           /* AST nodes so far, bounded */
} Parser;

static bool advance(Parser *p)
{
    return bc_qlex_next(&p->lx, &p->tok, p->err);
}

static bool expected(Parser *p, const char *what)
{
    return bc_qerr(p->err, p->tok.pos, "expected %s, found %s", what,
                   bc_qtok_describe(p->tok.kind));
}

static bool enter(Parser *p)
{
    if (++p->depth > BC_Q_MAX_DEPTH) {
        return bc_qerr(p->err, p->tok.pos, "query nested too deeply (more than %d levels)",
                       BC_Q_MAX_DEPTH);
    }
    return true;
}

/* Bound the AST size: later passes recurse over it. */
static bool count_node(Parser *p, size_t pos)
{
    if (++p->n_nodes > BC_Q_MAX_NODES) {
        return bc_qerr(p->err, pos, "query too long (more than %d terms)", BC_Q_MAX_NODES);
    }
    return true;
}

static BcMatcher *new_matcher(Parser *p, BcMKind kind, size_t pos)
{
    BcMatcher *m = BC_ARENA_NEW(p->q->arena, BcMatcher, 1);

    m->kind = kind;
    m->pos = pos;
    m->canon = -1;
    return m;
}

static BcMatcher *new_binary(Parser *p, BcMKind kind, BcMatcher *a, BcMatcher *b)
{
    BcMatcher *m = new_matcher(p, kind, a->pos);

    m->a = a;
    m->b = b;
    return m;
}

static BcMatcher *parse_or(Parser *p);
static BcMatcher *parse_unary(Parser *p);

static int suffix_of(const char *w)
{
    static const char *const names[] = {
        [BC_SUF_CALLERS] = "callers", [BC_SUF_CALLEES] = "callees",
        [BC_SUF_ALL_CALLERS] = "all_callers", [BC_SUF_ALL_CALLEES] = "all_callees",
    };
    for (int i = 0; i < 4; i++) {
        if (strcmp(w, names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

/*
 * After a primary: ':' WORD pairs.  A word that is not a suffix keyword
 * extends a bare label (code_class:io), but only before the first suffix.
 */
static BcMatcher *parse_suffixes(Parser *p, BcMatcher *m, bool bare_word)
{
    while (p->tok.kind == BC_T_COLON) {
        size_t colon = p->tok.pos;
        int suf;

        if (!advance(p)) {
            return NULL;
        }
        if (p->tok.kind != BC_T_WORD) {
            expected(p, "a suffix (callers, callees, all_callers, all_callees) after ':'");
            return NULL;
        }
        suf = suffix_of(p->tok.text);
        if (suf < 0 && bare_word && m->kind == BC_M_LABEL && p->tok.pos == colon + 1) {
            m->text = bc_arena_printf(p->q->arena, "%s:%s", m->text, p->tok.text);
        } else if (suf < 0) {
            bc_qerr(p->err, p->tok.pos, "expected a suffix (callers, callees, all_callers, "
                    "all_callees) after ':', found '%s'", p->tok.text);
            return NULL;
        } else if (!count_node(p, p->tok.pos)) {
            return NULL;
        } else {
            BcMatcher *s = new_matcher(p, BC_M_SUFFIX, m->pos);
            s->suffix = (BcMSuffix)suf;
            s->a = m;
            m = s;
        }
        if (!advance(p)) {
            return NULL;
        }
    }
    return m;
}

#define BC_QUERY_MAX_REGEX 256
#define BC_QUERY_MAX_REGEX_GROUPS 8

/* Index just past the bracket expression that opens at @re[0] == '['. */
static size_t skip_bracket(const char *re)
{
    size_t i = 1;

    if (re[i] == '^') {
        i++;
    }
    if (re[i] == ']') {
        i++;            /* a leading ']' is literal */
    }
    while (re[i] && re[i] != ']') {
        if (re[i] == '[' && (re[i + 1] == ':' || re[i + 1] == '=' || re[i + 1] == '.')) {
            char close = re[i + 1];
            i += 2;
            while (re[i] && !(re[i] == close && re[i + 1] == ']')) {
                i++;
            }
            i += re[i] ? 2 : 0;
        } else {
            i++;
        }
    }
    return re[i] ? i + 1 : i;
}

/*
 * glibc's regcomp copies a subexpression for every '+' and interval applied
 * to it, so stacked or deeply nested repetition costs exponential time and
 * memory (found by the fuzzer).  Reject those shapes before regcomp sees
 * them.  Returns: NULL, or why @re is refused.
 */
static const char *regex_too_complex(const char *re)
{
    bool after_quantifier = false;
    int depth = 0;

    if (strlen(re) > BC_QUERY_MAX_REGEX) {
        return "longer than 256 bytes";
    }
    for (size_t i = 0; re[i]; i++) {
        char c = re[i];

        if (c == '\\' && re[i + 1]) {
            i++;
        } else if (c == '[') {
            i += skip_bracket(re + i) - 1;
        } else if (c == '{') {
            return "interval expressions {m,n} are not supported";
        } else if (c == '*' || c == '+' || c == '?') {
            if (after_quantifier) {
                return "repetition operators cannot be stacked";
            }
            after_quantifier = true;
            continue;
        } else if (c == '(' && ++depth > BC_QUERY_MAX_REGEX_GROUPS) {
            return "groups nested more than 8 deep";
        } else if (c == ')' && depth > 0) {
            depth--;
        }
        after_quantifier = false;
    }
    return NULL;
}

static bool compile_regex(Parser *p, BcMatcher *m)
{
    regex_t *re;
    const char *why = regex_too_complex(m->text);
    int rc;
    char buf[128];

    if (why) {
        return bc_qerr(p->err, m->pos, "regex /%.60s/ refused: %s", m->text, why);
    }
    re = BC_ARENA_NEW(p->q->arena, regex_t, 1);
    rc = regcomp(re, m->text, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        regerror(rc, re, buf, sizeof(buf));
        regfree(re);
        return bc_qerr(p->err, m->pos, "invalid regex /%.60s/: %s", m->text, buf);
    }
    m->re = re;
    bc_vec_push(&p->q->regexes, re);
    return true;
}

static BcMatcher *parse_bracket(Parser *p)
{
    size_t open = p->tok.pos;
    BcMatcher *m;

    if (!enter(p) || !advance(p) || !(m = parse_or(p))) {
        return NULL;
    }
    if (p->tok.kind != BC_T_RBRACK) {
        bc_qerr(p->err, p->tok.pos, "expected ',', '|' or ']' to close the '[' at column %zu, "
                "found %s", open + 1, bc_qtok_describe(p->tok.kind));
        return NULL;
    }
    p->depth--;
    return advance(p) ? m : NULL;
}

static BcMatcher *parse_primary(Parser *p)
{
    static const BcMKind kinds[] = {
        [BC_T_WORD] = BC_M_LABEL, [BC_T_STRING] = BC_M_NAME,
        [BC_T_REGEX] = BC_M_REGEX, [BC_T_DOT] = BC_M_ANY,
    };
    BcMatcher *m;

    if (p->tok.kind == BC_T_LBRACK) {
        return parse_bracket(p);
    }
    if (p->tok.kind == BC_T_EOF || p->tok.kind > BC_T_DOT) {
        expected(p, "a matcher (label, \"name\", /regex/, '.', '!' or '[')");
        return NULL;
    }
    if (!count_node(p, p->tok.pos)) {
        return NULL;
    }
    m = new_matcher(p, kinds[p->tok.kind], p->tok.pos);
    m->text = p->tok.text;
    if (m->kind == BC_M_REGEX && !compile_regex(p, m)) {
        return NULL;
    }
    return advance(p) ? m : NULL;
}

static BcMatcher *parse_unary(Parser *p)
{
    BcMatcher *m, *prim;
    bool bare_word;

    if (p->tok.kind == BC_T_BANG) {
        size_t pos = p->tok.pos;
        if (!enter(p) || !advance(p) || !(m = parse_unary(p))) {
            return NULL;
        }
        p->depth--;
        m = new_binary(p, BC_M_NOT, m, NULL);
        m->pos = pos;
        return m;
    }
    bare_word = p->tok.kind == BC_T_WORD;
    if (!(prim = parse_primary(p)) || !(m = parse_suffixes(p, prim, bare_word))) {
        return NULL;
    }
    if (bare_word) {                    /* text is final only after suffixes */
        prim->canon = bc_label_from_name(prim->text);
        bc_vec_push(&p->q->labels, prim->text);
    }
    return m;
}

static BcMatcher *parse_and(Parser *p)
{
    BcMatcher *m = parse_unary(p), *r;

    while (m && p->tok.kind == BC_T_COMMA) {
        if (!advance(p) || !(r = parse_unary(p))) {
            return NULL;
        }
        m = new_binary(p, BC_M_AND, m, r);
    }
    return m;
}

static BcMatcher *parse_or(Parser *p)
{
    BcMatcher *m = parse_and(p), *r;

    while (m && p->tok.kind == BC_T_BAR) {
        if (!advance(p) || !(r = parse_and(p))) {
            return NULL;
        }
        m = new_binary(p, BC_M_OR, m, r);
    }
    return m;
}

/* ---- path expressions ---- */

static BcPathNode *new_pnode(Parser *p, BcPKind kind, size_t pos, BcPathNode *a, BcPathNode *b)
{
    BcPathNode *n = BC_ARENA_NEW(p->q->arena, BcPathNode, 1);

    n->kind = kind;
    n->pos = pos;
    n->a = a;
    n->b = b;
    return n;
}

static bool starts_atom(BcTokKind k)
{
    return k == BC_T_WORD || k == BC_T_STRING || k == BC_T_REGEX || k == BC_T_DOT ||
           k == BC_T_ELLIPSIS || k == BC_T_BANG || k == BC_T_LBRACK || k == BC_T_LPAREN;
}

static BcPathNode *parse_alt(Parser *p);

static BcPathNode *parse_group(Parser *p)
{
    size_t open = p->tok.pos;
    BcPathNode *n;

    if (!enter(p) || !advance(p) || !(n = parse_alt(p))) {
        return NULL;
    }
    if (p->tok.kind != BC_T_RPAREN) {
        bc_qerr(p->err, p->tok.pos, "expected a matcher, '|', a repetition or ')' to close "
                "the '(' at column %zu, found %s", open + 1, bc_qtok_describe(p->tok.kind));
        return NULL;
    }
    p->depth--;
    return advance(p) ? n : NULL;
}

static BcPathNode *parse_atom(Parser *p)
{
    size_t pos = p->tok.pos;
    BcPathNode *n;
    BcMatcher *m;

    if (p->tok.kind == BC_T_LPAREN) {
        return parse_group(p);
    }
    if (p->tok.kind == BC_T_ELLIPSIS) {
        /* '...' is any-node repeated: STAR(MATCH(.)) */
        if (!count_node(p, pos)) {
            return NULL;
        }
        m = new_matcher(p, BC_M_ANY, pos);
        n = new_pnode(p, BC_P_MATCH, pos, NULL, NULL);
        n->m = m;
        return advance(p) ? new_pnode(p, BC_P_STAR, pos, n, NULL) : NULL;
    }
    if (!starts_atom(p->tok.kind)) {
        expected(p, "a matcher (label, \"name\", /regex/, '.', '!', '[', '(' or '...')");
        return NULL;
    }
    if (!(m = parse_unary(p))) {
        return NULL;
    }
    n = new_pnode(p, BC_P_MATCH, pos, NULL, NULL);
    n->m = m;
    return n;
}

static BcPathNode *parse_repeat(Parser *p)
{
    BcPathNode *n = parse_atom(p);

    while (n && (p->tok.kind == BC_T_STAR || p->tok.kind == BC_T_PLUS ||
                 p->tok.kind == BC_T_QUEST)) {
        BcPKind k = p->tok.kind == BC_T_STAR ? BC_P_STAR
                  : p->tok.kind == BC_T_PLUS ? BC_P_PLUS : BC_P_OPT;
        n = new_pnode(p, k, p->tok.pos, n, NULL);
        if (!count_node(p, p->tok.pos) || !advance(p)) {
            return NULL;
        }
    }
    return n;
}

static BcPathNode *parse_seq(Parser *p)
{
    BcPathNode *n = parse_repeat(p), *r;

    while (n && starts_atom(p->tok.kind)) {
        if (!(r = parse_repeat(p))) {
            return NULL;
        }
        n = new_pnode(p, BC_P_SEQ, n->pos, n, r);
    }
    return n;
}

static BcPathNode *parse_alt(Parser *p)
{
    BcPathNode *n = parse_seq(p), *r;

    while (n && p->tok.kind == BC_T_BAR) {
        if (!advance(p) || !(r = parse_seq(p))) {
            return NULL;
        }
        n = new_pnode(p, BC_P_ALT, n->pos, n, r);
    }
    return n;
}

static void parser_init(Parser *p, BcQuery *q, const char *src, BcQueryError *err)
{
    memset(p, 0, sizeof(*p));
    p->lx.src = src;
    p->lx.arena = q->arena;
    p->q = q;
    p->err = err;
}

static bool at_end(Parser *p, const char *what)
{
    return p->tok.kind == BC_T_EOF || expected(p, what);
}

BcMatcher *bc_qparse_matcher_only(BcQuery *q, const char *src, BcQueryError *err)
{
    Parser p;
    BcMatcher *m;

    parser_init(&p, q, src, err);
    if (!advance(&p) || !(m = parse_or(&p))) {
        return NULL;
    }
    return at_end(&p, "',', '|', a ':suffix' or end of matcher") ? m : NULL;
}

BcPathNode *bc_qparse_path_only(BcQuery *q, const char *src, BcQueryError *err)
{
    Parser p;
    BcPathNode *n;

    parser_init(&p, q, src, err);
    if (!advance(&p) || !(n = parse_alt(&p))) {
        return NULL;
    }
    if (p.tok.kind == BC_T_RPAREN) {
        bc_qerr(err, p.tok.pos, "unbalanced ')': no '(' is open here");
        return NULL;
    }
    return at_end(&p, "a matcher, '|', '*', '+', '?' or end of query") ? n : NULL;
}
