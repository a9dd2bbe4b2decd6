/*
 * lex.c - tokens of the query language
 *
 * Words are [A-Za-z0-9_$]+; ':' is its own token so that the parser can
 * tell a label containing ':' (code_class:io) from a suffix (:callers).
 * Strings "..." and regexes /.../ take backslash escapes: \" and \\ in
 * strings; \/ in regexes (other escapes pass through to regcomp).
 */
#include "query-int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool bc_qerr(BcQueryError *err, size_t pos, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        err->pos = pos;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return false;
}

const char *bc_qtok_describe(BcTokKind k)
{
    static const char *const names[] = {
        [BC_T_EOF] = "end of query", [BC_T_WORD] = "a label",
        [BC_T_STRING] = "a \"name\"", [BC_T_REGEX] = "a /regex/",
        [BC_T_DOT] = "'.'", [BC_T_ELLIPSIS] = "'...'", [BC_T_BANG] = "'!'",
        [BC_T_LBRACK] = "'['", [BC_T_RBRACK] = "']'", [BC_T_COMMA] = "','",
        [BC_T_BAR] = "'|'", [BC_T_LPAREN] = "'('", [BC_T_RPAREN] = "')'",
        [BC_T_STAR] = "'*'", [BC_T_PLUS] = "'+'", [BC_T_QUEST] = "'?'",
        [BC_T_COLON] = "':'",
    };
    return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/*
 * Scan a "..." or /.../ body starting after the opening @delim; only
 * "\<delim>" and (in strings) "\\" are unescaped.
 */
static bool lex_quoted(BcLexer *lx, BcTok *t, char delim, BcQueryError *err)
{
    const char *s = lx->src;
    size_t j = lx->i, n = 0;
    char *buf;

    for (; s[j] != delim; j++) {
        if (!s[j]) {
            return bc_qerr(err, t->pos, "unterminated %s: expected a closing '%c'",
                           delim == '"' ? "string" : "regex", delim);
        }
        if (s[j] == '\\' && s[j + 1]) {
            j++;
        }
    }
    buf = bc_arena_alloc(lx->arena, j - lx->i + 1);   /* unescaping only shrinks */
    for (; s[lx->i] != delim; lx->i++) {
        char c = s[lx->i], d = s[lx->i + 1];
        if (c == '\\' && (d == delim || (delim == '"' && d == '\\'))) {
            c = d;
            lx->i++;
        } else if (c == '\\' && d) {
            buf[n++] = c;       /* regex escape: keep for regcomp */
            c = d;
            lx->i++;
        }
        buf[n++] = c;
    }
    lx->i++;                    /* closing delimiter */
    buf[n] = '\0';
    t->text = buf;
    return true;
}

static bool lex_punct(BcLexer *lx, BcTok *t, BcQueryError *err)
{
    static const char chars[] = "!,|()[]*+?:";
    static const BcTokKind kinds[] = {
        BC_T_BANG, BC_T_COMMA, BC_T_BAR, BC_T_LPAREN, BC_T_RPAREN,
        BC_T_LBRACK, BC_T_RBRACK, BC_T_STAR, BC_T_PLUS, BC_T_QUEST, BC_T_COLON,
    };
    char c = lx->src[lx->i];
    const char *p = c ? strchr(chars, c) : NULL;

    if (!p) {
        if (isprint((unsigned char)c)) {
            return bc_qerr(err, t->pos, "unexpected character '%c'", c);
        }
        return bc_qerr(err, t->pos, "unexpected byte 0x%02x", (unsigned char)c);
    }
    t->kind = kinds[p - chars];
    lx->i++;
    return true;
}

bool bc_qlex_next(BcLexer *lx, BcTok *t, BcQueryError *err)
{
    const char *s = lx->src;

    while (s[lx->i] && isspace((unsigned char)s[lx->i])) {
        lx->i++;
    }
    t->pos = lx->i;
    t->text = NULL;
    if (!s[lx->i]) {
        t->kind = BC_T_EOF;
        return true;
    }
    if (is_word_char(s[lx->i])) {
        size_t start = lx->i;
        while (is_word_char(s[lx->i])) {
            lx->i++;
        }
        t->kind = BC_T_WORD;
        t->text = bc_arena_strndup(lx->arena, s + start, lx->i - start);
        return true;
    }
    if (s[lx->i] == '.') {
        bool ellipsis = s[lx->i + 1] == '.' && s[lx->i + 2] == '.';
        if (!ellipsis && s[lx->i + 1] == '.') {
            return bc_qerr(err, t->pos, "'..' is not a token: use '.' (any node) "
                           "or '...' (any run of nodes)");
        }
        t->kind = ellipsis ? BC_T_ELLIPSIS : BC_T_DOT;
        lx->i += ellipsis ? 3 : 1;
        return true;
    }
    if (s[lx->i] == '"' || s[lx->i] == '/') {
        char delim = s[lx->i++];
        t->kind = delim == '"' ? BC_T_STRING : BC_T_REGEX;
        return lex_quoted(lx, t, delim, err);
    }
    return lex_punct(lx, t, err);
}
