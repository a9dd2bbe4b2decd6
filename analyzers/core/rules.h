/*
 * rules.h - the rule table
 *
 * Context: rules read the finished graph and the config and write findings;
 * they keep no state between runs.
 *
 * One file per rule (rules/bc00N-*.c), each defining one BcRule; the table
 * bc_rules[] is built from rules/rule-list.h, one line per rule, and
 * everything else (findings, severities, --rules, reporters) refers to a
 * rule by its BcRule, so adding a rule touches no other file
 * (docs/blkcheck.md, "Adding a rule").  docs/rules/BC00N.md documents each.
 *
 * Sets of rules are BcRuleSet bits by table index (bc_rule_index()).
 */
#ifndef BC_RULES_H
#define BC_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "findings.h"
#include "graph.h"

/* What a rule must see to decide. */
typedef enum BcRuleScope {
    BC_RULE_PROGRAM,            /* paths across TUs: only the whole program */
    BC_RULE_TU,                 /* one TU decides (cross-TU facts add more) */
    BC_RULE_TU_CALLERS,         /* one TU decides on the callers it shows:
                                 * exact for static functions (BC010) */
} BcRuleScope;

typedef struct BcRule {
    int number;                 /* the N of BC00N */
    const char *id;             /* "BC001" */
    const char *name;           /* "coroutine-call" */
    const char *summary;        /* one line, for --list-rules and SARIF */
    BcSeverity default_severity;
    BcRuleScope scope;          /* what it needs to see (the plugin runs TU ones) */
    void (*run)(const BcGraph *g, const BcConfig *cfg, BcFindings *out);
} BcRule;

extern const BcRule *const bc_rules[];
extern const size_t bc_n_rules;

/* A set of rules: bit bc_rule_index(r).  The table has at most 64 rules. */
typedef uint64_t BcRuleSet;
#define BC_RULES_ALL (bc_n_rules >= 64 ? ~(BcRuleSet)0 : ((BcRuleSet)1 << bc_n_rules) - 1)
#define BC_RULE_BIT(r) ((BcRuleSet)1 << bc_rule_index(r))

/* Position of @r in bc_rules[]. */
size_t bc_rule_index(const BcRule *r);
/* Rule by number (the N of BC00N) or id/name string; NULL if unknown. */
const BcRule *bc_rule_by_number(int number);
const BcRule *bc_rule_by_name(const char *id_or_name);

/* @r's severity: @c's last override of it, else the rule's default. */
BcSeverity bc_rule_severity(const BcConfig *c, const BcRule *r);
/*
 * Check that every rule @c names (its "severity" keys) is a rule.
 * Returns: 0, or -EINVAL with "FILE:LINE: ..." in *@errmsg (malloc'ed).
 */
int bc_rules_check_config(const BcConfig *c, char **errmsg);

/*
 * Parse a --rules list ("BC001,BC004", "all", names) into *@out.
 * Returns: 0, or -EINVAL with the bad item in *@bad (points into @spec).
 */
int bc_rules_parse(const char *spec, BcRuleSet *out, const char **bad, size_t *bad_len);

/* Run every rule in @enabled whose configured severity is not off. */
void bc_rules_run(const BcGraph *g, const BcConfig *cfg, BcRuleSet enabled, BcFindings *out);

#endif
