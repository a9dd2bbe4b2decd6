/*
 * Unit tests of the NBD wire format (nbd/nbd-proto.h) and the negotiation
 * state machine (nbd/nbd-negotiate.h): byte-exact encodings, every reason
 * nbd_request_check() rejects a request, and the option replies.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nbd/nbd-addr.h"
#include "nbd/nbd-negotiate.h"
#include "nbd/nbd-proto.h"

static void encode_request(uint8_t *b, uint16_t flags, uint16_t type,
                           uint64_t cookie, uint64_t offset, uint32_t len)
{
    NBDRequest r = { flags, type, cookie, offset, len };

    nbd_request_encode(b, &r);
}

static void test_request_decode(void **state)
{
    uint8_t b[NBD_REQUEST_SIZE];
    NBDRequest r;

    (void)state;
    encode_request(b, NBD_CMD_FLAG_FUA, NBD_CMD_WRITE, 0x0102030405060708ULL,
                   0x1000, 512);
    assert_true(nbd_request_decode(b, &r));
    assert_int_equal(r.flags, NBD_CMD_FLAG_FUA);
    assert_int_equal(r.type, NBD_CMD_WRITE);
    assert_true(r.cookie == 0x0102030405060708ULL);
    assert_true(r.offset == 0x1000);
    assert_int_equal(r.length, 512);
    assert_true(nbd_request_has_payload(&r));
    r.type = NBD_CMD_READ;
    assert_false(nbd_request_has_payload(&r));
    b[0] ^= 1;
    assert_false(nbd_request_decode(b, &r));
}

static uint32_t check(uint16_t flags, uint16_t type, uint64_t off, uint32_t len,
                      bool read_only, bool meta)
{
    NBDExportLimits lim = {
        .size = 1 << 20, .max_payload = 65536, .read_only = read_only,
        .structured = true, .meta_context = meta,
    };
    NBDRequest r = { .flags = flags, .type = type, .offset = off,
                     .length = len };

    return nbd_request_check(&r, &lim);
}

static void test_request_check(void **state)
{
    (void)state;
    assert_int_equal(check(0, NBD_CMD_READ, 0, 4096, false, false), 0);
    assert_int_equal(check(NBD_CMD_FLAG_FUA, NBD_CMD_WRITE, 4096, 4096,
                           false, false), 0);
    assert_int_equal(check(0, NBD_CMD_FLUSH, 0, 0, false, false), 0);
    assert_int_equal(check(NBD_CMD_FLAG_NO_HOLE | NBD_CMD_FLAG_FAST_ZERO |
                           NBD_CMD_FLAG_FUA, NBD_CMD_WRITE_ZEROES, 0, 1 << 20,
                           false, false), 0);
    assert_int_equal(check(NBD_CMD_FLAG_REQ_ONE, NBD_CMD_BLOCK_STATUS, 0, 512,
                           false, true), 0);
    /* unknown command, flags not valid for the command */
    assert_int_equal(check(0, 99, 0, 512, false, false), NBD_EINVAL);
    assert_int_equal(check(0, NBD_CMD_CACHE, 0, 512, false, false), NBD_EINVAL);
    assert_int_equal(check(NBD_CMD_FLAG_FUA, NBD_CMD_READ, 0, 512, false, false),
                     NBD_EINVAL);
    assert_int_equal(check(NBD_CMD_FLAG_NO_HOLE, NBD_CMD_WRITE, 0, 512, false,
                           false), NBD_EINVAL);
    assert_int_equal(check(0x8000, NBD_CMD_WRITE_ZEROES, 0, 512, false, false),
                     NBD_EINVAL);
    assert_int_equal(check(NBD_CMD_FLAG_FUA, NBD_CMD_FLUSH, 0, 0, false, false),
                     NBD_EINVAL);
    /* ranges */
    assert_int_equal(check(0, NBD_CMD_READ, 0, 0, false, false), NBD_EINVAL);
    assert_int_equal(check(0, NBD_CMD_READ, (1 << 20) - 512, 1024, false,
                           false), NBD_EINVAL);
    assert_int_equal(check(0, NBD_CMD_WRITE, (1 << 20) - 512, 1024, false,
                           false), NBD_ENOSPC);
    assert_int_equal(check(0, NBD_CMD_TRIM, UINT64_MAX - 10, 512, false,
                           false), NBD_ENOSPC);
    assert_int_equal(check(0, NBD_CMD_READ, UINT64_MAX - 10, 512, false,
                           false), NBD_EINVAL);
    assert_int_equal(check(0, NBD_CMD_READ, (1 << 20) - 512, 512, false,
                           false), 0);
    /* payload limits, read-only, block status without a context */
    assert_int_equal(check(0, NBD_CMD_READ, 0, 65537, false, false),
                     NBD_EOVERFLOW);
    assert_int_equal(check(0, NBD_CMD_WRITE, 0, 65537, false, false),
                     NBD_EINVAL);
    assert_int_equal(check(0, NBD_CMD_WRITE, 0, 512, true, false), NBD_EPERM);
    assert_int_equal(check(0, NBD_CMD_WRITE_ZEROES, 0, 512, true, false),
                     NBD_EPERM);
    assert_int_equal(check(0, NBD_CMD_READ, 0, 512, true, false), 0);
    assert_int_equal(check(0, NBD_CMD_BLOCK_STATUS, 0, 512, false, false),
                     NBD_EINVAL);
}

static void test_errno_to_wire(void **state)
{
    (void)state;
    assert_int_equal(nbd_errno_to_wire(0), 0);
    assert_int_equal(nbd_errno_to_wire(-EROFS), NBD_EPERM);
    assert_int_equal(nbd_errno_to_wire(-EINVAL), NBD_EINVAL);
    assert_int_equal(nbd_errno_to_wire(-EDQUOT), NBD_ENOSPC);
    assert_int_equal(nbd_errno_to_wire(-ENOTSUP), NBD_ENOTSUP);
    assert_int_equal(nbd_errno_to_wire(-ENOMEDIUM), NBD_EIO);
}

static void test_reply_encode(void **state)
{
    static const uint8_t simple[] = {
        0x67, 0x44, 0x66, 0x98, 0, 0, 0, 22, 1, 2, 3, 4, 5, 6, 7, 8,
    };
    static const uint8_t chunk[] = {
        0x66, 0x8e, 0x33, 0xef, 0, 1, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8,
        0, 0, 0x10, 0x08,
    };
    uint8_t b[NBD_CHUNK_HEADER_SIZE];

    (void)state;
    nbd_simple_reply_encode(b, NBD_EINVAL, 0x0102030405060708ULL);
    assert_memory_equal(b, simple, sizeof(simple));
    nbd_chunk_header_encode(b, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_OFFSET_DATA,
                            0x0102030405060708ULL, 0x1008);
    assert_memory_equal(b, chunk, sizeof(chunk));
}

/* ---- negotiation ---------------------------------------------------------- */

static const NBDExportInfo exports[] = {
    { .name = "disk", .size = 1 << 20,
      .tx_flags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH,
      .min_block = 512, .pref_block = 4096, .max_block = 1 << 25 },
    { .name = "other", .size = 4096, .tx_flags = NBD_FLAG_HAS_FLAGS },
};

/* Walk the option replies in n->out: returns the type of reply @idx and
 * its data (NULL when there are fewer replies). */
static const uint8_t *nth_reply(const NBDNegotiation *n, unsigned idx,
                                uint32_t *type, uint32_t *len)
{
    size_t pos = 0;

    for (;;) {
        const uint8_t *p = n->out.data + pos;

        if (pos + NBD_OPTION_REPLY_SIZE > n->out.len) {
            return NULL;
        }
        assert_true(nbd_get_be64(p) == NBD_REP_MAGIC);
        *type = nbd_get_be32(p + 12);
        *len = nbd_get_be32(p + 16);
        if (idx-- == 0) {
            return p + NBD_OPTION_REPLY_SIZE;
        }
        pos += NBD_OPTION_REPLY_SIZE + *len;
    }
}

static size_t put_go(uint8_t *b, const char *name, int n_info,
                     const uint16_t *info)
{
    size_t len = strlen(name), pos = 0;

    nbd_put_be32(b, (uint32_t)len);
    memcpy(b + 4, name, len);
    pos = 4 + len;
    nbd_put_be16(b + pos, (uint16_t)n_info);
    pos += 2;
    for (int i = 0; i < n_info; i++) {
        nbd_put_be16(b + pos, info[i]);
        pos += 2;
    }
    return pos;
}

static void start(NBDNegotiation *n)
{
    uint8_t flags[4];

    nbd_negotiate_init(n, exports, 2);
    nbd_negotiate_greeting(n);
    assert_int_equal(n->out.len, 18);
    assert_true(nbd_get_be64(n->out.data) == NBD_MAGIC);
    assert_true(nbd_get_be64(n->out.data + 8) == NBD_OPTS_MAGIC);
    assert_int_equal(nbd_get_be16(n->out.data + 16), 3);
    n->out.len = 0;
    nbd_put_be32(flags, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
    assert_int_equal(nbd_negotiate_client_flags(n, flags),
                     NBD_NEGOTIATE_CONTINUE);
}

static void test_negotiate_flags(void **state)
{
    NBDNegotiation n;
    uint8_t flags[4];

    (void)state;
    nbd_negotiate_init(&n, exports, 2);
    nbd_put_be32(flags, NBD_FLAG_NO_ZEROES);            /* not fixed */
    assert_int_equal(nbd_negotiate_client_flags(&n, flags),
                     NBD_NEGOTIATE_CLOSE);
    nbd_put_be32(flags, NBD_FLAG_FIXED_NEWSTYLE | 4);   /* unknown bit */
    assert_int_equal(nbd_negotiate_client_flags(&n, flags),
                     NBD_NEGOTIATE_CLOSE);
    nbd_negotiate_cleanup(&n);
}

static void test_negotiate_go(void **state)
{
    static const uint16_t info[] = { NBD_INFO_BLOCK_SIZE, NBD_INFO_NAME };
    NBDNegotiation n;
    uint8_t b[64];
    const uint8_t *d;
    uint32_t type, len;

    (void)state;
    start(&n);
    assert_int_equal(nbd_negotiate_option(&n, NBD_OPT_GO, b,
                                          (uint32_t)put_go(b, "nope", 0, NULL)),
                     NBD_NEGOTIATE_CONTINUE);
    assert_non_null(nth_reply(&n, 0, &type, &len));
    assert_int_equal(type, NBD_REP_ERR_UNKNOWN);
    n.out.len = 0;
    /* n_info says 2, one given: malformed, negotiation goes on */
    len = (uint32_t)put_go(b, "disk", 2, info) - 2;
    assert_int_equal(nbd_negotiate_option(&n, NBD_OPT_GO, b, len),
                     NBD_NEGOTIATE_CONTINUE);
    nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_ERR_INVALID);
    n.out.len = 0;
    assert_int_equal(nbd_negotiate_option(&n, NBD_OPT_GO, b,
                                          (uint32_t)put_go(b, "disk", 2, info)),
                     NBD_NEGOTIATE_TRANSMIT);
    d = nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_INFO);
    assert_int_equal(len, 12);
    assert_int_equal(nbd_get_be16(d), NBD_INFO_EXPORT);
    assert_true(nbd_get_be64(d + 2) == 1 << 20);
    assert_int_equal(nbd_get_be16(d + 10),
                     NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH);
    d = nth_reply(&n, 1, &type, &len);
    assert_int_equal(nbd_get_be16(d), NBD_INFO_NAME);
    assert_int_equal(len, 6);
    d = nth_reply(&n, 2, &type, &len);
    assert_int_equal(nbd_get_be16(d), NBD_INFO_BLOCK_SIZE);
    assert_int_equal(nbd_get_be32(d + 2), 512);
    assert_int_equal(nbd_get_be32(d + 6), 4096);
    assert_int_equal(nbd_get_be32(d + 10), 1 << 25);
    nth_reply(&n, 3, &type, &len);
    assert_int_equal(type, NBD_REP_ACK);
    assert_null(nth_reply(&n, 4, &type, &len));
    assert_ptr_equal(n.export, &exports[0]);
    assert_false(n.meta_context);
    nbd_negotiate_cleanup(&n);
}

static size_t put_meta(uint8_t *b, const char *name, const char *query)
{
    size_t len = strlen(name), qlen = query ? strlen(query) : 0, pos;

    nbd_put_be32(b, (uint32_t)len);
    memcpy(b + 4, name, len);
    pos = 4 + len;
    nbd_put_be32(b + pos, query ? 1 : 0);
    pos += 4;
    if (query) {
        nbd_put_be32(b + pos, (uint32_t)qlen);
        memcpy(b + pos + 4, query, qlen);
        pos += 4 + qlen;
    }
    return pos;
}

static void test_negotiate_meta_context(void **state)
{
    NBDNegotiation n;
    uint8_t b[128];
    const uint8_t *d;
    uint32_t type, len;

    (void)state;
    start(&n);
    /* before STRUCTURED_REPLY: invalid */
    nbd_negotiate_option(&n, NBD_OPT_SET_META_CONTEXT, b,
                         (uint32_t)put_meta(b, "disk", "base:allocation"));
    nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_ERR_INVALID);
    n.out.len = 0;
    assert_int_equal(nbd_negotiate_option(&n, NBD_OPT_STRUCTURED_REPLY, b, 0),
                     NBD_NEGOTIATE_CONTINUE);
    nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_ACK);
    n.out.len = 0;
    /* an unknown context: only the ACK */
    nbd_negotiate_option(&n, NBD_OPT_SET_META_CONTEXT, b,
                         (uint32_t)put_meta(b, "disk", "qemu:dirty-bitmap:x"));
    nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_ACK);
    n.out.len = 0;
    /* a truncated query */
    nbd_negotiate_option(&n, NBD_OPT_SET_META_CONTEXT, b,
                         (uint32_t)put_meta(b, "disk", "base:allocation") - 1);
    nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_ERR_INVALID);
    n.out.len = 0;
    /* LIST with "base:" lists base:allocation but selects nothing */
    nbd_negotiate_option(&n, NBD_OPT_LIST_META_CONTEXT, b,
                         (uint32_t)put_meta(b, "disk", "base:"));
    d = nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_META_CONTEXT);
    assert_int_equal(len, 4 + 15);
    assert_memory_equal(d + 4, "base:allocation", 15);
    assert_null(n.meta_export);
    n.out.len = 0;
    nbd_negotiate_option(&n, NBD_OPT_SET_META_CONTEXT, b,
                         (uint32_t)put_meta(b, "disk", "base:allocation"));
    d = nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_META_CONTEXT);
    assert_int_equal(nbd_get_be32(d), NBD_META_ID_BASE_ALLOCATION);
    nth_reply(&n, 1, &type, &len);
    assert_int_equal(type, NBD_REP_ACK);
    n.out.len = 0;
    /* GO to another export than the context was set for: no context */
    nbd_negotiate_option(&n, NBD_OPT_GO, b, (uint32_t)put_go(b, "other", 0,
                                                              NULL));
    assert_ptr_equal(n.export, &exports[1]);
    assert_false(n.meta_context);
    nbd_negotiate_option(&n, NBD_OPT_GO, b, (uint32_t)put_go(b, "disk", 0,
                                                              NULL));
    assert_true(n.meta_context);
    nbd_negotiate_cleanup(&n);
}

static void test_negotiate_misc(void **state)
{
    NBDNegotiation n;
    uint8_t b[NBD_OPTION_HEADER_SIZE];
    const uint8_t *d;
    uint32_t type, len, opt;

    (void)state;
    start(&n);
    assert_int_equal(nbd_negotiate_option(&n, NBD_OPT_LIST, NULL, 0),
                     NBD_NEGOTIATE_CONTINUE);
    d = nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_SERVER);
    assert_int_equal(nbd_get_be32(d), 4);
    assert_memory_equal(d + 4, "disk", 4);
    d = nth_reply(&n, 1, &type, &len);
    assert_memory_equal(d + 4, "other", 5);
    nth_reply(&n, 2, &type, &len);
    assert_int_equal(type, NBD_REP_ACK);
    n.out.len = 0;
    assert_int_equal(nbd_negotiate_option(&n, NBD_OPT_STARTTLS, NULL, 0),
                     NBD_NEGOTIATE_CONTINUE);
    d = nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_ERR_UNSUP);
    assert_memory_equal(d, "TLS is not supported", 20);
    n.out.len = 0;
    assert_int_equal(nbd_negotiate_option(&n, 1234, NULL, 0),
                     NBD_NEGOTIATE_CONTINUE);
    nth_reply(&n, 0, &type, &len);
    assert_int_equal(type, NBD_REP_ERR_UNSUP);
    n.out.len = 0;
    assert_int_equal(nbd_negotiate_option(&n, NBD_OPT_ABORT, NULL, 0),
                     NBD_NEGOTIATE_CLOSE);
    n.out.len = 0;
    /* EXPORT_NAME with NO_ZEROES: size and flags only; unknown closes */
    assert_int_equal(nbd_negotiate_option(&n, NBD_OPT_EXPORT_NAME,
                                          (const uint8_t *)"nope", 4),
                     NBD_NEGOTIATE_CLOSE);
    assert_int_equal(nbd_negotiate_option(&n, NBD_OPT_EXPORT_NAME,
                                          (const uint8_t *)"other", 5),
                     NBD_NEGOTIATE_TRANSMIT);
    assert_int_equal(n.out.len, 10);
    assert_true(nbd_get_be64(n.out.data) == 4096);
    nbd_negotiate_cleanup(&n);

    nbd_put_be64(b, NBD_OPTS_MAGIC);
    nbd_put_be32(b + 8, NBD_OPT_GO);
    nbd_put_be32(b + 12, NBD_MAX_OPTION_LENGTH);
    assert_true(nbd_option_header_decode(b, &opt, &len));
    assert_int_equal(opt, NBD_OPT_GO);
    nbd_put_be32(b + 12, NBD_MAX_OPTION_LENGTH + 1);
    assert_false(nbd_option_header_decode(b, &opt, &len));
    nbd_put_be32(b + 12, 0);
    b[0] ^= 1;
    assert_false(nbd_option_header_decode(b, &opt, &len));
}

/* HOST:PORT as both ends read it: brackets for IPv6, empty host allowed. */
static void test_split_host_port(void **state)
{
    char host[16];
    const char *port;

    (void)state;
    assert_true(nbd_split_host_port("127.0.0.1:10809", host, sizeof(host), &port));
    assert_string_equal(host, "127.0.0.1");
    assert_string_equal(port, "10809");
    assert_true(nbd_split_host_port("[::1]:99", host, sizeof(host), &port));
    assert_string_equal(host, "::1");
    assert_string_equal(port, "99");
    assert_true(nbd_split_host_port(":7", host, sizeof(host), &port));
    assert_string_equal(host, "");
    assert_false(nbd_split_host_port("localhost", host, sizeof(host), &port));
    assert_false(nbd_split_host_port("localhost:", host, sizeof(host), &port));
    assert_false(nbd_split_host_port("[::1:99", host, sizeof(host), &port));
    assert_false(nbd_split_host_port("a-host-name-too-long:1", host, sizeof(host), &port));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_decode),
        cmocka_unit_test(test_request_check),
        cmocka_unit_test(test_errno_to_wire),
        cmocka_unit_test(test_reply_encode),
        cmocka_unit_test(test_negotiate_flags),
        cmocka_unit_test(test_negotiate_go),
        cmocka_unit_test(test_negotiate_meta_context),
        cmocka_unit_test(test_negotiate_misc),
        cmocka_unit_test(test_split_host_port),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
