/*
 * Coroutines on their own: enter/yield/terminate, nesting, the pool,
 * both switch backends, stack size and guard page, qemu_co_sleep_ns(), and
 * the aborts for entering from the wrong thread or re-entering a running
 * coroutine (checked in a forked child: exit by SIGABRT plus the message).
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt-test.h"
#include "rt-skip.h"
#include "qemu/coroutine.h"
#include "qemu/thread.h"

static void coroutine_fn counter_entry(void *opaque)
{
    int *n = opaque;

    assert_true(qemu_in_coroutine());
    for (int i = 0; i < 3; i++) {
        (*n)++;
        qemu_coroutine_yield();
    }
    (*n) += 100;
}

static void run_basic(const char *backend)
{
    int n = 0;
    Coroutine *co;

    assert_true(qemu_coroutine_set_backend(backend));
    assert_string_equal(qemu_coroutine_backend_name(), backend);
    co = qemu_coroutine_create(counter_entry, &n);
    assert_false(qemu_in_coroutine());
    assert_false(qemu_coroutine_entered(co));
    qemu_coroutine_enter(co);
    assert_int_equal(n, 1);
    assert_true(qemu_coroutine_entered(co));
    assert_ptr_equal(qemu_coroutine_get_aio_context(co), qemu_get_aio_context());
    qemu_coroutine_enter(co);
    qemu_coroutine_enter(co);
    assert_int_equal(n, 3);
    qemu_coroutine_enter(co);                       /* terminates */
    assert_int_equal(n, 103);
}

static void test_basic_asm(void **state)
{
    (void)state;
#if defined(__x86_64__)
    run_basic("asm");
#else
    rt_skip(RT_SKIP_ARCH, "the asm coroutine switch is x86-64 only");
#endif
}

static void test_basic_ucontext(void **state)
{
    (void)state;
    run_basic("ucontext");
    qemu_coroutine_set_backend(getenv("MQBLK_COROUTINE_BACKEND") ?
                               getenv("MQBLK_COROUTINE_BACKEND") : "asm");
}

static Coroutine *outer_co, *inner_co;
static char trace[32];
static int trace_len;

static void coroutine_fn inner_entry(void *opaque)
{
    (void)opaque;
    trace[trace_len++] = 'i';
    assert_ptr_equal(qemu_coroutine_self(), inner_co);
    qemu_coroutine_yield();                         /* back to outer */
    trace[trace_len++] = 'j';
}

static void coroutine_fn outer_entry(void *opaque)
{
    (void)opaque;
    trace[trace_len++] = 'o';
    inner_co = qemu_coroutine_create(inner_entry, NULL);
    qemu_coroutine_enter(inner_co);
    trace[trace_len++] = 'p';
    assert_ptr_equal(qemu_coroutine_self(), outer_co);
    qemu_coroutine_enter(inner_co);                 /* inner terminates */
    trace[trace_len++] = 'q';
}

static void test_nested(void **state)
{
    (void)state;
    trace_len = 0;
    outer_co = qemu_coroutine_create(outer_entry, NULL);
    qemu_coroutine_enter(outer_co);
    trace[trace_len] = 0;
    assert_string_equal(trace, "oipjq");
    assert_null(qemu_coroutine_self());
}

static void coroutine_fn nop_entry(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_pool_reuse(void **state)
{
    int n = 0;
    Coroutine *first, *again;

    (void)state;
    qemu_coroutine_pool_drain();
    assert_int_equal(qemu_coroutine_pool_size(), 0);
    first = qemu_coroutine_create(nop_entry, &n);
    qemu_coroutine_enter(first);
    assert_int_equal(qemu_coroutine_pool_size(), 1);
    again = qemu_coroutine_create(nop_entry, &n);
    assert_ptr_equal(again, first);                 /* same stack reused */
    qemu_coroutine_enter(again);
    for (int i = 0; i < 10000; i++) {
        qemu_coroutine_enter(qemu_coroutine_create(nop_entry, &n));
    }
    assert_int_equal(n, 10002);
    assert_int_equal(qemu_coroutine_pool_size(), 1);
}

static void coroutine_fn deep_entry(void *opaque)
{
    volatile char buf[64 * 1024];

    memset((char *)buf, 1, sizeof(buf));
    *(int *)opaque = buf[100] + buf[sizeof(buf) - 1];
}

static void test_stack_size(void **state)
{
    size_t old = qemu_coroutine_get_stack_size();
    int r = 0;

    (void)state;
    qemu_coroutine_set_stack_size(1000);
    assert_int_equal(qemu_coroutine_get_stack_size(), 16 * 1024);
    qemu_coroutine_set_stack_size(512 * 1024);
    qemu_coroutine_enter(qemu_coroutine_create(deep_entry, &r));
    assert_int_equal(r, 2);
    qemu_coroutine_set_stack_size(old);
    qemu_coroutine_pool_drain();
}

/* ---- sleep ------------------------------------------------------------------ */

static void coroutine_fn sleep_entry(void *opaque)
{
    int64_t start = qemu_clock_get_ns();

    qemu_co_sleep_ns(2000000);
    *(int64_t *)opaque = qemu_clock_get_ns() - start;
}

static void test_sleep(void **state)
{
    int64_t slept = -1;

    (void)state;
    qemu_coroutine_enter(qemu_coroutine_create(sleep_entry, &slept));
    assert_int_equal(slept, -1);                    /* still asleep */
    RT_POLL_UNTIL(qemu_get_aio_context(), slept >= 0, 5000);
    assert_true(slept >= 2000000);
}

/* ---- same-thread wake-ups: deferred until the waker yields ------------------ */

static Coroutine *sleeper_co;
static char wake_trace[16];
static int wake_trace_len;

static void coroutine_fn sleeper_entry(void *opaque)
{
    (void)opaque;
    qemu_coroutine_yield();
    wake_trace[wake_trace_len++] = 's';
}

static void coroutine_fn waker_entry(void *opaque)
{
    (void)opaque;
    aio_co_wake(sleeper_co);                        /* queued, not nested */
    wake_trace[wake_trace_len++] = 'w';
}

static void test_wake_deferred_until_yield(void **state)
{
    (void)state;
    wake_trace_len = 0;
    sleeper_co = qemu_coroutine_create(sleeper_entry, NULL);
    qemu_coroutine_enter(sleeper_co);
    qemu_coroutine_enter(qemu_coroutine_create(waker_entry, NULL));
    wake_trace[wake_trace_len] = 0;
    assert_string_equal(wake_trace, "ws");
}

static void coroutine_fn double_waker_entry(void *opaque)
{
    (void)opaque;
    aio_co_wake(sleeper_co);
    aio_co_wake(sleeper_co);                        /* second wake: abort */
}

static void double_wake_child(void)
{
    const char *err = NULL;

    qemu_init_main_loop(&err);
    sleeper_co = qemu_coroutine_create(sleeper_entry, NULL);
    qemu_coroutine_enter(sleeper_co);
    qemu_coroutine_enter(qemu_coroutine_create(double_waker_entry, NULL));
}

static void double_schedule_child(void)
{
    const char *err = NULL;

    qemu_init_main_loop(&err);
    sleeper_co = qemu_coroutine_create(sleeper_entry, NULL);
    qemu_coroutine_enter(sleeper_co);
    aio_co_schedule(qemu_get_aio_context(), sleeper_co);
    aio_co_schedule(qemu_get_aio_context(), sleeper_co);  /* abort */
}

static void test_abort_double_schedule(void **state)
{
    (void)state;
    rt_expect_death("double_schedule", SIGABRT, "already scheduled");
}

static void test_abort_double_wake(void **state)
{
    (void)state;
    rt_expect_death("double_wake", SIGABRT, "woken twice");
}

/* ---- aborts (in a child process) -------------------------------------------- */

static Coroutine *victim;

static void coroutine_fn yield_entry(void *opaque)
{
    (void)opaque;
    qemu_coroutine_yield();
}

static void *enter_from_thread(void *opaque)
{
    (void)opaque;
    qemu_coroutine_enter(victim);
    return NULL;
}

static void wrong_thread_child(void)
{
    QemuThread t;

    victim = qemu_coroutine_create(yield_entry, NULL);
    qemu_coroutine_enter(victim);
    qemu_thread_create(&t, "wrong", enter_from_thread, NULL, QEMU_THREAD_JOINABLE);
    qemu_thread_join(&t);
}

static void test_abort_wrong_thread(void **state)
{
    (void)state;
    rt_expect_death("wrong_thread", SIGABRT, "belongs to another thread");
}

static void coroutine_fn reenter_entry(void *opaque)
{
    (void)opaque;
    qemu_coroutine_enter(victim);                   /* victim is us */
}

static void reenter_child(void)
{
    victim = qemu_coroutine_create(reenter_entry, NULL);
    qemu_coroutine_enter(victim);
}

static void test_abort_reenter(void **state)
{
    (void)state;
    rt_expect_death("reenter", SIGABRT, "already running");
}

/* Recurse with 512-byte frames: walks down page by page into the guard. */
static int __attribute__((noinline)) recurse(volatile char *prev, int depth)
{
    volatile char frame[512];

    frame[0] = prev ? prev[0] + 1 : 0;
    if (depth == 0) {
        return frame[0];
    }
    return recurse(frame, depth - 1) + frame[1];
}

static void coroutine_fn overflow_entry(void *opaque)
{
    *(int *)opaque = recurse(NULL, 1 << 20);
}

static void guard_child(void)
{
    int r = 0;

    qemu_coroutine_set_stack_size(16 * 1024);
    qemu_coroutine_pool_drain();
    qemu_coroutine_enter(qemu_coroutine_create(overflow_entry, &r));
}

/* Not in sanitizer builds (RT_SANITIZED): their SEGV handler traps the
 * guard page first, so the case does not exist there (no skip). */
static void __attribute__((unused)) test_guard_page(void **state)
{
    (void)state;
    rt_expect_death("guard", SIGSEGV, NULL);
}

static void test_yield_outside_aborts(void **state)
{
    (void)state;
    rt_expect_death("yield_outside", SIGABRT, "outside coroutine context");
}

static void yield_outside_child(void)
{
    qemu_coroutine_yield();
}

static const RtDeathCase death_cases[] = {
    { "wrong_thread", wrong_thread_child },
    { "reenter", reenter_child },
    { "guard", guard_child },
    { "yield_outside", yield_outside_child },
    { "double_wake", double_wake_child },
    { "double_schedule", double_schedule_child },
    { NULL, NULL },
};

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_asm),
        cmocka_unit_test(test_basic_ucontext),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_pool_reuse),
        cmocka_unit_test(test_stack_size),
        cmocka_unit_test(test_sleep),
        cmocka_unit_test(test_wake_deferred_until_yield),
        cmocka_unit_test(test_abort_double_wake),
        cmocka_unit_test(test_abort_double_schedule),
        cmocka_unit_test(test_abort_wrong_thread),
        cmocka_unit_test(test_abort_reenter),
#if !RT_SANITIZED
        cmocka_unit_test(test_guard_page),
#endif
        cmocka_unit_test(test_yield_outside_aborts),
    };

    rt_death_dispatch(argc, argv, death_cases);
    return rt_run_group_tests(tests, rt_group_setup, rt_group_teardown);
}
