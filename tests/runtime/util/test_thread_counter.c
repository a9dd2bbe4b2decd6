/*
 * ThreadCounter: sums across threads (live, exited, more threads than
 * blocks), lazy indices for zeroed counters, destroy zeroing and recycling
 * an index, many live counters, and the layout the fast path depends on:
 * no two threads' cells on one page.
 */
#include "rt-test.h"
#include "qemu/thread-counter.h"

#include <pthread.h>

enum { ADDS = 20000 };

static ThreadCounter static_counter;    /* zeroed: index on first use */

typedef struct Adder {
    pthread_t thread;
    ThreadCounter *c;
    int64_t delta;
    int times;
    int64_t *cells;                     /* out: the thread's block */
} Adder;

static void *adder_run(void *opaque)
{
    Adder *a = opaque;

    for (int i = 0; i < a->times; i++) {
        thread_counter_add(a->c, a->delta);
    }
    a->cells = thread_counter_my_cells;
    return NULL;
}

/* Run @n threads, thread k adding deltas[k % ndeltas] @times times. */
static void run_adders(Adder *a, int n, ThreadCounter *c, const int64_t *deltas,
                       int ndeltas, int times)
{
    for (int k = 0; k < n; k++) {
        a[k] = (Adder){ .c = c, .delta = deltas[k % ndeltas], .times = times };
        assert_int_equal(pthread_create(&a[k].thread, NULL, adder_run, &a[k]), 0);
    }
    for (int k = 0; k < n; k++) {
        assert_int_equal(pthread_join(a[k].thread, NULL), 0);
    }
}

static void test_zeroed_counter_sums_zero(void **state)
{
    ThreadCounter c = { 0 };

    (void)state;
    assert_int_equal(thread_counter_sum(&c), 0);
    assert_int_equal(c.index, 0);       /* a sum assigns nothing */
    thread_counter_destroy(&c);         /* nothing to return */
}

static void test_sum_across_exited_threads(void **state)
{
    static const int64_t deltas[] = { 3, -1, 2 };
    Adder a[6];

    (void)state;
    run_adders(a, 6, &static_counter, deltas, 3, ADDS);
    assert_int_not_equal(static_counter.index, 0);
    assert_int_equal(thread_counter_sum(&static_counter), (int64_t)2 * (3 - 1 + 2) * ADDS);
    thread_counter_add(&static_counter, -1);
    assert_int_equal(thread_counter_sum(&static_counter), (int64_t)8 * ADDS - 1);
}

static void test_more_threads_than_blocks(void **state)
{
    static const int64_t one = 1;
    enum { N = THREAD_COUNTER_BLOCKS + 9 };
    Adder a[N];
    ThreadCounter c = { 0 };

    (void)state;
    run_adders(a, N, &c, &one, 1, 100);
    assert_int_equal(thread_counter_sum(&c), (int64_t)N * 100);
    thread_counter_destroy(&c);
}

static void test_threads_write_separate_pages(void **state)
{
    static const int64_t one = 1;
    Adder a[2];
    ThreadCounter c = { 0 };
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t x, y;

    (void)state;
    run_adders(a, 2, &c, &one, 1, 1);
    x = (uintptr_t)&a[0].cells[c.index];
    y = (uintptr_t)&a[1].cells[c.index];
    /* Two fresh threads take consecutive blocks: never the same one. */
    assert_int_not_equal(x / (uintptr_t)page, y / (uintptr_t)page);
    assert_int_equal((uintptr_t)a[0].cells % (uintptr_t)page, 0);
    assert_int_equal((uintptr_t)a[1].cells % (uintptr_t)page, 0);
    thread_counter_destroy(&c);
}

static void test_destroy_zeroes_and_recycles(void **state)
{
    static const int64_t plus_minus[] = { 5, -5 };
    Adder a[2];
    ThreadCounter c = { 0 }, d = { 0 };
    unsigned index;

    (void)state;
    run_adders(a, 2, &c, plus_minus, 2, 1);
    thread_counter_add(&c, 7);
    index = c.index;
    assert_int_equal(thread_counter_sum(&c), 7);
    thread_counter_destroy(&c);
    assert_int_equal(c.index, 0);
    assert_int_equal(thread_counter_sum(&c), 0);

    /* The lowest free index comes back, with no value left in any cell. */
    thread_counter_add(&d, 1);
    assert_int_equal(d.index, index);
    assert_int_equal(thread_counter_sum(&d), 1);
    assert_int_equal(a[0].cells[index], 0);
    assert_int_equal(a[1].cells[index], 0);
    thread_counter_destroy(&d);
}

static void test_many_live_counters(void **state)
{
    enum { N = 3000 };                  /* cells on several pages */
    ThreadCounter *c = calloc(N, sizeof(*c));
    static const int64_t one = 1;
    Adder a[2];

    (void)state;
    assert_non_null(c);
    for (int i = 0; i < N; i++) {
        thread_counter_add(&c[i], i);
    }
    for (int i = 0; i < N; i += 997) {
        run_adders(a, 2, &c[i], &one, 1, 10);
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(thread_counter_sum(&c[i]), i + (i % 997 == 0 ? 20 : 0));
        for (int j = 0; j < i; j += 499) {
            assert_int_not_equal(c[i].index, c[j].index);
        }
    }
    for (int i = 0; i < N; i++) {
        thread_counter_destroy(&c[i]);
    }
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zeroed_counter_sums_zero),
        cmocka_unit_test(test_sum_across_exited_threads),
        cmocka_unit_test(test_more_threads_than_blocks),
        cmocka_unit_test(test_threads_write_separate_pages),
        cmocka_unit_test(test_destroy_zeroes_and_recycles),
        cmocka_unit_test(test_many_live_counters),
    };

    rt_watchdog();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
