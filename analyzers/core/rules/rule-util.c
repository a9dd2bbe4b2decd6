/*
 * rule-util.c - helpers shared by the rule files (see rule-util.h)
 */
#include "rule-util.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- label predicates ---------------------------------------------------- */

bool bc_is_mixed(const BcNode *n)
{
    return n->labels & (BC_LBIT(BC_L_COROUTINE_MIXED_FN) | BC_LBIT(BC_L_CO_WRAPPER_MIXED) |
                        BC_LBIT(BC_L_CO_WRAPPER_MIXED_BDRV_RDLOCK));
}

bool bc_is_coroutine(const BcNode *n)
{
    return !bc_is_mixed(n) &&
           (n->labels & (BC_LBIT(BC_L_COROUTINE_FN) | BC_LBIT(BC_L_NO_CO_WRAPPER) |
                         BC_LBIT(BC_L_NO_CO_WRAPPER_BDRV_RDLOCK) |
                         BC_LBIT(BC_L_NO_CO_WRAPPER_BDRV_WRLOCK)));
}

bool bc_is_no_coroutine(const BcNode *n)
{
    return !bc_is_mixed(n) &&
           (n->labels & (BC_LBIT(BC_L_NO_COROUTINE_FN) | BC_LBIT(BC_L_CO_WRAPPER) |
                         BC_LBIT(BC_L_CO_WRAPPER_BDRV_RDLOCK)));
}

bool bc_needs_rdlock(const BcNode *n)
{
    return n->labels & (BC_LBIT(BC_L_GRAPH_RDLOCK) | BC_LBIT(BC_L_GRAPH_RDLOCK_PTR));
}

bool bc_needs_wrlock(const BcNode *n)
{
    return n->labels & (BC_LBIT(BC_L_GRAPH_WRLOCK) | BC_LBIT(BC_L_GRAPH_WRLOCK_PTR));
}

bool bc_is_co_wrapper(const BcNode *n)
{
    return n->labels & (BC_LBIT(BC_L_CO_WRAPPER) | BC_LBIT(BC_L_CO_WRAPPER_MIXED) |
                        BC_LBIT(BC_L_CO_WRAPPER_BDRV_RDLOCK) |
                        BC_LBIT(BC_L_CO_WRAPPER_MIXED_BDRV_RDLOCK));
}

bool bc_lock_satisfies(const BcNode *fn, uint32_t state, bool need_wr)
{
    if (need_wr) {
        return (state & BC_LOCK_WR) ||
               ((state & BC_LOCK_WR_OR_CALLER) && bc_node_has(fn, BC_L_GRAPH_WRLOCK));
    }
    return (state & BC_LOCK_ANY) ||
           ((state & BC_LOCK_ANY_OR_CALLER) &&
            (bc_node_has(fn, BC_L_GRAPH_RDLOCK) || bc_node_has(fn, BC_L_GRAPH_WRLOCK)));
}

bool bc_lock_reader_held(const BcNode *fn, uint32_t state)
{
    return bc_lock_has_reader(state) ||
           ((state & BC_LOCK_CALLER) && bc_node_has(fn, BC_L_GRAPH_RDLOCK));
}

/* ---- reporting -------------------------------------------------------------- */

void bc_report(BcFindings *out, const BcConfig *cfg, const BcReport *r, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    BcFinding fd = { 0 };

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fd.rule = r->rule;
    fd.severity = bc_rule_severity(cfg, r->rule);
    fd.loc = r->loc;
    fd.message = msg;
    fd.function = r->function;
    fd.function_usr = r->function_usr;
    fd.key = r->key;
    fd.path = r->path;
    fd.n_path = r->n_path;
    fd.fixit = r->fixit;
    fd.n_fixits = r->n_fixits;
    bc_findings_add(out, &fd);
}
