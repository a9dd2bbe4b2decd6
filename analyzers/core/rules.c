/*
 * rules.c - the rule table, --rules parsing, running the selected rules
 *
 * Each rule lives in rules/bc00N-NAME.c and exports one BcRule; the table
 * comes from rules/rule-list.h.  Findings are sorted once at the end so that reporters
 * and baselines see a stable order whatever the rule order.
 */
#define _GNU_SOURCE     /* asprintf */
#include "rules.h"
#include "xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BC_RULE(name) extern const BcRule bc_rule_##name;
#include "rules/rule-list.h"
#undef BC_RULE

const BcRule *const bc_rules[] = {
#define BC_RULE(name) &bc_rule_##name,
#include "rules/rule-list.h"
#undef BC_RULE
};
const size_t bc_n_rules = sizeof(bc_rules) / sizeof(bc_rules[0]);
_Static_assert(sizeof(bc_rules) / sizeof(bc_rules[0]) <= 64, "BcRuleSet has 64 bits");

size_t bc_rule_index(const BcRule *r)
{
    for (size_t i = 0; i < bc_n_rules; i++) {
        if (bc_rules[i] == r) {
            return i;
        }
    }
    abort();    /* not a rule of the table: a programming error */
}

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

BcSeverity bc_rule_severity(const BcConfig *c, const BcRule *r)
{
    for (size_t i = c ? c->severity.n : 0; i-- > 0;) {
        if (bc_rule_by_name(c->severity.v[i].rule) == r) {
            return c->severity.v[i].severity;
        }
    }
    return r->default_severity;
}

int bc_rules_check_config(const BcConfig *c, char **errmsg)
{
    bc_vec_foreach_const(&c->severity, o) {
        if (!bc_rule_by_name(o->rule)) {
            if (asprintf(errmsg, "%s:%d: severity: unknown rule '%s' (blkcheck "
                         "--list-rules)", c->path ? c->path : "config", o->line,
                         o->rule) < 0) {
                *errmsg = NULL;
            }
            return -EINVAL;
        }
    }
    return 0;
}

/*
 * Items are separated by commas; "all" selects every rule; "-ITEM" removes
 * one ("all,-BC010").  A list that starts with a removal starts from all.
 */
int bc_rules_parse(const char *spec, BcRuleSet *out, const char **bad, size_t *bad_len)
{
    const char *p = spec ? spec : "";
    BcRuleSet set = 0;
    bool first = true;

    while (*p) {
        size_t n = strcspn(p, ",");
        bool neg = *p == '-';
        const char *item = p + neg;
        size_t len = n - neg;
        const BcRule *r = NULL;
        BcRuleSet bits;

        if (first && neg) {
            set = BC_RULES_ALL;
        }
        if (len == 3 && strncmp(item, "all", 3) == 0) {
            bits = BC_RULES_ALL;
        } else if (len && (r = rule_by_span(item, len))) {
            bits = BC_RULE_BIT(r);
        } else {
            if (bad) {
                *bad = p;
            }
            if (bad_len) {
                *bad_len = n;
            }
            return -EINVAL;
        }
        set = neg ? set & ~bits : set | bits;
        first = false;
        p += n + (p[n] == ',');
    }
    *out = set;
    return 0;
}

/* Rules are independent readers of the graph: they run on up to
 * RULE_THREADS threads, each rule into its own sink, merged in table order
 * (then sorted), so the report does not depend on the schedule. */
#define RULE_THREADS 4
#define RULE_THREADS_MIN_NODES 4096

typedef struct RuleJobs {
    const BcGraph *g;
    const BcConfig *cfg;
    BcRuleSet enabled;
    BcFindings *outs;           /* one per rule of the table */
    atomic_size_t next;
} RuleJobs;

static void *rule_worker(void *opaque)
{
    RuleJobs *j = opaque;
    size_t i;

    while ((i = atomic_fetch_add(&j->next, 1)) < bc_n_rules) {
        const BcRule *r = bc_rules[i];
        if ((j->enabled & BC_RULE_BIT(r)) && bc_rule_severity(j->cfg, r) != BC_SEV_OFF) {
            r->run(j->g, j->cfg, &j->outs[i]);
        }
    }
    return NULL;
}

void bc_rules_run(const BcGraph *g, const BcConfig *cfg, BcRuleSet enabled, BcFindings *out)
{
    RuleJobs j = { g, cfg, enabled, bc_xcalloc(bc_n_rules, sizeof(BcFindings)), 0 };
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    pthread_t th[RULE_THREADS - 1];
    size_t n_th = 0;

    for (size_t i = 0; i < bc_n_rules; i++) {
        bc_findings_init(&j.outs[i]);
    }
    /* Threads pay off on whole programs, not on one TU (the plugin). */
    while (g->nodes.n >= RULE_THREADS_MIN_NODES && n_th < RULE_THREADS - 1 &&
           (long)n_th + 1 < cpus &&
           pthread_create(&th[n_th], NULL, rule_worker, &j) == 0) {
        n_th++;
    }
    rule_worker(&j);            /* this thread works too (alone when no thread starts) */
    for (size_t t = 0; t < n_th; t++) {
        pthread_join(th[t], NULL);
    }
    for (size_t i = 0; i < bc_n_rules; i++) {
        for (size_t k = 0; k < j.outs[i].v.n; k++) {
            bc_findings_add(out, &j.outs[i].v.v[k]);
        }
        out->dropped += j.outs[i].dropped;
        bc_findings_destroy(&j.outs[i]);
    }
    free(j.outs);
    bc_findings_sort(out);
}
