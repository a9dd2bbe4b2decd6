/*
 * The run-time half of annotations.h: the scoped graph-lock guards take and
 * drop the lock exactly once on every way out of their scope, and the
 * code-class macros abort through the runtime's hook (and only then).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <blkcheck/annotations.h>

/* Test doubles for the runtime's graph lock: count, don't lock. */
static int rdlock_depth;
static int rdlock_calls;

void coroutine_fn bdrv_graph_co_rdlock(void)
{
    rdlock_depth++;
    rdlock_calls++;
}

void coroutine_fn bdrv_graph_co_rdunlock(void)
{
    assert_true(rdlock_depth > 0);
    rdlock_depth--;
}

static int setup(void **state)
{
    (void)state;
    rdlock_depth = 0;
    rdlock_calls = 0;
    return 0;
}

static int coroutine_fn guarded_scope(int *depth_inside)
{
    GRAPH_RDLOCK_GUARD();
    *depth_inside = rdlock_depth;
    return 7;
}

static void test_guard_scope(void **state)
{
    int inside = -1;

    (void)state;
    assert_int_equal(guarded_scope(&inside), 7);
    assert_int_equal(inside, 1);
    assert_int_equal(rdlock_depth, 0);
    assert_int_equal(rdlock_calls, 1);
}

static int coroutine_fn with_guard_early_return(int ret_inside)
{
    WITH_GRAPH_RDLOCK_GUARD() {
        if (ret_inside) {
            return 1;   /* cleanup must drop the lock here */
        }
    }
    return rdlock_depth;    /* already dropped at the end of the body */
}

static void test_with_guard_exits(void **state)
{
    (void)state;
    assert_int_equal(with_guard_early_return(0), 0);
    assert_int_equal(rdlock_depth, 0);
    assert_int_equal(with_guard_early_return(1), 1);
    assert_int_equal(rdlock_depth, 0);
    assert_int_equal(rdlock_calls, 2);
}

static void test_with_guard_break_and_nesting(void **state)
{
    int seen = 0;

    (void)state;
    for (int i = 0; i < 3; i++) {
        WITH_GRAPH_RDLOCK_GUARD() {
            WITH_GRAPH_RDLOCK_GUARD() {
                seen = rdlock_depth;
                break;  /* leaves the inner body only */
            }
            assert_int_equal(rdlock_depth, 1);
        }
    }
    assert_int_equal(seen, 2);
    assert_int_equal(rdlock_depth, 0);
    assert_int_equal(rdlock_calls, 6);
}

/* The runtime hook: which classes this thread may run. */
static bool allow_global_state = true;

bool blkcheck_code_class_ok(BlkcheckCodeClass cls)
{
    return cls != BLKCHECK_CODE_GLOBAL_STATE || allow_global_state;
}

static void global_state_function(void)
{
    GLOBAL_STATE_CODE();
}

static void io_function(void)
{
    IO_CODE();
    IO_OR_GS_CODE();
}

/* Run @fn in a child with stderr captured; return its wait status. */
static int run_in_child(void (*fn)(void), char *err, size_t errlen)
{
    int pipefd[2], status;
    pid_t pid;
    ssize_t n;

    assert_int_equal(pipe(pipefd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        fn();
        _exit(0);
    }
    close(pipefd[1]);
    n = read(pipefd[0], err, errlen - 1);
    err[n > 0 ? n : 0] = '\0';
    close(pipefd[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void test_code_class_allowed(void **state)
{
    char err[512];
    int status;

    (void)state;
    allow_global_state = true;
    status = run_in_child(global_state_function, err, sizeof(err));
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_string_equal(err, "");
}

static void test_code_class_wrong_thread_aborts(void **state)
{
    char err[512];
    int status;

    (void)state;
    allow_global_state = false;
    status = run_in_child(global_state_function, err, sizeof(err));
    allow_global_state = true;
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    assert_non_null(strstr(err, "GLOBAL_STATE_CODE: global_state_function() "
                                "called from the wrong thread"));
}

static void test_io_code_any_thread(void **state)
{
    char err[512];
    int status;

    (void)state;
    allow_global_state = false;
    status = run_in_child(io_function, err, sizeof(err));
    allow_global_state = true;
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_code_class_names(void **state)
{
    (void)state;
    assert_string_equal(blkcheck_code_class_name(BLKCHECK_CODE_GLOBAL_STATE),
                        "GLOBAL_STATE_CODE");
    assert_string_equal(blkcheck_code_class_name(BLKCHECK_CODE_IO), "IO_CODE");
    assert_string_equal(blkcheck_code_class_name(BLKCHECK_CODE_IO_OR_GS),
                        "IO_OR_GS_CODE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_guard_scope, setup),
        cmocka_unit_test_setup(test_with_guard_exits, setup),
        cmocka_unit_test_setup(test_with_guard_break_and_nesting, setup),
        cmocka_unit_test(test_code_class_allowed),
        cmocka_unit_test(test_code_class_wrong_thread_aborts),
        cmocka_unit_test(test_io_code_any_thread),
        cmocka_unit_test(test_code_class_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
