/*
 * rt-skip.h - skip a test case for a named reason, and only for one
 *
 * A skip is not a pass.  A case that cannot run on this machine calls
 * rt_skip(REASON, "detail", ...): it prints "SKIP(reason): detail", skips
 * the case, and the program exits 77 (ctest's SKIP_RETURN_CODE, so ctest
 * reports the test as skipped, not passed) once the other cases have run
 * -- use rt_run_group_tests() instead of cmocka_run_group_tests().  Any
 * other failure to set a case up is a failure.  ci/check.sh prints every
 * skip and fails when the reason is one this machine does not have
 * (tests/runtime/feature-probe says what it has).
 *
 * The probes below are the tests' own way to tell "the kernel refuses" from
 * "our code is broken": they ask the kernel directly, not through mqblk.
 */
#ifndef RT_SKIP_H
#define RT_SKIP_H

#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/io_uring.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef enum RtSkipReason {
    RT_SKIP_IO_URING,           /* io_uring_setup: ENOSYS or EPERM */
    RT_SKIP_LINUX_AIO,          /* io_setup: ENOSYS or EPERM */
    RT_SKIP_O_DIRECT,           /* open(O_DIRECT) on the temp dir: EINVAL */
    RT_SKIP_LOOP_DEVICE,        /* no loop device can be set up */
    RT_SKIP_ARCH,               /* a back end for another architecture */
} RtSkipReason;

static const char *const rt_skip_names[] __attribute__((unused)) = {
    [RT_SKIP_IO_URING] = "io_uring", [RT_SKIP_LINUX_AIO] = "linux-aio",
    [RT_SKIP_O_DIRECT] = "o-direct", [RT_SKIP_LOOP_DEVICE] = "loop-device",
    [RT_SKIP_ARCH] = "arch",
};

/* Built with ASan or TSan: cases their runtime makes impossible are left
 * out of the build (not skipped). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
# define RT_SANITIZED 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#  define RT_SANITIZED 1
# endif
#endif
#ifndef RT_SANITIZED
# define RT_SANITIZED 0
#endif

static int rt_skipped __attribute__((unused));

#define rt_skip(reason, ...) do { \
        printf("SKIP(%s): ", rt_skip_names[(reason)]); \
        printf(__VA_ARGS__); \
        printf("\n"); \
        fflush(stdout); \
        rt_skipped++; \
        skip(); \
    } while (0)

/* cmocka's group runner, exiting 77 when a case was skipped and none failed. */
#define rt_run_group_tests(tests, setup, teardown) \
    rt_exit_status(cmocka_run_group_tests((tests), (setup), (teardown)))

static inline int rt_exit_status(int failed)
{
    return failed ? failed : rt_skipped ? 77 : 0;
}

/* Does the kernel give this process an io_uring?  (ENOSYS: too old or
 * disabled; EPERM: forbidden, e.g. io_uring_disabled or a seccomp filter.) */
static inline bool rt_io_uring_works(int *err)
{
    struct io_uring_params p;
    long fd;

    memset(&p, 0, sizeof(p));
    fd = syscall(__NR_io_uring_setup, 1, &p);
    if (fd < 0) {
        *err = errno;
        return false;
    }
    close((int)fd);
    return true;
}

/* Does the kernel give this process a Linux AIO context? */
static inline bool rt_linux_aio_works(int *err)
{
    aio_context_t ctx = 0;

    if (syscall(__NR_io_setup, 1, &ctx) < 0) {
        *err = errno;
        return false;
    }
    syscall(__NR_io_destroy, ctx);
    return true;
}

/* Can files in @dir be opened with O_DIRECT? */
static inline bool rt_o_direct_works(const char *dir, int *err)
{
    char path[512];
    int fd;

    snprintf(path, sizeof(path), "%s/rt-odirect-XXXXXX", dir);
    fd = mkstemp(path);
    if (fd < 0) {
        *err = errno;
        return false;
    }
    close(fd);
    fd = open(path, O_RDWR | O_DIRECT);
    *err = fd < 0 ? errno : 0;
    if (fd >= 0) {
        close(fd);
    }
    unlink(path);
    return fd >= 0;
}

/* Skip the case, naming the reason, when back end @aio ("io_uring",
 * "native", "threads") cannot work on this machine for a kernel reason. */
static inline void rt_require_aio(const char *aio)
{
    int err = 0;

    if (!strcmp(aio, "io_uring") && !rt_io_uring_works(&err) &&
        (err == ENOSYS || err == EPERM)) {
        rt_skip(RT_SKIP_IO_URING, "io_uring_setup: %s", strerror(err));
    }
    if (!strcmp(aio, "native") && !rt_linux_aio_works(&err) &&
        (err == ENOSYS || err == EPERM)) {
        rt_skip(RT_SKIP_LINUX_AIO, "io_setup: %s", strerror(err));
    }
}

#endif /* RT_SKIP_H */
