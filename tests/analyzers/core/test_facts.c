/*
 * test_facts.c - the facts cache format: round trip, corruption, versions
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fixture.h"

typedef struct Tmp {
    char dir[64];
    char path[128];
} Tmp;

static int setup(void **state)
{
    Tmp *t = calloc(1, sizeof(*t));
    strcpy(t->dir, "/tmp/bc-facts-XXXXXX");
    if (!mkdtemp(t->dir)) {
        return -1;
    }
    snprintf(t->path, sizeof(t->path), "%s/tu.facts", t->dir);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    Tmp *t = *state;
    DIR *d = opendir(t->dir);
    struct dirent *e;
    char p[512];

    while (d && (e = readdir(d))) {
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof(p), "%s/%s", t->dir, e->d_name);
            unlink(p);
        }
    }
    if (d) {
        closedir(d);
    }
    rmdir(t->dir);
    free(t);
    return 0;
}

static BcTuFacts *sample(void)
{
    BcTuFacts *t = fx_tu("/src/a.c");
    const char *hdr = "/src/a.h";

    fx_decl(t, "co_read", 3, "coroutine_fn, graph_rdlock");
    fx_def(t, "co_read", 10, "coroutine_fn, graph_rdlock, code_class:io");
    fx_def(t, "a.c#helper", 20, NULL);
    fx_slot(t, "Drv::cb", "graph_rdlock_ptr");
    fx_call(t, "co_read", "a.c#helper", 11, BC_LOCK_RD | BC_LOCK_RD_GUARD, true);
    fx_call_slot(t, "a.c#helper", "Drv::cb", 21, 0, false);
    t->calls.v[1].macro = "WITH_GRAPH_RDLOCK_GUARD";
    BcCall unknown = { fx_usr(t, "a.c#helper"), NULL, NULL, BC_CALL_UNKNOWN,
                       { NULL, 0, 0 }, 0, 0, false, NULL, 0, 0 };
    bc_vec_push(&t->calls, unknown);
    fx_addr(t, "co_read", "Drv::cb", BC_ADDR_INITIALIZER, NULL, 30);
    fx_addr(t, "a.c#helper", NULL, BC_ADDR_ARGUMENT, "co_read", 12);
    fx_poll(t, "a.c#helper", "AIO_WAIT_WHILE", 22, BC_LOCK_WR);
    fx_lock(t, "co_read", BC_LOCK_OP_GUARD, 13, 0);
    bc_vec_push(&t->files, t->main_file);
    bc_vec_push(&t->files, hdr);
    t->status = BC_TU_ERRORS;
    t->error = "a.c:5: error: expected ';'";
    return t;
}

static void same_loc(BcLoc a, BcLoc b)
{
    if (a.file || b.file) {
        assert_non_null(a.file);
        assert_non_null(b.file);
        assert_string_equal(a.file, b.file);
    }
    assert_int_equal(a.line, b.line);
    assert_int_equal(a.col, b.col);
}

static void same_facts(const BcTuFacts *a, const BcTuFacts *b)
{
    assert_string_equal(a->main_file, b->main_file);
    assert_int_equal(a->status, b->status);
    assert_string_equal(a->error, b->error);
    assert_int_equal(a->symbols.n, b->symbols.n);
    for (size_t i = 0; i < a->symbols.n; i++) {
        assert_string_equal(a->symbols.v[i].usr, b->symbols.v[i].usr);
        assert_string_equal(a->symbols.v[i].qual_name, b->symbols.v[i].qual_name);
        assert_int_equal(a->symbols.v[i].kind, b->symbols.v[i].kind);
        assert_int_equal(a->symbols.v[i].is_static, b->symbols.v[i].is_static);
        assert_int_equal(a->symbols.v[i].has_body_here, b->symbols.v[i].has_body_here);
    }
    assert_int_equal(a->decls.n, b->decls.n);
    for (size_t i = 0; i < a->decls.n; i++) {
        assert_int_equal(a->decls.v[i].n_labels, b->decls.v[i].n_labels);
        for (uint32_t k = 0; k < a->decls.v[i].n_labels; k++) {
            assert_string_equal(a->decls.v[i].labels[k], b->decls.v[i].labels[k]);
        }
        same_loc(a->decls.v[i].loc, b->decls.v[i].loc);
        assert_int_equal(a->decls.v[i].is_definition, b->decls.v[i].is_definition);
    }
    assert_int_equal(a->calls.n, b->calls.n);
    for (size_t i = 0; i < a->calls.n; i++) {
        assert_int_equal(a->calls.v[i].kind, b->calls.v[i].kind);
        assert_int_equal(a->calls.v[i].lock_state, b->calls.v[i].lock_state);
        assert_int_equal(a->calls.v[i].in_coroutine_check, b->calls.v[i].in_coroutine_check);
        assert_true((a->calls.v[i].callee_usr == NULL) == (b->calls.v[i].callee_usr == NULL));
        assert_true((a->calls.v[i].macro == NULL) == (b->calls.v[i].macro == NULL));
        same_loc(a->calls.v[i].loc, b->calls.v[i].loc);
    }
    assert_string_equal(b->calls.v[1].macro, "WITH_GRAPH_RDLOCK_GUARD");
    assert_int_equal(a->addrs.n, b->addrs.n);
    assert_null(b->addrs.v[1].slot_usr);
    assert_string_equal(a->addrs.v[1].context_usr, b->addrs.v[1].context_usr);
    assert_int_equal(b->addrs.v[1].kind, BC_ADDR_ARGUMENT);
    assert_int_equal(a->polls.n, b->polls.n);
    assert_int_equal(b->polls.v[0].lock_state, bc_lock_one_path(BC_LOCK_WR | BC_LOCK_CALLER));
    assert_int_equal(b->polls.v[0].lock_may, bc_lock_one_path(BC_LOCK_WR | BC_LOCK_CALLER));
    assert_string_equal(b->polls.v[0].what, "AIO_WAIT_WHILE");
    assert_int_equal(a->locks.n, b->locks.n);
    assert_int_equal(b->locks.v[0].op, BC_LOCK_OP_GUARD);
    assert_int_equal(a->files.n, b->files.n);
    assert_string_equal(b->files.v[1], "/src/a.h");
}

static void facts_round_trip(void **state)
{
    Tmp *tmp = *state;
    BcTuFacts *a = sample(), *b = NULL;

    assert_int_equal(bc_facts_save(a, tmp->path), 0);
    assert_int_equal(bc_facts_load(tmp->path, &b), 0);
    assert_non_null(b);
    same_facts(a, b);
    bc_facts_free(a);
    bc_facts_free(b);
}

static void facts_empty_round_trip(void **state)
{
    Tmp *tmp = *state;
    BcTuFacts *a = bc_facts_new("/x.c"), *b = NULL;

    assert_int_equal(bc_facts_save(a, tmp->path), 0);
    assert_int_equal(bc_facts_load(tmp->path, &b), 0);
    assert_string_equal(b->main_file, "/x.c");
    assert_int_equal(b->calls.n, 0);
    assert_null(b->error);
    bc_facts_free(a);
    bc_facts_free(b);
}

static long file_size(const char *path)
{
    FILE *fp = fopen(path, "rb");
    long n;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fclose(fp);
    return n;
}

static void patch(const char *path, long off, unsigned char xor_with)
{
    FILE *fp = fopen(path, "r+b");
    int c;
    fseek(fp, off, SEEK_SET);
    c = fgetc(fp);
    fseek(fp, off, SEEK_SET);
    fputc(c ^ xor_with, fp);
    fclose(fp);
}

/* Every single flipped byte must load as -EINVAL, never as facts. */
static void facts_every_byte_flip_rejected(void **state)
{
    Tmp *tmp = *state;
    BcTuFacts *a = sample(), *b = NULL;
    long n;

    assert_int_equal(bc_facts_save(a, tmp->path), 0);
    n = file_size(tmp->path);
    assert_true(n > 64);
    for (long off = 0; off < n; off++) {
        patch(tmp->path, off, 0x41);
        assert_int_equal(bc_facts_load(tmp->path, &b), -EINVAL);
        assert_null(b);
        patch(tmp->path, off, 0x41);
    }
    assert_int_equal(bc_facts_load(tmp->path, &b), 0);   /* restored: loads again */
    bc_facts_free(b);
    bc_facts_free(a);
}

static void facts_truncated_and_garbage(void **state)
{
    Tmp *tmp = *state;
    BcTuFacts *a = sample(), *b = NULL;
    long n;
    FILE *fp;

    assert_int_equal(bc_facts_save(a, tmp->path), 0);
    n = file_size(tmp->path);
    for (long keep = 0; keep < n; keep += 7) {
        assert_int_equal(truncate(tmp->path, keep), 0);
        assert_int_equal(bc_facts_load(tmp->path, &b), -EINVAL);
        assert_int_equal(bc_facts_save(a, tmp->path), 0);
    }
    fp = fopen(tmp->path, "wb");
    fputs("{\"not\": \"facts\"}", fp);
    fclose(fp);
    assert_int_equal(bc_facts_load(tmp->path, &b), -EINVAL);
    bc_facts_free(a);
}

static void facts_other_version_rejected(void **state)
{
    Tmp *tmp = *state;
    BcTuFacts *a = sample(), *b = NULL;

    assert_int_equal(bc_facts_save(a, tmp->path), 0);
    patch(tmp->path, 8, 0x02);          /* version field: 1 -> 3 */
    assert_int_equal(bc_facts_load(tmp->path, &b), -EINVAL);
    assert_null(b);
    bc_facts_free(a);
}

static void facts_missing_file_and_atomic_write(void **state)
{
    Tmp *tmp = *state;
    BcTuFacts *a = sample(), *b = NULL;
    char bad[200];
    DIR *d;
    struct dirent *e;
    int entries = 0;

    assert_int_equal(bc_facts_load(tmp->path, &b), -ENOENT);
    snprintf(bad, sizeof(bad), "%s/no/such/dir/x.facts", tmp->dir);
    assert_true(bc_facts_save(a, bad) < 0);
    assert_int_equal(bc_facts_save(a, tmp->path), 0);
    assert_int_equal(bc_facts_save(a, tmp->path), 0);   /* replace in place */
    d = opendir(tmp->dir);
    while ((e = readdir(d))) {
        entries += e->d_name[0] != '.';
    }
    closedir(d);
    assert_int_equal(entries, 1);                        /* no temp file left */
    bc_facts_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(facts_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(facts_empty_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(facts_every_byte_flip_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(facts_truncated_and_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(facts_other_version_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(facts_missing_file_and_atomic_write, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
