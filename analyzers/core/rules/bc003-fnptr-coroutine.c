/*
 * bc003-fnptr-coroutine.c - BC003: coroutine_fn through function pointers
 *
 * Four cases (docs/rules/BC003.md):
 *   a. a slot (field, variable, parameter) labelled coroutine_fn receives a
 *      function that is neither coroutine_fn nor coroutine_mixed_fn;
 *      reported at the initializer / assignment / argument;
 *   b. a call through a coroutine_fn slot from a caller that is not
 *      coroutine_fn, outside an in-coroutine check; reported at the call;
 *   c. a plain slot receives a coroutine_fn and some non-coroutine caller
 *      calls through that slot; reported at the store, with a note at the
 *      first such call;
 *   d. a coroutine_fn is passed as an argument whose parameter the front end
 *      could not name (call through a pointer, variadic): the pointer escapes
 *      into code we cannot follow, so a store from non-coroutine code counts
 *      as case c with an unknown call site.
 * Missing graph-lock annotations on slots are BC008's.
 */
#include <stdio.h>
#include "rules.h"
#include "rules/rule-util.h"

/* Name/usr of the function a store happens in, or the slot at file scope. */
static void store_site(const BcGraph *g, const BcEdge *e, const BcNode *slot, BcReport *r)
{
    BcNodeId ctx = e->addr ? bc_graph_lookup(g, e->addr->context_usr) : BC_NO_NODE;

    r->function = ctx != BC_NO_NODE ? bc_graph_node(g, ctx)->name : slot->qual_name;
    r->function_usr = ctx != BC_NO_NODE ? bc_graph_node(g, ctx)->usr : slot->usr;
}

/* First call through @slot from non-coroutine code outside a check. */
static const BcEdge *bad_slot_call(const BcGraph *g, BcNodeId slot)
{
    for (uint32_t i = 0; i < bc_graph_node(g, slot)->n_in; i++) {
        const BcEdge *e = bc_graph_in_edge(g, slot, i);
        if (e->kind == BC_EDGE_SLOT_CALL && !e->in_coroutine_check &&
            !bc_is_coroutine(bc_graph_node(g, e->from))) {
            return e;
        }
    }
    return NULL;
}

static void check_store(const BcGraph *g, const BcConfig *cfg, const BcEdge *e, BcFindings *out)
{
    const BcNode *slot = bc_graph_node(g, e->from), *fn = bc_graph_node(g, e->to);
    char key[512];
    BcReport r = { .rule = &bc_rule_bc003, .loc = e->loc, .key = key };
    const BcEdge *call;
    BcHop hop;

    snprintf(key, sizeof(key), "%s<-%s", slot->qual_name, fn->usr);
    store_site(g, e, slot, &r);
    if (bc_is_coroutine(slot) && !bc_is_coroutine(fn) && !bc_is_mixed(fn)) {
        bc_report(out, cfg, &r, "'%s' is not coroutine_fn but is stored in coroutine_fn "
                  "pointer '%s'", fn->name, slot->qual_name);
    } else if (!bc_is_coroutine(slot) && !bc_is_mixed(slot) && bc_is_coroutine(fn) &&
               (call = bad_slot_call(g, e->from))) {
        hop = (BcHop){ bc_graph_node(g, call->from)->name, slot->qual_name, call->loc,
                       BC_HOP_CALL };
        r.path = &hop;
        r.n_path = 1;
        bc_report(out, cfg, &r, "coroutine_fn '%s' is stored in plain pointer '%s', which "
                  "non-coroutine code calls", fn->name, slot->qual_name);
    }
}

static void check_slot_call(const BcGraph *g, const BcConfig *cfg, const BcEdge *e,
                            BcFindings *out)
{
    const BcNode *caller = bc_graph_node(g, e->from), *slot = bc_graph_node(g, e->to);
    BcReport r = { .rule = &bc_rule_bc003, .loc = e->loc, .function = caller->name,
                   .function_usr = caller->usr, .key = slot->qual_name };

    if (bc_is_coroutine(slot) && !bc_is_coroutine(caller) && !e->in_coroutine_check) {
        bc_report(out, cfg, &r, "coroutine_fn pointer '%s' called from non-coroutine "
                  "function '%s'", slot->qual_name, caller->name);
    }
}

/* Case d: coroutine_fn passed to a parameter the front end could not name. */
static void check_escapes(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    for (size_t t = 0; t < g->tus.n; t++) {
        bc_vec_foreach_const(&g->tus.v[t]->addrs, a) {
            BcNodeId f = bc_graph_lookup(g, a->func_usr), c = bc_graph_lookup(g, a->context_usr);
            const BcNode *ctx = c != BC_NO_NODE ? bc_graph_node(g, c) : NULL;
            BcReport r = { .rule = &bc_rule_bc003, .loc = a->loc, .key = a->func_usr };

            if (a->slot_usr || a->kind != BC_ADDR_ARGUMENT || f == BC_NO_NODE || !ctx ||
                !bc_is_coroutine(bc_graph_node(g, f)) || bc_is_coroutine(ctx)) {
                continue;
            }
            r.function = ctx->name;
            r.function_usr = ctx->usr;
            bc_report(out, cfg, &r, "coroutine_fn '%s' passed as a plain function pointer "
                      "from non-coroutine function '%s'", bc_graph_node(g, f)->name, ctx->name);
        }
    }
}

static void run(const BcGraph *g, const BcConfig *cfg, BcFindings *out)
{
    bc_vec_foreach_const(&g->edges, e) {
        if (e->kind == BC_EDGE_POINTS_TO) {
            check_store(g, cfg, e, out);
        } else if (e->kind == BC_EDGE_SLOT_CALL) {
            check_slot_call(g, cfg, e, out);
        }
    }
    check_escapes(g, cfg, out);
}

const BcRule bc_rule_bc003 = {
    .number = 3, .id = "BC003", .name = "fnptr-coroutine",
    .summary = "coroutine_fn stored in or called through a function pointer from "
               "non-coroutine code",
    .default_severity = BC_SEV_WARNING, .scope = BC_RULE_TU, .run = run,
};
