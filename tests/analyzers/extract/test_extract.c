/*
 * test_extract.c - the libclang front end on small inputs (the files in inputs/)
 *
 * One test per construct: labels (annotate, QEMU's bare TSA spelling,
 * code-class macros), USRs of equal-named statics, lock state under
 * explicit locks and guards, both in-coroutine forms, calls and stores
 * through fields, polling macros, and TUs that do not parse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <clang-c/Index.h>
#include "extract.h"

static BcConfig *cfg;

/* inputs/@name through bc_extract_tu(), as the test's own compile command. */
static BcTuFacts *parse(const char *name)
{
    char path[4096], cwd[4096];
    const char *argv[] = { "clang", "-std=gnu11", "-I" ANNOT_INC, "-fsyntax-only", path };
    BcCompileCmd cmd = { .file = path, .dir = cwd, .argv = argv, .argc = 5 };
    CXIndex index = clang_createIndex(0, 0);
    BcTuFacts *f;

    snprintf(path, sizeof(path), "%s/%s", EXTRACT_INPUTS, name);
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    f = bc_extract_tu(index, &cmd, cfg);
    clang_disposeIndex(index);
    return f;
}

static const BcSymbol *symbol(const BcTuFacts *f, const char *qual_name)
{
    for (size_t i = 0; i < f->symbols.n; i++) {
        if (strcmp(f->symbols.v[i].qual_name, qual_name) == 0) {
            return &f->symbols.v[i];
        }
    }
    fail_msg("no symbol %s", qual_name);
    return NULL;
}

static const BcDecl *decl_at(const BcTuFacts *f, const char *qual_name, uint32_t line)
{
    const BcSymbol *s = symbol(f, qual_name);

    for (size_t i = 0; i < f->decls.n; i++) {
        if (strcmp(f->decls.v[i].usr, s->usr) == 0 && f->decls.v[i].loc.line == line) {
            return &f->decls.v[i];
        }
    }
    fail_msg("no declaration of %s on line %u", qual_name, line);
    return NULL;
}

/* The decl's labels, sorted by the order given, must be exactly @labels. */
static void assert_labels(const BcDecl *d, int n, ...)
{
    va_list ap;

    assert_int_equal(d->n_labels, n);
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        bool found = false;
        for (uint32_t k = 0; k < d->n_labels; k++) {
            found |= strcmp(d->labels[k], want) == 0;
        }
        if (!found) {
            fail_msg("label %s missing", want);
        }
    }
    va_end(ap);
}

static const BcCall *call_to(const BcTuFacts *f, const char *callee)
{
    for (size_t i = 0; i < f->calls.n; i++) {
        if (f->calls.v[i].callee_name && strcmp(f->calls.v[i].callee_name, callee) == 0) {
            return &f->calls.v[i];
        }
    }
    fail_msg("no call to %s", callee);
    return NULL;
}

static const BcAddrTaken *addr_of(const BcTuFacts *f, const char *func_suffix, BcAddrKind k,
                                  const char *slot)
{
    for (size_t i = 0; i < f->addrs.n; i++) {
        const BcAddrTaken *a = &f->addrs.v[i];
        size_t n = strlen(a->func_usr), m = strlen(func_suffix);
        if (a->kind == k && n >= m && strcmp(a->func_usr + n - m, func_suffix) == 0 &&
            ((!slot && !a->slot_usr) || (slot && a->slot_usr && strcmp(slot, a->slot_usr) == 0))) {
            return a;
        }
    }
    fail_msg("no address-taken %s -> %s (kind %d)", func_suffix, slot ? slot : "-", k);
    return NULL;
}

static void test_labels_annotate(void **state)
{
    BcTuFacts *f = parse("labels.c");

    (void)state;
    assert_int_equal(f->status, BC_TU_OK);
    assert_labels(decl_at(f, "co_read", 4), 2, "coroutine_fn", "graph_rdlock");
    assert_labels(decl_at(f, "co_read", 5), 0);
    assert_true(decl_at(f, "co_read", 5)->is_definition);
    assert_labels(decl_at(f, "change_graph", 6), 1, "graph_wrlock");
    assert_labels(decl_at(f, "polls", 7), 1, "graph_unlocked");
    assert_labels(decl_at(f, "blocking", 8), 2, "no_coroutine_fn", "polling_fn");
    assert_labels(decl_at(f, "needs_other", 11), 0);
    assert_labels(decl_at(f, "Ops::read", 14), 2, "coroutine_fn", "graph_rdlock_ptr");
    assert_int_equal(symbol(f, "Ops::read")->kind, BC_SYM_FIELD);
    assert_labels(decl_at(f, "io_fn", 18), 2, "coroutine_fn", "code_class:io");
    assert_labels(decl_at(f, "gs_fn", 23), 1, "code_class:global_state");
    bc_facts_free(f);
}

static void test_labels_qemu_tsa(void **state)
{
    BcTuFacts *f = parse("qemu_tsa.c");

    (void)state;
    assert_int_equal(f->status, BC_TU_OK);
    assert_labels(decl_at(f, "bdrv_getlength", 22), 1, "graph_rdlock");
    assert_labels(decl_at(f, "bdrv_replace_child", 23), 1, "graph_wrlock");
    assert_labels(decl_at(f, "bdrv_drain_all", 24), 1, "graph_unlocked");
    assert_labels(decl_at(f, "direct_spelling", 25), 1, "graph_rdlock");
    assert_labels(decl_at(f, "other_capability", 26), 0);
    assert_labels(decl_at(f, "BlockDriver::bdrv_getlength", 29), 1, "graph_rdlock_ptr");
    bc_facts_free(f);
}

/* Lock bits held on every path to @c, without the caller's-lock token
 * (present in every function that does not release it). */
static uint32_t held(const BcCall *c)
{
    return c->lock_state & (BC_LOCK_RD | BC_LOCK_WR | BC_LOCK_RD_GUARD);
}

static void test_qemu_guards(void **state)
{
    BcTuFacts *f = parse("qemu_tsa.c");

    (void)state;
    assert_int_equal(held(call_to(f, "q_inner")), BC_LOCK_RD_GUARD);
    assert_int_equal(held(call_to(f, "q_after")), 0);
    assert_int_equal(held(call_to(f, "q_with")), BC_LOCK_RD_GUARD);
    assert_int_equal(held(call_to(f, "q_end")), 0);
    bc_facts_free(f);
}

static void test_static_usr(void **state)
{
    BcTuFacts *a = parse("static_a.c"), *b = parse("static_b.c");
    const BcSymbol *ha = symbol(a, "helper"), *hb = symbol(b, "helper");

    (void)state;
    assert_true(ha->is_static && hb->is_static);
    assert_string_not_equal(ha->usr, hb->usr);
    assert_string_equal(call_to(a, "helper")->callee_usr, ha->usr);
    assert_string_equal(call_to(b, "helper")->callee_usr, hb->usr);
    assert_string_equal(symbol(a, "entry_a")->usr, "c:@F@entry_a");
    bc_facts_free(a);
    bc_facts_free(b);
}

static void test_locks_explicit(void **state)
{
    BcTuFacts *f = parse("locks.c");
    size_t events = 0;

    (void)state;
    assert_int_equal(held(call_to(f, "before")), 0);
    assert_int_equal(held(call_to(f, "read_locked")), BC_LOCK_RD);
    assert_int_equal(held(call_to(f, "after")), 0);
    assert_int_equal(held(call_to(f, "write_locked")), BC_LOCK_WR);
    for (size_t i = 0; i < f->locks.n; i++) {
        events += strcmp(f->locks.v[i].func_usr, "c:@F@explicit_locks") == 0;
    }
    assert_int_equal(events, 4);
    bc_facts_free(f);
}

static void test_locks_guards(void **state)
{
    BcTuFacts *f = parse("locks.c");
    size_t guards = 0;

    (void)state;
    assert_int_equal(held(call_to(f, "guarded")), BC_LOCK_RD_GUARD);
    assert_int_equal(held(call_to(f, "after_guard")), 0);
    assert_int_equal(held(call_to(f, "in_with")), BC_LOCK_RD_GUARD);
    assert_int_equal(held(call_to(f, "after_with")), 0);
    for (size_t i = 0; i < f->locks.n; i++) {
        guards += f->locks.v[i].op == BC_LOCK_OP_GUARD &&
                  strcmp(f->locks.v[i].func_usr, "c:@F@guards") == 0;
    }
    assert_int_equal(guards, 2);
    bc_facts_free(f);
}

static const BcCall *call_in(const BcTuFacts *f, const char *caller, const char *callee)
{
    char usr[256];

    snprintf(usr, sizeof(usr), "c:@F@%s", caller);
    for (size_t i = 0; i < f->calls.n; i++) {
        const BcCall *c = &f->calls.v[i];
        if (strcmp(c->caller_usr, usr) == 0 && c->callee_name &&
            strcmp(c->callee_name, callee) == 0) {
            return c;
        }
    }
    fail_msg("no call %s -> %s", caller, callee);
    return NULL;
}

static void test_in_coroutine(void **state)
{
    BcTuFacts *f = parse("inco.c");

    (void)state;
    assert_true(call_in(f, "mixed_then", "co_only")->in_coroutine_check);
    assert_false(call_in(f, "mixed_then", "not_co")->in_coroutine_check);
    assert_false(call_in(f, "mixed_then", "unrelated")->in_coroutine_check);
    assert_false(call_in(f, "mixed_then", "qemu_in_coroutine")->in_coroutine_check);
    assert_false(call_in(f, "mixed_return", "not_co")->in_coroutine_check);
    assert_true(call_in(f, "mixed_return", "tail")->in_coroutine_check);
    assert_false(call_in(f, "no_return", "unrelated")->in_coroutine_check);
    bc_facts_free(f);
}

/* Bits held on every path / on some path at the call to @callee. */
static void assert_lock(const BcTuFacts *f, const char *callee, uint32_t must, uint32_t may)
{
    const BcCall *c = call_to(f, callee);
    const uint32_t per_lock = BC_LOCK_RD | BC_LOCK_WR | BC_LOCK_RD_GUARD | BC_LOCK_CALLER;

    if ((c->lock_state & per_lock) != must || c->lock_may != bc_lock_one_path(may)) {
        fail_msg("%s: must %#x may %#x, expected %#x %#x", callee, c->lock_state, c->lock_may,
                 must, may);
    }
}

enum { RD = BC_LOCK_RD, CALLER = BC_LOCK_CALLER, GUARD = BC_LOCK_RD_GUARD };

static void test_flow_locks(void **state)
{
    BcTuFacts *f = parse("flow.c");

    (void)state;
    assert_int_equal(f->status, BC_TU_OK);
    assert_lock(f, "g_ok_path", RD | CALLER, RD | CALLER);
    assert_lock(f, "g_fail_label", CALLER, CALLER);
    assert_true(call_to(f, "g_ok_path")->lock_state & BC_LOCK_ANY);
    assert_lock(f, "g_then", RD | CALLER, RD | CALLER);
    assert_lock(f, "g_else", CALLER, CALLER);
    assert_lock(f, "g_after_if", CALLER, RD | CALLER);
    assert_lock(f, "g_in_loop", RD | CALLER, RD | CALLER);
    assert_lock(f, "g_after_loop", CALLER, CALLER);
    assert_lock(f, "s_case1", RD | CALLER, RD | CALLER);
    assert_lock(f, "s_case2", CALLER, CALLER);
    assert_lock(f, "s_after_switch", CALLER, RD | CALLER);
    assert_lock(f, "u_dropped", 0, 0);
    assert_lock(f, "u_retaken", RD, RD);
    assert_lock(f, "u_maybe", 0, RD);
    assert_lock(f, "d_in_do", RD | CALLER, RD | CALLER);
    assert_lock(f, "d_after_do", CALLER, CALLER);
    assert_lock(f, "k_guard_loop", GUARD | CALLER, GUARD | CALLER);
    assert_lock(f, "k_after_break", CALLER, CALLER);
    bc_facts_free(f);
}

static void test_flow_in_coroutine(void **state)
{
    BcTuFacts *f = parse("flow.c");

    (void)state;
    assert_true(call_to(f, "c_and")->in_coroutine_check);
    assert_true(call_to(f, "c_or")->in_coroutine_check);
    assert_true(call_to(f, "c_ternary")->in_coroutine_check);
    assert_true(call_to(f, "c_flag")->in_coroutine_check);
    assert_true(call_to(f, "c_likely")->in_coroutine_check);
    assert_true(call_to(f, "c_after_abort")->in_coroutine_check);
    /* !in_co && b: through the test's false edge (the engine does not
     * correlate it with the earlier return). */
    assert_false(call_to(f, "c_not_and")->in_coroutine_check);
    assert_false(call_to(f, "g_then")->in_coroutine_check);
    bc_facts_free(f);
}

static void test_field_calls(void **state)
{
    BcTuFacts *f = parse("fields.c");

    (void)state;
    assert_int_equal(call_to(f, "read")->kind, BC_CALL_SLOT);
    assert_string_equal(call_to(f, "read")->callee_usr, "c:@S@Ops@FI@read");
    assert_int_equal(call_to(f, "cb")->kind, BC_CALL_SLOT);
    assert_string_equal(call_to(f, "cb")->callee_usr, "c:@F@use@P@1");
    assert_int_equal(call_to(f, "local")->kind, BC_CALL_SLOT);
    assert_int_equal(call_to(f, "run_cb")->kind, BC_CALL_DIRECT);
    /* table[0](): the array is the slot its elements were stored in. */
    assert_int_equal(call_to(f, "table")->kind, BC_CALL_SLOT);
    bc_facts_free(f);
}

static void test_address_taken(void **state)
{
    BcTuFacts *f = parse("fields.c");
    const BcAddrTaken *a;

    (void)state;
    a = addr_of(f, "@F@my_close", BC_ADDR_INITIALIZER, "c:@S@Ops@FI@close");
    assert_int_equal(a->loc.line, 15);
    assert_null(a->context_usr);
    addr_of(f, "@F@my_read", BC_ADDR_INITIALIZER, "c:@S@Ops@FI@read");
    a = addr_of(f, "@F@my_read", BC_ADDR_INITIALIZER, "c:@S@Ops@FI@read");
    assert_int_equal(symbol(f, "Ops::read")->kind, BC_SYM_FIELD);
    addr_of(f, "@F@other_close", BC_ADDR_ASSIGNMENT, "c:@S@Ops@FI@close");
    addr_of(f, "@F@arg_fn", BC_ADDR_ARGUMENT, "c:@F@run_cb@P@0");
    addr_of(f, "@F@other_close", BC_ADDR_INITIALIZER, "c:fields.c@table");
    /* Positional: the second value lands in the second field. */
    size_t n_close = 0;
    for (size_t i = 0; i < f->addrs.n; i++) {
        n_close += f->addrs.v[i].slot_usr &&
                   strcmp(f->addrs.v[i].slot_usr, "c:@S@Ops@FI@close") == 0 &&
                   f->addrs.v[i].kind == BC_ADDR_INITIALIZER;
    }
    assert_int_equal(n_close, 2);
    bool inner = false;
    for (size_t i = 0; i < f->addrs.n; i++) {
        const char *s = f->addrs.v[i].slot_usr;
        inner |= s && strstr(s, "@FI@inner") != NULL;
    }
    assert_true(inner);
    bc_facts_free(f);
}

static void test_polls(void **state)
{
    BcTuFacts *f = parse("poll.c");
    size_t in_waits = 0;

    (void)state;
    for (size_t i = 0; i < f->polls.n; i++) {
        const BcPoll *p = &f->polls.v[i];
        if (strcmp(p->func_usr, "c:@F@waits") == 0) {
            in_waits++;
            assert_string_equal(p->what, "AIO_WAIT_WHILE");
            assert_int_equal(p->loc.line, 11);
            assert_int_equal(p->loc.col, 5);
            assert_int_equal(p->lock_state, bc_lock_one_path(BC_LOCK_CALLER));
        } else if (strcmp(p->func_usr, "c:@F@polls_directly") == 0) {
            assert_string_equal(p->what, "aio_poll");
        } else if (strcmp(p->func_usr, "c:@F@waits_guarded") == 0) {
            assert_int_equal(p->lock_state, bc_lock_one_path(BC_LOCK_RD_GUARD | BC_LOCK_CALLER));
        }
    }
    assert_int_equal(in_waits, 1);           /* the macro, not also its aio_poll */
    assert_int_equal(f->polls.n, 3);
    assert_string_equal(call_in(f, "waits", "aio_poll")->macro, "AIO_WAIT_WHILE");
    assert_string_equal(call_in(f, "waits", "busy")->macro, "AIO_WAIT_WHILE");
    assert_null(call_in(f, "polls_directly", "aio_poll")->macro);
    bc_facts_free(f);
}

static void test_syntax_error(void **state)
{
    BcTuFacts *f = parse("syntax.c");

    (void)state;
    assert_int_equal(f->status, BC_TU_ERRORS);
    assert_non_null(f->error);
    assert_non_null(strstr(f->error, "syntax.c:3"));
    assert_string_equal(call_in(f, "before_error", "fine")->callee_usr, "c:@F@fine");
    bc_facts_free(f);
}

static void test_missing_file(void **state)
{
    BcTuFacts *f = parse("does-not-exist.c");

    (void)state;
    assert_int_equal(f->status, BC_TU_FAILED);
    assert_non_null(f->error);
    bc_facts_free(f);
}

static void test_included_files(void **state)
{
    BcTuFacts *f = parse("locks.c");
    bool annotations = false, self = false;

    (void)state;
    for (size_t i = 0; i < f->files.n; i++) {
        annotations |= strstr(f->files.v[i], "blkcheck/annotations.h") != NULL;
        self |= strstr(f->files.v[i], "inputs/locks.c") != NULL;
        assert_true(f->files.v[i][0] == '/');
    }
    assert_true(annotations && self);
    bc_facts_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_annotate),
        cmocka_unit_test(test_labels_qemu_tsa),
        cmocka_unit_test(test_qemu_guards),
        cmocka_unit_test(test_static_usr),
        cmocka_unit_test(test_locks_explicit),
        cmocka_unit_test(test_locks_guards),
        cmocka_unit_test(test_in_coroutine),
        cmocka_unit_test(test_flow_locks),
        cmocka_unit_test(test_flow_in_coroutine),
        cmocka_unit_test(test_field_calls),
        cmocka_unit_test(test_address_taken),
        cmocka_unit_test(test_polls),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_included_files),
    };
    int ret;

    cfg = bc_config_default();
    ret = cmocka_run_group_tests(tests, NULL, NULL);
    bc_config_free(cfg);
    return ret;
}
