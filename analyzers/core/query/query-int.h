/*
 * query-int.h - private structures of the query language
 *
 * Context: internal to core/query/; plain data, no locking.
 *
 * Pipeline: lex.c turns the text into tokens with byte positions; parse.c
 * builds two ASTs (matchers, and path expressions over matchers) in the
 * query's arena; nfa.c compiles the path AST into a Glushkov automaton (one
 * position per matcher occurrence, no epsilon moves); match.c evaluates a
 * matcher to a node bitset; search.c runs the product search.
 */
#ifndef BC_QUERY_INT_H
#define BC_QUERY_INT_H

#include <regex.h>
#include "../query.h"
#include "arena.h"
#include "vec.h"

/* Limits that keep hostile queries (the fuzzer) bounded. */
#define BC_Q_MAX_DEPTH 200        /* nesting of (), [], ! */
#define BC_Q_MAX_NODES 1024       /* leaves (matchers, '...', groups) */
#define BC_Q_MAX_STATES (UINT64_C(1) << 24)   /* nodes x positions: 16 B each */

/* ---- tokens (lex.c) ---- */
typedef enum BcTokKind {
    BC_T_EOF, BC_T_WORD, BC_T_STRING, BC_T_REGEX, BC_T_DOT, BC_T_ELLIPSIS,
    BC_T_BANG, BC_T_LBRACK, BC_T_RBRACK, BC_T_COMMA, BC_T_BAR,
    BC_T_LPAREN, BC_T_RPAREN, BC_T_STAR, BC_T_PLUS, BC_T_QUEST, BC_T_COLON,
} BcTokKind;

typedef struct BcTok {
    BcTokKind kind;
    size_t pos;             /* byte offset of the first character */
    const char *text;       /* WORD/STRING/REGEX: unescaped, in the arena */
} BcTok;

typedef struct BcLexer {
    const char *src;
    size_t i;
    BcArena *arena;
} BcLexer;

/* Next token into @t.  Returns: false with @err set on a lexical error. */
bool bc_qlex_next(BcLexer *lx, BcTok *t, BcQueryError *err);
/* "a label", "')'", ... for "expected X, found Y" messages. */
const char *bc_qtok_describe(BcTokKind k);
/* Set @err at @pos with a printf message; returns false for chaining. */
bool bc_qerr(BcQueryError *err, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- matchers ---- */
typedef enum BcMKind {
    BC_M_LABEL, BC_M_NAME, BC_M_REGEX, BC_M_ANY,
    BC_M_NOT, BC_M_AND, BC_M_OR, BC_M_SUFFIX,
} BcMKind;

typedef enum BcMSuffix {
    BC_SUF_CALLERS, BC_SUF_CALLEES, BC_SUF_ALL_CALLERS, BC_SUF_ALL_CALLEES,
} BcMSuffix;

typedef struct BcMatcher {
    BcMKind kind;
    size_t pos;
    const char *text;           /* LABEL, NAME, REGEX source */
    int canon;                  /* LABEL: canonical BcLabel, or -1 */
    regex_t *re;                /* REGEX */
    BcMSuffix suffix;           /* SUFFIX */
    struct BcMatcher *a, *b;    /* NOT/SUFFIX: a; AND/OR: a and b */
} BcMatcher;

/* ---- path expressions ---- */
typedef enum BcPKind {
    BC_P_MATCH, BC_P_SEQ, BC_P_ALT, BC_P_STAR, BC_P_PLUS, BC_P_OPT,
} BcPKind;

typedef struct BcPathNode {
    BcPKind kind;
    size_t pos;
    BcMatcher *m;               /* MATCH */
    uint32_t position;          /* MATCH: automaton position (nfa.c) */
    struct BcPathNode *a, *b;   /* SEQ/ALT: a, b; repetitions: a */
} BcPathNode;

/* A list of automaton positions. */
typedef struct BcPosList {
    uint32_t *v;
    uint32_t n;
} BcPosList;

struct BcQuery {
    BcArena *arena;
    BcMatcher *matcher;         /* matcher queries */
    BcPathNode *path;           /* path queries */
    BC_VEC(regex_t *) regexes;  /* to regfree() */
    BC_VEC(const char *) labels;

    /* Glushkov automaton of @path (nfa.c). */
    uint32_t n_pos;
    BcMatcher **pos_matcher;    /* [n_pos] */
    BcPosList first, last;
    BcPosList *follow;          /* [n_pos]: positions that may come next */
    BcPosList *precede;         /* [n_pos]: inverse of follow */
    bool *is_last;              /* [n_pos] */
};

/* parse.c */
BcMatcher *bc_qparse_matcher_only(BcQuery *q, const char *src, BcQueryError *err);
BcPathNode *bc_qparse_path_only(BcQuery *q, const char *src, BcQueryError *err);

/* nfa.c: fill the automaton fields of @q from q->path. */
bool bc_qnfa_build(BcQuery *q, BcQueryError *err);

/* match.c: the node set of @m as a malloc'ed bitset of bc_qset_words(g). */
uint64_t *bc_qmatch_eval(const BcMatcher *m, const BcGraph *g);

static inline size_t bc_qset_words(size_t n)
{
    return (n + 63) / 64;
}

static inline void bc_qset_add(uint64_t *set, size_t i)
{
    set[i / 64] |= UINT64_C(1) << (i % 64);
}

uint64_t *bc_qset_new(size_t n_bits);

#endif
