/*
 * test_file_blk.c - the `file` driver under the generic layer: opened with
 * blk_new_open("driver=file,filename=...,aio=X,cache.direct=Y") for every
 * back end, cached and O_DIRECT; unaligned requests (bounced and
 * read-modify-written by io.c on O_DIRECT), I/O from two IOThreads,
 * zeroes/discard/flush, a file that shrinks under the node, batching of
 * blk_aio_* requests in a defer_call section, and open error messages.
 *
 * Threads: the main loop opens and closes; requests come from the main
 * loop (synchronous wrappers, blk_aio_*) and from IOThread coroutines.
 */
#include "rt-test.h"
#include "file-test.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "block/aio-stats.h"
#include "block/block.h"
#include "block/thread-pool.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "qemu/defer-call.h"
#include "sysemu/block-backend.h"


static void make_file(size_t size)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)size), 0);
    close(fd);
}

static void fill(uint8_t *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seed * 13 + i * 5 + (i >> 10));
    }
}

static void assert_bytes(const uint8_t *p, int c, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != c) {
            fail_msg("byte %zu is 0x%02x, expected 0x%02x", i, p[i], c);
        }
    }
}

/* Open the test file with @cfg; skip when O_DIRECT is refused. */
static BlockBackend *config_open(const FileConfig *cfg)
{
    char opts[PATH_MAX + 96];
    Error *err = NULL;
    BlockBackend *blk;

    printf("# aio=%s cache.direct=%s\n", cfg->aio, cfg->direct ? "on" : "off");
    file_config_require(cfg, tmpdir);
    make_file(FILE_SIZE);
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,aio=%s,cache.direct=%s",
             path, cfg->aio, cfg->direct ? "on" : "off");
    blk = blk_new_open("disk", opts, &err);
    if (!blk) {
        fail_msg("open %s: %s", opts, error_get_pretty(err));
    }
    return blk;
}

/* Unaligned offsets, lengths and buffers: io.c aligns them for O_DIRECT. */
static void test_blk_unaligned(void **state)
{
    BlockBackend *blk = config_open(*state);
    enum { LEN = 3 * ALIGN + 777 };
    uint8_t *w = malloc(LEN + 1), *r = malloc(LEN + 1);

    assert_int_equal(blk_getlength(blk), FILE_SIZE);
    fill(w + 1, LEN, 4);
    assert_int_equal(blk_pwrite(blk, 1000, LEN, w + 1, 0), 0);
    assert_int_equal(blk_pwrite(blk, 100000, 1, w + 1, 0), 0);
    memset(r, 0, LEN + 1);
    assert_int_equal(blk_pread(blk, 1000, LEN, r + 1, 0), 0);
    assert_memory_equal(r + 1, w + 1, LEN);
    assert_int_equal(blk_pread(blk, 99999, 3, r, 0), 0);
    assert_int_equal(r[0], 0);
    assert_int_equal(r[1], w[1]);
    assert_int_equal(r[2], 0);
    free(w);
    free(r);
    blk_unref(blk);
}

typedef struct CoReq {
    BlockBackend *blk;
    int64_t offset;
    uint8_t *buf;
    int seed;
    int ret;
    bool done;                  /* release/acquire: IOThread -> main */
} CoReq;

/* Write a pattern, flush, read it back; in an IOThread. */
static void coroutine_fn co_write_verify(void *opaque)
{
    CoReq *r = opaque;
    uint8_t *expect = malloc(ALIGN * 4);
    int ret;

    fill(expect, ALIGN * 4, (unsigned)r->seed);
    memcpy(r->buf, expect, ALIGN * 4);
    ret = blk_co_pwrite(r->blk, r->offset, ALIGN * 4, r->buf, 0);
    if (ret == 0) {
        ret = blk_co_flush(r->blk);
    }
    if (ret == 0) {
        memset(r->buf, 0, ALIGN * 4);
        ret = blk_co_pread(r->blk, r->offset, ALIGN * 4, r->buf, 0);
    }
    if (ret == 0 && memcmp(r->buf, expect, ALIGN * 4)) {
        ret = -EILSEQ;
    }
    free(expect);
    r->ret = ret;
    qatomic_store_release(&r->done, true);
}

static void test_blk_iothreads(void **state)
{
    BlockBackend *blk = config_open(*state);
    enum { T = 2, K = 6 };
    IOThread *io[T];
    CoReq reqs[T * K];

    assert_int_equal(rt_iothreads_start(io, T, "blk-io"), 0);
    for (int i = 0; i < T * K; i++) {
        reqs[i] = (CoReq){ .blk = blk, .offset = (int64_t)i * 4 * ALIGN,
                           .buf = aligned_alloc(ALIGN, ALIGN * 4), .seed = i };
        aio_co_enter(iothread_get_aio_context(io[i % T]),
                     qemu_coroutine_create(co_write_verify, &reqs[i]));
    }
    for (int i = 0; i < T * K; i++) {
        RT_POLL_UNTIL(qemu_get_aio_context(), qatomic_load_acquire(&reqs[i].done),
                      30000);
        assert_int_equal(reqs[i].ret, 0);
        free(reqs[i].buf);
    }
    rt_iothreads_stop(io, T);
    blk_unref(blk);
}

static void test_blk_zeroes_discard_flush(void **state)
{
    BlockBackend *blk = config_open(*state);
    enum { LEN = 8 * ALIGN };
    uint8_t *buf = malloc(LEN);

    memset(buf, 0xcd, LEN);
    assert_int_equal(blk_pwrite(blk, 0, LEN, buf, 0), 0);
    assert_int_equal(blk_pwrite_zeroes(blk, ALIGN, ALIGN, BDRV_REQ_MAY_UNMAP), 0);
    assert_int_equal(blk_pwrite_zeroes(blk, 3 * ALIGN, 2 * ALIGN, 0), 0);
    assert_int_equal(blk_pdiscard(blk, 6 * ALIGN, ALIGN), 0);
    assert_int_equal(blk_flush(blk), 0);
    assert_int_equal(blk_pread(blk, 0, LEN, buf, 0), 0);
    assert_bytes(buf, 0xcd, ALIGN);
    assert_bytes(buf + ALIGN, 0, ALIGN);
    assert_bytes(buf + 2 * ALIGN, 0xcd, ALIGN);
    assert_bytes(buf + 3 * ALIGN, 0, 2 * ALIGN);
    assert_bytes(buf + 5 * ALIGN, 0xcd, ALIGN);
    assert_bytes(buf + 7 * ALIGN, 0xcd, ALIGN);
    assert_int_equal(blk_getlength(blk), FILE_SIZE);
    free(buf);
    blk_unref(blk);
}

/* The node still believes in FILE_SIZE; the file shrank: zeroes, not an
 * error, a crash or a hang. */
static void test_blk_shrunk(void **state)
{
    BlockBackend *blk = config_open(*state);
    enum { LEN = 16 * ALIGN, CUT = 5 * ALIGN + 333 };
    uint8_t *w = malloc(LEN), *r = malloc(LEN);

    fill(w, LEN, 8);
    assert_int_equal(blk_pwrite(blk, 0, LEN, w, 0), 0);
    assert_int_equal(truncate(path, CUT), 0);
    memset(r, 0x77, LEN);
    assert_int_equal(blk_pread(blk, 100, LEN - 100, r, 0), 0);
    assert_memory_equal(r, w + 100, CUT - 100);
    assert_bytes(r + CUT - 100, 0, LEN - CUT);
    free(w);
    free(r);
    blk_unref(blk);
}

typedef struct AioDone {
    int ret;
    int count;
} AioDone;

static void aio_cb(void *opaque, int ret)
{
    AioDone *d = opaque;

    if (ret < 0) {
        d->ret = ret;
    }
    d->count++;
}

/* N blk_aio_preadv() in one section: one submit call for all of them. */
static void test_blk_batching(void **state)
{
    const FileConfig *cfg = *state;
    BlockBackend *blk = config_open(cfg);
    bool kernel = strcmp(cfg->aio, "threads") != 0;
    enum { N = 32 };
    uint8_t *buf = aligned_alloc(ALIGN, (size_t)N * ALIGN);
    QEMUIOVector qiov[N];
    AioDone d = { 0 };
    BlockAioStats st;

    assert_int_equal(blk_pread(blk, 0, ALIGN, buf, 0), 0);     /* warm up */
    block_aio_stats_reset();
    defer_call_begin();
    for (int i = 0; i < N; i++) {
        qemu_iovec_init_buf(&qiov[i], buf + (size_t)i * ALIGN, ALIGN);
        blk_aio_preadv(blk, (int64_t)i * ALIGN, &qiov[i], 0, aio_cb, &d);
    }
    defer_call_end();
    block_aio_stats_get(&st);
    assert_int_equal(st.submit_calls, kernel ? 1 : 0);
    assert_int_equal(st.requests, kernel ? N : 0);
    RT_POLL_UNTIL(qemu_get_aio_context(), d.count == N, 30000);
    assert_int_equal(d.ret, 0);
    free(buf);
    blk_unref(blk);
}

static void expect_open_error(const char *opts, const char *want)
{
    Error *err = NULL;

    assert_null(bdrv_open_opts(opts, &err));
    assert_non_null(err);
    if (strcmp(error_get_pretty(err), want)) {
        fail_msg("open '%s': got '%s', want '%s'", opts, error_get_pretty(err),
                 want);
    }
    error_free(err);
}

static void test_blk_open_errors(void **state)
{
    char opts[PATH_MAX + 64], want[PATH_MAX + 96];

    (void)state;
    make_file(FILE_SIZE);
    expect_open_error("driver=file", "driver 'file': option 'filename' is required");
    snprintf(opts, sizeof(opts), "driver=file,filename=%s.none", path);
    snprintf(want, sizeof(want), "driver 'file': filename '%s.none': %s", path,
             strerror(ENOENT));
    expect_open_error(opts, want);
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,aio=posix", path);
    expect_open_error(opts, "driver 'file': aio 'posix' is unknown (accepted: "
                      "threads, native, io_uring)");
}

static void test_blk_read_only(void **state)
{
    char opts[PATH_MAX + 64];
    Error *err = NULL;
    BlockBackend *blk;
    uint8_t buf[512] = { 0 };

    (void)state;
    make_file(FILE_SIZE);
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,read-only=on,aio=native",
             path);
    blk = blk_new_open("ro", opts, &err);
    assert_non_null(blk);
    assert_int_equal(blk_pread(blk, 0, sizeof(buf), buf, 0), 0);
    assert_int_equal(blk_pwrite(blk, 0, sizeof(buf), buf, 0), -EROFS);
    blk_unref(blk);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blk_open_errors),
        cmocka_unit_test(test_blk_read_only),
        PER_CONFIG(test_blk_unaligned),
        PER_CONFIG(test_blk_iothreads),
        PER_CONFIG(test_blk_zeroes_discard_flush),
        PER_CONFIG(test_blk_shrunk),
        PER_CONFIG(test_blk_batching),
    };

    return rt_run_group_tests(tests, file_group_setup, file_group_teardown);
}
