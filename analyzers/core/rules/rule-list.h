/*
 * rule-list.h - every rule, one line each: BC_RULE(symbol suffix)
 *
 * Included with BC_RULE defined by the reader (rules.c builds the table,
 * rule-util.h declares each rule's BcRule).  Adding a rule: its file in
 * rules/ defining `const BcRule bc_rule_NAME`, its line here, its page in
 * docs/rules/.  The order is the table's: --list-rules, SARIF rule indexes.
 */
BC_RULE(bc001)
BC_RULE(bc002)
BC_RULE(bc003)
BC_RULE(bc004)
BC_RULE(bc005)
BC_RULE(bc006)
BC_RULE(bc007)
BC_RULE(bc008)
BC_RULE(bc009)
BC_RULE(bc010)
