/*
 * test_file_blockdev.c - the `file` driver on a block device: a loop device
 * over a temp file, for every back end, cached and O_DIRECT.  Checks the
 * length (BLKGETSIZE64 path, not st_size, which is 0 for a device), the
 * probed alignment, data written through the node landing in the backing
 * file, and flush/zeroes/discard on a device.
 *
 * Needs /dev/loop-control and the right to set up loop devices (root);
 * skips with a message otherwise.  Context: main loop.
 */
#include "rt-test.h"
#include "file-test.h"
#include "block-test.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <string.h>
#include <sys/ioctl.h>

#include "block/block_int.h"

#define DEV_SIZE (8 * 1024 * 1024)

static char devpath[64];
static int backing_fd = -1;
static int dev_fd = -1;

/* Attach a free loop device to the image at `path`.  Returns: false with a
 * reason printed when the machine cannot. */
/* Attach a loop device over a fresh backing file.  Returns false with the
 * reason in @why when no loop device can be had (a skip); a backing file
 * that cannot be made is a failure. */
static bool loop_attach(char *why, size_t len)
{
    int ctl, n;

    backing_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (backing_fd < 0 || ftruncate(backing_fd, DEV_SIZE) < 0) {
        fail_msg("backing file %s: %s", path, strerror(errno));
    }
    ctl = open("/dev/loop-control", O_RDWR);
    if (ctl < 0) {
        snprintf(why, len, "/dev/loop-control: %s", strerror(errno));
        return false;
    }
    n = ioctl(ctl, LOOP_CTL_GET_FREE);
    close(ctl);
    if (n < 0) {
        snprintf(why, len, "no free loop device: %s", strerror(errno));
        return false;
    }
    snprintf(devpath, sizeof(devpath), "/dev/loop%d", n);
    dev_fd = open(devpath, O_RDWR);
    if (dev_fd < 0 || ioctl(dev_fd, LOOP_SET_FD, backing_fd) < 0) {
        snprintf(why, len, "%s: %s", devpath, strerror(errno));
        if (dev_fd >= 0) {
            close(dev_fd);
            dev_fd = -1;
        }
        return false;
    }
    return true;
}

static void loop_detach(void)
{
    if (dev_fd >= 0) {
        ioctl(dev_fd, LOOP_CLR_FD, 0);
        close(dev_fd);
        dev_fd = -1;
    }
    if (backing_fd >= 0) {
        close(backing_fd);
        backing_fd = -1;
    }
}

static void test_blockdev(void **state)
{
    const FileConfig *cfg = *state;
    char opts[256];
    Error *err = NULL;
    BlockBackend *blk;
    BlockDriverState *bs;
    uint8_t *out, *in;
    const size_t len = 64 * 1024;

    char why[256];

    rt_require_aio(cfg->aio);
    if (!loop_attach(why, sizeof(why))) {
        loop_detach();
        rt_skip(RT_SKIP_LOOP_DEVICE, "%s", why);
    }
    snprintf(opts, sizeof(opts),
             "driver=file,filename=%s,aio=%s,cache.direct=%s",
             devpath, cfg->aio, cfg->direct ? "on" : "off");
    printf("# %s\n", opts);
    blk = blk_new_open("dev", opts, &err);
    if (!blk) {
        loop_detach();
        fail_msg("open %s: %s", opts, error_get_pretty(err));
    }
    bs = bt_root(blk);
    assert_int_equal(blk_getlength(blk), DEV_SIZE);
    if (cfg->direct) {
        /* The device's logical block size, 512 for a default loop device. */
        assert_true(bs->bl.request_alignment >= 512);
        assert_int_equal(bs->bl.request_alignment &
                         (bs->bl.request_alignment - 1), 0);
    } else {
        assert_int_equal(bs->bl.request_alignment, 1);
    }

    out = malloc(len);
    in = malloc(len);
    assert_non_null(out);
    assert_non_null(in);
    for (size_t i = 0; i < len; i++) {
        out[i] = (uint8_t)(i * 13 + (cfg->direct ? 1 : 2));
    }
    /* Misaligned on purpose: the generic layer pads for O_DIRECT. */
    assert_int_equal(blk_pwrite(blk, 1000, (int64_t)len, out, 0), 0);
    assert_int_equal(blk_flush(blk), 0);
    assert_int_equal(blk_pread(blk, 1000, (int64_t)len, in, 0), 0);
    assert_memory_equal(in, out, len);
    assert_int_equal(blk_pwrite_zeroes(blk, 1 << 20, 4096, 0), 0);
    assert_int_equal(blk_pdiscard(blk, 2 << 20, 1 << 20), 0);
    assert_int_equal(blk_pread(blk, DEV_SIZE - 512, 1024, in, 0), -EIO);
    blk_unref(blk);

    /* The data went through the device into the backing file. */
    assert_int_equal(pread(backing_fd, in, len, 1000), (ssize_t)len);
    assert_memory_equal(in, out, len);
    free(out);
    free(in);
    loop_detach();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PER_CONFIG(test_blockdev),
    };

    return rt_run_group_tests(tests, file_group_setup, file_group_teardown);
}
