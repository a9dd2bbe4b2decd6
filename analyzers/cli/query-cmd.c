/*
 * query-cmd.c - `blkcheck query ...`: subcommands of the query language
 *
 * Parses the subcommand's own arguments, compiles the query, runs it and
 * prints.  A bad query prints the message, the query and a caret under the
 * offending column, and exits 2.  The interactive shell (query-shell.c)
 * runs the same bc_query_run() per line.
 */
#include "query-cmd.h"
#include "query-shell.h"
#include "query.h"
#include "xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void bc_query_usage(FILE *out)
{
    fputs("usage: blkcheck query paths [--limit N] PATH-EXPR\n"
          "       blkcheck query callers|callees|labels MATCHER\n"
          "       blkcheck query dot PATH-EXPR\n"
          "       blkcheck query shell\n"
          "\n"
          "matchers:  label  \"name\"  /regex/  .  !m  [a,b]  [a|b]\n"
          "           m:callers  m:callees  m:all_callers  m:all_callees\n"
          "paths:     m1 m2 ...   e*  e+  e?  (e)  a | b  ...\n"
          "example:   blkcheck query paths 'coroutine_fn [!coroutine_fn]* \"aio_poll\"'\n"
          "--limit N  print at most N paths (default 100, 0: all)\n", out);
}

static void print_error(FILE *err, const char *expr, const BcQueryError *e)
{
    size_t col = e->pos <= strlen(expr) ? e->pos : strlen(expr);

    fprintf(err, "blkcheck query: error at column %zu: %s\n  %s\n  %*s^\n",
            col + 1, e->msg, expr, (int)col, "");
}

/* Tell the user about labels no node carries: a likely typo. */
static void note_unknown_labels(const BcQuery *q, const BcGraph *g, FILE *err)
{
    for (size_t i = 0; i < bc_query_n_labels(q); i++) {
        const char *l = bc_query_label(q, i);
        bool seen = false;
        for (size_t n = 0; n < g->nodes.n && !seen; n++) {
            const BcNode *node = &g->nodes.v[n];
            for (uint32_t k = 0; k < node->n_raw_labels && !seen; k++) {
                seen = strcmp(node->raw_labels[k], l) == 0;
            }
        }
        if (!seen) {
            fprintf(err, "blkcheck query: note: no node has the label '%s'\n", l);
        }
    }
}

static BcQuery *compile(const BcGraph *g, const char *expr, bool path, FILE *err)
{
    BcQueryError e;
    BcQuery *q = path ? bc_query_parse_path(expr, &e) : bc_query_parse_matcher(expr, &e);

    if (!q) {
        print_error(err, expr, &e);
        return NULL;
    }
    note_unknown_labels(q, g, err);
    return q;
}

static int run_paths(const BcGraph *g, const BcQuery *q, size_t limit, FILE *out, FILE *err)
{
    BcQueryPaths res;
    BcQueryError e;

    if (bc_query_paths(q, g, limit, &res, &e) < 0) {
        fprintf(err, "blkcheck query: %s\n", e.msg);
        return 2;
    }
    for (size_t i = 0; i < res.n; i++) {
        bc_query_print_path(out, g, &res.v[i]);
    }
    if (res.n < res.n_total) {
        fprintf(err, "blkcheck query: %zu of %zu paths shown (--limit %zu)\n",
                res.n, res.n_total, limit);
    } else if (res.n_total == 0) {
        fputs("blkcheck query: no matching path\n", err);
    }
    bc_query_paths_free(&res);
    return 0;
}

static int run_dot(const BcGraph *g, const BcQuery *q, FILE *out, FILE *err)
{
    BcQuerySubgraph sub;
    BcQueryError e;

    if (bc_query_subgraph(q, g, &sub, &e) < 0) {
        fprintf(err, "blkcheck query: %s\n", e.msg);
        return 2;
    }
    bc_query_print_dot(out, g, &sub);
    bc_query_subgraph_free(&sub);
    return 0;
}

static void print_node_header(FILE *out, const BcGraph *g, BcNodeId id)
{
    static const char *const kinds[] = { "function", "field", "variable", "param" };
    const BcNode *n = bc_graph_node(g, id);

    fprintf(out, "%s (%s", bc_query_node_name(g, id),
            (unsigned)n->kind < 4 ? kinds[n->kind] : "?");
    if (n->loc.file) {
        fprintf(out, ", %s:%u:%u", n->loc.file, n->loc.line, n->loc.col);
    }
    fputc(')', out);
}

static void print_labels(FILE *out, const BcGraph *g, BcNodeId id)
{
    const BcNode *n = bc_graph_node(g, id);

    print_node_header(out, g, id);
    fputc(':', out);
    for (uint32_t i = 0; i < n->n_raw_labels; i++) {
        fprintf(out, "%s%s", i ? ", " : " ", n->raw_labels[i]);
    }
    fputs(n->n_raw_labels ? "\n" : " (no labels)\n", out);
}

/* The node, then one hop line per caller or callee edge. */
static void print_neighbours(FILE *out, const BcGraph *g, BcNodeId id, bool callers)
{
    const BcNode *n = bc_graph_node(g, id);
    uint32_t deg = callers ? n->n_in : n->n_out;

    print_node_header(out, g, id);
    fprintf(out, ": %u %s\n", deg, callers ? "caller edge(s)" : "callee edge(s)");
    for (uint32_t i = 0; i < deg; i++) {
        uint32_t ei = callers ? g->in[n->in_begin + i] : g->out[n->out_begin + i];
        bc_query_print_edge(out, g, ei);
    }
}

static int run_nodes(const BcGraph *g, const BcQuery *q, const char *cmd, FILE *out, FILE *err)
{
    BcNodeId *ids;
    size_t n = bc_query_nodes(q, g, &ids);

    for (size_t i = 0; i < n; i++) {
        if (strcmp(cmd, "labels") == 0) {
            print_labels(out, g, ids[i]);
        } else {
            print_neighbours(out, g, ids[i], strcmp(cmd, "callers") == 0);
        }
    }
    if (n == 0) {
        fputs("blkcheck query: no matching node\n", err);
    }
    free(ids);
    return 0;
}

int bc_query_run(const BcGraph *g, const char *cmd, const char *expr, size_t limit,
                 FILE *out, FILE *err)
{
    bool path = strcmp(cmd, "paths") == 0 || strcmp(cmd, "dot") == 0;
    bool node = strcmp(cmd, "callers") == 0 || strcmp(cmd, "callees") == 0 ||
                strcmp(cmd, "labels") == 0;
    BcQuery *q;
    int rc;

    if (!path && !node) {
        fprintf(err, "blkcheck query: unknown command '%s'\n", cmd);
        return 2;
    }
    if (!(q = compile(g, expr, path, err))) {
        return 2;
    }
    if (!path) {
        rc = run_nodes(g, q, cmd, out, err);
    } else if (strcmp(cmd, "dot") == 0) {
        rc = run_dot(g, q, out, err);
    } else {
        rc = run_paths(g, q, limit, out, err);
    }
    bc_query_free(q);
    return rc;
}

bool bc_query_parse_limit(const char *s, size_t *limit)
{
    char *end;
    unsigned long long v;

    if (!s || !*s || *s == '-') {
        return false;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > SIZE_MAX) {
        return false;
    }
    *limit = (size_t)v;
    return true;
}

/* The remaining words joined by spaces, so that quoting is optional. */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    char *s;

    for (int i = 0; i < argc; i++) {
        len += strlen(argv[i]) + 1;
    }
    s = bc_xcalloc(1, len);
    for (int i = 0; i < argc; i++) {
        strcat(strcat(s, i ? " " : ""), argv[i]);
    }
    return s;
}

/* `paths` options; returns the index of the first expression word or -1. */
static int parse_options(int argc, char **argv, size_t *limit)
{
    int i = 1;

    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--") == 0) {
            return i + 1;
        }
        if (strncmp(argv[i], "--limit=", 8) == 0 && bc_query_parse_limit(argv[i] + 8, limit)) {
            continue;
        }
        if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc &&
            bc_query_parse_limit(argv[i + 1], limit)) {
            i++;
            continue;
        }
        fprintf(stderr, "blkcheck query: bad option '%s' (--limit takes a count)\n", argv[i]);
        return -1;
    }
    return i;
}

int bc_query_main(const BcGraph *g, int argc, char **argv, FILE *out)
{
    size_t limit = BC_QUERY_DEFAULT_LIMIT;
    char *expr;
    int first, rc;

    if (argc > 0 && strcmp(argv[0], "query") == 0) {
        argc--;     /* tolerate being handed the "query" word itself */
        argv++;
    }
    if (argc < 1 || strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0) {
        bc_query_usage(argc < 1 ? stderr : out);
        return argc < 1 ? 2 : 0;
    }
    if (strcmp(argv[0], "shell") == 0) {
        return bc_query_shell(g, out);
    }
    first = parse_options(argc, argv, &limit);
    if (first < 0) {
        return 2;
    }
    if (first >= argc) {
        fprintf(stderr, "blkcheck query %s: missing query expression\n", argv[0]);
        bc_query_usage(stderr);
        return 2;
    }
    expr = join_args(argc - first, argv + first);
    rc = bc_query_run(g, argv[0], expr, limit, out, stderr);
    free(expr);
    return rc;
}
