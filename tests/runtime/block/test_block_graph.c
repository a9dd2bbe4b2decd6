/*
 * test_block_graph.c - graph changes (runtime/block/block.c): attaching and
 * detaching edges, refusing cycles and duplicate child names, the deferred
 * teardown when an edge drops the last reference under the write lock,
 * bdrv_replace_node() moving parents, inserting and removing a filter, and
 * the same insert/remove while two IOThreads run I/O through a
 * BlockBackend.
 *
 * Context: the test thread is the main loop; the stress case adds two
 * IOThreads running request coroutines.
 */
#include <string.h>

#include "rt-test.h"
#include "block-test.h"
#include "block/aio-wait.h"
#include "block/block_int.h"
#include "qemu/coroutine.h"
#include "sysemu/block-backend.h"
#include "test-filter.h"

static BlockDriverState *open_ok(const char *optstr)
{
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open_opts(optstr, &err);

    if (!bs) {
        fail_msg("'%s': %s", optstr, error_get_pretty(err));
    }
    return bs;
}

static BlockBackend *backend_on(BlockDriverState *bs)
{
    BlockBackend *blk = blk_new("test");

    assert_int_equal(blk_insert_bs(blk, bs, NULL), 0);
    return blk;
}

static int count_parents(BlockDriverState *bs)
{
    int n = 0;

    bdrv_graph_rdlock_main_loop();
    for (BdrvChild *c = bs->parents; c; c = c->next_parent) {
        n++;
    }
    bdrv_graph_rdunlock_main_loop();
    return n;
}

static void expect_error(Error *err, const char *msg)
{
    assert_non_null(err);
    assert_string_equal(error_get_pretty(err), msg);
    error_free(err);
}

static int group_setup(void **state)
{
    if (rt_group_setup(state)) {
        return -1;
    }
    test_filter_register();
    return 0;
}

static void test_attach_detach(void **state)
{
    BlockDriverState *p = open_ok("driver=null,node-name=p");
    BlockDriverState *q = open_ok("driver=null,node-name=q");
    Error *err = NULL;
    BdrvChild *c;

    (void)state;
    bdrv_graph_wrlock();
    c = bdrv_attach_child(p, q, "backing", BDRV_CHILD_BACKING, &err);
    assert_non_null(c);
    assert_ptr_equal(p->backing, c);
    assert_null(p->file);
    assert_ptr_equal(p->children, c);
    assert_ptr_equal(q->parents, c);
    assert_ptr_equal(c->bs, q);
    assert_ptr_equal(c->opaque, p);
    assert_ptr_equal(c->klass, &child_of_bds);
    assert_null(bdrv_primary_child(p));
    assert_int_equal(q->refcnt, 2);

    assert_null(bdrv_attach_child(p, q, "backing", BDRV_CHILD_BACKING, &err));
    expect_error(err, "node 'p' already has a child named 'backing'");
    err = NULL;
    assert_null(bdrv_attach_child(q, p, "file", BDRV_CHILD_FILE, &err));
    expect_error(err, "cannot attach node 'p' below node 'q': it would make "
                 "a cycle");
    err = NULL;
    assert_null(bdrv_attach_child(p, p, "self", BDRV_CHILD_FILE, &err));
    expect_error(err, "cannot attach node 'p' below node 'p': it would make "
                 "a cycle");
    assert_int_equal(q->refcnt, 2);
    assert_int_equal(p->refcnt, 1);

    bdrv_unref_child(p, c);
    assert_null(p->backing);
    assert_null(p->children);
    assert_null(q->parents);
    assert_int_equal(q->refcnt, 1);
    bdrv_graph_wrunlock();
    bdrv_unref(p);
    bdrv_unref(q);
    assert_null(bdrv_next_node(NULL));
}

/* The last reference goes with an edge, under the write lock: the node is
 * out of the graph at once and closed and freed from a main-loop BH. */
static void test_last_ref_under_write_lock(void **state)
{
    BlockDriverState *p = open_ok("driver=null,node-name=p");
    BlockDriverState *f = open_ok("driver=testfilter,node-name=f,"
                                  "file.driver=null,file.node-name=leaf");
    int closes = test_filter_closes;
    BdrvChild *c;

    (void)state;
    bdrv_graph_wrlock();
    c = bdrv_attach_child(p, f, "file", BDRV_CHILD_FILE, NULL);
    bdrv_graph_wrunlock();
    bdrv_unref(f);                          /* only the edge holds it */
    assert_int_equal(f->refcnt, 1);

    bdrv_graph_wrlock();
    bdrv_unref_child(p, c);
    assert_null(bdrv_find_node("f"));
    assert_null(bdrv_find_node("leaf"));    /* its child went with it */
    assert_int_equal(test_filter_closes, closes);
    bdrv_graph_wrunlock();
    RT_POLL_UNTIL(qemu_get_aio_context(), test_filter_closes == closes + 1,
                  5000);
    assert_ptr_equal(bdrv_next_node(NULL), p);
    assert_null(bdrv_next_node(p));
    bdrv_unref(p);
}

static void test_replace_node(void **state)
{
    BlockDriverState *a = open_ok("driver=null,node-name=a,size=1M");
    BlockDriverState *b = open_ok("driver=null,node-name=b,size=2M");
    BlockDriverState *f = open_ok("driver=testfilter,node-name=f,file=a");
    BlockBackend *blk = backend_on(a);
    Error *err = NULL;

    (void)state;
    assert_int_equal(a->refcnt, 3);         /* user, f's edge, blk */
    assert_int_equal(bdrv_replace_node(a, b, &err), 0);
    assert_null(err);
    assert_ptr_equal(bt_root(blk), b);
    bdrv_graph_rdlock_main_loop();
    assert_ptr_equal(f->file->bs, b);
    assert_null(a->parents);
    bdrv_graph_rdunlock_main_loop();
    assert_int_equal(count_parents(b), 2);
    assert_int_equal(a->refcnt, 1);
    assert_int_equal(b->refcnt, 3);
    assert_int_equal(blk_getlength(blk), 2 << 20);

    assert_int_equal(bdrv_replace_node(b, b, &err), -EINVAL);
    expect_error(err, "cannot replace node 'b' with itself");

    /* A node below @to keeps its edge: f stays on b, blk moves to f. */
    assert_int_equal(bdrv_replace_node(b, f, NULL), 0);
    assert_ptr_equal(bt_root(blk), f);
    bdrv_graph_rdlock_main_loop();
    assert_ptr_equal(f->file->bs, b);
    bdrv_graph_rdunlock_main_loop();
    assert_int_equal(count_parents(b), 1);
    assert_int_equal(count_parents(f), 1);
    assert_int_equal(b->refcnt, 2);
    assert_int_equal(f->refcnt, 2);

    blk_unref(blk);
    bdrv_unref(f);
    bdrv_unref(b);
    bdrv_unref(a);
    assert_null(bdrv_next_node(NULL));
}

static void test_insert_remove_filter(void **state)
{
    BlockDriverState *n = open_ok("driver=null,node-name=n,size=1M,"
                                  "read-zeroes=on");
    BlockBackend *blk = backend_on(n);
    BlockDriverState *f;
    Error *err = NULL;
    uint8_t buf[512];
    int64_t requests;
    int closes = test_filter_closes;

    (void)state;
    f = bdrv_insert_filter(n, "driver=testfilter,node-name=f,tag=3", &err);
    assert_null(err);
    assert_non_null(f);
    assert_ptr_equal(bdrv_find_node("f"), f);
    assert_ptr_equal(bt_root(blk), f);
    bdrv_graph_rdlock_main_loop();
    assert_ptr_equal(f->file->bs, n);
    bdrv_graph_rdunlock_main_loop();
    assert_int_equal(f->refcnt, 1);         /* the backend's edge */
    assert_int_equal(n->refcnt, 2);         /* user, f's edge */
    assert_int_equal(f->total_bytes, 1 << 20);

    requests = qatomic_read(&test_filter_requests);
    assert_int_equal(blk_pread(blk, 0, sizeof(buf), buf, 0), 0);
    assert_int_equal(qatomic_read(&test_filter_requests), requests + 1);

    assert_int_equal(bdrv_remove_filter(f, &err), 0);
    assert_null(err);
    assert_int_equal(test_filter_closes, closes + 1);
    assert_null(bdrv_find_node("f"));
    assert_ptr_equal(bt_root(blk), n);
    assert_int_equal(n->refcnt, 2);         /* user, blk */
    assert_int_equal(blk_pread(blk, 0, sizeof(buf), buf, 0), 0);
    assert_int_equal(qatomic_read(&test_filter_requests), requests + 1);

    blk_unref(blk);
    bdrv_unref(n);
    assert_null(bdrv_next_node(NULL));
}

static void test_filter_errors(void **state)
{
    BlockDriverState *n = open_ok("driver=null,node-name=n");
    BlockDriverState *lonely = open_ok("driver=null,node-name=lonely");
    BlockBackend *blk = backend_on(n);
    Error *err = NULL;

    (void)state;
    assert_null(bdrv_insert_filter(n, "driver=testfilter,file=lonely", &err));
    expect_error(err, "filter options must not name the child 'file' (it "
                 "becomes node 'n')");
    err = NULL;
    assert_null(bdrv_insert_filter(n, "driver=testfilter,file.driver=null",
                                   &err));
    expect_error(err, "filter options must not name the child 'file' (it "
                 "becomes node 'n')");
    err = NULL;
    assert_null(bdrv_insert_filter(n, "driver=null", &err));
    expect_error(err, "driver 'null' is not a filter");
    err = NULL;
    assert_null(bdrv_insert_filter(n, "driver=testfilter,bogus=1", &err));
    expect_error(err, "driver 'testfilter' has no option 'bogus'");
    err = NULL;
    assert_null(bdrv_insert_filter(lonely, "driver=testfilter", &err));
    expect_error(err, "node 'lonely' has no parent to insert a filter under");
    err = NULL;
    assert_int_equal(bdrv_remove_filter(n, &err), -EINVAL);
    expect_error(err, "node 'n' is not a filter");

    assert_ptr_equal(bt_root(blk), n);
    assert_int_equal(n->refcnt, 2);
    assert_int_equal(lonely->refcnt, 1);
    blk_unref(blk);
    bdrv_unref(lonely);
    bdrv_unref(n);
    assert_null(bdrv_next_node(NULL));
}

/* ---- insert/remove while two IOThreads run I/O -------------------------- */

enum { NR_IO_THREADS = 2 };

typedef struct IoWorker {
    BlockBackend *blk;
    bool stop;                  /* atomic; set by the main loop */
    bool done;                  /* atomic; set by the worker */
    int64_t requests;           /* atomic */
    int64_t failures;           /* atomic */
    int first_error;
} IoWorker;

static void coroutine_fn io_worker_co(void *opaque)
{
    IoWorker *w = opaque;
    uint8_t buf[4096];
    int64_t offset = 0;

    while (!qatomic_load_acquire(&w->stop)) {
        int ret = (offset / 4096) % 4 ?
                  blk_co_pread(w->blk, offset, sizeof(buf), buf, 0) :
                  blk_co_pwrite(w->blk, offset, sizeof(buf), buf, 0);

        if (ret < 0 && !qatomic_fetch_add(&w->failures, 1)) {
            w->first_error = ret;
        }
        qatomic_inc(&w->requests);
        offset = (offset + 4096) % (1 << 20);
    }
    qatomic_store_release(&w->done, true);
    aio_wait_kick();
}

static void test_filter_swap_under_io(void **state)
{
    IOThread *iothreads[NR_IO_THREADS];
    IoWorker workers[NR_IO_THREADS];
    BlockDriverState *n = open_ok("driver=null,node-name=n,size=1M,"
                                  "latency-ns=20000");
    BlockBackend *blk = backend_on(n);
    int64_t deadline, passed = 0;
    long rounds = 50 + 200 * rt_stress_seconds();
    int closes = test_filter_closes;

    (void)state;
    assert_int_equal(rt_iothreads_start(iothreads, NR_IO_THREADS, "io"), 0);
    for (int i = 0; i < NR_IO_THREADS; i++) {
        workers[i] = (IoWorker){ .blk = blk };
        aio_co_enter(iothread_get_aio_context(iothreads[i]),
                     qemu_coroutine_create(io_worker_co, &workers[i]));
    }
    for (long r = 0; r < rounds; r++) {
        Error *err = NULL;
        int64_t before = qatomic_read(&test_filter_requests);
        BlockDriverState *f = bdrv_insert_filter(n, "driver=testfilter", &err);

        if (!f) {
            fail_msg("round %ld: %s", r, error_get_pretty(err));
        }
        /* Let requests pass through the filter before taking it out. */
        deadline = qemu_clock_get_ns() + 2000000;
        while (qatomic_read(&test_filter_requests) == before &&
               qemu_clock_get_ns() < deadline) {
            aio_poll(qemu_get_aio_context(), false);
        }
        passed += qatomic_read(&test_filter_requests) - before;
        assert_int_equal(bdrv_remove_filter(f, NULL), 0);
        assert_ptr_equal(bt_root(blk), n);
    }
    for (int i = 0; i < NR_IO_THREADS; i++) {
        qatomic_store_release(&workers[i].stop, true);
    }
    for (int i = 0; i < NR_IO_THREADS; i++) {
        RT_POLL_UNTIL(qemu_get_aio_context(),
                      qatomic_load_acquire(&workers[i].done), 10000);
    }
    rt_iothreads_stop(iothreads, NR_IO_THREADS);
    for (int i = 0; i < NR_IO_THREADS; i++) {
        if (workers[i].failures) {
            fail_msg("worker %d: %lld failed requests, first %d", i,
                     (long long)workers[i].failures, workers[i].first_error);
        }
        assert_true(workers[i].requests > 0);
    }
    assert_true(passed > 0);
    assert_int_equal(test_filter_closes, closes + rounds);
    assert_int_equal(n->refcnt, 2);
    blk_unref(blk);
    bdrv_unref(n);
    assert_null(bdrv_next_node(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attach_detach),
        cmocka_unit_test(test_last_ref_under_write_lock),
        cmocka_unit_test(test_replace_node),
        cmocka_unit_test(test_insert_remove_filter),
        cmocka_unit_test(test_filter_errors),
        cmocka_unit_test(test_filter_swap_under_io),
    };

    return cmocka_run_group_tests(tests, group_setup, rt_group_teardown);
}
