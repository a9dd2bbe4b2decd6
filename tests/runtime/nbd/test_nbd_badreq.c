/*
 * mqblkd against a raw socket: bad handshakes and bad requests.
 *
 * usage: test_nbd_badreq PATH-TO-MQBLKD
 *
 * Starts the daemon on a Unix socket with a 1 MiB writable null export and
 * a read-only one, then checks that a malformed handshake closes only that
 * connection, that each bad request gets its exact NBD error (simple reply
 * or structured error chunk) and the connection serves the next request,
 * and that the daemon exits 0 on SIGTERM at the end.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "nbd/nbd-negotiate.h"
#include "nbd/nbd-proto.h"

#define DISK_SIZE (1 << 20)

static const char *daemon_path;
static char sock_path[108];
static pid_t daemon_pid;

static void send_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        assert_true(n > 0);
        p += n;
        len -= (size_t)n;
    }
}

/* Returns: bytes read before EOF (== len unless the peer closed). */
static size_t recv_all(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    size_t done = 0;

    while (done < len) {
        ssize_t n = recv(fd, p + done, len - done, 0);

        if (n <= 0) {
            break;
        }
        done += (size_t)n;
    }
    return done;
}

static int connect_daemon(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct timeval tv = { .tv_sec = 10 };

    assert_true(fd >= 0);
    strcpy(sa.sun_path, sock_path);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    /* a hung daemon fails the test instead of hanging it */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static void send_option(int fd, uint32_t opt, const void *data, uint32_t len)
{
    uint8_t h[NBD_OPTION_HEADER_SIZE];

    nbd_put_be64(h, NBD_OPTS_MAGIC);
    nbd_put_be32(h + 8, opt);
    nbd_put_be32(h + 12, len);
    send_all(fd, h, sizeof(h));
    if (len) {
        send_all(fd, data, len);
    }
}

/* Read option replies until one that is not NBD_REP_INFO/META_CONTEXT.
 * Returns: its type. */
static uint32_t read_option_replies(int fd, uint32_t opt)
{
    uint8_t h[NBD_OPTION_REPLY_SIZE], data[256];

    for (;;) {
        uint32_t type, len;

        assert_int_equal(recv_all(fd, h, sizeof(h)), sizeof(h));
        assert_true(nbd_get_be64(h) == NBD_REP_MAGIC);
        assert_int_equal(nbd_get_be32(h + 8), opt);
        type = nbd_get_be32(h + 12);
        len = nbd_get_be32(h + 16);
        assert_true(len <= sizeof(data));
        assert_int_equal(recv_all(fd, data, len), len);
        if (type != NBD_REP_INFO && type != NBD_REP_META_CONTEXT) {
            return type;
        }
    }
}

/* Connect and negotiate structured replies, base:allocation and @name. */
static int open_export(const char *name)
{
    uint8_t b[128], greeting[18];
    size_t n = strlen(name), q = strlen("base:allocation");
    int fd = connect_daemon();

    assert_int_equal(recv_all(fd, greeting, sizeof(greeting)), 18);
    assert_true(nbd_get_be64(greeting) == NBD_MAGIC);
    nbd_put_be32(b, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
    send_all(fd, b, 4);
    send_option(fd, NBD_OPT_STRUCTURED_REPLY, NULL, 0);
    assert_int_equal(read_option_replies(fd, NBD_OPT_STRUCTURED_REPLY),
                     NBD_REP_ACK);
    nbd_put_be32(b, (uint32_t)n);
    memcpy(b + 4, name, n);
    nbd_put_be32(b + 4 + n, 1);
    nbd_put_be32(b + 8 + n, (uint32_t)q);
    memcpy(b + 12 + n, "base:allocation", q);
    send_option(fd, NBD_OPT_SET_META_CONTEXT, b, (uint32_t)(12 + n + q));
    assert_int_equal(read_option_replies(fd, NBD_OPT_SET_META_CONTEXT),
                     NBD_REP_ACK);
    nbd_put_be16(b + 4 + n, 0);
    send_option(fd, NBD_OPT_GO, b, (uint32_t)(6 + n));
    assert_int_equal(read_option_replies(fd, NBD_OPT_GO), NBD_REP_ACK);
    return fd;
}

static void send_request(int fd, uint16_t flags, uint16_t type, uint64_t cookie,
                         uint64_t offset, uint32_t len)
{
    NBDRequest r = { flags, type, cookie, offset, len };
    uint8_t b[NBD_REQUEST_SIZE];

    nbd_request_encode(b, &r);
    send_all(fd, b, sizeof(b));
}

/* Expect a simple reply for @cookie.  Returns: its error. */
static uint32_t simple_reply(int fd, uint64_t cookie)
{
    uint8_t b[NBD_SIMPLE_REPLY_SIZE];

    assert_int_equal(recv_all(fd, b, sizeof(b)), sizeof(b));
    assert_int_equal(nbd_get_be32(b), NBD_SIMPLE_REPLY_MAGIC);
    assert_true(nbd_get_be64(b + 8) == cookie);
    return nbd_get_be32(b + 4);
}

/* Expect one structured chunk with DONE for @cookie; its payload goes to
 * @payload (at most @max bytes).  Returns: the chunk type. */
static uint16_t chunk_reply(int fd, uint64_t cookie, uint8_t *payload,
                            size_t max, uint32_t *len)
{
    uint8_t b[NBD_CHUNK_HEADER_SIZE];

    assert_int_equal(recv_all(fd, b, sizeof(b)), sizeof(b));
    assert_int_equal(nbd_get_be32(b), NBD_STRUCTURED_REPLY_MAGIC);
    assert_int_equal(nbd_get_be16(b + 4), NBD_REPLY_FLAG_DONE);
    assert_true(nbd_get_be64(b + 8) == cookie);
    *len = nbd_get_be32(b + 16);
    assert_true(*len <= max);
    assert_int_equal(recv_all(fd, payload, *len), *len);
    return nbd_get_be16(b + 6);
}

static uint32_t error_chunk(int fd, uint64_t cookie)
{
    uint8_t p[64];
    uint32_t len;

    assert_int_equal(chunk_reply(fd, cookie, p, sizeof(p), &len),
                     NBD_REPLY_TYPE_ERROR);
    assert_int_equal(len, 6);
    return nbd_get_be32(p);
}

/* A good 4 KiB read: the connection still works. */
static void good_read(int fd, uint64_t cookie)
{
    static uint8_t p[8 + 4096];
    uint32_t len;

    send_request(fd, 0, NBD_CMD_READ, cookie, 8192, 4096);
    assert_int_equal(chunk_reply(fd, cookie, p, sizeof(p), &len),
                     NBD_REPLY_TYPE_OFFSET_DATA);
    assert_int_equal(len, 8 + 4096);
    assert_true(nbd_get_be64(p) == 8192);
}

/* A connection past the server greeting, before the client flags. */
static int connect_greeted(void)
{
    uint8_t b[18];
    int fd = connect_daemon();

    assert_int_equal(recv_all(fd, b, sizeof(b)), sizeof(b));
    return fd;
}

static void test_bad_handshake(void **state)
{
    uint8_t b[64];
    int fd, good;

    (void)state;
    /* client flags without FIXED_NEWSTYLE: closed */
    fd = connect_greeted();
    nbd_put_be32(b, 0);
    send_all(fd, b, 4);
    assert_int_equal(recv_all(fd, b, 1), 0);
    close(fd);
    /* garbage instead of an option header: closed */
    fd = connect_greeted();
    nbd_put_be32(b, NBD_FLAG_FIXED_NEWSTYLE);
    memset(b + 4, 0xab, 16);
    send_all(fd, b, 20);
    assert_int_equal(recv_all(fd, b, 1), 0);
    close(fd);
    /* an option longer than the server reads: closed */
    fd = connect_greeted();
    nbd_put_be32(b, NBD_FLAG_FIXED_NEWSTYLE);
    send_all(fd, b, 4);
    nbd_put_be64(b, NBD_OPTS_MAGIC);
    nbd_put_be32(b + 8, NBD_OPT_GO);
    nbd_put_be32(b + 12, 0x7fffffff);
    send_all(fd, b, 16);
    assert_int_equal(recv_all(fd, b, 1), 0);
    close(fd);
    /* a client that vanishes mid-option */
    fd = connect_greeted();
    send_all(fd, b, 2);
    close(fd);
    /* the daemon still serves */
    good = open_export("disk");
    good_read(good, 1);
    close(good);
}

static void test_bad_requests(void **state)
{
    static uint8_t payload[4096];
    uint8_t p[8 * 1024 + 8];
    uint32_t len;
    int fd = open_export("disk");

    (void)state;
    send_request(fd, 0, NBD_CMD_READ, 10, DISK_SIZE - 512, 1024);
    assert_int_equal(error_chunk(fd, 10), NBD_EINVAL);
    good_read(fd, 11);
    /* a write past the end: ENOSPC, its payload is consumed */
    send_request(fd, 0, NBD_CMD_WRITE, 12, DISK_SIZE, 4096);
    send_all(fd, payload, sizeof(payload));
    assert_int_equal(simple_reply(fd, 12), NBD_ENOSPC);
    good_read(fd, 13);
    send_request(fd, NBD_CMD_FLAG_FUA, NBD_CMD_READ, 14, 0, 512);
    assert_int_equal(error_chunk(fd, 14), NBD_EINVAL);
    send_request(fd, 0, 99, 15, 0, 512);
    assert_int_equal(simple_reply(fd, 15), NBD_EINVAL);
    send_request(fd, 0, NBD_CMD_READ, 16, 0, 64u << 20);
    assert_int_equal(error_chunk(fd, 16), NBD_EOVERFLOW);
    send_request(fd, 0, NBD_CMD_READ, 17, 0, 0);
    assert_int_equal(error_chunk(fd, 17), NBD_EINVAL);
    send_request(fd, 0x80, NBD_CMD_WRITE, 18, 0, 4096);
    send_all(fd, payload, sizeof(payload));
    assert_int_equal(simple_reply(fd, 18), NBD_EINVAL);
    send_request(fd, 0, NBD_CMD_TRIM, 19, UINT64_MAX - 100, 512);
    assert_int_equal(simple_reply(fd, 19), NBD_ENOSPC);
    good_read(fd, 20);
    /* valid commands of every kind */
    send_request(fd, NBD_CMD_FLAG_FUA, NBD_CMD_WRITE, 21, 0, 4096);
    send_all(fd, payload, sizeof(payload));
    assert_int_equal(simple_reply(fd, 21), 0);
    send_request(fd, NBD_CMD_FLAG_NO_HOLE, NBD_CMD_WRITE_ZEROES, 22, 0, 65536);
    assert_int_equal(simple_reply(fd, 22), 0);
    send_request(fd, 0, NBD_CMD_FLUSH, 23, 0, 0);
    assert_int_equal(simple_reply(fd, 23), 0);
    send_request(fd, 0, NBD_CMD_TRIM, 24, 0, 65536);
    assert_int_equal(simple_reply(fd, 24), 0);
    send_request(fd, NBD_CMD_FLAG_REQ_ONE, NBD_CMD_BLOCK_STATUS, 25, 0, 8192);
    assert_int_equal(chunk_reply(fd, 25, p, sizeof(p), &len),
                     NBD_REPLY_TYPE_BLOCK_STATUS);
    assert_int_equal(len, 4 + 8);
    assert_int_equal(nbd_get_be32(p), NBD_META_ID_BASE_ALLOCATION);
    assert_int_equal(nbd_get_be32(p + 4), 8192);
    /* a bad magic ends the connection (no way to resynchronise) */
    memset(p, 0, NBD_REQUEST_SIZE);
    send_all(fd, p, NBD_REQUEST_SIZE);
    assert_int_equal(recv_all(fd, p, 1), 0);
    close(fd);
}

/* Commands without a buffer as the first requests of a connection (their
 * slots never had a buffer allocated). */
static void test_first_requests_bufferless(void **state)
{
    int fd = open_export("disk");

    (void)state;
    send_request(fd, 0, NBD_CMD_FLUSH, 50, 0, 0);
    assert_int_equal(simple_reply(fd, 50), 0);
    close(fd);
    fd = open_export("disk");
    send_request(fd, 0, NBD_CMD_TRIM, 51, 0, 4096);
    assert_int_equal(simple_reply(fd, 51), 0);
    send_request(fd, 0, NBD_CMD_WRITE_ZEROES, 52, 0, 4096);
    assert_int_equal(simple_reply(fd, 52), 0);
    close(fd);
}

static void test_oversized_write(void **state)
{
    size_t big = NBD_MAX_STRING * 8192 + 1;     /* 32 MiB + 1 */
    uint8_t *payload = calloc(1, big);
    int fd = open_export("disk");

    (void)state;
    assert_non_null(payload);
    send_request(fd, 0, NBD_CMD_WRITE, 30, 0, (uint32_t)big);
    send_all(fd, payload, big);
    assert_int_equal(simple_reply(fd, 30), NBD_EINVAL);
    good_read(fd, 31);
    free(payload);
    close(fd);
}

static void test_read_only(void **state)
{
    static uint8_t payload[512];
    int fd = open_export("ro");

    (void)state;
    send_request(fd, 0, NBD_CMD_WRITE, 40, 0, 512);
    send_all(fd, payload, sizeof(payload));
    assert_int_equal(simple_reply(fd, 40), NBD_EPERM);
    send_request(fd, 0, NBD_CMD_WRITE_ZEROES, 41, 0, 512);
    assert_int_equal(simple_reply(fd, 41), NBD_EPERM);
    good_read(fd, 42);
    send_request(fd, 0, NBD_CMD_DISC, 43, 0, 0);
    assert_int_equal(recv_all(fd, payload, 1), 0);
    close(fd);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_handshake),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_first_requests_bufferless),
        cmocka_unit_test(test_oversized_write),
        cmocka_unit_test(test_read_only),
    };
    char unix_opt[160], ro_opt[160];
    int status, ret;

    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH-TO-MQBLKD\n", argv[0]);
        return 2;
    }
    daemon_path = argv[1];
    signal(SIGPIPE, SIG_IGN);
    snprintf(sock_path, sizeof(sock_path), "/tmp/mqblkd-badreq-%d.sock",
             (int)getpid());
    snprintf(unix_opt, sizeof(unix_opt),
             "nbd,node=n0,name=disk,writable=on,unix=%s", sock_path);
    snprintf(ro_opt, sizeof(ro_opt), "nbd,node=n1,name=ro,unix=%s", sock_path);
    daemon_pid = fork();
    if (daemon_pid == 0) {
        execl(daemon_path, daemon_path,
              "--blockdev", "driver=null,node-name=n0,size=1M,read-zeroes=on",
              "--blockdev", "driver=null,node-name=n1,size=1M,read-zeroes=on",
              "--export", unix_opt, "--export", ro_opt, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500 && access(sock_path, F_OK) != 0; i++) {
        struct timespec ts = { 0, 10 * 1000 * 1000 };

        nanosleep(&ts, NULL);
    }
    ret = cmocka_run_group_tests(tests, NULL, NULL);
    kill(daemon_pid, SIGTERM);
    waitpid(daemon_pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "mqblkd did not exit 0 on SIGTERM (status 0x%x)\n",
                status);
        return 1;
    }
    return ret;
}
