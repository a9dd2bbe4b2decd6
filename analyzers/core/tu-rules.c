/*
 * tu-rules.c - the rules one translation unit can decide (tu-rules.h)
 */
#include "tu-rules.h"

#include "graph.h"

bool bc_tu_rule(const BcRule *r)
{
    return r && r->scope != BC_RULE_PROGRAM;
}

void bc_tu_rules_run(BcTuFacts *f, const BcConfig *cfg, BcRuleSet enabled, BcFindings *out)
{
    BcRuleSet on = 0;
    BcGraph *g;

    for (size_t i = 0; i < bc_n_rules; i++) {
        if (bc_tu_rule(bc_rules[i])) {
            on |= BC_RULE_BIT(bc_rules[i]);
        }
    }
    g = bc_graph_build(&f, 1, cfg);
    bc_rules_run(g, cfg, on & enabled, out);
    bc_graph_free(g);
}
