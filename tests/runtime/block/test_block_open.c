/*
 * test_block_open.c - opening nodes (runtime/block/block.c, null.c): the
 * null driver's options and behaviour, the error messages for unknown
 * drivers and options, bad values and node names, child nodes given by
 * reference ("file=NODE") or by options ("file.driver=..."), reference
 * counts, and the node list.
 *
 * Context: the test thread is the main loop; every case leaves no node
 * behind (checked), and ASan builds check that nothing leaks.
 */
#include <string.h>

#include "rt-test.h"
#include "block/block_int.h"
#include "sysemu/block-backend.h"
#include "test-filter.h"

static int count_nodes(void)
{
    int n = 0;

    for (BlockDriverState *bs = bdrv_next_node(NULL); bs;
         bs = bdrv_next_node(bs)) {
        n++;
    }
    return n;
}

static BlockDriverState *open_ok(const char *optstr)
{
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open_opts(optstr, &err);

    if (!bs) {
        fail_msg("'%s': %s", optstr, error_get_pretty(err));
    }
    assert_null(err);
    return bs;
}

/* Opening @optstr fails with exactly @msg and leaves no node behind. */
static void expect_open_error(const char *optstr, const char *msg)
{
    int before = count_nodes();
    Error *err = NULL;

    assert_null(bdrv_open_opts(optstr, &err));
    assert_non_null(err);
    assert_string_equal(error_get_pretty(err), msg);
    error_free(err);
    assert_int_equal(count_nodes(), before);
}

static BlockBackend *backend_on(BlockDriverState *bs)
{
    BlockBackend *blk = blk_new("test");

    assert_int_equal(blk_insert_bs(blk, bs, NULL), 0);
    return blk;
}

static int group_setup(void **state)
{
    if (rt_group_setup(state)) {
        return -1;
    }
    test_filter_register();
    return 0;
}

static void test_null_defaults(void **state)
{
    BlockDriverState *bs = open_ok("driver=null");
    int64_t pnum = 0, map = -1;
    BlockDriverState *file = NULL;

    (void)state;
    assert_string_equal(bdrv_get_format_name(bs), "null");
    assert_int_equal(strncmp(bdrv_get_node_name(bs), "#block", 6), 0);
    assert_false(bdrv_is_read_only(bs));
    assert_int_equal(bs->total_bytes, 1LL << 30);
    assert_int_equal(bdrv_getlength(bs), 1LL << 30);
    assert_int_equal(bs->refcnt, 1);
    assert_string_equal(bs->options, "driver=null");
    assert_ptr_equal(bdrv_find_node(bdrv_get_node_name(bs)), bs);
    assert_int_equal(bdrv_block_status(bs, 4096, 8192, &pnum, &map, &file),
                     BDRV_BLOCK_DATA);
    assert_int_equal(pnum, 8192);
    assert_ptr_equal(file, bs);
    bdrv_unref(bs);
    assert_int_equal(count_nodes(), 0);
}

static void test_null_automatic_names_differ(void **state)
{
    BlockDriverState *a = open_ok("driver=null");
    BlockDriverState *b = open_ok("driver=null");

    (void)state;
    assert_string_not_equal(bdrv_get_node_name(a), bdrv_get_node_name(b));
    assert_ptr_equal(bdrv_find_node(bdrv_get_node_name(b)), b);
    bdrv_unref(a);
    bdrv_unref(b);
}

static void test_null_read_zeroes_and_latency(void **state)
{
    BlockDriverState *bs = open_ok("driver=null,node-name=z,size=1M,"
                                   "read-zeroes=on,latency-ns=2000000,"
                                   "read-only=on");
    BlockBackend *blk = backend_on(bs);
    uint8_t buf[512], zero[512] = { 0 };
    int64_t pnum = 0, t0;

    (void)state;
    assert_string_equal(bdrv_get_node_name(bs), "z");
    assert_true(bdrv_is_read_only(bs));
    assert_int_equal(bs->total_bytes, 1 << 20);
    assert_int_equal(bdrv_block_status(bs, 0, 1 << 20, &pnum, NULL, NULL),
                     BDRV_BLOCK_ZERO);
    assert_int_equal(pnum, 1 << 20);
    memset(buf, 0xaa, sizeof(buf));
    t0 = qemu_clock_get_ns();
    assert_int_equal(blk_pread(blk, 4096, sizeof(buf), buf, 0), 0);
    assert_true(qemu_clock_get_ns() - t0 >= 2000000);
    assert_memory_equal(buf, zero, sizeof(buf));
    blk_unref(blk);
    bdrv_unref(bs);
    assert_null(bdrv_find_node("z"));
}

static void test_null_reads_leave_buffer(void **state)
{
    BlockDriverState *bs = open_ok("driver=null,size=64k");
    BlockBackend *blk = backend_on(bs);
    uint8_t buf[4096], pattern[4096];

    (void)state;
    memset(buf, 0x5c, sizeof(buf));
    memset(pattern, 0x5c, sizeof(pattern));
    assert_int_equal(blk_pread(blk, 0, sizeof(buf), buf, 0), 0);
    assert_memory_equal(buf, pattern, sizeof(buf));
    assert_int_equal(blk_pwrite(blk, 8192, sizeof(buf), buf, BDRV_REQ_FUA), 0);
    assert_int_equal(blk_pwrite_zeroes(blk, 0, 65536, BDRV_REQ_MAY_UNMAP), 0);
    assert_int_equal(blk_pdiscard(blk, 0, 65536), 0);
    assert_int_equal(blk_flush(blk), 0);
    assert_int_equal(blk_getlength(blk), 65536);
    blk_unref(blk);
    bdrv_unref(bs);
}

static void test_unknown_driver(void **state)
{
    static const char head[] = "unknown driver 'nope' (known drivers: null";
    static const char tail[] = ", testfilter)";
    Error *err = NULL;
    const char *msg;

    (void)state;
    assert_null(bdrv_open_opts("driver=nope,size=1M", &err));
    msg = error_get_pretty(err);
    assert_int_equal(strncmp(msg, head, strlen(head)), 0);
    assert_string_equal(msg + strlen(msg) - strlen(tail), tail);
    error_free(err);
    err = NULL;
    assert_null(bdrv_open_opts("size=1M", &err));
    msg = error_get_pretty(err);
    assert_int_equal(strncmp(msg, "option 'driver' is missing (known "
                             "drivers: null", 46), 0);
    error_free(err);
    assert_int_equal(count_nodes(), 0);
}

static void test_unknown_option(void **state)
{
    (void)state;
    expect_open_error("driver=null,sise=1M",
                      "driver 'null' has no option 'sise'");
    expect_open_error("driver=null,size=1M,read-zeroes=on,latency=5",
                      "driver 'null' has no option 'latency'");
    expect_open_error("driver=null,file.driver=null",
                      "driver 'null' has no option 'file.driver'");
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_open_error("driver=null,size=12Q",
                      "driver 'null': option 'size': '12Q' is not a size "
                      "(a number with an optional k, M, G or T suffix)");
    expect_open_error("driver=null,size=4194304T",
                      "driver 'null': option 'size': 4611686018427387904 is "
                      "larger than the maximum of 4611686018427387903 bytes");
    expect_open_error("driver=null,read-zeroes=sometimes",
                      "driver 'null': option 'read-zeroes': 'sometimes' is "
                      "not a boolean (use on/off, true/false, yes/no or 1/0)");
    expect_open_error("driver=null,latency-ns=-1",
                      "driver 'null': option 'latency-ns': '-1' is not an "
                      "unsigned integer");
    expect_open_error("driver=null,read-only=maybe",
                      "driver 'null': option 'read-only': 'maybe' is not a "
                      "boolean (use on/off, true/false, yes/no or 1/0)");
    expect_open_error("driver=null,size",
                      "option string 'driver=null,size': key 'size' has no "
                      "'=value'");
}

static void test_node_names(void **state)
{
    static const char invalid[] = "(a letter, then letters, digits, '-', "
                                  "'_' or '.'; at most 63 characters)";
    BlockDriverState *a = open_ok("driver=null,node-name=disk-0.a_b");
    char msg[256], opt[160];

    (void)state;
    expect_open_error("driver=null,node-name=disk-0.a_b",
                      "driver 'null': node name 'disk-0.a_b' is already in "
                      "use");
    snprintf(msg, sizeof(msg), "driver 'null': node name '1abc' is invalid %s",
             invalid);
    expect_open_error("driver=null,node-name=1abc", msg);
    snprintf(msg, sizeof(msg), "driver 'null': node name '#block0' is "
             "invalid %s", invalid);
    expect_open_error("driver=null,node-name=#block0", msg);
    snprintf(msg, sizeof(msg), "driver 'null': node name '' is invalid %s",
             invalid);
    expect_open_error("driver=null,node-name=", msg);
    /* 63 characters fit, 64 do not. */
    snprintf(opt, sizeof(opt), "driver=null,node-name=%s", "n"
             "12345678901234567890123456789012345678901234567890123456789012");
    BlockDriverState *longest = open_ok(opt);
    assert_int_equal(strlen(bdrv_get_node_name(longest)), 63);
    snprintf(opt, sizeof(opt), "driver=null,node-name=%s", "n"
             "123456789012345678901234567890123456789012345678901234567890123");
    snprintf(msg, sizeof(msg), "driver 'null': node name '%s' is invalid %s",
             opt + strlen("driver=null,node-name="), invalid);
    expect_open_error(opt, msg);
    bdrv_unref(longest);
    bdrv_unref(a);
    /* The name is free again. */
    a = open_ok("driver=null,node-name=disk-0.a_b");
    bdrv_unref(a);
    assert_int_equal(count_nodes(), 0);
}

static void test_next_node_and_refs(void **state)
{
    BlockDriverState *a = open_ok("driver=null,node-name=a");
    BlockDriverState *b = open_ok("driver=null,node-name=b");
    BlockDriverState *c = open_ok("driver=null,node-name=c");

    (void)state;
    assert_ptr_equal(bdrv_next_node(NULL), a);
    assert_ptr_equal(bdrv_next_node(a), b);
    assert_ptr_equal(bdrv_next_node(b), c);
    assert_null(bdrv_next_node(c));
    bdrv_ref(b);
    assert_int_equal(b->refcnt, 2);
    bdrv_unref(b);
    assert_int_equal(b->refcnt, 1);
    assert_ptr_equal(bdrv_find_node("b"), b);
    bdrv_unref(b);
    assert_null(bdrv_find_node("b"));
    assert_ptr_equal(bdrv_next_node(a), c);
    bdrv_unref(a);
    assert_ptr_equal(bdrv_next_node(NULL), c);
    bdrv_unref(c);
    assert_null(bdrv_next_node(NULL));
}

static void test_child_by_reference(void **state)
{
    BlockDriverState *base = open_ok("driver=null,node-name=base,size=1M");
    BlockDriverState *f;
    int closes = test_filter_closes;

    (void)state;
    f = open_ok("driver=testfilter,node-name=f,file=base,tag=7");
    assert_int_equal(test_filter_last_tag, 7);
    bdrv_graph_rdlock_main_loop();
    assert_non_null(f->file);
    assert_ptr_equal(f->file->bs, base);
    assert_string_equal(f->file->name, "file");
    assert_int_equal(f->file->role, BDRV_CHILD_FILTERED);
    assert_ptr_equal(bdrv_primary_child(f), f->file);
    assert_ptr_equal(base->parents, f->file);
    assert_null(f->backing);
    bdrv_graph_rdunlock_main_loop();
    assert_int_equal(base->refcnt, 2);
    assert_int_equal(f->total_bytes, 1 << 20);
    assert_string_equal(f->options, "driver=testfilter,node-name=f,file=base,"
                        "tag=7");

    bdrv_unref(base);                       /* the edge keeps it */
    assert_ptr_equal(bdrv_find_node("base"), base);
    assert_int_equal(base->refcnt, 1);
    bdrv_unref(f);
    assert_int_equal(test_filter_closes, closes + 1);
    assert_null(bdrv_find_node("f"));
    assert_null(bdrv_find_node("base"));
}

static void test_child_by_options(void **state)
{
    BlockDriverState *f, *inner;
    BlockBackend *blk;
    uint8_t buf[4096], zero[4096] = { 0 };
    int64_t requests;

    (void)state;
    f = open_ok("driver=testfilter,node-name=f,file.driver=null,"
                "file.size=4k,file.node-name=inner,file.read-zeroes=on");
    inner = bdrv_find_node("inner");
    assert_non_null(inner);
    assert_int_equal(inner->refcnt, 1);     /* only the edge */
    assert_string_equal(inner->options, "driver=null,size=4k,"
                        "node-name=inner,read-zeroes=on");
    assert_int_equal(f->total_bytes, 4096);
    /* Opening order: the child finished first. */
    assert_ptr_equal(bdrv_next_node(NULL), inner);
    assert_ptr_equal(bdrv_next_node(inner), f);

    blk = backend_on(f);
    requests = qatomic_read(&test_filter_requests);
    memset(buf, 0x77, sizeof(buf));
    assert_int_equal(blk_pread(blk, 0, sizeof(buf), buf, 0), 0);
    assert_memory_equal(buf, zero, sizeof(buf));
    assert_int_equal(blk_pwrite(blk, 0, sizeof(buf), buf, 0), 0);
    assert_int_equal(qatomic_read(&test_filter_requests), requests + 2);
    blk_unref(blk);
    bdrv_unref(f);
    assert_int_equal(count_nodes(), 0);
}

static void test_child_errors(void **state)
{
    BlockDriverState *base = open_ok("driver=null,node-name=base");
    int closes = test_filter_closes;

    (void)state;
    expect_open_error("driver=testfilter,file.driver=null,file.sise=1",
                      "driver 'testfilter': child 'file': driver 'null' has "
                      "no option 'sise'");
    expect_open_error("driver=testfilter,file.driver=null,file.size=x",
                      "driver 'testfilter': child 'file': driver 'null': "
                      "option 'size': 'x' is not a size (a number with an "
                      "optional k, M, G or T suffix)");
    expect_open_error("driver=testfilter,file=ghost",
                      "driver 'testfilter': child 'file': no node named "
                      "'ghost'");
    expect_open_error("driver=testfilter",
                      "driver 'testfilter': child 'file' is missing (give "
                      "file=NODE or file.driver=...)");
    expect_open_error("driver=testfilter,file=base,file.driver=null",
                      "driver 'testfilter': child 'file': give either "
                      "file=NODE or file.* options, not both");
    expect_open_error("driver=testfilter,file=base,tag=x",
                      "driver 'testfilter': option 'tag': 'x' is not an "
                      "unsigned integer");
    expect_open_error("driver=testfilter,file=base,bogus=1",
                      "driver 'testfilter' has no option 'bogus'");
    /* The child takes the name first; the parent then finds it in use. */
    expect_open_error("driver=testfilter,node-name=x,file.driver=null,"
                      "file.node-name=x",
                      "driver 'testfilter': node name 'x' is already in use");
    /* Only the two opens that got past the driver's open were closed. */
    assert_int_equal(test_filter_closes, closes + 2);
    assert_int_equal(base->refcnt, 1);
    bdrv_unref(base);
    assert_int_equal(count_nodes(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_defaults),
        cmocka_unit_test(test_null_automatic_names_differ),
        cmocka_unit_test(test_null_read_zeroes_and_latency),
        cmocka_unit_test(test_null_reads_leave_buffer),
        cmocka_unit_test(test_unknown_driver),
        cmocka_unit_test(test_unknown_option),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_node_names),
        cmocka_unit_test(test_next_node_and_refs),
        cmocka_unit_test(test_child_by_reference),
        cmocka_unit_test(test_child_by_options),
        cmocka_unit_test(test_child_errors),
    };

    return cmocka_run_group_tests(tests, group_setup, rt_group_teardown);
}
