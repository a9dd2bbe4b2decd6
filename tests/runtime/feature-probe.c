/*
 * feature-probe.c - what this machine can run, for ci/skips.sh
 *
 * Prints one line per skip reason of rt-skip.h: "REASON yes" when this
 * machine has what the reason says is missing (so a test skipped for it
 * is a failure), "REASON no" otherwise.  Asks the kernel directly, with
 * the same probes the tests use.
 *
 *   feature-probe [TMPDIR]
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/loop.h>
#include <sys/ioctl.h>

#include "rt-skip.h"

static bool loop_device_works(void)
{
    int ctl = open("/dev/loop-control", O_RDWR);
    int n = ctl >= 0 ? ioctl(ctl, LOOP_CTL_GET_FREE) : -1;

    if (ctl >= 0) {
        close(ctl);
    }
    return n >= 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    int err;

    printf("%s %s\n", rt_skip_names[RT_SKIP_IO_URING], rt_io_uring_works(&err) ? "yes" : "no");
    printf("%s %s\n", rt_skip_names[RT_SKIP_LINUX_AIO], rt_linux_aio_works(&err) ? "yes" : "no");
    printf("%s %s\n", rt_skip_names[RT_SKIP_O_DIRECT], rt_o_direct_works(dir, &err) ? "yes" : "no");
    printf("%s %s\n", rt_skip_names[RT_SKIP_LOOP_DEVICE], loop_device_works() ? "yes" : "no");
#if defined(__x86_64__)
    printf("%s yes\n", rt_skip_names[RT_SKIP_ARCH]);
#else
    printf("%s no\n", rt_skip_names[RT_SKIP_ARCH]);
#endif
    return 0;
}
