/*
 * defer_call(): immediate outside a section, deferred to the outermost end
 * inside nested sections, de-duplicated per (fn, opaque), in first-deferred
 * order, and per thread.
 */
#include "rt-test.h"
#include "qemu/defer-call.h"
#include "qemu/thread.h"

static char log_buf[256];
static int log_len;

static void log_fn(void *opaque)
{
    log_buf[log_len++] = *(char *)opaque;
    log_buf[log_len] = 0;
}

static void other_fn(void *opaque)
{
    log_buf[log_len++] = (char)(*(char *)opaque - 'a' + 'A');
    log_buf[log_len] = 0;
}

static char a = 'a', b = 'b', c = 'c';

static void reset(void)
{
    log_len = 0;
    log_buf[0] = 0;
}

static void test_immediate_outside(void **state)
{
    (void)state;
    reset();
    defer_call(log_fn, &a);
    assert_string_equal(log_buf, "a");
}

static void test_dedup_and_order(void **state)
{
    (void)state;
    reset();
    defer_call_begin();
    defer_call(log_fn, &b);
    defer_call(log_fn, &a);
    defer_call(log_fn, &b);                 /* duplicate pair */
    defer_call(other_fn, &b);               /* same opaque, other fn */
    assert_int_equal(log_len, 0);
    defer_call_end();
    assert_string_equal(log_buf, "baB");
}

static void test_nesting(void **state)
{
    (void)state;
    reset();
    defer_call_begin();
    defer_call(log_fn, &a);
    defer_call_begin();
    defer_call(log_fn, &b);
    defer_call(log_fn, &a);
    defer_call_end();                       /* inner end: nothing runs */
    assert_int_equal(log_len, 0);
    defer_call(log_fn, &c);
    defer_call_end();
    assert_string_equal(log_buf, "abc");
}

static void test_many(void **state)
{
    static char keys[100];

    (void)state;
    reset();
    defer_call_begin();
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 100; i++) {
            defer_call(log_fn, &keys[i]);   /* grows past the first buffer */
        }
    }
    defer_call_end();
    assert_int_equal(log_len, 100);
}

static int thread_ran_now;

static void count_fn(void *opaque)
{
    (*(int *)opaque)++;
}

static void *other_thread(void *opaque)
{
    (void)opaque;
    defer_call(count_fn, &thread_ran_now);  /* no section in this thread */
    return NULL;
}

static void test_per_thread(void **state)
{
    QemuThread t;

    (void)state;
    thread_ran_now = 0;
    reset();
    defer_call_begin();
    qemu_thread_create(&t, "defer", other_thread, NULL, QEMU_THREAD_JOINABLE);
    qemu_thread_join(&t);
    assert_int_equal(thread_ran_now, 1);    /* ran at once over there */
    defer_call(log_fn, &a);
    assert_int_equal(log_len, 0);
    defer_call_end();
    assert_string_equal(log_buf, "a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_immediate_outside),
        cmocka_unit_test(test_dedup_and_order),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_per_thread),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
