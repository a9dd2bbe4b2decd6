/*
 * tu-rules.h - the rules one translation unit can decide, on its facts
 *
 * Context: any thread; one call per TU (the clang plugin calls it once per
 * compilation).  No state between calls.
 *
 * A front end that sees one TU at a time (the clang plugin, DESIGN §6.6)
 * builds the graph of that TU alone and runs the rules whose verdict needs
 * nothing more: the rules of scope BC_RULE_TU (BC001, BC002, BC003, BC006,
 * BC007, BC008), and BC010 (BC_RULE_TU_CALLERS), whose suggestions then
 * rest on the callers this TU shows (exact for static functions).  The whole-program rules (BC004,
 * BC005, BC009) and the cross-TU parts of the others run later on the
 * facts of every TU (`blkcheck check --facts DIR`).
 */
#ifndef BC_TU_RULES_H
#define BC_TU_RULES_H

#include <stdbool.h>
#include "config.h"
#include "facts.h"
#include "findings.h"
#include "rules.h"

/* Does rule @r run on one TU (scope BC_RULE_TU or BC_RULE_TU_CALLERS)? */
bool bc_tu_rule(const BcRule *r);

/*
 * Run the one-TU rules among @enabled on @f and add their findings to @out,
 * sorted.  Ownership of @f passes to the function (it is freed with the
 * graph built from it); findings own copies of what they say.
 */
void bc_tu_rules_run(BcTuFacts *f, const BcConfig *cfg, BcRuleSet enabled, BcFindings *out);

#endif
