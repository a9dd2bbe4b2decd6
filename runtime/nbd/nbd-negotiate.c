/*
 * NBD fixed-newstyle negotiation, server side (nbd/nbd-negotiate.h).
 *
 * Every reader of option data checks lengths against what is left before
 * it reads: a malformed option gets NBD_REP_ERR_INVALID and the
 * negotiation goes on, as the protocol asks.
 */
#include <stdlib.h>
#include <string.h>

#include "nbd/nbd-negotiate.h"
#include "nbd/nbd-proto.h"

#define NBD_BASE_ALLOCATION "base:allocation"

/* A cursor over one option's data. */
typedef struct NBDReader {
    const uint8_t *p;
    uint32_t left;
} NBDReader;

/* Returns: the next @n bytes (consumed), or NULL when fewer are left. */
static const uint8_t *reader_take(NBDReader *r, uint32_t n)
{
    const uint8_t *p = r->p;

    if (r->left < n) {
        return NULL;
    }
    r->p += n;
    r->left -= n;
    return p;
}

static bool reader_u16(NBDReader *r, uint16_t *v)
{
    const uint8_t *p = reader_take(r, 2);

    if (p) {
        *v = nbd_get_be16(p);
    }
    return p != NULL;
}

static bool reader_u32(NBDReader *r, uint32_t *v)
{
    const uint8_t *p = reader_take(r, 4);

    if (p) {
        *v = nbd_get_be32(p);
    }
    return p != NULL;
}

/* A 32-bit length followed by that many bytes (not NUL-terminated). */
static bool reader_string(NBDReader *r, const uint8_t **s, uint32_t *len)
{
    if (!reader_u32(r, len) || *len > NBD_MAX_STRING) {
        return false;
    }
    *s = reader_take(r, *len);
    return *s != NULL;
}

static uint8_t *buffer_append(NBDBuffer *b, size_t len)
{
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        uint8_t *data;

        while (cap < b->len + len) {
            cap *= 2;
        }
        data = realloc(b->data, cap);
        if (!data) {
            abort();        /* a few KiB; out of memory is fatal anyway */
        }
        b->data = data;
        b->cap = cap;
    }
    b->len += len;
    return b->data + b->len - len;
}

static void reply(NBDNegotiation *n, uint32_t option, uint32_t type,
                  const void *data, uint32_t len)
{
    uint8_t *p = buffer_append(&n->out, NBD_OPTION_REPLY_SIZE + len);

    nbd_option_reply_encode(p, option, type, len);
    if (len) {
        memcpy(p + NBD_OPTION_REPLY_SIZE, data, len);
    }
}

static NBDNegotiateStep reply_error(NBDNegotiation *n, uint32_t option,
                                    uint32_t type, const char *msg)
{
    reply(n, option, type, msg, (uint32_t)strlen(msg));
    return NBD_NEGOTIATE_CONTINUE;
}

static const NBDExportInfo *find_export(NBDNegotiation *n, const uint8_t *name,
                                        uint32_t len)
{
    for (size_t i = 0; i < n->n_exports; i++) {
        const char *e = n->exports[i].name;

        if (strlen(e) == len && memcmp(e, name, len) == 0) {
            return &n->exports[i];
        }
    }
    return NULL;
}

void nbd_negotiate_init(NBDNegotiation *n, const NBDExportInfo *exports,
                        size_t n_exports)
{
    memset(n, 0, sizeof(*n));
    n->exports = exports;
    n->n_exports = n_exports;
}

void nbd_negotiate_cleanup(NBDNegotiation *n)
{
    free(n->out.data);
    n->out.data = NULL;
    n->out.len = n->out.cap = 0;
}

void nbd_negotiate_greeting(NBDNegotiation *n)
{
    uint8_t *p = buffer_append(&n->out, 18);

    nbd_put_be64(p, NBD_MAGIC);
    nbd_put_be64(p + 8, NBD_OPTS_MAGIC);
    nbd_put_be16(p + 16, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
}

NBDNegotiateStep nbd_negotiate_client_flags(NBDNegotiation *n,
                                            const uint8_t *buf)
{
    uint32_t flags = nbd_get_be32(buf);

    if (!(flags & NBD_FLAG_FIXED_NEWSTYLE) ||
        (flags & ~(NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES))) {
        return NBD_NEGOTIATE_CLOSE;
    }
    n->no_zeroes = flags & NBD_FLAG_NO_ZEROES;
    return NBD_NEGOTIATE_CONTINUE;
}

bool nbd_option_header_decode(const uint8_t *buf, uint32_t *option,
                              uint32_t *length)
{
    if (nbd_get_be64(buf) != NBD_OPTS_MAGIC) {
        return false;
    }
    *option = nbd_get_be32(buf + 8);
    *length = nbd_get_be32(buf + 12);
    return *length <= NBD_MAX_OPTION_LENGTH;
}

static void info_export(NBDNegotiation *n, uint32_t option,
                        const NBDExportInfo *e)
{
    uint8_t b[12];

    nbd_put_be16(b, NBD_INFO_EXPORT);
    nbd_put_be64(b + 2, e->size);
    nbd_put_be16(b + 10, e->tx_flags);
    reply(n, option, NBD_REP_INFO, b, sizeof(b));
}

static void info_block_size(NBDNegotiation *n, uint32_t option,
                            const NBDExportInfo *e)
{
    uint8_t b[14];

    nbd_put_be16(b, NBD_INFO_BLOCK_SIZE);
    nbd_put_be32(b + 2, e->min_block);
    nbd_put_be32(b + 6, e->pref_block);
    nbd_put_be32(b + 10, e->max_block);
    reply(n, option, NBD_REP_INFO, b, sizeof(b));
}

static void info_name(NBDNegotiation *n, uint32_t option,
                      const NBDExportInfo *e)
{
    size_t len = strlen(e->name);
    uint8_t *p = buffer_append(&n->out, NBD_OPTION_REPLY_SIZE + 2 + len);

    nbd_option_reply_encode(p, option, NBD_REP_INFO, (uint32_t)(2 + len));
    nbd_put_be16(p + NBD_OPTION_REPLY_SIZE, NBD_INFO_NAME);
    memcpy(p + NBD_OPTION_REPLY_SIZE + 2, e->name, len);
}

/* NBD_OPT_INFO and NBD_OPT_GO: name, then a list of information types. */
static NBDNegotiateStep opt_info_go(NBDNegotiation *n, uint32_t option,
                                    const uint8_t *data, uint32_t length)
{
    NBDReader r = { data, length };
    const NBDExportInfo *e;
    const uint8_t *name;
    uint32_t name_len;
    uint16_t n_info, type;
    bool want_name = false, want_block = false;

    if (!reader_string(&r, &name, &name_len) || !reader_u16(&r, &n_info) ||
        r.left != 2u * n_info) {
        return reply_error(n, option, NBD_REP_ERR_INVALID,
                           "malformed NBD_OPT_INFO/GO data");
    }
    for (uint16_t i = 0; i < n_info; i++) {
        reader_u16(&r, &type);
        want_name |= type == NBD_INFO_NAME;
        want_block |= type == NBD_INFO_BLOCK_SIZE;
    }
    e = find_export(n, name, name_len);
    if (!e) {
        return reply_error(n, option, NBD_REP_ERR_UNKNOWN, "no such export");
    }
    info_export(n, option, e);
    if (want_name) {
        info_name(n, option, e);
    }
    if (want_block) {
        info_block_size(n, option, e);
    }
    reply(n, option, NBD_REP_ACK, NULL, 0);
    if (option == NBD_OPT_INFO) {
        return NBD_NEGOTIATE_CONTINUE;
    }
    n->export = e;
    n->meta_context = n->structured && n->meta_export == e;
    return NBD_NEGOTIATE_TRANSMIT;
}

/* NBD_OPT_EXPORT_NAME: the old way in; no error reply exists, so an unknown
 * name closes the connection. */
static NBDNegotiateStep opt_export_name(NBDNegotiation *n, const uint8_t *data,
                                        uint32_t length)
{
    const NBDExportInfo *e = find_export(n, data, length);
    size_t len = n->no_zeroes ? 10 : NBD_EXPORT_NAME_REPLY_SIZE;
    uint8_t *p;

    if (!e) {
        return NBD_NEGOTIATE_CLOSE;
    }
    p = buffer_append(&n->out, len);
    memset(p, 0, len);
    nbd_put_be64(p, e->size);
    nbd_put_be16(p + 8, e->tx_flags);
    n->export = e;
    n->meta_context = false;    /* no way to have negotiated a context */
    return NBD_NEGOTIATE_TRANSMIT;
}

static NBDNegotiateStep opt_list(NBDNegotiation *n, uint32_t length)
{
    if (length) {
        return reply_error(n, NBD_OPT_LIST, NBD_REP_ERR_INVALID,
                           "NBD_OPT_LIST takes no data");
    }
    for (size_t i = 0; i < n->n_exports; i++) {
        size_t len = strlen(n->exports[i].name);
        uint8_t *p = buffer_append(&n->out, NBD_OPTION_REPLY_SIZE + 4 + len);

        nbd_option_reply_encode(p, NBD_OPT_LIST, NBD_REP_SERVER,
                                (uint32_t)(4 + len));
        nbd_put_be32(p + NBD_OPTION_REPLY_SIZE, (uint32_t)len);
        memcpy(p + NBD_OPTION_REPLY_SIZE + 4, n->exports[i].name, len);
    }
    reply(n, NBD_OPT_LIST, NBD_REP_ACK, NULL, 0);
    return NBD_NEGOTIATE_CONTINUE;
}

/* Does @query (a context name or a namespace query) select base:allocation?
 * "base:" lists every context of the namespace (only for LIST). */
static bool query_matches(const uint8_t *q, uint32_t len, bool list)
{
    size_t full = strlen(NBD_BASE_ALLOCATION);

    if (len == full && memcmp(q, NBD_BASE_ALLOCATION, full) == 0) {
        return true;
    }
    return list && len == 5 && memcmp(q, "base:", 5) == 0;
}

/* NBD_OPT_LIST_META_CONTEXT and NBD_OPT_SET_META_CONTEXT. */
static NBDNegotiateStep opt_meta_context(NBDNegotiation *n, uint32_t option,
                                         const uint8_t *data, uint32_t length)
{
    bool list = option == NBD_OPT_LIST_META_CONTEXT;
    NBDReader r = { data, length };
    const NBDExportInfo *e;
    const uint8_t *name, *q;
    uint32_t name_len, n_queries, q_len;
    bool selected = false;

    if (!n->structured) {
        return reply_error(n, option, NBD_REP_ERR_INVALID,
                           "structured replies not negotiated");
    }
    if (!reader_string(&r, &name, &name_len) || !reader_u32(&r, &n_queries)) {
        return reply_error(n, option, NBD_REP_ERR_INVALID,
                           "malformed meta context data");
    }
    for (uint32_t i = 0; i < n_queries; i++) {
        if (!reader_string(&r, &q, &q_len)) {
            return reply_error(n, option, NBD_REP_ERR_INVALID,
                               "malformed meta context query");
        }
        selected |= query_matches(q, q_len, list);
    }
    if (r.left) {
        return reply_error(n, option, NBD_REP_ERR_INVALID,
                           "trailing meta context data");
    }
    e = find_export(n, name, name_len);
    if (!e) {
        return reply_error(n, option, NBD_REP_ERR_UNKNOWN, "no such export");
    }
    if (list && n_queries == 0) {
        selected = true;
    }
    if (selected) {
        size_t len = strlen(NBD_BASE_ALLOCATION);
        uint8_t *p = buffer_append(&n->out, NBD_OPTION_REPLY_SIZE + 4 + len);

        nbd_option_reply_encode(p, option, NBD_REP_META_CONTEXT,
                                (uint32_t)(4 + len));
        nbd_put_be32(p + NBD_OPTION_REPLY_SIZE, NBD_META_ID_BASE_ALLOCATION);
        memcpy(p + NBD_OPTION_REPLY_SIZE + 4, NBD_BASE_ALLOCATION, len);
    }
    if (!list) {
        n->meta_export = selected ? e : NULL;
    }
    reply(n, option, NBD_REP_ACK, NULL, 0);
    return NBD_NEGOTIATE_CONTINUE;
}

NBDNegotiateStep nbd_negotiate_option(NBDNegotiation *n, uint32_t option,
                                      const uint8_t *data, uint32_t length)
{
    switch (option) {
    case NBD_OPT_EXPORT_NAME:
        return opt_export_name(n, data, length);
    case NBD_OPT_ABORT:
        reply(n, option, NBD_REP_ACK, NULL, 0);
        return NBD_NEGOTIATE_CLOSE;
    case NBD_OPT_LIST:
        return opt_list(n, length);
    case NBD_OPT_STARTTLS:
        return reply_error(n, option, NBD_REP_ERR_UNSUP,
                           "TLS is not supported by this server");
    case NBD_OPT_INFO:
    case NBD_OPT_GO:
        return opt_info_go(n, option, data, length);
    case NBD_OPT_STRUCTURED_REPLY:
        if (length) {
            return reply_error(n, option, NBD_REP_ERR_INVALID,
                               "NBD_OPT_STRUCTURED_REPLY takes no data");
        }
        n->structured = true;
        reply(n, option, NBD_REP_ACK, NULL, 0);
        return NBD_NEGOTIATE_CONTINUE;
    case NBD_OPT_LIST_META_CONTEXT:
    case NBD_OPT_SET_META_CONTEXT:
        return opt_meta_context(n, option, data, length);
    default:
        return reply_error(n, option, NBD_REP_ERR_UNSUP, "unknown option");
    }
}
