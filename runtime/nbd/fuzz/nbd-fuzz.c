/*
 * nbd-fuzz.c - libFuzzer target: NBD negotiation and request decoding
 *
 * The input is what a client would send: 4 bytes of client flags, then
 * options (16-byte header and data) until the negotiation ends; if it
 * reaches the transmission phase, the rest is requests (28-byte headers,
 * WRITE payloads skipped as the server skips them).  The checks are the
 * server's promises: every option reply is well formed and says the option
 * it answers, an accepted export is one of ours, and a request that
 * nbd_request_check() lets through lies inside the export and within the
 * payload limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nbd/nbd-negotiate.h"
#include "nbd/nbd-proto.h"

static const NBDExportInfo fuzz_exports[] = {
    { .name = "disk", .size = 1 << 20,
      .tx_flags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH,
      .min_block = 1, .pref_block = 4096, .max_block = 1 << 25 },
    { .name = "", .size = 12345, .tx_flags = NBD_FLAG_READ_ONLY },
};

/* Every byte of @out must be a sequence of option replies to @option. */
static void check_replies(const NBDBuffer *out, uint32_t option)
{
    size_t pos = 0;

    while (pos < out->len) {
        const uint8_t *p = out->data + pos;

        if (pos + NBD_OPTION_REPLY_SIZE > out->len ||
            nbd_get_be64(p) != NBD_REP_MAGIC ||
            nbd_get_be32(p + 8) != option) {
            abort();
        }
        pos += NBD_OPTION_REPLY_SIZE + nbd_get_be32(p + 16);
    }
    if (pos != out->len) {
        abort();
    }
}

static void fuzz_requests(const uint8_t *data, size_t size,
                          const NBDNegotiation *n)
{
    NBDExportLimits lim = {
        .size = n->export->size, .max_payload = 1 << 16,
        .read_only = n->export->tx_flags & NBD_FLAG_READ_ONLY,
        .structured = n->structured, .meta_context = n->meta_context,
    };

    while (size >= NBD_REQUEST_SIZE) {
        NBDRequest r;

        if (!nbd_request_decode(data, &r)) {
            return;
        }
        data += NBD_REQUEST_SIZE;
        size -= NBD_REQUEST_SIZE;
        if (nbd_request_check(&r, &lim) == 0 &&
            r.type != NBD_CMD_FLUSH && r.type != NBD_CMD_DISC &&
            (r.length == 0 || r.offset + r.length > lim.size ||
             r.offset + r.length < r.offset ||
             (r.type <= NBD_CMD_WRITE && r.length > lim.max_payload) ||
             (lim.read_only && r.type != NBD_CMD_READ &&
              r.type != NBD_CMD_BLOCK_STATUS))) {
            abort();
        }
        if (nbd_request_has_payload(&r)) {
            if (r.length > size) {
                return;
            }
            data += r.length;
            size -= r.length;
        }
    }
}

/* The entry point libFuzzer calls (declared by no header). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    NBDNegotiation n;
    NBDNegotiateStep step;

    if (size < 4) {
        return 0;
    }
    nbd_negotiate_init(&n, fuzz_exports, 2);
    step = nbd_negotiate_client_flags(&n, data);
    data += 4;
    size -= 4;
    while (step == NBD_NEGOTIATE_CONTINUE && size >= NBD_OPTION_HEADER_SIZE) {
        uint32_t option, length;

        if (!nbd_option_header_decode(data, &option, &length)) {
            break;
        }
        data += NBD_OPTION_HEADER_SIZE;
        size -= NBD_OPTION_HEADER_SIZE;
        if (length > size) {
            break;
        }
        n.out.len = 0;
        step = nbd_negotiate_option(&n, option, data, length);
        if (option != NBD_OPT_EXPORT_NAME) {
            check_replies(&n.out, option);
        }
        data += length;
        size -= length;
    }
    if (step == NBD_NEGOTIATE_TRANSMIT) {
        if (n.export != &fuzz_exports[0] && n.export != &fuzz_exports[1]) {
            abort();
        }
        if (n.meta_context && !n.structured) {
            abort();
        }
        fuzz_requests(data, size, &n);
    }
    nbd_negotiate_cleanup(&n);
    return 0;
}
