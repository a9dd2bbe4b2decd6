/*
 * test_codegen_lock.c - generated _bdrv_rdlock / _bdrv_wrlock wrappers of
 * cg-lock.h against the real graph lock (runtime/block/graph-lock.c).
 *
 * The twins are GRAPH_RDLOCK / GRAPH_WRLOCK, so -Wthread-safety checks
 * that the generated code takes the lock around them; at run time they
 * assert the lock with assert_bdrv_graph_readable()/_writable().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rt-test.h"
#include "block/aio-wait.h"
#include "block/graph-lock.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "cg-lock.h"

static void coroutine_fn cg_yield(void)
{
    aio_co_schedule(qemu_get_current_aio_context(), qemu_coroutine_self());
    qemu_coroutine_yield();
}

int coroutine_fn GRAPH_RDLOCK cg_co_rd(int v)
{
    assert_bdrv_graph_readable();
    cg_yield();
    assert_bdrv_graph_readable();
    return v + 1;
}

int coroutine_fn GRAPH_RDLOCK cg_co_mixed_rd(int v)
{
    assert_bdrv_graph_readable();
    cg_yield();
    return v + 2;
}

int64_t no_coroutine_fn GRAPH_RDLOCK cg_main_rd(int64_t v)
{
    assert_true(qemu_in_main_thread());
    assert_false(qemu_in_coroutine());
    assert_bdrv_graph_readable();
    return v * 2;
}

void no_coroutine_fn GRAPH_WRLOCK cg_main_wr(int *out)
{
    assert_true(qemu_in_main_thread());
    assert_false(qemu_in_coroutine());
    assert_bdrv_graph_writable();
    *out = 7;
}

static int setup(void **state)
{
    return rt_group_setup(state);
}

static int teardown(void **state)
{
    return rt_group_teardown(state);
}

static void test_co_wrapper_rdlock(void **state)
{
    (void)state;
    assert_int_equal(cg_rd(1), 2);
}

static void test_mixed_rdlock_main_loop(void **state)
{
    int r;

    (void)state;
    r = cg_mixed_rd(1);
    assert_int_equal(r, 3);
}

typedef struct CoTest {
    bool done;
    int mixed;
    int64_t rd;
    int wr;
} CoTest;

static void coroutine_fn co_entry(void *opaque)
{
    CoTest *t = opaque;

    t->mixed = cg_mixed_rd(10);         /* direct call, takes the lock */
    t->rd = cg_co_main_rd(21);
    cg_co_main_wr(&t->wr);
    __atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
    aio_wait_kick();
}

static void check(CoTest *t)
{
    assert_int_equal(t->mixed, 12);
    assert_int_equal(t->rd, 42);
    assert_int_equal(t->wr, 7);
}

static void test_coroutine_main_loop(void **state)
{
    CoTest t = { 0 };

    (void)state;
    qemu_coroutine_enter(qemu_coroutine_create(co_entry, &t));
    RT_POLL_UNTIL(qemu_get_aio_context(), __atomic_load_n(&t.done, __ATOMIC_ACQUIRE),
                  10000);
    check(&t);
}

static void test_coroutine_iothread(void **state)
{
    CoTest t = { 0 };
    IOThread *it;

    (void)state;
    assert_int_equal(rt_iothreads_start(&it, 1, "cglk"), 0);
    aio_co_enter(iothread_get_aio_context(it), qemu_coroutine_create(co_entry, &t));
    (void)AIO_WAIT_WHILE(qemu_get_aio_context(),
                         !__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
    check(&t);
    rt_iothreads_stop(&it, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_co_wrapper_rdlock),
        cmocka_unit_test(test_mixed_rdlock_main_loop),
        cmocka_unit_test(test_coroutine_main_loop),
        cmocka_unit_test(test_coroutine_iothread),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
