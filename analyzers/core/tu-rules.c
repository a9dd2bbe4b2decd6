/*
 * tu-rules.c - the rules one translation unit can decide (tu-rules.h)
 */
#include "tu-rules.h"

#include "graph.h"
#include "rules.h"

bool bc_tu_rule(int number)
{
    const BcRule *r = bc_rule_by_number(number);

    return r && (r->per_tu || number == 10);
}

void bc_tu_rules_run(BcTuFacts *f, const BcConfig *cfg, const bool *enabled,
                     BcFindings *out)
{
    bool on[11] = { false };
    BcGraph *g;

    for (int i = 1; i <= 10; i++) {
        on[i] = bc_tu_rule(i) && (!enabled || enabled[i]);
    }
    g = bc_graph_build(&f, 1, cfg);
    bc_rules_run(g, cfg, on, out);
    bc_graph_free(g);
}
