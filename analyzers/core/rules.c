/*
 * rules.c - the rule table, --rules parsing, running the selected rules
 *
 * Each rule lives in rules/bc00N-NAME.c and exports one BcRule; this file
 * only lists them.  Findings are sorted once at the end so that reporters
 * and baselines see a stable order whatever the rule order.
 */
#include "rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const BcRule bc_rule_bc001, bc_rule_bc002, bc_rule_bc003, bc_rule_bc004,
    bc_rule_bc005, bc_rule_bc006, bc_rule_bc007, bc_rule_bc008, bc_rule_bc009,
    bc_rule_bc010;

const BcRule *const bc_rules[] = {
    &bc_rule_bc001, &bc_rule_bc002, &bc_rule_bc003, &bc_rule_bc004, &bc_rule_bc005,
    &bc_rule_bc006, &bc_rule_bc007, &bc_rule_bc008, &bc_rule_bc009, &bc_rule_bc010,
};
const size_t bc_n_rules = sizeof(bc_rules) / sizeof(bc_rules[0]);

const BcRule *bc_rule_by_number(int number)
{
    for (size_t i = 0; i < bc_n_rules; i++) {
        if (bc_rules[i]->number == number) {
            return bc_rules[i];
        }
    }
    return NULL;
}

/* By id ("BC004", any case), name ("poll-in-coroutine") or number ("4"). */
static const BcRule *rule_by_span(const char *s, size_t n)
{
    for (size_t i = 0; i < bc_n_rules; i++) {
        const BcRule *r = bc_rules[i];
        if ((strlen(r->id) == n && strncasecmp(r->id, s, n) == 0) ||
            (strlen(r->name) == n && strncmp(r->name, s, n) == 0)) {
            return r;
        }
    }
    if (n > 0 && n < 3 && strspn(s, "0123456789") >= n) {
        return bc_rule_by_number(atoi(s));
    }
    return NULL;
}

const BcRule *bc_rule_by_name(const char *id_or_name)
{
    return id_or_name ? rule_by_span(id_or_name, strlen(id_or_name)) : NULL;
}

/*
 * Items are separated by commas; "all" selects every rule; "-ITEM" removes
 * one ("all,-BC010").  A list that starts with a removal starts from all.
 */
int bc_rules_parse(const char *spec, bool enabled[11], const char **bad, size_t *bad_len)
{
    const char *p = spec ? spec : "";
    bool first = true;

    memset(enabled, 0, 11 * sizeof(bool));
    while (*p) {
        size_t n = strcspn(p, ",");
        bool neg = *p == '-';
        const char *item = p + neg;
        size_t len = n - neg;
        const BcRule *r = NULL;

        if (first && neg) {
            memset(enabled + 1, 1, 10 * sizeof(bool));
        }
        if (len == 3 && strncmp(item, "all", 3) == 0) {
            for (int i = 1; i <= 10; i++) {
                enabled[i] = !neg;
            }
        } else if (len && (r = rule_by_span(item, len))) {
            enabled[r->number] = !neg;
        } else {
            if (bad) {
                *bad = p;
            }
            if (bad_len) {
                *bad_len = n;
            }
            return -EINVAL;
        }
        first = false;
        p += n + (p[n] == ',');
    }
    return 0;
}

void bc_rules_run(const BcGraph *g, const BcConfig *cfg, const bool enabled[11],
                  BcFindings *out)
{
    for (size_t i = 0; i < bc_n_rules; i++) {
        const BcRule *r = bc_rules[i];
        if ((!enabled || enabled[r->number]) && bc_config_severity(cfg, r->number) != BC_SEV_OFF) {
            r->run(g, cfg, out);
        }
    }
    bc_findings_sort(out);
}
