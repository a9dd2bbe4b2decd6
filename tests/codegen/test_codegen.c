/*
 * test_codegen.c - the generated co_wrappers of cg-test.h, run for real.
 *
 * The _co_ twins are coroutine_fn that really yield (aio_co_schedule of
 * themselves, or qemu_co_sleep_ns), so a wrapper that did not poll until the
 * coroutine finished would return garbage.  Wrappers are called from the
 * main loop, from an IOThread (non-coroutine, in a BH), and the mixed one
 * also from a coroutine, where it must call the twin directly.  The
 * no_co_wrappers are called from coroutines in the main loop and in an
 * IOThread; their plain twins must run in the main loop outside coroutines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rt-test.h"
#include "block/aio-wait.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "sysemu/iothread.h"
#include "cg-test.h"

/* Let the event loop run once before continuing (a real yield). */
static void coroutine_fn cg_yield(void)
{
    aio_co_schedule(qemu_get_current_aio_context(), qemu_coroutine_self());
    qemu_coroutine_yield();
}

/* ---- twins ---------------------------------------------------------------- */

static int touched;
static Coroutine *twin_self;

void coroutine_fn cg_co_touch(void)
{
    cg_yield();
    touched++;
}

const char *coroutine_fn cg_co_strchr(const char *s, int c)
{
    cg_yield();
    return strchr(s, c);
}

int64_t coroutine_fn cg_co_sum(const int64_t values[], int n)
{
    int64_t sum = 0;

    for (int i = 0; i < n; i++) {
        cg_yield();
        sum += values[i];
    }
    return sum;
}

CgNode *coroutine_fn cg_co_nth(CgNode *head, unsigned n)
{
    qemu_co_sleep_ns(1000);
    while (head && n--) {
        head = head->next;
    }
    return head;
}

CgPoint coroutine_fn cg_co_add(CgPoint a, const CgPoint b, const char tag[8])
{
    CgPoint r = { .x = a.x + b.x, .y = a.y + b.y };

    cg_yield();
    memcpy(r.tag, tag, sizeof(r.tag));
    return r;
}

int coroutine_fn cg_co_map(int *values, int n, CgMapFn *fn, void *opaque,
                           void (*done)(int total, void *opaque))
{
    int total = 0;

    for (int i = 0; i < n; i++) {
        cg_yield();
        values[i] = fn(values[i], opaque);
        total += values[i];
    }
    done(total, opaque);
    return total;
}

static int map_double(int v, void *opaque)
{
    (void)opaque;
    return v * 2;
}

static int map_add(int v, void *opaque)
{
    return v + *(int *)opaque;
}

CgMapFn *coroutine_fn cg_co_pick(int which)
{
    cg_yield();
    return which ? map_add : map_double;
}

int coroutine_fn cg_co_mixed(int a, int *depth_in_co)
{
    twin_self = qemu_coroutine_self();
    cg_yield();
    (*depth_in_co)++;
    return a * 3;
}

static int main_only_calls;

int64_t no_coroutine_fn cg_main_only(int64_t v, const char *name)
{
    assert_true(qemu_in_main_thread());
    assert_false(qemu_in_coroutine());
    main_only_calls++;
    return v + (int64_t)strlen(name);
}

void no_coroutine_fn cg_main_void(int *out)
{
    assert_true(qemu_in_main_thread());
    assert_false(qemu_in_coroutine());
    *out = 42;
}

/* ---- tests --------------------------------------------------------------- */

static int setup(void **state)
{
    return rt_group_setup(state);
}

static int teardown(void **state)
{
    return rt_group_teardown(state);
}

static void map_done(int total, void *opaque)
{
    *(int *)opaque += total * 1000;
}

/* Every wrapper once, from the current (non-coroutine) thread. */
static void run_all_wrappers(void)
{
    static const int64_t values[] = { 1, 2, 3, 40 };
    CgNode n2 = { .id = 2, .next = NULL };
    CgNode n1 = { .id = 1, .next = &n2 };
    CgNode n0 = { .id = 0, .next = &n1 };
    CgPoint a = { .x = 1, .y = 2 }, b = { .x = 10, .y = 20 };
    const char tag[8] = "tagged!";
    const char *str = "hello, world";
    int vals[3] = { 1, 2, 3 };
    int opaque = 5;
    int depth = 0;
    int before = touched;

    cg_touch();
    assert_int_equal(touched, before + 1);

    assert_ptr_equal(cg_strchr(str, ','), str + 5);
    assert_null(cg_strchr(str, 'z'));

    assert_int_equal(cg_sum(values, 4), 46);
    assert_int_equal(cg_sum(values, 0), 0);

    assert_ptr_equal(cg_nth(&n0, 2), &n2);
    assert_null(cg_nth(&n0, 3));

    CgPoint r = cg_add(a, b, tag);
    assert_int_equal(r.x, 11);
    assert_int_equal(r.y, 22);
    assert_string_equal(r.tag, "tagged!");

    opaque = 0;
    assert_int_equal(cg_map(vals, 3, map_double, &opaque, map_done), 12);
    assert_int_equal(vals[2], 6);
    assert_int_equal(opaque, 12000);

    CgMapFn *fn = cg_pick(1);
    assert_ptr_equal(fn, map_add);
    assert_ptr_equal(cg_pick(0), map_double);

    twin_self = NULL;
    assert_int_equal(cg_mixed(7, &depth), 21);
    assert_int_equal(depth, 1);
    assert_non_null(twin_self);          /* ran in a coroutine of its own */
}

static void test_main_loop(void **state)
{
    (void)state;
    run_all_wrappers();
}

static void iothread_bh(void *opaque)
{
    (void)opaque;
    assert_false(qemu_in_main_thread());
    run_all_wrappers();
}

static void test_iothread(void **state)
{
    IOThread *it;

    (void)state;
    assert_int_equal(rt_iothreads_start(&it, 1, "cg"), 0);
    aio_wait_bh_oneshot(iothread_get_aio_context(it), iothread_bh, NULL);
    rt_iothreads_stop(&it, 1);
}

typedef struct CoTest {
    bool done;
    int mixed_ret;
    int depth;
    bool direct;
    int64_t main_ret;
    int void_out;
} CoTest;

static void coroutine_fn co_test_entry(void *opaque)
{
    CoTest *t = opaque;

    twin_self = NULL;
    t->mixed_ret = cg_mixed(4, &t->depth);
    t->direct = twin_self == qemu_coroutine_self();
    t->main_ret = cg_co_main_only(100, "four");
    cg_co_main_void(&t->void_out);
    __atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
    aio_wait_kick();
}

static void check_co_test(CoTest *t)
{
    assert_int_equal(t->mixed_ret, 12);
    assert_int_equal(t->depth, 1);
    assert_true(t->direct);
    assert_int_equal(t->main_ret, 104);
    assert_int_equal(t->void_out, 42);
}

static void test_coroutine_main_loop(void **state)
{
    CoTest t = { 0 };
    int calls = main_only_calls;

    (void)state;
    qemu_coroutine_enter(qemu_coroutine_create(co_test_entry, &t));
    RT_POLL_UNTIL(qemu_get_aio_context(), __atomic_load_n(&t.done, __ATOMIC_ACQUIRE),
                  10000);
    check_co_test(&t);
    assert_int_equal(main_only_calls, calls + 1);
}

static void test_coroutine_iothread(void **state)
{
    CoTest t = { 0 };
    IOThread *it;

    (void)state;
    assert_int_equal(rt_iothreads_start(&it, 1, "cgco"), 0);
    aio_co_enter(iothread_get_aio_context(it), qemu_coroutine_create(co_test_entry, &t));
    (void)AIO_WAIT_WHILE(qemu_get_aio_context(),
                         !__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
    check_co_test(&t);
    rt_iothreads_stop(&it, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_main_loop),
        cmocka_unit_test(test_iothread),
        cmocka_unit_test(test_coroutine_main_loop),
        cmocka_unit_test(test_coroutine_iothread),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
