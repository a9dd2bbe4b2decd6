/*
 * test_file_driver.c - the `file` driver through its vtable (bdrv_file),
 * for every back end (threads, native, io_uring), cached and O_DIRECT:
 * patterns, vectors longer than IOV_MAX, two IOThreads at once, flush,
 * write_zeroes and discard, reads past a shrunk end of file, length,
 * batching (one submit call per defer_call section), a replaced main
 * context, and open errors.
 *
 * Threads: the main loop opens and closes nodes; requests run in
 * coroutines in the main loop or in IOThreads, holding the graph reader
 * lock as the generic layer would.
 */
#include "rt-test.h"
#include "file-test.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "block/aio-stats.h"
#include "block/block_int.h"
#include "block/graph-lock.h"
#include "block/options.h"
#include "block/thread-pool.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "qemu/defer-call.h"


/* ---- nodes ------------------------------------------------------------------ */

/* Open a node with @optstr as the generic layer would (options read by the
 * driver, then unread ones rejected).  Returns: the node or NULL, *@ret =
 * the driver's -errno. */
static BlockDriverState *node_open(const char *optstr, bool read_only,
                                   int *ret, Error **errp)
{
    BlockOpts *opts = block_opts_parse(optstr, errp);
    BlockDriverState *bs;

    *ret = -EINVAL;
    if (!opts) {
        return NULL;
    }
    bs = calloc(1, sizeof(*bs));
    assert_non_null(bs);
    bs->drv = &bdrv_file;
    bs->read_only = read_only;
    bs->opaque = calloc(1, bdrv_file.instance_size);
    *ret = bdrv_file.bdrv_open(bs, opts, errp);
    if (*ret == 0 && !block_opts_check_unused(opts, "driver 'file'", errp)) {
        bdrv_file.bdrv_close(bs);
        *ret = -EINVAL;
    }
    block_opts_free(opts);
    if (*ret < 0) {
        free(bs->opaque);
        free(bs);
        return NULL;
    }
    return bs;
}

static void node_close(BlockDriverState *bs)
{
    bdrv_file.bdrv_close(bs);
    free(bs->opaque);
    free(bs);
}

static void make_file(size_t size)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)size), 0);
    close(fd);
}

static void truncate_file(off_t size)
{
    assert_int_equal(truncate(path, size), 0);
}

static off_t file_size(void)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* Open the test file with @cfg; skip the test when O_DIRECT is refused. */
static BlockDriverState *config_open(const FileConfig *cfg)
{
    char opts[PATH_MAX + 64];
    Error *err = NULL;
    BlockDriverState *bs;
    int ret;

    printf("# aio=%s cache.direct=%s\n", cfg->aio, cfg->direct ? "on" : "off");
    file_config_require(cfg, tmpdir);
    make_file(FILE_SIZE);
    snprintf(opts, sizeof(opts), "filename=%s,aio=%s,cache.direct=%s",
             path, cfg->aio, cfg->direct ? "on" : "off");
    bs = node_open(opts, false, &ret, &err);
    if (!bs) {
        fail_msg("open %s: %s", opts, error_get_pretty(err));
    }
    return bs;
}

/* Stop IOThreads right after their last request: the per-thread ring and
 * io_context destructors run, and a pool worker still finishing its wake-up
 * must not touch a freed context. */
static void iothreads_stop(IOThread **io, int n)
{
    rt_iothreads_stop(io, n);
}

/* ---- requests in coroutines ------------------------------------------------- */

typedef enum { OP_READ, OP_WRITE, OP_FLUSH, OP_ZEROES, OP_DISCARD, OP_LENGTH } Op;

typedef struct Job {
    BlockDriverState *bs;
    Op op;
    int64_t offset;
    int64_t bytes;
    QEMUIOVector *qiov;
    int flags;
    int64_t ret;
    bool done;                  /* release/acquire: the job's thread -> main */
} Job;

static void coroutine_fn job_entry(void *opaque)
{
    Job *j = opaque;
    BlockDriverState *bs = j->bs;
    const BlockDriver *drv = bs->drv;
    int64_t ret = 0;

    bdrv_graph_co_rdlock();
    switch (j->op) {
    case OP_READ:
        ret = drv->bdrv_co_preadv(bs, j->offset, j->bytes, j->qiov, 0);
        break;
    case OP_WRITE:
        ret = drv->bdrv_co_pwritev(bs, j->offset, j->bytes, j->qiov, 0);
        break;
    case OP_FLUSH:
        ret = drv->bdrv_co_flush(bs);
        break;
    case OP_ZEROES:
        ret = drv->bdrv_co_pwrite_zeroes(bs, j->offset, j->bytes, j->flags);
        break;
    case OP_DISCARD:
        ret = drv->bdrv_co_pdiscard(bs, j->offset, j->bytes);
        break;
    case OP_LENGTH:
        ret = drv->bdrv_co_getlength(bs);
        break;
    }
    bdrv_graph_co_rdunlock();
    j->ret = ret;
    qatomic_store_release(&j->done, true);
}

/* Start @j in @ctx (the main context: entered now, up to its first yield). */
static void job_start(Job *j, AioContext *ctx)
{
    j->done = false;
    aio_co_enter(ctx, qemu_coroutine_create(job_entry, j));
}

static void job_wait(Job *j)
{
    RT_POLL_UNTIL(qemu_get_aio_context(), qatomic_load_acquire(&j->done), 30000);
}

static int64_t job_run(BlockDriverState *bs, AioContext *ctx, Op op,
                       int64_t offset, int64_t bytes, QEMUIOVector *qiov,
                       int flags)
{
    Job j = { .bs = bs, .op = op, .offset = offset, .bytes = bytes,
              .qiov = qiov, .flags = flags };

    job_start(&j, ctx);
    job_wait(&j);
    return j.ret;
}

static int64_t buf_io(BlockDriverState *bs, Op op, int64_t offset,
                      void *buf, int64_t bytes)
{
    QEMUIOVector qiov;

    qemu_iovec_init_buf(&qiov, buf, (size_t)bytes);
    return job_run(bs, qemu_get_aio_context(), op, offset, bytes, &qiov, 0);
}

static void *abuf(size_t size)
{
    void *p = aligned_alloc(ALIGN, size);

    assert_non_null(p);
    return p;
}

static void fill(uint8_t *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 9));
    }
}

/* ---- per-configuration cases ------------------------------------------------ */

static void test_rw_pattern(void **state)
{
    const FileConfig *cfg = *state;
    BlockDriverState *bs = config_open(cfg);
    static const int64_t offs[] = { 0, 4096, 3 * 65536, FILE_SIZE - 8192 };
    static const int64_t lens[] = { 4096, 65536, 131072, 8192 };
    uint8_t *wbuf = abuf(131072), *rbuf = abuf(131072), *check = malloc(131072);
    int fd = open(path, O_RDONLY);

    if (cfg->direct) {
        assert_true(bs->bl.request_alignment >= 512);
        assert_true(bs->bl.request_alignment <= 4096);
        assert_int_equal(bs->bl.request_alignment & (bs->bl.request_alignment - 1), 0);
        assert_true(bs->bl.min_mem_alignment >= bs->bl.request_alignment);
    } else {
        assert_int_equal(bs->bl.request_alignment, 1);
        assert_int_equal(bs->bl.min_mem_alignment, 1);
    }
    for (unsigned i = 0; i < 4; i++) {
        fill(wbuf, (size_t)lens[i], i + 1);
        memset(rbuf, 0, (size_t)lens[i]);
        assert_int_equal(buf_io(bs, OP_WRITE, offs[i], wbuf, lens[i]), 0);
        assert_int_equal(buf_io(bs, OP_READ, offs[i], rbuf, lens[i]), 0);
        assert_memory_equal(rbuf, wbuf, (size_t)lens[i]);
        /* The data is in the file, not only in the driver's view. */
        assert_int_equal(pread(fd, check, (size_t)lens[i], offs[i]), lens[i]);
        assert_memory_equal(check, wbuf, (size_t)lens[i]);
    }
    close(fd);
    free(wbuf);
    free(rbuf);
    free(check);
    node_close(bs);
}

static void test_vectored(void **state)
{
    const FileConfig *cfg = *state;
    BlockDriverState *bs = config_open(cfg);
    enum { N = IOV_MAX + 76 };          /* more elements than one syscall takes */
    uint8_t *wbuf = abuf((size_t)N * ALIGN), *rbuf = abuf((size_t)N * ALIGN);
    QEMUIOVector wq, rq;
    int64_t bytes = (int64_t)N * ALIGN;

    fill(wbuf, (size_t)bytes, 7);
    memset(rbuf, 0, (size_t)bytes);
    /* Written in N pieces in reverse buffer order, read in three. */
    qemu_iovec_init(&wq, N);
    for (int i = 0; i < N; i++) {
        qemu_iovec_add(&wq, wbuf + (size_t)(N - 1 - i) * ALIGN, ALIGN);
    }
    qemu_iovec_init(&rq, 3);
    qemu_iovec_add(&rq, rbuf, ALIGN);
    qemu_iovec_add(&rq, rbuf + ALIGN, 2 * ALIGN);
    qemu_iovec_add(&rq, rbuf + 3 * ALIGN, (size_t)bytes - 3 * ALIGN);
    assert_int_equal(job_run(bs, qemu_get_aio_context(), OP_WRITE, 8192, bytes,
                             &wq, 0), 0);
    assert_int_equal(job_run(bs, qemu_get_aio_context(), OP_READ, 8192, bytes,
                             &rq, 0), 0);
    for (int i = 0; i < N; i++) {
        assert_memory_equal(rbuf + (size_t)i * ALIGN,
                            wbuf + (size_t)(N - 1 - i) * ALIGN, ALIGN);
    }
    qemu_iovec_destroy(&wq);
    qemu_iovec_destroy(&rq);
    free(wbuf);
    free(rbuf);
    node_close(bs);
}

/* Two IOThreads, each with several requests in flight at once, on disjoint
 * ranges; then each reads back what the other wrote.  Destroying the
 * IOThreads afterwards runs the back ends' per-thread destructors. */
static void test_two_iothreads(void **state)
{
    const FileConfig *cfg = *state;
    BlockDriverState *bs = config_open(cfg);
    enum { T = 2, K = 8, LEN = 65536 };
    IOThread *io[T];
    Job jobs[T * K];
    QEMUIOVector qiov[T * K];
    uint8_t *buf[T * K], *expect = malloc(LEN);

    assert_int_equal(rt_iothreads_start(io, T, "file-io"), 0);
    for (int i = 0; i < T * K; i++) {
        buf[i] = abuf(LEN);
        fill(buf[i], LEN, 100 + i);
        qemu_iovec_init_buf(&qiov[i], buf[i], LEN);
        jobs[i] = (Job){ .bs = bs, .op = OP_WRITE, .offset = (int64_t)i * LEN,
                         .bytes = LEN, .qiov = &qiov[i] };
    }
    for (int i = 0; i < T * K; i++) {
        job_start(&jobs[i], iothread_get_aio_context(io[i % T]));
    }
    for (int i = 0; i < T * K; i++) {
        job_wait(&jobs[i]);
        assert_int_equal(jobs[i].ret, 0);
    }
    for (int i = 0; i < T * K; i++) {
        memset(buf[i], 0, LEN);
        jobs[i].op = OP_READ;
        job_start(&jobs[i], iothread_get_aio_context(io[(i + 1) % T]));
    }
    for (int i = 0; i < T * K; i++) {
        job_wait(&jobs[i]);
        assert_int_equal(jobs[i].ret, 0);
        fill(expect, LEN, 100 + i);
        assert_memory_equal(buf[i], expect, LEN);
        free(buf[i]);
    }
    iothreads_stop(io, T);
    free(expect);
    node_close(bs);
}

static void test_flush(void **state)
{
    const FileConfig *cfg = *state;
    BlockDriverState *bs = config_open(cfg);
    uint8_t *buf = abuf(ALIGN);
    IOThread *io[1];

    fill(buf, ALIGN, 3);
    assert_int_equal(buf_io(bs, OP_WRITE, 0, buf, ALIGN), 0);
    assert_int_equal(job_run(bs, qemu_get_aio_context(), OP_FLUSH, 0, 0, NULL, 0), 0);
    assert_int_equal(rt_iothreads_start(io, 1, "file-flush"), 0);
    assert_int_equal(job_run(bs, iothread_get_aio_context(io[0]), OP_FLUSH,
                             0, 0, NULL, 0), 0);
    iothreads_stop(io, 1);
    free(buf);
    node_close(bs);
}

static void assert_bytes(const uint8_t *p, int c, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != c) {
            fail_msg("byte %zu is 0x%02x, expected 0x%02x", i, p[i], c);
        }
    }
}

static void test_zeroes_discard(void **state)
{
    const FileConfig *cfg = *state;
    BlockDriverState *bs = config_open(cfg);
    enum { LEN = 65536 };
    uint8_t *buf = abuf(LEN);
    int64_t ret;

    memset(buf, 0xab, LEN);
    assert_int_equal(buf_io(bs, OP_WRITE, 0, buf, LEN), 0);
    assert_int_equal(job_run(bs, qemu_get_aio_context(), OP_ZEROES, 4096, 8192,
                             NULL, BDRV_REQ_MAY_UNMAP), 0);
    ret = job_run(bs, qemu_get_aio_context(), OP_ZEROES, 20480, 8192, NULL, 0);
    assert_true(ret == 0 || ret == -ENOTSUP);
    assert_int_equal(job_run(bs, qemu_get_aio_context(), OP_DISCARD, 40960, 8192,
                             NULL, 0), 0);
    assert_int_equal(file_size(), FILE_SIZE);       /* KEEP_SIZE */
    memset(buf, 0x11, LEN);
    assert_int_equal(buf_io(bs, OP_READ, 0, buf, LEN), 0);
    assert_bytes(buf, 0xab, 4096);
    assert_bytes(buf + 4096, 0, 8192);
    assert_bytes(buf + 12288, 0xab, 8192);
    assert_bytes(buf + 20480, ret == 0 ? 0 : 0xab, 8192);
    assert_bytes(buf + 28672, 0xab, 12288);
    assert_bytes(buf + 40960, 0, 8192);             /* a punched hole */
    assert_bytes(buf + 49152, 0xab, LEN - 49152);
    free(buf);
    node_close(bs);
}

/* The file shrinks under the driver: reads fill what is missing with
 * zeroes and return 0, for an unaligned and an empty end of file. */
static void test_read_past_eof(void **state)
{
    const FileConfig *cfg = *state;
    BlockDriverState *bs = config_open(cfg);
    enum { LEN = 65536, CUT = 8192 + 100 };
    uint8_t *wbuf = abuf(LEN), *rbuf = abuf(LEN);

    fill(wbuf, LEN, 9);
    assert_int_equal(buf_io(bs, OP_WRITE, 0, wbuf, LEN), 0);
    truncate_file(CUT);
    memset(rbuf, 0x5a, LEN);
    assert_int_equal(buf_io(bs, OP_READ, 0, rbuf, LEN), 0);
    assert_memory_equal(rbuf, wbuf, CUT);
    assert_bytes(rbuf + CUT, 0, LEN - CUT);

    truncate_file(0);
    memset(rbuf, 0x5a, LEN);
    assert_int_equal(buf_io(bs, OP_READ, 4096, rbuf, LEN), 0);
    assert_bytes(rbuf, 0, LEN);
    /* Writing past the end grows it again. */
    assert_int_equal(buf_io(bs, OP_WRITE, 8192, wbuf, 4096), 0);
    assert_int_equal(file_size(), 8192 + 4096);
    free(wbuf);
    free(rbuf);
    node_close(bs);
}

static void test_getlength(void **state)
{
    const FileConfig *cfg = *state;
    BlockDriverState *bs = config_open(cfg);

    assert_int_equal(job_run(bs, qemu_get_aio_context(), OP_LENGTH, 0, 0, NULL, 0),
                     FILE_SIZE);
    truncate_file(12345);
    assert_int_equal(job_run(bs, qemu_get_aio_context(), OP_LENGTH, 0, 0, NULL, 0),
                     12345);
    node_close(bs);
}

/* Inside a section, N queued requests go to the kernel with one submit
 * call; outside, each request is submitted at once.  aio=threads counts
 * nothing. */
static void test_batching(void **state)
{
    const FileConfig *cfg = *state;
    BlockDriverState *bs = config_open(cfg);
    bool kernel = strcmp(cfg->aio, "threads") != 0;
    enum { N = 16 };
    Job jobs[N];
    QEMUIOVector qiov[N];
    uint8_t *buf = abuf((size_t)N * ALIGN);
    BlockAioStats st;

    /* Warm up: the thread's ring/io_context exists before counting. */
    assert_int_equal(buf_io(bs, OP_READ, 0, buf, ALIGN), 0);
    block_aio_stats_reset();
    defer_call_begin();
    for (int i = 0; i < N; i++) {
        qemu_iovec_init_buf(&qiov[i], buf + (size_t)i * ALIGN, ALIGN);
        jobs[i] = (Job){ .bs = bs, .op = OP_READ, .offset = (int64_t)i * ALIGN,
                         .bytes = ALIGN, .qiov = &qiov[i] };
        job_start(&jobs[i], qemu_get_aio_context());
    }
    block_aio_stats_get(&st);
    assert_int_equal(st.submit_calls, 0);
    assert_int_equal(st.requests, 0);
    defer_call_end();
    block_aio_stats_get(&st);
    assert_int_equal(st.submit_calls, kernel ? 1 : 0);
    assert_int_equal(st.requests, kernel ? N : 0);
    for (int i = 0; i < N; i++) {
        job_wait(&jobs[i]);
        assert_int_equal(jobs[i].ret, 0);
    }

    /* Outside a section: one submit call per request. */
    block_aio_stats_reset();
    assert_int_equal(buf_io(bs, OP_READ, 0, buf, ALIGN), 0);
    assert_int_equal(buf_io(bs, OP_READ, ALIGN, buf, ALIGN), 0);
    block_aio_stats_get(&st);
    assert_int_equal(st.submit_calls, kernel ? 2 : 0);
    assert_int_equal(st.requests, kernel ? 2 : 0);
    free(buf);
    node_close(bs);
}

/* More requests in one section than the ring / io_context holds: the
 * submission queue is handed over early (io_uring) or requests wait for a
 * slot (native); everything completes with the right data. */
static void test_queue_full(void **state)
{
    const FileConfig *cfg = *state;
    BlockDriverState *bs = config_open(cfg);
    enum { N = 200, LEN = 512 * 8 };
    Job *jobs = calloc(N, sizeof(*jobs));
    QEMUIOVector *qiov = calloc(N, sizeof(*qiov));
    uint8_t *buf = abuf((size_t)N * LEN), *expect = malloc(LEN);
    BlockAioStats st;

    for (int i = 0; i < N; i++) {
        fill(buf + (size_t)i * LEN, LEN, (unsigned)i);
    }
    assert_int_equal(buf_io(bs, OP_WRITE, 0, buf, (int64_t)N * LEN), 0);
    memset(buf, 0, (size_t)N * LEN);
    block_aio_stats_reset();
    defer_call_begin();
    for (int i = 0; i < N; i++) {
        qemu_iovec_init_buf(&qiov[i], buf + (size_t)i * LEN, LEN);
        jobs[i] = (Job){ .bs = bs, .op = OP_READ, .offset = (int64_t)i * LEN,
                         .bytes = LEN, .qiov = &qiov[i] };
        job_start(&jobs[i], qemu_get_aio_context());
    }
    defer_call_end();
    for (int i = 0; i < N; i++) {
        job_wait(&jobs[i]);
        assert_int_equal(jobs[i].ret, 0);
        fill(expect, LEN, (unsigned)i);
        assert_memory_equal(buf + (size_t)i * LEN, expect, LEN);
    }
    block_aio_stats_get(&st);
    if (strcmp(cfg->aio, "threads")) {
        assert_int_equal(st.requests, N);
        assert_true(st.submit_calls >= 2);  /* one queue's worth cannot carry N */
        if (!strcmp(cfg->aio, "io_uring")) {
            assert_int_equal(st.submit_calls, 2);   /* 128 early, 72 at the end */
        }
    }
    free(jobs);
    free(qiov);
    free(buf);
    free(expect);
    node_close(bs);
}

/* The main loop is cleaned up and re-created while a node stays open: the
 * back end notices the new context and makes new per-thread state. */
static void test_context_replaced(void **state)
{
    const FileConfig *cfg = *state;
    BlockDriverState *bs = config_open(cfg);
    uint8_t *buf = abuf(ALIGN);
    const char *err = NULL;

    fill(buf, ALIGN, 5);
    assert_int_equal(buf_io(bs, OP_WRITE, 0, buf, ALIGN), 0);
    qemu_cleanup_main_loop();
    assert_true(qemu_init_main_loop(&err));
    memset(buf, 0, ALIGN);
    assert_int_equal(buf_io(bs, OP_READ, 0, buf, ALIGN), 0);
    assert_int_equal(buf[1], (uint8_t)(5 * 31 + 7));
    free(buf);
    node_close(bs);
}

/* ---- open ------------------------------------------------------------------- */

static void expect_open_error(const char *opts, int want_ret, const char *want_msg)
{
    Error *err = NULL;
    int ret;

    assert_null(node_open(opts, false, &ret, &err));
    assert_non_null(err);
    if (want_ret) {
        assert_int_equal(ret, want_ret);
    }
    if (!strstr(error_get_pretty(err), want_msg)) {
        fail_msg("open '%s': message '%s' lacks '%s'", opts,
                 error_get_pretty(err), want_msg);
    }
    error_free(err);
}

static void test_open_errors(void **state)
{
    char opts[PATH_MAX + 64], msg[PATH_MAX + 64];

    (void)state;
    make_file(FILE_SIZE);
    expect_open_error("aio=threads", 0, "driver 'file': option 'filename' is required");
    snprintf(opts, sizeof(opts), "filename=%s.missing", path);
    snprintf(msg, sizeof(msg), "driver 'file': filename '%s.missing': %s",
             path, strerror(ENOENT));
    expect_open_error(opts, -ENOENT, msg);
    snprintf(opts, sizeof(opts), "filename=%s,aio=bogus", path);
    expect_open_error(opts, 0, "aio 'bogus' is unknown (accepted: threads, "
                      "native, io_uring)");
    snprintf(opts, sizeof(opts), "filename=%s,cache.direct=maybe", path);
    expect_open_error(opts, 0, "driver 'file': ");
    snprintf(opts, sizeof(opts), "filename=%s", tmpdir);
    expect_open_error(opts, 0, "driver 'file': filename");
    snprintf(opts, sizeof(opts), "filename=%s,aoi=native", path);
    expect_open_error(opts, 0, "aoi");
}

/* A read-only node gets an fd without write access: writes fail cleanly. */
static void test_read_only(void **state)
{
    char opts[PATH_MAX + 64];
    Error *err = NULL;
    BlockDriverState *bs;
    uint8_t *buf = abuf(ALIGN);
    int ret;

    (void)state;
    make_file(FILE_SIZE);
    snprintf(opts, sizeof(opts), "filename=%s,aio=io_uring", path);
    bs = node_open(opts, true, &ret, &err);
    assert_non_null(bs);
    assert_int_equal(buf_io(bs, OP_READ, 0, buf, ALIGN), 0);
    assert_int_equal(buf_io(bs, OP_WRITE, 0, buf, ALIGN), -EBADF);
    free(buf);
    node_close(bs);
}

/* ---- main --------------------------------------------------------------------- */


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_read_only),
        PER_CONFIG(test_rw_pattern),
        PER_CONFIG(test_vectored),
        PER_CONFIG(test_two_iothreads),
        PER_CONFIG(test_flush),
        PER_CONFIG(test_zeroes_discard),
        PER_CONFIG(test_read_past_eof),
        PER_CONFIG(test_getlength),
        PER_CONFIG(test_batching),
        PER_CONFIG(test_queue_full),
        PER_CONFIG(test_context_replaced),
    };

    return rt_run_group_tests(tests, file_group_setup, file_group_teardown);
}
