/*
 * rt-test.h - helpers shared by the runtime tests: main-loop set-up for
 * cmocka groups, the stress knob, and polling with a deadline so that a
 * lost wake-up fails the test instead of hanging it.
 */
#ifndef RT_TEST_H
#define RT_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <unistd.h>

#include "block/aio.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "sysemu/iothread.h"
#include <stdio.h>

/*
 * A lost wake-up shows as a hang: SIGALRM ends the test program after
 * BLKCHECK_TEST_TIMEOUT seconds (default 120), long before ctest's limit.
 */
static inline void rt_watchdog(void)
{
    const char *s = getenv("BLKCHECK_TEST_TIMEOUT");

    alarm(s ? (unsigned)strtoul(s, NULL, 10) : 120);
}

static inline int rt_group_setup(void **state)
{
    const char *err = NULL;

    (void)state;
    rt_watchdog();
    return qemu_init_main_loop(&err) ? 0 : -1;
}

static inline int rt_group_teardown(void **state)
{
    (void)state;
    qemu_cleanup_main_loop();
    return 0;
}

/* Start @n IOThreads named PREFIX0, PREFIX1, ...  Returns: 0 or -1. */
static inline int rt_iothreads_start(IOThread **v, int n, const char *prefix)
{
    const char *err = NULL;
    char name[32];

    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "%s%d", prefix, i);
        v[i] = iothread_create(name, &err);
        if (!v[i]) {
            return -1;
        }
    }
    return 0;
}

/* Stop and join the IOThreads started by rt_iothreads_start(). */
static inline void rt_iothreads_stop(IOThread **v, int n)
{
    for (int i = 0; i < n; i++) {
        iothread_destroy(v[i]);
    }
}

/* Returns: BLKCHECK_STRESS_SECONDS as a multiplier (default 0 = short run). */
static inline long rt_stress_seconds(void)
{
    const char *s = getenv("BLKCHECK_STRESS_SECONDS");

    return s ? strtol(s, NULL, 10) : 0;
}

/* Poll @ctx until *@flag is non-zero or @timeout_ms passes; fail on timeout. */
#define RT_POLL_UNTIL(ctx, cond, timeout_ms) do {                          \
    int64_t deadline_ = qemu_clock_get_ns() + (int64_t)(timeout_ms) * 1000000; \
    while (!(cond)) {                                                      \
        if (qemu_clock_get_ns() > deadline_) {                             \
            fail_msg("timed out waiting for " #cond);                      \
        }                                                                  \
        aio_poll((ctx), false);                                            \
    }                                                                      \
} while (0)

/*
 * Death tests: the scenario runs in a fresh process (fork + exec of this
 * test binary with "--death NAME"), so sanitizers and threads start clean.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct RtDeathCase {
    const char *name;
    void (*fn)(void);
} RtDeathCase;

/* In main(): run the named scenario when asked to; returns if not. */
static inline void rt_death_dispatch(int argc, char **argv, const RtDeathCase *cases)
{
    if (argc != 3 || strcmp(argv[1], "--death") != 0) {
        return;
    }
    for (; cases->name; cases++) {
        if (!strcmp(cases->name, argv[2])) {
            cases->fn();
            exit(0);                                /* survived: parent fails */
        }
    }
    exit(125);
}

/* Run scenario @name; fail unless it dies of @sig with @msg on stderr. */
static inline void rt_expect_death(const char *name, int sig, const char *msg)
{
    char buf[4096] = "";
    ssize_t n, len = 0;
    int p[2], status;
    pid_t pid;

    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        execl("/proc/self/exe", "rt-death", "--death", name, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0) {
        len += n;
    }
    buf[len] = 0;
    close(p[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != sig) {
        fail_msg("%s: expected signal %d, got status 0x%x: %s", name, sig, status, buf);
    }
    if (msg && !strstr(buf, msg)) {
        fail_msg("%s: stderr lacks \"%s\": %s", name, msg, buf);
    }
}

#endif /* RT_TEST_H */
