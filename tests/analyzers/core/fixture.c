/*
 * fixture.c - hand-built TU facts for the analyzers/core unit tests
 */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report.h"
#include "rules.h"

BcTuFacts *fx_tu(const char *file)
{
    return bc_facts_new(file);
}

const char *fx_usr(BcTuFacts *t, const char *name)
{
    const char *hash = strchr(name, '#');

    if (strstr(name, "::")) {
        return bc_arena_printf(t->arena, "c:@SA@%s", name);
    }
    if (hash) {
        return bc_arena_printf(t->arena, "c:%.*s@F@%s", (int)(hash - name), name, hash + 1);
    }
    return bc_arena_printf(t->arena, "c:@F@%s", name);
}

static const char *display(const char *name)
{
    const char *hash = strchr(name, '#');
    return hash ? hash + 1 : name;
}

static BcLoc at(BcTuFacts *t, unsigned line)
{
    return (BcLoc){ t->main_file, line, 5 };
}

static void labels_into(BcTuFacts *t, BcDecl *d, const char *labels)
{
    char *copy = bc_arena_strdup(t->arena, labels ? labels : ""), *save = NULL;
    const char **v = BC_ARENA_NEW(t->arena, const char *, 16);

    for (char *tok = strtok_r(copy, ", ", &save); tok && d->n_labels < 16;
         tok = strtok_r(NULL, ", ", &save)) {
        v[d->n_labels++] = tok;
    }
    d->labels = v;
}

static void add_symbol(BcTuFacts *t, const char *name, BcSymbolKind kind, bool body)
{
    const char *usr = fx_usr(t, name);

    for (size_t i = 0; i < t->symbols.n; i++) {
        if (strcmp(t->symbols.v[i].usr, usr) == 0) {
            t->symbols.v[i].has_body_here |= body;
            return;
        }
    }
    BcSymbol s = { usr, bc_arena_strdup(t->arena, display(name)),
                   bc_arena_strdup(t->arena, display(name)), kind, strchr(name, '#') != NULL,
                   body };
    bc_vec_push(&t->symbols, s);
}

static void add_decl(BcTuFacts *t, const char *name, unsigned line, const char *labels,
                     bool def, BcSymbolKind kind)
{
    BcDecl d = { fx_usr(t, name), at(t, line), def, NULL, 0 };

    add_symbol(t, name, kind, def && kind == BC_SYM_FUNCTION);
    labels_into(t, &d, labels);
    bc_vec_push(&t->decls, d);
}

void fx_def(BcTuFacts *t, const char *name, unsigned line, const char *labels)
{
    add_decl(t, name, line, labels, true, BC_SYM_FUNCTION);
}

void fx_decl(BcTuFacts *t, const char *name, unsigned line, const char *labels)
{
    add_decl(t, name, line, labels, false, BC_SYM_FUNCTION);
}

void fx_slot(BcTuFacts *t, const char *name, const char *labels)
{
    add_decl(t, name, 1, labels, true, BC_SYM_FIELD);
}

static void call(BcTuFacts *t, const char *caller, const char *callee, unsigned line,
                 uint32_t lock, bool in_co, BcCallKind kind)
{
    uint32_t held = bc_lock_one_path(lock | BC_LOCK_CALLER);    /* one path */
    BcCall c = { fx_usr(t, caller), fx_usr(t, callee), bc_arena_strdup(t->arena, display(callee)),
                 kind, at(t, line), held, held, in_co, NULL, 0, 0 };
    bc_vec_push(&t->calls, c);
}

void fx_call(BcTuFacts *t, const char *caller, const char *callee, unsigned line,
             uint32_t lock, bool in_co_check)
{
    call(t, caller, callee, line, lock, in_co_check, BC_CALL_DIRECT);
}

void fx_call_slot(BcTuFacts *t, const char *caller, const char *slot, unsigned line,
                  uint32_t lock, bool in_co_check)
{
    call(t, caller, slot, line, lock, in_co_check, BC_CALL_SLOT);
}

void fx_addr(BcTuFacts *t, const char *fn, const char *slot, BcAddrKind kind,
             const char *ctx, unsigned line)
{
    BcAddrTaken a = { fx_usr(t, fn), slot ? fx_usr(t, slot) : NULL,
                      ctx ? fx_usr(t, ctx) : NULL, kind, at(t, line) };
    bc_vec_push(&t->addrs, a);
}

void fx_poll(BcTuFacts *t, const char *fn, const char *what, unsigned line, uint32_t lock)
{
    uint32_t held = bc_lock_one_path(lock | BC_LOCK_CALLER);
    BcPoll p = { fx_usr(t, fn), what, at(t, line), held, held, false };
    bc_vec_push(&t->polls, p);
}

void fx_lock(BcTuFacts *t, const char *fn, BcLockOp op, unsigned line, uint32_t before)
{
    uint32_t held = bc_lock_one_path(before | BC_LOCK_CALLER);
    BcLockEvent l = { fx_usr(t, fn), op, at(t, line), held, held };
    bc_vec_push(&t->locks, l);
}

BcFindings *fx_run(BcTuFacts **tus, size_t n, const BcConfig *cfg, int rule)
{
    BcConfig *own = cfg ? NULL : bc_config_default();
    BcGraph *g = bc_graph_build(tus, n, cfg ? cfg : own);
    BcFindings *f = calloc(1, sizeof(*f));
    BcRuleSet enabled = rule == 0 ? BC_RULES_ALL : BC_RULE_BIT(bc_rule_by_number(rule));

    bc_findings_init(f);
    bc_rules_run(g, cfg ? cfg : own, enabled, f);
    /* Findings are copies: the graph and the facts may go. */
    bc_graph_free(g);
    bc_config_free(own);
    return f;
}

void fx_findings_free(BcFindings *f)
{
    bc_findings_destroy(f);
    free(f);
}

size_t fx_count(const BcFindings *f, int rule)
{
    size_t n = 0;

    for (size_t i = 0; i < f->v.n; i++) {
        n += f->v.v[i].rule->number == rule;
    }
    return n;
}

size_t fx_count_at(const BcFindings *f, int rule, unsigned line)
{
    size_t n = 0;

    for (size_t i = 0; i < f->v.n; i++) {
        n += f->v.v[i].rule->number == rule && f->v.v[i].loc.line == line;
    }
    return n;
}

const BcFinding *fx_first(const BcFindings *f, int rule)
{
    for (size_t i = 0; i < f->v.n; i++) {
        if (f->v.v[i].rule->number == rule) {
            return &f->v.v[i];
        }
    }
    return NULL;
}

void fx_dump(const BcFindings *f)
{
    BcRunInfo info = { .tool_version = "test" };
    bc_report_write(stderr, BC_FORMAT_TEXT, f, &info);
}

char fx_tmp_path[64];

int fx_tmpfile_setup(void **state)
{
    int fd;

    (void)state;
    strcpy(fx_tmp_path, "/tmp/bc-test-XXXXXX");
    fd = mkstemp(fx_tmp_path);
    if (fd < 0) {
        return -1;
    }
    close(fd);
    return 0;
}

int fx_tmpfile_teardown(void **state)
{
    (void)state;
    unlink(fx_tmp_path);
    return 0;
}
