/*
 * test_config.c - defaults, .blkcheck.json loading and its error messages
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "fixture.h"
#include "rules.h"


static void write_config(const char *text)
{
    FILE *fp = fopen(fx_tmp_path, "w");
    fputs(text, fp);
    fclose(fp);
}

/* Load @text; expect failure with "PATH:LINE:" and @needle in the message. */
static void expect_error(const char *text, int line, const char *needle)
{
    BcConfig *c = NULL;
    char *err = NULL, prefix[128];
    int ret;

    write_config(text);
    /* As the command line does: load, then check the rule names. */
    ret = bc_config_load(fx_tmp_path, &c, &err);
    if (ret == 0) {
        ret = bc_rules_check_config(c, &err);
        bc_config_free(c);
        c = NULL;
    }
    assert_int_equal(ret, -EINVAL);
    assert_null(c);
    assert_non_null(err);
    snprintf(prefix, sizeof(prefix), "%s:%d:", fx_tmp_path, line);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, needle)) {
        fail_msg("got \"%s\", wanted prefix \"%s\" and \"%s\"", err, prefix, needle);
    }
    free(err);
}

static void config_defaults(void **state)
{
    BcConfig *c = bc_config_default();
    (void)state;
    assert_true(BC_CONFIG_HAS(c, rdlock_functions, "bdrv_graph_co_rdlock"));
    assert_true(BC_CONFIG_HAS(c, rdlock_functions, "bdrv_graph_rdlock_main_loop"));
    assert_true(BC_CONFIG_HAS(c, rdunlock_functions, "bdrv_graph_co_rdunlock"));
    assert_true(BC_CONFIG_HAS(c, rdunlock_functions, "bdrv_graph_rdunlock_main_loop"));
    assert_true(BC_CONFIG_HAS(c, wrlock_functions, "bdrv_graph_wrlock"));
    assert_true(BC_CONFIG_HAS(c, wrunlock_functions, "bdrv_graph_wrunlock"));
    assert_true(BC_CONFIG_HAS(c, guard_macros, "GRAPH_RDLOCK_GUARD"));
    assert_true(BC_CONFIG_HAS(c, guard_macros, "WITH_GRAPH_RDLOCK_GUARD"));
    assert_true(BC_CONFIG_HAS(c, guard_functions, "bdrv_graph_rdlock_guard_take"));
    assert_true(BC_CONFIG_HAS(c, in_coroutine_functions, "qemu_in_coroutine"));
    assert_true(BC_CONFIG_HAS(c, polling_functions, "aio_poll"));
    assert_true(BC_CONFIG_HAS(c, polling_macros, "AIO_WAIT_WHILE"));
    assert_true(BC_CONFIG_HAS(c, polling_macros, "AIO_WAIT_WHILE_UNLOCKED"));
    assert_false(BC_CONFIG_HAS(c, polling_macros, "aio_poll"));
    assert_string_equal(c->graph_lock_capability, "graph_lock");
    assert_int_equal(c->code_class_macros.n, 3);
    assert_string_equal(c->code_class_macros.v[1].from, "IO_CODE");
    assert_string_equal(c->code_class_macros.v[1].to, "code_class:io");
    assert_int_equal(bc_rule_severity(c, bc_rule_by_number(1)), BC_SEV_WARNING);
    assert_int_equal(bc_rule_severity(c, bc_rule_by_number(10)), BC_SEV_NOTE);
    assert_string_equal(bc_config_canonical_label(c, "coroutine_fn"), "coroutine_fn");
    bc_config_free(c);
}

static void config_load_valid(void **state)
{
    BcConfig *c = NULL;
    char *err = NULL;
    (void)state;
    write_config("{\n"
                 "  \"// comment\": \"ignored\",\n"
                 "  \"label_aliases\": { \"qemu_co\": \"coroutine_fn\" },\n"
                 "  \"external_labels\": { \"qemu_coroutine_yield\": [\"coroutine_fn\"] },\n"
                 "  \"polling_functions\": [\"aio_poll\", \"my_poll\"],\n"
                 "  \"graph_lock\": { \"capability\": \"big_lock\",\n"
                 "                    \"wrlock\": [\"take_all\"] },\n"
                 "  \"code_class_macros\": { \"IO_CODE\": \"code_class:io_or_gs\" },\n"
                 "  \"severity\": { \"BC004\": \"error\", \"infer-coroutine-fn\": \"off\" },\n"
                 "  \"skip_paths\": [\"tests/*\"]\n"
                 "}\n");
    assert_int_equal(bc_config_load(fx_tmp_path, &c, &err), 0);
    assert_null(err);
    assert_string_equal(bc_config_canonical_label(c, "qemu_co"), "coroutine_fn");
    assert_int_equal(c->external_labels.n, 1);
    assert_true(BC_CONFIG_HAS(c, polling_functions, "my_poll"));
    assert_string_equal(c->graph_lock_capability, "big_lock");
    assert_true(BC_CONFIG_HAS(c, wrlock_functions, "take_all"));
    assert_false(BC_CONFIG_HAS(c, wrlock_functions, "bdrv_graph_wrlock"));  /* replaced */
    assert_true(BC_CONFIG_HAS(c, rdlock_functions, "bdrv_graph_co_rdlock")); /* kept */
    assert_int_equal(c->code_class_macros.n, 3);                             /* merged */
    assert_string_equal(c->code_class_macros.v[1].to, "code_class:io_or_gs");
    assert_int_equal(bc_rule_severity(c, bc_rule_by_number(4)), BC_SEV_ERROR);
    assert_int_equal(bc_rule_severity(c, bc_rule_by_number(10)), BC_SEV_OFF);
    assert_int_equal(bc_rule_severity(c, bc_rule_by_number(1)), BC_SEV_WARNING);
    assert_true(bc_config_skip_path(c, "/abs/tree/tests/x.c"));
    assert_false(bc_config_skip_path(c, "/abs/tree/src/x.c"));
    bc_config_free(c);
}

static void config_conventions(void **state)
{
    BcConfig *c = bc_config_default();
    char *err = NULL;

    (void)state;
    assert_true(c->weaker_function_in_slot);
    assert_true(c->mixed_wrappers_no_coroutine);
    assert_true(bc_config_repeat_on_definition(c, "graph_rdlock"));
    assert_false(bc_config_no_poll_when_fresh(c, "blk_unref", 0));
    bc_config_free(c);
    write_config("{ \"conventions\": { \"repeat_on_definition\": [\"COROUTINE_FN\"],\n"
                 "  \"weaker_function_in_slot\": false,\n"
                 "  \"mixed_wrappers_no_coroutine\": false,\n"
                 "  \"no_poll_when_fresh\": { \"blk_unref\": { \"args\": [0, 2],\n"
                 "    \"constructors\": [\"blk_new\"] } } } }\n");
    assert_int_equal(bc_config_load(fx_tmp_path, &c, &err), 0);
    assert_false(c->weaker_function_in_slot);
    assert_false(c->mixed_wrappers_no_coroutine);
    assert_true(bc_config_repeat_on_definition(c, "coroutine_fn"));
    assert_false(bc_config_repeat_on_definition(c, "graph_rdlock"));
    assert_true(bc_config_no_poll_when_fresh(c, "blk_unref", 0));
    assert_false(bc_config_no_poll_when_fresh(c, "blk_unref", 1));
    assert_true(bc_config_no_poll_when_fresh(c, "blk_unref", 2));
    assert_false(bc_config_no_poll_when_fresh(c, "bdrv_unref", 0));
    assert_true(bc_config_is_constructor(c, "blk_new"));
    assert_false(bc_config_is_constructor(c, "blk_by_name"));
    bc_config_free(c);
    expect_error("{\n \"conventions\": {\n  \"weaker_function_in_slot\": 1 } }", 3,
                 "expected true or false");
    expect_error("{\n \"conventions\": {\n  \"repeat_on_definition\": [\"nope\"] } }", 3,
                 "'nope' is not a blkcheck label");
    expect_error("{\n \"conventions\": {\n  \"no_poll_when_fresh\": {\n"
                 "   \"f\": { \"args\": [-1], \"constructors\": [\"g\"] } } } }", 4,
                 "argument index");
    expect_error("{\n \"conventions\": {\n  \"no_poll_when_fresh\": {\n"
                 "   \"f\": { \"args\": [0] } } } }", 4, "needs");
}

static void config_unknown_key_has_line(void **state)
{
    (void)state;
    expect_error("{\n  \"polling_functions\": [],\n  \"poling_macros\": []\n}\n", 3,
                 "unknown key 'poling_macros'");
    expect_error("{\n  \"graph_lock\": {\n    \"rdlock\": [],\n\n    \"rdlok\": []\n  }\n}\n",
                 5, "graph_lock.rdlok");
}

static void config_wrong_types_have_line(void **state)
{
    (void)state;
    expect_error("{\n\"polling_functions\": \"aio_poll\"\n}", 2, "array of strings");
    expect_error("{\n\"skip_paths\": [\n\"a\",\n 3]\n}", 2, "skip_paths[1]");
    expect_error("{\n\"graph_lock\": {\n\"capability\": 7 }\n}", 3, "graph_lock.capability");
    expect_error("{\n\"severity\": {\n \"BC001\": \"loud\"\n}\n}", 3, "\"error\"");
    expect_error("{\n\"severity\": {\n\n \"BC099\": \"error\"\n}\n}", 4, "unknown rule");
    expect_error("{\n\"label_aliases\": {\n \"x\": \"not_a_label\"\n}\n}", 3,
                 "not a blkcheck label");
    expect_error("[1, 2]", 1, "top level");
}

static void config_syntax_error_and_missing_file(void **state)
{
    BcConfig *c = NULL;
    char *err = NULL;
    (void)state;
    expect_error("{\n  \"polling_functions\": [\"a\",]\n}\n", 2, "");
    expect_error("{\n \"skip_paths\": [],\n \"skip_paths\": []\n}\n", 3, "duplicate");
    assert_int_equal(bc_config_load("/nonexistent/.blkcheck.json", &c, &err), -ENOENT);
    assert_non_null(strstr(err, "/nonexistent/.blkcheck.json"));
    free(err);
}

static void config_qemu_sample_loads(void **state)
{
    BcConfig *c = NULL;
    char *err = NULL;
    (void)state;
    assert_int_equal(bc_config_load(BC_SOURCE_DIR "/docs/qemu.blkcheck.json", &c, &err), 0);
    assert_null(err);
    assert_true(BC_CONFIG_HAS(c, in_coroutine_functions, "qemu_in_coroutine"));
    assert_true(BC_CONFIG_HAS(c, guard_functions, "graph_lockable_auto_lock"));
    assert_string_equal(c->graph_lock_capability, "graph_lock");
    bc_config_free(c);
}

#define RULES(n) BC_RULE_BIT(bc_rule_by_number(n))

static void rules_parse_lists(void **state)
{
    BcRuleSet en;
    const char *bad = NULL;
    size_t bad_len = 0;
    (void)state;
    assert_int_equal(bc_rules_parse("BC001,poll-in-coroutine,bc010", &en, &bad, &bad_len), 0);
    assert_int_equal(en, RULES(1) | RULES(4) | RULES(10));
    assert_int_equal(bc_rules_parse("all,-BC010", &en, &bad, &bad_len), 0);
    assert_int_equal(en, BC_RULES_ALL & ~RULES(10));
    assert_int_equal(bc_rules_parse("BC001,BC077", &en, &bad, &bad_len), -EINVAL);
    assert_int_equal(bad_len, 5);
    assert_memory_equal(bad, "BC077", 5);
    assert_int_equal(bc_rules_parse("BC001,,BC002", &en, &bad, &bad_len), -EINVAL);
    assert_non_null(bc_rule_by_name("gs-from-io"));
    assert_int_equal(bc_rule_by_name("BC009")->number, 9);
    assert_null(bc_rule_by_name("nope"));
}

/* The table is the rules' one identity: ids, numbers and indexes agree. */
static void rules_table_consistent(void **state)
{
    char id[16];
    (void)state;
    assert_true(bc_n_rules >= 10 && bc_n_rules <= 64);
    for (size_t i = 0; i < bc_n_rules; i++) {
        const BcRule *r = bc_rules[i];
        snprintf(id, sizeof(id), "BC%03d", r->number);
        assert_string_equal(r->id, id);
        assert_int_equal(bc_rule_index(r), i);
        assert_ptr_equal(bc_rule_by_number(r->number), r);
        assert_ptr_equal(bc_rule_by_name(r->name), r);
        assert_non_null(r->run);
        for (size_t j = 0; j < i; j++) {
            assert_int_not_equal(bc_rules[j]->number, r->number);
            assert_string_not_equal(bc_rules[j]->name, r->name);
        }
    }
    assert_int_equal(BC_RULES_ALL, bc_n_rules == 64 ? ~(BcRuleSet)0
                                                    : ((BcRuleSet)1 << bc_n_rules) - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_defaults),
        cmocka_unit_test_setup_teardown(config_load_valid, fx_tmpfile_setup,
                                        fx_tmpfile_teardown),
        cmocka_unit_test_setup_teardown(config_conventions, fx_tmpfile_setup,
                                        fx_tmpfile_teardown),
        cmocka_unit_test_setup_teardown(config_unknown_key_has_line, fx_tmpfile_setup,
                                        fx_tmpfile_teardown),
        cmocka_unit_test_setup_teardown(config_wrong_types_have_line, fx_tmpfile_setup,
                                        fx_tmpfile_teardown),
        cmocka_unit_test_setup_teardown(config_syntax_error_and_missing_file, fx_tmpfile_setup,
                                        fx_tmpfile_teardown),
        cmocka_unit_test(config_qemu_sample_loads),
        cmocka_unit_test(rules_parse_lists),
        cmocka_unit_test(rules_table_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
