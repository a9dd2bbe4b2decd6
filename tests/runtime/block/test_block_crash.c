/*
 * test_block_crash.c - writes acknowledged before a completed flush survive
 * the death of the writer.
 *
 * The test program starts a copy of itself (fork + exec, so that the child
 * begins with clean threads and sanitizer state) that opens
 * driver=file,filename=TMP,aio=X (X: threads, io_uring, native) and
 * writes 4 KiB blocks from eight coroutines.  Layout: write number `seq`
 * (1, 2, 3, ...) goes to block seq - 1, and each block is written exactly
 * once, so a write that was still in flight when the child died can only
 * damage its own block, never one written earlier.  A block holds a header (magic, seq, block index), a
 * body derived from seq, and a checksum over everything else.
 *
 * Acknowledgements: when a write completes, its seq joins the child's
 * "acknowledged" list.  Every 32 acknowledgements one writer takes the list
 * (the writes acknowledged before its flush *began*), calls blk_co_flush()
 * and, only when that returned 0, sends the list to the parent through a
 * pipe as one record.  The parent kills the child with SIGKILL at a random
 * moment after a random number (2-9) of such records, reads the records
 * that reached the pipe, and checks:
 *   - every seq in a complete record (acknowledged before a completed
 *     flush) reads back intact: right magic, seq, index, body, checksum;
 *   - every other block is either all zeroes (never written, or not yet),
 *     intact, or damaged -- damage is allowed only there (a write in flight
 *     at the kill), and is counted for the log.
 *
 * What this does and does not check: SIGKILL ends a process but does not
 * lose the page cache -- every write(2)/io_uring write the kernel accepted
 * reaches the file even without fdatasync.  So this tests the runtime's
 * acknowledgement and flush ordering (a write reported complete before the
 * kernel had it, a flush completing before earlier acknowledged writes were
 * issued, a lost completion), not power-loss durability.  With O_DIRECT
 * (cache.direct=on, used when the temp file system supports it) the data
 * bypasses the page cache, which makes "acknowledged" mean "in the device".
 *
 * BLKCHECK_STRESS_SECONDS=N repeats the kill rounds for N seconds per back
 * end instead of 3 rounds.  BLKCHECK_SEED=S fixes the random choices.
 *
 * Context: main loop (parent and child).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "rt-test.h"
#include "block-test.h"
#include "rt-skip.h"
#include "block/aio-wait.h"
#include "block/block_int.h"
#include "qemu/coroutine.h"
#include "sysemu/block-backend.h"

#define BLK             4096
#define NBLOCKS         8192            /* 32 MiB, sparse */
#define WRITERS         8
#define FLUSH_EVERY     32
#define VERIFY_CHUNK    64              /* blocks per verification read */
#define BLOCK_MAGIC     0x6b6c6263686b3031ULL   /* "blkchk01" */

#define REC_FLUSHED     0x464c5348u     /* payload: acknowledged seqs */
#define REC_DONE        0x444f4e45u     /* the file is full */
#define REC_ERROR       0x45524f52u     /* n = -errno of a failed request */

#define EXIT_UNAVAILABLE 77             /* the child could not open */

typedef struct RecHeader {
    uint32_t type;
    uint32_t n;
} RecHeader;

/* ---- block format ------------------------------------------------------------ */

/* FNV-1a over @len bytes. */
static uint64_t checksum(const uint8_t *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * 0x100000001b3ULL;
    }
    return h;
}

/* Words: [0] magic, [1] seq, [2] block, [3..BLK/8-2] body, [last] checksum. */
static void fill_block(uint8_t *buf, uint64_t seq)
{
    uint64_t *w = (uint64_t *)buf;
    size_t last = BLK / 8 - 1;

    w[0] = BLOCK_MAGIC;
    w[1] = seq;
    w[2] = seq - 1;
    for (size_t i = 3; i < last; i++) {
        w[i] = bt_mix64(seq * 0x10000 + i);
    }
    w[last] = checksum(buf, last * 8);
}

typedef enum BlockState { BLOCK_ZERO, BLOCK_INTACT, BLOCK_DAMAGED } BlockState;

static BlockState classify(const uint8_t *buf, int block)
{
    uint8_t want[BLK] __attribute__((aligned(8)));
    bool zero = true;

    for (size_t i = 0; i < BLK && zero; i++) {
        zero = buf[i] == 0;
    }
    if (zero) {
        return BLOCK_ZERO;
    }
    fill_block(want, (uint64_t)block + 1);
    return memcmp(buf, want, BLK) == 0 ? BLOCK_INTACT : BLOCK_DAMAGED;
}

/* ---- the child ---------------------------------------------------------------- */

typedef struct Child {
    BlockBackend *blk;
    int fd;                     /* the pipe to the parent */
    uint64_t next_seq;
    uint64_t *acked;            /* acknowledged since the last snapshot */
    uint32_t n_acked;
    bool flushing;
    int writers;
    /* Records waiting to go out; sent from the loop, outside coroutines. */
    uint8_t *out;
    size_t out_len, out_cap;
    bool failed;
} Child;

static void child_queue(Child *c, uint32_t type, const uint64_t *v, uint32_t n)
{
    RecHeader h = { .type = type, .n = n };
    size_t need = sizeof(h) + n * sizeof(uint64_t);

    if (c->out_len + need > c->out_cap) {
        c->out_cap = (c->out_len + need) * 2;
        c->out = realloc(c->out, c->out_cap);
    }
    memcpy(c->out + c->out_len, &h, sizeof(h));
    if (n) {
        memcpy(c->out + c->out_len + sizeof(h), v, n * sizeof(uint64_t));
    }
    c->out_len += need;
}

static void child_send(Child *c)
{
    size_t done = 0;

    while (done < c->out_len) {
        ssize_t r = write(c->fd, c->out + done, c->out_len - done);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            _exit(3);
        }
        done += (size_t)r;
    }
    c->out_len = 0;
}

static void coroutine_fn child_flush(Child *c)
{
    uint32_t n = c->n_acked;
    uint64_t *snap = malloc(n * sizeof(uint64_t));
    int ret;

    /* Exactly the writes acknowledged before the flush begins. */
    memcpy(snap, c->acked, n * sizeof(uint64_t));
    c->n_acked = 0;
    c->flushing = true;
    ret = blk_co_flush(c->blk);
    c->flushing = false;
    if (ret < 0) {
        child_queue(c, REC_ERROR, NULL, (uint32_t)-ret);
        c->failed = true;
    } else {
        child_queue(c, REC_FLUSHED, snap, n);
    }
    free(snap);
}

static void coroutine_fn child_writer(void *opaque)
{
    Child *c = opaque;
    uint8_t *buf = aligned_alloc(BLK, BLK);

    while (!c->failed && c->next_seq <= NBLOCKS) {
        uint64_t seq = c->next_seq++;
        int ret;

        fill_block(buf, seq);
        ret = blk_co_pwrite(c->blk, (int64_t)(seq - 1) * BLK, BLK, buf, 0);
        if (ret < 0) {
            child_queue(c, REC_ERROR, NULL, (uint32_t)-ret);
            c->failed = true;
            break;
        }
        c->acked[c->n_acked++] = seq;
        if (c->n_acked >= FLUSH_EVERY && !c->flushing) {
            child_flush(c);
        }
    }
    free(buf);
    c->writers--;
}

static int child_main(const char *optstr, int fd)
{
    const char *cerr = NULL;
    Error *err = NULL;
    Child c = { .fd = fd, .next_seq = 1 };
    AioContext *ctx;

    alarm(300);                 /* never outlive a parent that died */
    if (!qemu_init_main_loop(&cerr)) {
        fprintf(stderr, "crash child: main loop: %s\n", cerr);
        return 2;
    }
    c.blk = blk_new_open("crash", optstr, &err);
    if (!c.blk) {
        fprintf(stderr, "crash child: %s\n", error_get_pretty(err));
        return EXIT_UNAVAILABLE;
    }
    c.acked = calloc(NBLOCKS, sizeof(uint64_t));
    ctx = qemu_get_aio_context();
    for (int i = 0; i < WRITERS; i++) {
        c.writers++;
        qemu_coroutine_enter(qemu_coroutine_create(child_writer, &c));
    }
    while (c.writers > 0) {
        child_send(&c);
        aio_poll(ctx, true);
    }
    /* The file is full (or a request failed): tell the parent, which
     * kills us anyway. */
    child_queue(&c, c.failed ? REC_ERROR : REC_DONE, NULL, 0);
    child_send(&c);
    for (;;) {
        pause();
    }
}

/* ---- the parent ----------------------------------------------------------------- */

typedef struct Parent {
    uint8_t *in;
    size_t in_len, in_cap, parsed;
    bool *flushed;              /* [seq]: acknowledged before a flush */
    int records;
    bool done;
    int error;                  /* errno from an REC_ERROR */
} Parent;

/* Consume every complete record in the buffer. */
static void parent_parse(Parent *p)
{
    for (;;) {
        RecHeader h;
        size_t need;

        if (p->in_len - p->parsed < sizeof(h)) {
            return;
        }
        memcpy(&h, p->in + p->parsed, sizeof(h));
        need = sizeof(h) + (h.type == REC_FLUSHED ? h.n * sizeof(uint64_t) : 0);
        if (p->in_len - p->parsed < need) {
            return;             /* the child died while sending it */
        }
        if (h.type == REC_FLUSHED) {
            for (uint32_t i = 0; i < h.n; i++) {
                uint64_t seq;

                memcpy(&seq, p->in + p->parsed + sizeof(h) + i * 8, 8);
                assert_true(seq >= 1 && seq <= NBLOCKS);
                p->flushed[seq] = true;
            }
            p->records++;
        } else if (h.type == REC_DONE) {
            p->done = true;
        } else if (h.type == REC_ERROR) {
            p->error = h.n ? (int)h.n : EIO;
        } else {
            fail_msg("crash: corrupt record type 0x%x from the child", h.type);
        }
        p->parsed += need;
    }
}

/* Read what is available (waiting up to @timeout_ms).  Returns: false at EOF. */
static bool parent_read(Parent *p, int fd, int timeout_ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    ssize_t n;

    if (poll(&pfd, 1, timeout_ms) <= 0) {
        return true;
    }
    if (p->in_cap - p->in_len < 65536) {
        p->in_cap = p->in_cap * 2 + 65536;
        p->in = realloc(p->in, p->in_cap);
    }
    n = read(fd, p->in + p->in_len, p->in_cap - p->in_len);
    if (n <= 0) {
        return n < 0 && errno == EINTR;
    }
    p->in_len += (size_t)n;
    parent_parse(p);
    return true;
}

/* Verify the file after the child's death; returns damaged blocks. */
static int verify_file(const char *path, const Parent *p, int *flushed_blocks,
                       int *intact_blocks)
{
    char opts[512];
    Error *err = NULL;
    BlockBackend *blk;
    uint8_t *buf = aligned_alloc(BLK, VERIFY_CHUNK * BLK);
    int damaged = 0;

    snprintf(opts, sizeof(opts), "driver=file,filename=%s,read-only=on", path);
    blk = blk_new_open("verify", opts, &err);
    if (!blk) {
        fail_msg("crash: reopen: %s", error_get_pretty(err));
    }
    *flushed_blocks = *intact_blocks = 0;
    for (int b = 0; b < NBLOCKS; b++) {
        BlockState st;

        if (b % VERIFY_CHUNK == 0) {
            assert_int_equal(blk_pread(blk, (int64_t)b * BLK,
                                       VERIFY_CHUNK * BLK, buf, 0), 0);
        }
        st = classify(buf + (b % VERIFY_CHUNK) * BLK, b);
        if (p->flushed[b + 1]) {
            (*flushed_blocks)++;
            if (st != BLOCK_INTACT) {
                fail_msg("crash: block %d (seq %d) was acknowledged before a "
                         "completed flush but reads back %s", b, b + 1,
                         st == BLOCK_ZERO ? "as zeroes (lost)" : "damaged");
            }
        }
        *intact_blocks += st == BLOCK_INTACT;
        damaged += st == BLOCK_DAMAGED;
    }
    free(buf);
    blk_unref(blk);
    return damaged;
}

/*
 * The child dies by SIGKILL, so a sanitizer report there would not change
 * any exit status: its stderr goes to a file, and a report fails the test.
 */
static void check_child_stderr(const char *errpath)
{
    static char text[16384];
    FILE *f = fopen(errpath, "r");
    size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

    if (f) {
        fclose(f);
    }
    unlink(errpath);
    text[n] = 0;
    if (n) {
        fprintf(stderr, "# crash child's stderr:\n%s", text);
    }
    if (strstr(text, "Sanitizer") || strstr(text, "runtime error:")) {
        fail_msg("crash: sanitizer report in the child (above)");
    }
}

/* One round: returns false when the back end is unavailable. */
static bool crash_round(const char *aio, uint64_t *rng)
{
    char path[256], opts[512], fdstr[16], errpath[300];
    const char *dir = getenv("TMPDIR");
    Parent p = { .flushed = calloc(NBLOCKS + 1, sizeof(bool)) };
    int target = 2 + (int)(bt_rng_next(rng) % 8);
    int fds[2], fd, status, flushed_blocks, intact, damaged;
    bool direct;
    pid_t pid;

    snprintf(path, sizeof(path), "%s/blkcheck-crash-XXXXXX", dir ? dir : "/tmp");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)NBLOCKS * BLK), 0);
    close(fd);
    fd = open(path, O_RDWR | O_DIRECT);
    direct = fd >= 0;
    if (fd >= 0) {
        close(fd);
    }
    snprintf(opts, sizeof(opts), "driver=file,filename=%s,aio=%s,cache.direct=%s",
             path, aio, direct ? "on" : "off");
    snprintf(errpath, sizeof(errpath), "%s.stderr", path);

    assert_int_equal(pipe(fds), 0);
    snprintf(fdstr, sizeof(fdstr), "%d", fds[1]);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (efd >= 0) {
            dup2(efd, 2);
            close(efd);
        }
        close(fds[0]);
        execl("/proc/self/exe", "crash-child", "--crash-child", opts, fdstr,
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);

    /* Wait (bounded) for @target completed flushes, then a random delay:
     * the kill lands at an arbitrary point of the write/flush stream. */
    {
        int64_t deadline = qemu_clock_get_ns() + 60 * 1000000000LL;

        while (p.records < target && !p.done && !p.error &&
               qemu_clock_get_ns() < deadline) {
            if (!parent_read(&p, fds[0], 100)) {
                break;          /* the child exited on its own */
            }
        }
    }
    usleep((useconds_t)(bt_rng_next(rng) % 3000));
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    while (parent_read(&p, fds[0], 1000)) {
        /* the rest of what the child sent before it died */
    }
    close(fds[0]);

    check_child_stderr(errpath);
    if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_UNAVAILABLE) {
        printf("# SKIP aio=%s: the child could not open '%s'\n", aio, opts);
        unlink(path);
        free(p.flushed);
        free(p.in);
        return false;
    }
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
        fail_msg("crash: child ended with status 0x%x before the kill", status);
    }
    if (p.error) {
        fail_msg("crash: a request in the child failed: %s", strerror(p.error));
    }
    assert_true(p.records >= target || p.done);

    damaged = verify_file(path, &p, &flushed_blocks, &intact);
    printf("# aio=%s direct=%d: %d flush records, %d flushed blocks intact, "
           "%d intact in all, %d damaged (unflushed)%s\n", aio, direct,
           p.records, flushed_blocks, intact, damaged,
           p.done ? ", file was full" : "");
    assert_true(flushed_blocks > 0);
    assert_true(intact >= flushed_blocks);
    unlink(path);
    free(p.flushed);
    free(p.in);
    return true;
}

static void crash_test(const char *aio)
{
    const char *s = getenv("BLKCHECK_SEED");
    uint64_t seed = s ? strtoull(s, NULL, 0) :
                    (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
    long secs = rt_stress_seconds();
    int64_t end = qemu_clock_get_ns() + secs * 1000000000LL;
    uint64_t rng = seed;

    alarm((unsigned)secs + 120);
    printf("# aio=%s seed=0x%" PRIx64 " (BLKCHECK_SEED)\n", aio, seed);
    rt_require_aio(aio);
    for (int round = 0; round < 3 || qemu_clock_get_ns() < end; round++) {
        if (!crash_round(aio, &rng)) {
            fail_msg("aio=%s: the writer could not open its file (its stderr is above)", aio);
        }
    }
}

static void test_crash_threads(void **state)
{
    (void)state;
    crash_test("threads");
}

static void test_crash_io_uring(void **state)
{
    (void)state;
    crash_test("io_uring");
}

static void test_crash_native(void **state)
{
    (void)state;
    crash_test("native");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash_threads),
        cmocka_unit_test(test_crash_io_uring),
        cmocka_unit_test(test_crash_native),
    };

    if (argc == 4 && !strcmp(argv[1], "--crash-child")) {
        return child_main(argv[2], atoi(argv[3]));
    }
    return rt_run_group_tests(tests, rt_group_setup, rt_group_teardown);
}
