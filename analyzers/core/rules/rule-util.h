/*
 * rule-util.h - what the rule files share: label and lock predicates, the
 * report helper; it includes the polling-point index (poll-index.h) and
 * the bounded shortest-path search (path-search.h)
 *
 * Context: private to analyzers/core/rules/; one thread per rule run.
 */
#ifndef BC_RULE_UTIL_H
#define BC_RULE_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "findings.h"
#include "graph.h"
#include "rules.h"

/* ---- label predicates (after aliases; wrapper markers imply their base) --- */

/* Mixed: coroutine_mixed_fn or a co_wrapper_mixed* wrapper. */
bool bc_is_mixed(const BcNode *n);
/* Coroutine only: coroutine_fn / no_co_wrapper*, and not mixed. */
bool bc_is_coroutine(const BcNode *n);
/* Must not run in a coroutine: no_coroutine_fn / co_wrapper*, not mixed. */
bool bc_is_no_coroutine(const BcNode *n);
/* Declared with a co_wrapper* marker (a generated polling wrapper). */
bool bc_is_co_wrapper(const BcNode *n);
/* Needs the graph lock shared / exclusive (GRAPH_RDLOCK / GRAPH_WRLOCK). */
bool bc_needs_rdlock(const BcNode *n);
bool bc_needs_wrlock(const BcNode *n);
/* The reader lock proper (explicit or guard), not the writer lock. */
static inline bool bc_lock_has_reader(uint32_t state)
{
    return (state & (BC_LOCK_RD | BC_LOCK_RD_GUARD)) != 0;
}
/*
 * Lock state @state (BC_LOCK_* of one point in function @fn, every-path or
 * some-path bits) satisfies a requirement of the writer lock (@need_wr) or
 * of the reader lock (any mode): taken in @fn, or still the caller's
 * (BC_LOCK_CALLER) and @fn is labelled as needing it.
 */
bool bc_lock_satisfies(const BcNode *fn, uint32_t state, bool need_wr);
/* The reader lock proper is held at the point: taken in @fn, or still the
 * caller's and @fn is GRAPH_RDLOCK. */
bool bc_lock_reader_held(const BcNode *fn, uint32_t state);
static inline bool bc_is_function(const BcNode *n)
{
    return n->kind == BC_SYM_FUNCTION;
}

/* ---- reporting -------------------------------------------------------------- */

/* Each rule's BcRule, for its findings (defined at the end of its file). */
#define BC_RULE(name) extern const BcRule bc_rule_##name;
#include "rule-list.h"
#undef BC_RULE

typedef struct BcReport {
    const BcRule *rule;
    BcLoc loc;
    const char *function, *function_usr;
    const char *key;
    const BcHop *path;
    uint32_t n_path;
    const BcFixit *fixit;
    uint32_t n_fixits;
} BcReport;

/* Format the message and add the finding with the configured severity. */
void bc_report(BcFindings *out, const BcConfig *cfg, const BcReport *r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Polling points and path search, which the path rules use. */
#include "poll-index.h"
#include "path-search.h"

#endif
