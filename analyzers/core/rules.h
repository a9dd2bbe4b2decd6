/*
 * rules.h - the rule table
 *
 * Context: rules read the finished graph and the config and write findings;
 * they keep no state between runs.
 *
 * One file per rule (rules/bc00N-*.c), each defining one BcRule; rules.c
 * lists them in bc_rules[] and runs the selected ones.  docs/rules/BC00N.md
 * documents each.
 */
#ifndef BC_RULES_H
#define BC_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include "config.h"
#include "findings.h"
#include "graph.h"

typedef struct BcRule {
    int number;                 /* 1..10 */
    const char *id;             /* "BC001" */
    const char *name;           /* "coroutine-call" */
    const char *summary;        /* one line, for --list-rules and SARIF */
    BcSeverity default_severity;
    bool per_tu;                /* needs only one TU (the plugin runs it) */
    void (*run)(const BcGraph *g, const BcConfig *cfg, BcFindings *out);
} BcRule;

extern const BcRule *const bc_rules[];
extern const size_t bc_n_rules;

/* Rule by number (1..10) or id/name string; NULL if unknown. */
const BcRule *bc_rule_by_number(int number);
const BcRule *bc_rule_by_name(const char *id_or_name);

/*
 * Parse a --rules list ("BC001,BC004", "all", names) into @enabled[1..10].
 * Returns: 0, or -EINVAL with the bad item in *@bad (points into @spec).
 */
int bc_rules_parse(const char *spec, bool enabled[11], const char **bad, size_t *bad_len);

/* Run every enabled rule whose configured severity is not off. */
void bc_rules_run(const BcGraph *g, const BcConfig *cfg, const bool enabled[11],
                  BcFindings *out);

#endif
