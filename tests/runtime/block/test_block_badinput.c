/*
 * test_block_badinput.c - malformed requests and option strings: every one
 * is answered with an error (or, for zero-length requests, 0 without
 * touching the driver), nothing aborts or hangs, and data written before
 * the bad request is intact afterwards.
 *
 * Nodes: `null` (read-zeroes=on), `file` on a temp file (aio=threads and
 * aio=io_uring) and the RAM-backed `memtest` test driver, which counts what
 * reaches it, so "nothing reached the driver" can be told there (and on
 * aio=io_uring through the back end's request counter, block/aio-stats.h).
 *
 * Expected errors follow sysemu/block-backend.h: -EINVAL for a negative
 * offset or length, a length over BDRV_REQUEST_MAX_BYTES, unknown flags, a
 * short qiov and misalignment after blk_set_request_alignment(); -EIO past
 * the end or without a node; -EROFS for writes to a read-only node.  A file
 * that shrank under the driver reads as zeroes past its new end
 * (docs/runtime/file-driver.md, file-posix.c) and stays writable.
 *
 * Context: main loop (the synchronous wrappers and a few coroutines).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "rt-test.h"
#include "rt-skip.h"
#include "block-test.h"
#include "block/aio-stats.h"
#include "block/aio-wait.h"
#include "block/block_int.h"
#include "memtest-driver.h"
#include "qemu/coroutine.h"
#include "sysemu/block-backend.h"

#define SIZE        (1 << 20)
#define KEEP_OFF    (64 * 1024)         /* "nothing lost" data lives here */
#define KEEP_LEN    (16 * 1024)

static char tmpdir[256];

static const char *tmp_base(void)
{
    const char *d = getenv("TMPDIR");

    return d ? d : "/tmp";
}

static BlockBackend *open_blk(const char *optstr)
{
    Error *err = NULL;
    BlockBackend *blk = blk_new_open(NULL, optstr, &err);

    if (!blk) {
        fail_msg("open '%s': %s", optstr, error_get_pretty(err));
    }
    return blk;
}

/* Open @optstr; NULL (and the error printed) when it does not open. */
static BlockBackend *try_open_blk(const char *optstr)
{
    Error *err = NULL;
    BlockBackend *blk = blk_new_open(NULL, optstr, &err);

    if (!blk) {
        printf("# open '%s': %s\n", optstr, error_get_pretty(err));
        error_free(err);
    }
    return blk;
}

/* A temp file of @size bytes filled with a pattern. */
static void make_file(char *path, size_t len, off_t size)
{
    static uint8_t chunk[65536];
    int fd;

    snprintf(path, len, "%s/file-XXXXXX", tmpdir);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    for (size_t i = 0; i < sizeof(chunk); i++) {
        chunk[i] = (uint8_t)(i * 13 + 1);
    }
    for (off_t off = 0; off < size; off += (off_t)sizeof(chunk)) {
        size_t n = size - off < (off_t)sizeof(chunk) ? (size_t)(size - off)
                                                     : sizeof(chunk);

        assert_int_equal(pwrite(fd, chunk, n, off), (ssize_t)n);
    }
    close(fd);
}

static void keep_pattern(uint8_t *buf)
{
    for (int i = 0; i < KEEP_LEN; i++) {
        buf[i] = (uint8_t)(i * 31 + 7);
    }
}

/* ---- the callback API with bad requests ------------------------------------ */

typedef struct AioResult {
    int ret;
    int done;
} AioResult;

static void aio_result_cb(void *opaque, int ret)
{
    AioResult *r = opaque;

    r->ret = ret;
    __atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

static int aio_read_result(BlockBackend *blk, int64_t off, size_t len,
                           BdrvRequestFlags flags)
{
    static uint8_t buf[4096];
    QEMUIOVector qiov;
    AioResult r = { 0 };

    qemu_iovec_init_buf(&qiov, buf, len);
    blk_aio_preadv(blk, off, &qiov, flags, aio_result_cb, &r);
    /* The callback never runs inside the call, errors included. */
    assert_int_equal(__atomic_load_n(&r.done, __ATOMIC_SEQ_CST), 0);
    RT_POLL_UNTIL(qemu_get_aio_context(),
                  __atomic_load_n(&r.done, __ATOMIC_SEQ_CST), 10000);
    return r.ret;
}

/* ---- a qiov shorter than the length (coroutine API only) --------------------- */

typedef struct ShortQiov {
    BlockBackend *blk;
    int read_ret, write_ret;
    int done;
} ShortQiov;

static void coroutine_fn short_qiov_entry(void *opaque)
{
    ShortQiov *sq = opaque;
    uint8_t buf[512] = { 0 };
    QEMUIOVector qiov;

    qemu_iovec_init_buf(&qiov, buf, sizeof(buf));
    sq->read_ret = blk_co_preadv(sq->blk, 0, 1024, &qiov, 0);
    sq->write_ret = blk_co_pwritev(sq->blk, 0, 1024, &qiov, 0);
    __atomic_store_n(&sq->done, 1, __ATOMIC_SEQ_CST);
    aio_wait_kick();
}

static void check_short_qiov(BlockBackend *blk)
{
    ShortQiov sq = { .blk = blk };

    qemu_coroutine_enter(qemu_coroutine_create(short_qiov_entry, &sq));
    RT_POLL_UNTIL(qemu_get_aio_context(),
                  __atomic_load_n(&sq.done, __ATOMIC_SEQ_CST), 10000);
    assert_int_equal(sq.read_ret, -EINVAL);
    assert_int_equal(sq.write_ret, -EINVAL);
}

/* ---- a callback request whose qiov is over the maximum length -------------- */

static void check_huge_aio_qiov(BlockBackend *blk)
{
    /* Address space only: if the request got through, the first byte
     * transferred would fault instead of scribbling over the heap. */
    size_t len = BDRV_REQUEST_MAX_BYTES + 4096;
    void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
                   MAP_NORESERVE, -1, 0);
    QEMUIOVector qiov;
    AioResult r = { 0 };

    assert_true(p != MAP_FAILED);
    qemu_iovec_init_buf(&qiov, p, len);
    blk_aio_preadv(blk, 0, &qiov, 0, aio_result_cb, &r);
    RT_POLL_UNTIL(qemu_get_aio_context(),
                  __atomic_load_n(&r.done, __ATOMIC_SEQ_CST), 10000);
    assert_int_equal(r.ret, -EINVAL);
    r = (AioResult) { 0 };
    blk_aio_pwritev(blk, 0, &qiov, 0, aio_result_cb, &r);
    RT_POLL_UNTIL(qemu_get_aio_context(),
                  __atomic_load_n(&r.done, __ATOMIC_SEQ_CST), 10000);
    assert_int_equal(r.ret, -EINVAL);
    munmap(p, len);
}

/* ---- misaligned discard and zeroes leave their neighbours alone ------------- */

#define NB_OFF  (256 * 1024)
#define NB_LEN  (3 * 4096)

static void check_neighbours(BlockBackend *blk)
{
    static uint8_t pat[NB_LEN], got[NB_LEN];

    for (int i = 0; i < NB_LEN; i++) {
        pat[i] = (uint8_t)(i * 11 + 5);
    }
    assert_int_equal(blk_pwrite(blk, NB_OFF, NB_LEN, pat, 0), 0);

    /* Discard: the range's contents are undefined afterwards, the bytes
     * around it are not. */
    assert_int_equal(blk_pdiscard(blk, NB_OFF + 100, 5000), 0);
    assert_int_equal(blk_pread(blk, NB_OFF, NB_LEN, got, 0), 0);
    assert_memory_equal(got, pat, 100);
    assert_memory_equal(got + 5100, pat + 5100, NB_LEN - 5100);

    /* Zeroes: exactly the range. */
    assert_int_equal(blk_pwrite(blk, NB_OFF, NB_LEN, pat, 0), 0);
    assert_int_equal(blk_pwrite_zeroes(blk, NB_OFF + 6000, 3000, 0), 0);
    assert_int_equal(blk_pread(blk, NB_OFF, NB_LEN, got, 0), 0);
    assert_memory_equal(got, pat, 6000);
    for (int i = 6000; i < 9000; i++) {
        assert_int_equal(got[i], 0);
    }
    assert_memory_equal(got + 9000, pat + 9000, NB_LEN - 9000);
}

/* ---- the request cases, for any backend of SIZE bytes ---------------------- */

/* Negative, huge and out-of-range offsets and lengths. */
static void bad_ranges(BlockBackend *blk)
{
    static uint8_t buf[8192];
    const int64_t big = BDRV_REQUEST_MAX_BYTES + 1;

    /* Negative offset or length. */
    assert_int_equal(blk_pread(blk, -1, 512, buf, 0), -EINVAL);
    assert_int_equal(blk_pread(blk, INT64_MIN, 512, buf, 0), -EINVAL);
    assert_int_equal(blk_pread(blk, 0, -1, buf, 0), -EINVAL);
    assert_int_equal(blk_pwrite(blk, -4096, 512, buf, 0), -EINVAL);
    assert_int_equal(blk_pwrite(blk, 0, INT64_MIN, buf, 0), -EINVAL);
    assert_int_equal(blk_pwrite_zeroes(blk, -512, 512, 0), -EINVAL);
    assert_int_equal(blk_pwrite_zeroes(blk, 0, -512, 0), -EINVAL);
    assert_int_equal(blk_pdiscard(blk, -512, 512), -EINVAL);
    assert_int_equal(blk_pdiscard(blk, 0, -1), -EINVAL);

    /* Huge lengths: over the request maximum is -EINVAL, whatever the
     * offset; within it but past the end is -EIO. */
    assert_int_equal(blk_pwrite_zeroes(blk, 0, big, 0), -EINVAL);
    assert_int_equal(blk_pwrite_zeroes(blk, 0, INT64_MAX, 0), -EINVAL);
    assert_int_equal(blk_pdiscard(blk, 0, INT64_MAX), -EINVAL);
    assert_int_equal(blk_pread(blk, 0, big, buf, 0), -EINVAL);
    assert_int_equal(blk_pwrite(blk, 0, big, buf, 0), -EINVAL);
    assert_int_equal(blk_pwrite_zeroes(blk, 0, 2 * SIZE, 0), -EIO);
    assert_int_equal(blk_pdiscard(blk, 4096, SIZE), -EIO);

    /* Past the end: starting there, straddling it, far beyond, and an
     * offset + length that would overflow int64_t. */
    assert_int_equal(blk_pread(blk, SIZE, 1, buf, 0), -EIO);
    assert_int_equal(blk_pread(blk, SIZE - 256, 512, buf, 0), -EIO);
    assert_int_equal(blk_pwrite(blk, SIZE - 256, 512, buf, 0), -EIO);
    assert_int_equal(blk_pwrite(blk, SIZE, 4096, buf, 0), -EIO);
    assert_int_equal(blk_pread(blk, INT64_MAX - 10, 512, buf, 0), -EIO);
    assert_int_equal(blk_pwrite(blk, INT64_MAX, 1, buf, 0), -EIO);
    assert_int_equal(blk_pwrite_zeroes(blk, INT64_MAX - 511, 512, 0), -EIO);
    assert_int_equal(blk_pdiscard(blk, 1LL << 62, 4096), -EIO);
}

/* Unknown flags, also through the callback API. */
static void bad_flags(BlockBackend *blk)
{
    static uint8_t buf[512];

    assert_int_equal(blk_pread(blk, 0, 512, buf, BDRV_REQ_MASK + 1), -EINVAL);
    assert_int_equal(blk_pwrite(blk, 0, 512, buf, 0x100), -EINVAL);
    assert_int_equal(blk_pwrite(blk, 0, 512, buf, (BdrvRequestFlags)0x80000000u),
                     -EINVAL);
    assert_int_equal(blk_pwrite_zeroes(blk, 0, 512, 0x40), -EINVAL);

    /* The same through the callback API: an error, delivered later. */
    assert_int_equal(aio_read_result(blk, -512, 512, 0), -EINVAL);
    assert_int_equal(aio_read_result(blk, SIZE, 512, 0), -EIO);
    assert_int_equal(aio_read_result(blk, 0, 512, 0x100), -EINVAL);
    assert_int_equal(aio_read_result(blk, 0, 512, 0), 0);
}

/* Zero-length requests. */
static void zero_length(BlockBackend *blk)
{
    static uint8_t buf[512];

    /* They succeed, within the node and at its end. */
    assert_int_equal(blk_pread(blk, 0, 0, buf, 0), 0);
    assert_int_equal(blk_pread(blk, SIZE, 0, buf, 0), 0);
    assert_int_equal(blk_pwrite(blk, 4096, 0, buf, 0), 0);
    assert_int_equal(blk_pwrite(blk, SIZE, 0, buf, 0), 0);
    assert_int_equal(blk_pwrite_zeroes(blk, KEEP_OFF, 0, 0), 0);
    assert_int_equal(blk_pdiscard(blk, KEEP_OFF, 0), 0);
}

/* Requests that break the alignment the device asked for. */
static void misaligned(BlockBackend *blk)
{
    static uint8_t buf[2048];

    blk_set_request_alignment(blk, 512);
    assert_int_equal(blk_pread(blk, 100, 512, buf, 0), -EINVAL);
    assert_int_equal(blk_pread(blk, 512, 100, buf, 0), -EINVAL);
    assert_int_equal(blk_pwrite(blk, 1, 512, buf, 0), -EINVAL);
    assert_int_equal(blk_pwrite(blk, KEEP_OFF, 511, buf, 0), -EINVAL);
    assert_int_equal(blk_pwrite_zeroes(blk, KEEP_OFF + 3, 512, 0), -EINVAL);
    assert_int_equal(blk_pdiscard(blk, KEEP_OFF, 1000), -EINVAL);
    assert_int_equal(aio_read_result(blk, 256, 512, 0), -EINVAL);
    /* Aligned ones still work, zero-length ones too. */
    assert_int_equal(blk_pread(blk, 512, 1024, buf, 0), 0);
    assert_int_equal(blk_pread(blk, 512, 0, buf, 0), 0);
    blk_set_request_alignment(blk, 1);
}

/*
 * Every malformed request on @blk.  @has_data: reads return what was
 * written (file, memtest), so the "nothing lost" region can be checked.
 */
static void bad_requests(BlockBackend *blk, bool has_data)
{
    static uint8_t keep[KEEP_LEN], got[KEEP_LEN];

    keep_pattern(keep);
    assert_int_equal(blk_getlength(blk), SIZE);
    assert_int_equal(blk_pwrite(blk, KEEP_OFF, KEEP_LEN, keep, 0), 0);

    bad_ranges(blk);
    bad_flags(blk);
    check_short_qiov(blk);
    check_huge_aio_qiov(blk);
    if (has_data) {
        check_neighbours(blk);
    }
    zero_length(blk);
    misaligned(blk);

    /* Nothing lost. */
    assert_int_equal(blk_flush(blk), 0);
    memset(got, 0xee, sizeof(got));
    assert_int_equal(blk_pread(blk, KEEP_OFF, KEEP_LEN, got, 0), 0);
    if (has_data) {
        assert_memory_equal(got, keep, KEEP_LEN);
    }
}

static void test_requests_null(void **state)
{
    BlockBackend *blk = open_blk("driver=null,size=1M,read-zeroes=on");

    (void)state;
    bad_requests(blk, false);
    assert_int_equal(blk_in_flight(blk), 0);
    assert_int_equal(bdrv_in_flight(bt_root(blk)), 0);
    blk_unref(blk);
}

static void test_requests_memtest(void **state)
{
    BlockBackend *blk = open_blk("driver=memtest,size=1M");
    MemtestState *m = memtest_state(bt_root(blk));
    uint8_t buf[512];
    int64_t reads, writes, zeroes, discards;

    (void)state;
    bad_requests(blk, true);

    /* Zero-length and rejected requests never reach the driver. */
    reads = bt_load(&m->reads);
    writes = bt_load(&m->writes);
    zeroes = bt_load(&m->zeroes);
    discards = bt_load(&m->discards);
    assert_int_equal(blk_pread(blk, 0, 0, buf, 0), 0);
    assert_int_equal(blk_pwrite(blk, 512, 0, buf, 0), 0);
    assert_int_equal(blk_pwrite_zeroes(blk, 512, 0, 0), 0);
    assert_int_equal(blk_pdiscard(blk, 512, 0), 0);
    assert_int_equal(blk_pread(blk, -1, 512, buf, 0), -EINVAL);
    assert_int_equal(blk_pwrite(blk, SIZE, 512, buf, 0), -EIO);
    assert_int_equal(blk_pwrite(blk, 0, 512, buf, 0x100), -EINVAL);
    assert_int_equal(blk_pwrite_zeroes(blk, SIZE - 1, 2, 0), -EIO);
    assert_int_equal(blk_pdiscard(blk, -1, 2), -EINVAL);
    assert_int_equal(bt_load(&m->reads), reads);
    assert_int_equal(bt_load(&m->writes), writes);
    assert_int_equal(bt_load(&m->zeroes), zeroes);
    assert_int_equal(bt_load(&m->discards), discards);
    assert_int_equal(bt_load(&m->violations), 0);
    blk_unref(blk);
}

/* Open the file at @path with @aio and @direct, or skip the case (and
 * remove the file) for a named reason when this machine cannot: no O_DIRECT on the temp file
 * system, or a back end the kernel refuses. */
static BlockBackend *open_file_or_skip(const char *path, const char *aio,
                                       bool direct)
{
    char opts[400];
    BlockBackend *blk;

    int err = 0;

    rt_require_aio(aio);
    if (direct && !rt_o_direct_works(tmpdir, &err) && err == EINVAL) {
        unlink(path);
        rt_skip(RT_SKIP_O_DIRECT, "O_DIRECT on %s: %s", tmpdir, strerror(err));
    }
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,aio=%s,cache.direct=%s",
             path, aio, direct ? "on" : "off");
    blk = try_open_blk(opts);
    if (!blk) {
        unlink(path);
        fail_msg("open '%s' failed (above)", opts);
    }
    return blk;
}

static void requests_file(const char *aio, bool direct)
{
    char path[300];
    BlockBackend *blk;
    BlockAioStats before, after;
    uint8_t buf[512];

    make_file(path, sizeof(path), SIZE);
    blk = open_file_or_skip(path, aio, direct);
    bad_requests(blk, true);

    /* Zero-length requests reach no kernel interface (counted for the
     * io_uring and linux-aio back ends only). */
    block_aio_stats_get(&before);
    assert_int_equal(blk_pread(blk, 0, 0, buf, 0), 0);
    assert_int_equal(blk_pwrite(blk, 512, 0, buf, 0), 0);
    assert_int_equal(blk_pwrite_zeroes(blk, 512, 0, 0), 0);
    assert_int_equal(blk_pdiscard(blk, 512, 0), 0);
    assert_int_equal(blk_pread(blk, SIZE, 512, buf, 0), -EIO);
    block_aio_stats_get(&after);
    assert_int_equal(after.requests, before.requests);
    assert_int_equal(blk_in_flight(blk), 0);
    blk_unref(blk);
    unlink(path);
}

static void test_requests_file_threads(void **state)
{
    (void)state;
    requests_file("threads", false);
}

static void test_requests_file_io_uring(void **state)
{
    (void)state;
    requests_file("io_uring", false);
}

/* O_DIRECT: misaligned zeroes and discards take the generic layer's
 * read-modify-write and trimming paths. */
static void test_requests_file_direct(void **state)
{
    (void)state;
    requests_file("io_uring", true);
}

/* ---- read-only nodes and no node ------------------------------------------------ */

static void test_read_only(void **state)
{
    char path[300], opts[400];
    BlockBackend *ro, *file_ro, *empty;
    uint8_t buf[4096], orig[4096];

    (void)state;
    ro = open_blk("driver=null,size=1M,read-only=on");
    assert_true(bdrv_is_read_only(bt_root(ro)));
    assert_int_equal(blk_pwrite(ro, 0, 512, buf, 0), -EROFS);
    assert_int_equal(blk_pwrite(ro, 0, 512, buf, BDRV_REQ_FUA), -EROFS);
    assert_int_equal(blk_pwrite(ro, 0, 512, buf, BDRV_REQ_BARRIER), -EROFS);
    assert_int_equal(blk_pwrite_zeroes(ro, 0, 512, 0), -EROFS);
    assert_int_equal(blk_pdiscard(ro, 0, 512), -EROFS);
    assert_int_equal(blk_pread(ro, 0, 512, buf, 0), 0);
    blk_unref(ro);

    make_file(path, sizeof(path), SIZE);
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,read-only=on", path);
    file_ro = open_blk(opts);
    assert_int_equal(blk_pread(file_ro, 4096, 4096, orig, 0), 0);
    memset(buf, 0x77, sizeof(buf));
    assert_int_equal(blk_pwrite(file_ro, 4096, 4096, buf, 0), -EROFS);
    assert_int_equal(blk_pwrite_zeroes(file_ro, 4096, 4096, 0), -EROFS);
    assert_int_equal(blk_pdiscard(file_ro, 4096, 4096), -EROFS);
    assert_int_equal(blk_pread(file_ro, 4096, 4096, buf, 0), 0);
    assert_memory_equal(buf, orig, sizeof(buf));        /* nothing changed */
    blk_unref(file_ro);
    unlink(path);

    /* A backend without a node. */
    empty = blk_new("empty");
    assert_int_equal(blk_pread(empty, 0, 512, buf, 0), -EIO);
    assert_int_equal(blk_pwrite(empty, 0, 512, buf, 0), -EIO);
    assert_int_equal(blk_pwrite_zeroes(empty, 0, 512, 0), -EIO);
    assert_int_equal(blk_pdiscard(empty, 0, 512), -EIO);
    assert_int_equal(blk_flush(empty), -EIO);
    assert_true(blk_getlength(empty) < 0);
    blk_unref(empty);
}

/* ---- a file that shrinks under the driver ------------------------------------------ */

/*
 * Shrink the file to @new_end while @aio (cached, or O_DIRECT with
 * @direct) has it open.  With O_DIRECT an unaligned @new_end makes the
 * kernel stop a read off alignment, the case file-driver.md names.
 */
static void shrink_file(const char *aio, bool direct, int64_t new_end)
{
    char path[300], opts[400];
    static uint8_t orig[SIZE], buf[65536], pat[8192];
    const int64_t probe = (new_end & ~4095LL) - 4096;
    BlockBackend *blk;
    int fd;

    make_file(path, sizeof(path), SIZE);
    fd = open(path, O_RDONLY);
    assert_int_equal(pread(fd, orig, SIZE, 0), SIZE);
    close(fd);
    blk = open_file_or_skip(path, aio, direct);
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,aio=%s,cache.direct=%s",
             path, aio, direct ? "on" : "off");     /* for the messages */
    assert_int_equal(truncate(path, new_end), 0);

    /* Wholly past the new end (within the old one): zeroes. */
    memset(buf, 0xcc, sizeof(buf));
    assert_int_equal(blk_pread(blk, SIZE / 2, 65536, buf, 0), 0);
    for (size_t i = 0; i < 65536; i++) {
        if (buf[i]) {
            fail_msg("%s: byte %zu past the new end reads 0x%x, not 0",
                     opts, SIZE / 2 + i, buf[i]);
        }
    }
    /* Straddling it: data up to the end, zeroes after. */
    memset(buf, 0xcc, sizeof(buf));
    assert_int_equal(blk_pread(blk, probe, 16384, buf, 0), 0);
    assert_memory_equal(buf, orig + probe, new_end - probe);
    for (int64_t i = new_end - probe; i < 16384; i++) {
        if (buf[i]) {
            fail_msg("%s: byte %" PRId64 " past the new end %" PRId64
                     " reads 0x%x, not 0", opts, probe + i, new_end, buf[i]);
        }
    }
    /* The old end is still within the node's length, so no -EIO ... */
    assert_int_equal(blk_pread(blk, SIZE - 512, 512, buf, 0), 0);
    /* ... and writes there succeed and read back. */
    for (size_t i = 0; i < sizeof(pat); i++) {
        pat[i] = (uint8_t)(i * 5 + 9);
    }
    assert_int_equal(blk_pwrite(blk, SIZE - 8192, 8192, pat, 0), 0);
    assert_int_equal(blk_pread(blk, SIZE - 8192, 8192, buf, 0), 0);
    assert_memory_equal(buf, pat, sizeof(pat));
    assert_int_equal(blk_pwrite(blk, 0, 4096, pat, 0), 0);
    assert_int_equal(blk_flush(blk), 0);
    assert_int_equal(blk_pread(blk, 0, 4096, buf, 0), 0);
    assert_memory_equal(buf, pat, 4096);
    /* Data below the new end that nobody overwrote is intact. */
    assert_int_equal(blk_pread(blk, 8192, 65536, buf, 0), 0);
    assert_memory_equal(buf, orig + 8192, 65536);
    assert_int_equal(blk_in_flight(blk), 0);
    blk_unref(blk);
    unlink(path);
}

static void test_shrink_threads(void **state)
{
    (void)state;
    shrink_file("threads", false, SIZE / 4);
}

static void test_shrink_io_uring(void **state)
{
    (void)state;
    shrink_file("io_uring", false, SIZE / 4 + 100);
}

static void test_shrink_direct_threads(void **state)
{
    (void)state;
    shrink_file("threads", true, SIZE / 4 + 100);
}

static void test_shrink_direct_io_uring(void **state)
{
    (void)state;
    shrink_file("io_uring", true, SIZE / 4 + 1000);
}

/* ---- open errors ----------------------------------------------------------------------- */

/* Opening @optstr fails with exactly @msg (a %s in @msg, if any, is
 * matched against anything without a comma: a list of drivers). */
static void expect_open_error(const char *optstr, const char *msg)
{
    Error *err = NULL;
    BlockBackend *blk = blk_new_open(NULL, optstr, &err);
    BlockDriverState *bs;
    const char *got;
    const char *star;

    if (blk) {
        blk_unref(blk);
        fail_msg("open '%s' succeeded; expected \"%s\"", optstr, msg);
    }
    assert_non_null(err);
    got = error_get_pretty(err);
    star = strstr(msg, "%s");
    if (star) {
        size_t head = (size_t)(star - msg);
        const char *tail = star + 2;
        size_t glen = strlen(got), tlen = strlen(tail);

        if (strncmp(got, msg, head) || glen < head + tlen ||
            strcmp(got + glen - tlen, tail)) {
            fail_msg("open '%s':\n  got      \"%s\"\n  expected \"%s\"",
                     optstr, got, msg);
        }
    } else if (strcmp(got, msg)) {
        fail_msg("open '%s':\n  got      \"%s\"\n  expected \"%s\"", optstr,
                 got, msg);
    }
    error_free(err);

    /* The node level says the same, and leaves no node behind. */
    err = NULL;
    bs = bdrv_open_opts(optstr, &err);
    assert_null(bs);
    assert_non_null(err);
    error_free(err);
}

static void test_open_errors(void **state)
{
    char path[300], opts[600], msg[800], missing[300], dir[300];
    int fd;

    (void)state;
    make_file(path, sizeof(path), 4096);
    snprintf(missing, sizeof(missing), "%s/does-not-exist", tmpdir);
    snprintf(dir, sizeof(dir), "%s/a-directory", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);

    /* Drivers. */
    expect_open_error("driver=nosuch", "unknown driver 'nosuch' (known "
                      "drivers: %s)");
    expect_open_error("size=1M", "option 'driver' is missing (known "
                      "drivers: %s)");
    expect_open_error("", "option 'driver' is missing (known drivers: %s)");

    /* Unknown options. */
    expect_open_error("driver=null,sise=1M", "driver 'null' has no option "
                      "'sise'");
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,cache.drect=on",
             path);
    expect_open_error(opts, "driver 'file' has no option 'cache.drect'");

    /* Malformed option strings. */
    expect_open_error("driver=null,size", "option string 'driver=null,size': "
                      "key 'size' has no '=value'");
    expect_open_error("driver=null,=1M", "option string 'driver=null,=1M': "
                      "empty key at position 12");
    expect_open_error("driver=null,size=1M,size=2M", "option string "
                      "'driver=null,size=1M,size=2M': duplicate key 'size'");

    /* Bad values. */
    expect_open_error("driver=null,size=12Q", "driver 'null': option 'size': "
                      "'12Q' is not a size (a number with an optional k, M, "
                      "G or T suffix)");
    expect_open_error("driver=null,size=-1", "driver 'null': option 'size': "
                      "'-1' is not a size (a number with an optional k, M, "
                      "G or T suffix)");
    expect_open_error("driver=null,size=99999999999T", "driver 'null': "
                      "option 'size': '99999999999T' is too large");
    expect_open_error("driver=null,size=8388607T", "driver 'null': option "
                      "'size': 9223370937343148032 is larger than the "
                      "maximum of 4611686018427387903 bytes");
    expect_open_error("driver=null,read-zeroes=maybe", "driver 'null': "
                      "option 'read-zeroes': 'maybe' is not a boolean (use "
                      "on/off, true/false, yes/no or 1/0)");
    expect_open_error("driver=null,read-only=2", "driver 'null': option "
                      "'read-only': '2' is not a boolean (use on/off, "
                      "true/false, yes/no or 1/0)");

    /* The file driver. */
    expect_open_error("driver=file", "driver 'file': option 'filename' is "
                      "required");
    expect_open_error("driver=file,filename=", "driver 'file': option "
                      "'filename' is required");
    snprintf(opts, sizeof(opts), "driver=file,filename=%s", missing);
    snprintf(msg, sizeof(msg), "driver 'file': filename '%s': No such file "
             "or directory", missing);
    expect_open_error(opts, msg);
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,aio=bogus", path);
    expect_open_error(opts, "driver 'file': aio 'bogus' is unknown "
                      "(accepted: threads, native, io_uring)");
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,cache.direct=sure",
             path);
    expect_open_error(opts, "driver 'file': option 'cache.direct': 'sure' is "
                      "not a boolean (use on/off, true/false, yes/no or "
                      "1/0)");

    /* Unreadable: chmod 000 means nothing to root (this runs as root in
     * CI), so use what no one can open as a disk: a directory, read-write
     * and read-only. */
    if (geteuid() != 0) {
        chmod(path, 0);
        snprintf(opts, sizeof(opts), "driver=file,filename=%s", path);
        snprintf(msg, sizeof(msg), "driver 'file': filename '%s': "
                 "Permission denied", path);
        expect_open_error(opts, msg);
        chmod(path, 0600);
    }
    snprintf(opts, sizeof(opts), "driver=file,filename=%s", dir);
    snprintf(msg, sizeof(msg), "driver 'file': filename '%s': Is a directory",
             dir);
    expect_open_error(opts, msg);
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,read-only=on", dir);
    snprintf(msg, sizeof(msg), "driver 'file': filename '%s' is not a regular "
             "file or block device", dir);
    expect_open_error(opts, msg);

    /* A file whose name contains a comma (",," escapes it) opens fine:
     * the parser did not split it. */
    {
        char comma[300], esc[600];
        BlockBackend *blk;

        snprintf(comma, sizeof(comma), "%s/a,b", tmpdir);
        fd = open(comma, O_CREAT | O_RDWR, 0600);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, 4096), 0);
        close(fd);
        snprintf(esc, sizeof(esc), "driver=file,filename=%s/a,,b", tmpdir);
        blk = open_blk(esc);
        assert_int_equal(blk_getlength(blk), 4096);
        blk_unref(blk);
        unlink(comma);
    }

    /* No failed open left a node behind. */
    assert_null(bdrv_next_node(NULL));
    rmdir(dir);
    unlink(path);
}

/* ---- graph changes with bad arguments ----------------------------------------------------- */

static void expect_error(Error *err, const char *msg)
{
    assert_non_null(err);
    if (strcmp(error_get_pretty(err), msg)) {
        fail_msg("got \"%s\", expected \"%s\"", error_get_pretty(err), msg);
    }
    error_free(err);
}

/*
 * Filter insertion and removal, and attaching a second root, fail with a
 * message; the graph is as before and the data still reads back.
 */
static void test_graph_errors(void **state)
{
    BlockBackend *blk = open_blk("driver=memtest,size=1M");
    BlockDriverState *bs = bt_root(blk), *orphan, *other;
    uint8_t keep[KEEP_LEN], got[KEEP_LEN];
    char msg[200];
    Error *err = NULL;

    (void)state;
    keep_pattern(keep);
    assert_int_equal(blk_pwrite(blk, KEEP_OFF, KEEP_LEN, keep, 0), 0);

    assert_null(bdrv_insert_filter(bs, "driver=null", &err));
    expect_error(err, "driver 'null' is not a filter");
    err = NULL;
    assert_null(bdrv_insert_filter(bs, "driver=throttle,file=x", &err));
    snprintf(msg, sizeof(msg), "filter options must not name the child "
             "'file' (it becomes node '%s')", bdrv_get_node_name(bs));
    expect_error(err, msg);
    err = NULL;
    assert_null(bdrv_insert_filter(bs, "driver=throttle,file.driver=null",
                                   &err));
    expect_error(err, msg);
    err = NULL;
    assert_null(bdrv_insert_filter(bs, "driver=throttle,iops-total=many",
                                   &err));
    assert_non_null(err);
    assert_non_null(strstr(error_get_pretty(err), "'many'"));
    error_free(err);
    err = NULL;
    assert_null(bdrv_insert_filter(bs, "driver=throttle,,", &err));
    assert_non_null(err);
    error_free(err);
    err = NULL;
    assert_int_equal(bdrv_remove_filter(bs, &err), -EINVAL);
    snprintf(msg, sizeof(msg), "node '%s' is not a filter",
             bdrv_get_node_name(bs));
    expect_error(err, msg);

    /* A node nobody uses has nowhere to put a filter. */
    err = NULL;
    orphan = bdrv_open_opts("driver=null,size=1M,node-name=orphan", &err);
    assert_non_null(orphan);
    assert_null(bdrv_insert_filter(orphan, "driver=throttle", &err));
    snprintf(msg, sizeof(msg), "node '%s' has no parent to insert a filter "
             "under", bdrv_get_node_name(orphan));
    expect_error(err, msg);

    /* A backend has one root. */
    err = NULL;
    assert_true(blk_insert_bs(blk, orphan, &err) < 0);
    snprintf(msg, sizeof(msg), "block backend '%s' already has a node",
             blk_name(blk));
    expect_error(err, msg);

    /* Node names: taken, or not a name. */
    err = NULL;
    assert_null(bdrv_open_opts("driver=null,node-name=orphan", &err));
    expect_error(err, "driver 'null': node name 'orphan' is already in use");
    err = NULL;
    assert_null(bdrv_open_opts("driver=null,node-name=#block1", &err));
    expect_error(err, "driver 'null': node name '#block1' is invalid (a "
                 "letter, then letters, digits, '-', '_' or '.'; at most 63 "
                 "characters)");
    bdrv_unref(orphan);

    /* Nothing moved, nothing lost, and the graph still changes. */
    assert_ptr_equal(bt_root(blk), bs);
    assert_int_equal(blk_pread(blk, KEEP_OFF, KEEP_LEN, got, 0), 0);
    assert_memory_equal(got, keep, KEEP_LEN);
    err = NULL;
    other = bdrv_insert_filter(bs, "driver=throttle", &err);
    assert_non_null(other);
    assert_ptr_equal(bt_root(blk), other);
    assert_int_equal(blk_pread(blk, KEEP_OFF, KEEP_LEN, got, 0), 0);
    assert_memory_equal(got, keep, KEEP_LEN);
    assert_int_equal(bdrv_remove_filter(other, &err), 0);
    assert_ptr_equal(bt_root(blk), bs);
    assert_int_equal(blk_in_flight(blk), 0);
    blk_unref(blk);
}

/* ---- set-up ----------------------------------------------------------------------------- */

static int group_setup(void **state)
{
    snprintf(tmpdir, sizeof(tmpdir), "%s/blkcheck-badinput-XXXXXX", tmp_base());
    if (!mkdtemp(tmpdir) || rt_group_setup(state) < 0) {
        return -1;
    }
    bdrv_register(&bdrv_memtest);
    return 0;
}

static int group_teardown(void **state)
{
    rmdir(tmpdir);
    return rt_group_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_null),
        cmocka_unit_test(test_requests_memtest),
        cmocka_unit_test(test_requests_file_threads),
        cmocka_unit_test(test_requests_file_io_uring),
        cmocka_unit_test(test_requests_file_direct),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_shrink_threads),
        cmocka_unit_test(test_shrink_io_uring),
        cmocka_unit_test(test_shrink_direct_threads),
        cmocka_unit_test(test_shrink_direct_io_uring),
        cmocka_unit_test(test_graph_errors),
        cmocka_unit_test(test_open_errors),
    };

    return rt_run_group_tests(tests, group_setup, group_teardown);
}
