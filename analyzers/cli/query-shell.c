/*
 * query-shell.c - `blkcheck query shell`: the query language interactively
 *
 * On a terminal: libedit (its readline interface) for line editing,
 * history in $BLKCHECK_HISTORY or ~/.blkcheck_history, and tab completion
 * of commands, function names, labels and :suffixes.  On a pipe: plain
 * line reading, no prompt, so scripts and tests can drive it.
 *
 * Each line is `COMMAND [--limit N] EXPR`; `limit N` changes the default.
 */
#define _GNU_SOURCE         /* asprintf */
#include "query-shell.h"
#include "query-cmd.h"
#include "query.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <editline/readline.h>

/* Completion words; libedit's callbacks take no context pointer. */
static struct {
    char **v;
    size_t n;
} words;

static const char *const commands[] = {
    "paths", "callers", "callees", "labels", "dot", "limit", "help", "quit", NULL,
};
static const char *const suffixes[] = {
    "callers", "callees", "all_callers", "all_callees", NULL,
};

static void words_add(size_t *cap, const char *w)
{
    if (words.n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        words.v = bc_xrealloc(words.v, *cap * sizeof(char *));
    }
    words.v[words.n++] = (char *)w;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names and labels of every node plus the canonical labels, sorted, unique. */
static void words_build(const BcGraph *g)
{
    size_t cap = 0, n = 0;

    for (int l = 0; l < BC_L_COUNT; l++) {
        words_add(&cap, bc_label_name((BcLabel)l));
    }
    for (size_t i = 0; i < g->nodes.n; i++) {
        const BcNode *node = &g->nodes.v[i];
        words_add(&cap, bc_query_node_name(g, (BcNodeId)i));
        for (uint32_t k = 0; k < node->n_raw_labels; k++) {
            words_add(&cap, node->raw_labels[k]);
        }
    }
    qsort(words.v, words.n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < words.n; i++) {
        if (n == 0 || strcmp(words.v[n - 1], words.v[i]) != 0) {
            words.v[n++] = words.v[i];
        }
    }
    words.n = n;
}

/* Generator state for one completion: a table or the word list. */
static struct {
    const char *const *table;   /* NULL: the sorted word list */
    const char *prefix;         /* kept text before the completed part */
    size_t i;
} gen;

static char *gen_word(const char *text, int state)
{
    size_t plen = strlen(gen.prefix), tlen = strlen(text) - plen;
    const char *t = text + plen;

    if (state == 0) {
        gen.i = 0;
    }
    for (;;) {
        const char *w = gen.table ? gen.table[gen.i] : (gen.i < words.n ? words.v[gen.i] : NULL);
        char *r;
        if (!w) {
            return NULL;
        }
        gen.i++;
        if (strncmp(w, t, tlen) == 0) {
            r = bc_xmalloc(plen + strlen(w) + 1);
            memcpy(r, text, plen);
            strcpy(r + plen, w);
            return r;
        }
    }
}

static bool is_word_prefix(const char *text)
{
    size_t len = strlen(text);

    for (size_t i = 0; i < words.n; i++) {
        if (strncmp(words.v[i], text, len) == 0) {
            return true;
        }
    }
    return false;
}

static char **complete(const char *text, int start, int end)
{
    static char prefix[512];
    const char *colon = strrchr(text, ':');

    (void)end;
    rl_attempted_completion_over = 1;   /* never fall back to file names */
    gen.table = NULL;
    gen.prefix = "";
    if (start == 0) {
        gen.table = commands;
    } else if (colon && (size_t)(colon - text) < sizeof(prefix) - 1 && !is_word_prefix(text)) {
        gen.table = suffixes;           /* "name:cal<TAB>": complete the suffix */
        snprintf(prefix, sizeof(prefix), "%.*s", (int)(colon - text) + 1, text);
        gen.prefix = prefix;
    }
    return rl_completion_matches(text, gen_word);
}

static void shell_help(FILE *out)
{
    fputs("commands: paths [--limit N] EXPR | callers M | callees M | labels M | dot EXPR\n"
          "          limit N (default for paths) | help | quit\n", out);
    bc_query_usage(out);
}

/* Consume a leading "--limit N" / "--limit=N" of *@rest.  Returns: false if bad. */
static bool take_limit(char **rest, size_t *lim)
{
    char *num, *after;

    if (strncmp(*rest, "--limit", 7) != 0 || ((*rest)[7] != ' ' && (*rest)[7] != '=')) {
        return true;
    }
    num = *rest + 8;
    after = num + strcspn(num, " \t");
    if (*after) {
        *after++ = '\0';
    }
    if (!bc_query_parse_limit(num, lim)) {
        fprintf(stderr, "--limit: expected a count, got '%s'\n", num);
        return false;
    }
    *rest = after + strspn(after, " \t");
    return true;
}

/* Split "cmd [--limit N] rest" in place and run it.  Returns: false on quit. */
static bool shell_line(const BcGraph *g, char *line, size_t *limit, FILE *out)
{
    char *cmd = line + strspn(line, " \t"), *rest;
    size_t lim = *limit;

    rest = cmd + strcspn(cmd, " \t\n");
    if (*rest) {
        *rest++ = '\0';
    }
    rest += strspn(rest, " \t");
    rest[strcspn(rest, "\n")] = '\0';
    if (!*cmd || *cmd == '#') {
        return true;
    }
    if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "exit") == 0) {
        return false;
    }
    if (strcmp(cmd, "help") == 0) {
        shell_help(out);
        return true;
    }
    if (strcmp(cmd, "limit") == 0) {
        if (!bc_query_parse_limit(rest, limit)) {
            fprintf(stderr, "limit: expected a count, got '%s'\n", rest);
        }
        return true;
    }
    if (!take_limit(&rest, &lim)) {
        return true;
    }
    bc_query_run(g, cmd, rest, lim, out, stderr);
    fflush(out);
    return true;
}

static char *history_path(void)
{
    const char *env = getenv("BLKCHECK_HISTORY"), *home = getenv("HOME");
    char *p;

    if (env) {
        return *env ? strdup(env) : NULL;
    }
    if (!home || asprintf(&p, "%s/.blkcheck_history", home) < 0) {
        return NULL;
    }
    return p;
}

static void shell_interactive(const BcGraph *g, FILE *out)
{
    char *hist = history_path(), *line;
    size_t limit = BC_QUERY_DEFAULT_LIMIT;

    rl_readline_name = "blkcheck";
    rl_attempted_completion_function = complete;
    rl_basic_word_break_characters = " \t\n\"/[],!|()*+?";
    rl_completer_word_break_characters = (char *)rl_basic_word_break_characters;
    using_history();
    stifle_history(1000);
    if (hist) {
        read_history(hist);
    }
    while ((line = readline("query> ")) != NULL) {
        bool more;
        if (*line) {
            add_history(line);
        }
        more = shell_line(g, line, &limit, out);
        free(line);
        if (!more) {
            break;
        }
    }
    if (hist) {
        write_history(hist);
    }
    free(hist);
}

int bc_query_shell(const BcGraph *g, FILE *out)
{
    char buf[8192];
    size_t limit = BC_QUERY_DEFAULT_LIMIT;

    if (!isatty(STDIN_FILENO)) {
        while (fgets(buf, sizeof(buf), stdin) && shell_line(g, buf, &limit, out)) {
        }
        return 0;
    }
    words_build(g);
    shell_interactive(g, out);
    free(words.v);
    words.v = NULL;
    words.n = 0;
    return 0;
}
