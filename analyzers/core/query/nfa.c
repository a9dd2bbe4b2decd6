/*
 * nfa.c - path AST -> Glushkov automaton
 *
 * Each matcher occurrence in the path expression is one automaton
 * *position*.  A node sequence n0..nk matches iff there are positions
 * p0..pk with p0 in first, p(i+1) in follow(p(i)), pk in last, and each ni
 * in the node set of p(i)'s matcher.  There are no epsilon moves, so the
 * product with the graph has one state per (node, position) and one move
 * per (edge, follow pair): exactly what search.c walks.
 *
 * Construction is the textbook one over nullable/first/last sets; sets are
 * bitsets of n_pos bits, the follow relation a bit matrix turned into
 * lists (and inverse lists for the backward search) at the end.
 */
#include "query-int.h"

#include <string.h>

typedef struct Glu {
    BcQuery *q;
    size_t words;           /* words per position bitset */
    uint64_t *follow;       /* n_pos rows of @words */
} Glu;

typedef struct GluSets {
    uint64_t *first, *last;
    bool nullable;
} GluSets;

static void number_positions(BcQuery *q, BcPathNode *n)
{
    if (n->kind == BC_P_MATCH) {
        n->position = q->n_pos++;
        return;
    }
    number_positions(q, n->a);
    if (n->b) {
        number_positions(q, n->b);
    }
}

static void fill_matchers(BcQuery *q, BcPathNode *n)
{
    if (n->kind == BC_P_MATCH) {
        q->pos_matcher[n->position] = n->m;
        return;
    }
    fill_matchers(q, n->a);
    if (n->b) {
        fill_matchers(q, n->b);
    }
}

static uint64_t *set_new(Glu *c)
{
    return BC_ARENA_NEW(c->q->arena, uint64_t, c->words);
}

static void set_or(Glu *c, uint64_t *dst, const uint64_t *src)
{
    for (size_t i = 0; i < c->words; i++) {
        dst[i] |= src[i];
    }
}

/* follow(x) |= @to for every x in @from. */
static void link(Glu *c, const uint64_t *from, const uint64_t *to)
{
    for (uint32_t x = 0; x < c->q->n_pos; x++) {
        if (bc_query_bit(from, x)) {
            set_or(c, c->follow + (size_t)x * c->words, to);
        }
    }
}

static void glushkov(Glu *c, const BcPathNode *n, GluSets *s);

static void glushkov_pair(Glu *c, const BcPathNode *n, GluSets *s)
{
    GluSets a, b;

    glushkov(c, n->a, &a);
    glushkov(c, n->b, &b);
    set_or(c, s->first, a.first);
    set_or(c, s->last, b.last);
    if (n->kind == BC_P_ALT) {
        set_or(c, s->first, b.first);
        set_or(c, s->last, a.last);
        s->nullable = a.nullable || b.nullable;
        return;
    }
    if (a.nullable) {
        set_or(c, s->first, b.first);
    }
    if (b.nullable) {
        set_or(c, s->last, a.last);
    }
    s->nullable = a.nullable && b.nullable;
    link(c, a.last, b.first);
}

static void glushkov(Glu *c, const BcPathNode *n, GluSets *s)
{
    GluSets a;

    s->first = set_new(c);
    s->last = set_new(c);
    switch (n->kind) {
    case BC_P_MATCH:
        bc_qset_add(s->first, n->position);
        bc_qset_add(s->last, n->position);
        s->nullable = false;
        return;
    case BC_P_SEQ:
    case BC_P_ALT:
        glushkov_pair(c, n, s);
        return;
    case BC_P_STAR:
    case BC_P_PLUS:
    case BC_P_OPT:
        glushkov(c, n->a, &a);
        set_or(c, s->first, a.first);
        set_or(c, s->last, a.last);
        s->nullable = n->kind == BC_P_PLUS ? a.nullable : true;
        if (n->kind != BC_P_OPT) {
            link(c, a.last, a.first);
        }
        return;
    }
}

static BcPosList set_to_list(Glu *c, const uint64_t *set)
{
    BcPosList l = { 0 };
    size_t n = 0;

    for (size_t i = 0; i < c->words; i++) {
        n += (size_t)__builtin_popcountll(set[i]);
    }
    l.v = BC_ARENA_NEW(c->q->arena, uint32_t, n ? n : 1);
    for (uint32_t x = 0; x < c->q->n_pos; x++) {
        if (bc_query_bit(set, x)) {
            l.v[l.n++] = x;
        }
    }
    return l;
}

static void build_lists(Glu *c, const GluSets *top)
{
    BcQuery *q = c->q;
    uint32_t np = q->n_pos;

    q->first = set_to_list(c, top->first);
    q->last = set_to_list(c, top->last);
    q->is_last = BC_ARENA_NEW(q->arena, bool, np);
    for (uint32_t i = 0; i < q->last.n; i++) {
        q->is_last[q->last.v[i]] = true;
    }
    q->follow = BC_ARENA_NEW(q->arena, BcPosList, np);
    q->precede = BC_ARENA_NEW(q->arena, BcPosList, np);
    for (uint32_t x = 0; x < np; x++) {
        q->follow[x] = set_to_list(c, c->follow + (size_t)x * c->words);
        for (uint32_t i = 0; i < q->follow[x].n; i++) {
            q->precede[q->follow[x].v[i]].n++;     /* count, then fill */
        }
    }
    for (uint32_t x = 0; x < np; x++) {
        q->precede[x].v = BC_ARENA_NEW(q->arena, uint32_t, q->precede[x].n + 1);
        q->precede[x].n = 0;
    }
    for (uint32_t x = 0; x < np; x++) {
        for (uint32_t i = 0; i < q->follow[x].n; i++) {
            BcPosList *pre = &q->precede[q->follow[x].v[i]];
            pre->v[pre->n++] = x;
        }
    }
}

bool bc_qnfa_build(BcQuery *q, BcQueryError *err)
{
    Glu c = { .q = q };
    GluSets top;

    (void)err;      /* the parser's bounds make every AST compilable */
    q->n_pos = 0;
    number_positions(q, q->path);
    q->pos_matcher = BC_ARENA_NEW(q->arena, BcMatcher *, q->n_pos);
    fill_matchers(q, q->path);
    c.words = bc_qset_words(q->n_pos);
    c.follow = BC_ARENA_NEW(q->arena, uint64_t, c.words * q->n_pos);
    glushkov(&c, q->path, &top);
    build_lists(&c, &top);
    return true;
}
