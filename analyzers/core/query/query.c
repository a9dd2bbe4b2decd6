/*
 * query.c - life cycle of a compiled query: parse, compile, free
 *
 * Everything a query owns lives in its arena except the compiled regexes
 * (regfree) and the vectors.
 */
#include "query-int.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static BcQuery *query_new(void)
{
    BcQuery *q = bc_xcalloc(1, sizeof(*q));

    q->arena = bc_arena_new();
    return q;
}

void bc_query_free(BcQuery *q)
{
    if (!q) {
        return;
    }
    for (size_t i = 0; i < q->regexes.n; i++) {
        regfree(q->regexes.v[i]);
    }
    bc_vec_free(&q->regexes);
    bc_vec_free(&q->labels);
    bc_arena_free(q->arena);
    free(q);
}

static void clear_error(BcQueryError *err)
{
    if (err) {
        err->pos = 0;
        err->msg[0] = '\0';
    }
}

BcQuery *bc_query_parse_path(const char *src, BcQueryError *err)
{
    BcQuery *q = query_new();

    clear_error(err);
    q->path = bc_qparse_path_only(q, src, err);
    if (!q->path || !bc_qnfa_build(q, err)) {
        bc_query_free(q);
        return NULL;
    }
    return q;
}

BcQuery *bc_query_parse_matcher(const char *src, BcQueryError *err)
{
    BcQuery *q = query_new();

    clear_error(err);
    q->matcher = bc_qparse_matcher_only(q, src, err);
    if (!q->matcher) {
        bc_query_free(q);
        return NULL;
    }
    return q;
}

size_t bc_query_n_labels(const BcQuery *q)
{
    return q->labels.n;
}

const char *bc_query_label(const BcQuery *q, size_t i)
{
    return i < q->labels.n ? q->labels.v[i] : NULL;
}

uint64_t *bc_qset_new(size_t n_bits)
{
    uint64_t *s = bc_xcalloc(bc_qset_words(n_bits) + 1, sizeof(uint64_t));

    return s;
}

size_t bc_query_nodes(const BcQuery *q, const BcGraph *g, BcNodeId **out)
{
    const BcMatcher *m = q->matcher;
    uint64_t *set;
    size_t n = 0;

    if (!m && q->path && q->path->kind == BC_P_MATCH) {
        m = q->path->m;         /* a path of one matcher is a matcher */
    }
    if (!m) {
        *out = NULL;
        return 0;
    }
    set = bc_qmatch_eval(m, g);

    *out = bc_xmalloc((g->nodes.n ? g->nodes.n : 1) * sizeof(BcNodeId));
    for (size_t i = 0; i < g->nodes.n; i++) {
        if (bc_query_bit(set, i)) {
            (*out)[n++] = (BcNodeId)i;
        }
    }
    free(set);
    return n;
}
