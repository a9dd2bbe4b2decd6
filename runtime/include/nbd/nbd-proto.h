/*
 * nbd/nbd-proto.h - the NBD wire format: constants, encoders, decoders
 *
 * Pure functions over byte buffers (big-endian on the wire): no sockets,
 * no allocation, no global state, so that they are unit-tested and fuzzed
 * on their own.  The numbers come from the NBD protocol specification
 * (doc/proto.md of the NetworkBlockDevice project); only the parts the
 * server implements are here: fixed-newstyle negotiation, simple and
 * structured replies, the base:allocation metadata context.
 *
 * Context: any thread.
 */
#ifndef NBD_NBD_PROTO_H
#define NBD_NBD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- negotiation --------------------------------------------------------- */

#define NBD_MAGIC               0x4e42444d41474943ULL   /* "NBDMAGIC" */
#define NBD_OPTS_MAGIC          0x49484156454f5054ULL   /* "IHAVEOPT" */
#define NBD_REP_MAGIC           0x0003e889045565a9ULL

/* Handshake flags (server) and client flags. */
#define NBD_FLAG_FIXED_NEWSTYLE (1u << 0)
#define NBD_FLAG_NO_ZEROES      (1u << 1)

#define NBD_OPT_EXPORT_NAME      1
#define NBD_OPT_ABORT            2
#define NBD_OPT_LIST             3
#define NBD_OPT_STARTTLS         5
#define NBD_OPT_INFO             6
#define NBD_OPT_GO               7
#define NBD_OPT_STRUCTURED_REPLY 8
#define NBD_OPT_LIST_META_CONTEXT 9
#define NBD_OPT_SET_META_CONTEXT 10

#define NBD_REP_ACK              1
#define NBD_REP_SERVER           2
#define NBD_REP_INFO             3
#define NBD_REP_META_CONTEXT     4
#define NBD_REP_ERR_UNSUP        0x80000001u
#define NBD_REP_ERR_POLICY       0x80000002u
#define NBD_REP_ERR_INVALID      0x80000003u
#define NBD_REP_ERR_TLS_REQD     0x80000005u
#define NBD_REP_ERR_UNKNOWN      0x80000006u
#define NBD_REP_ERR_TOO_BIG      0x80000009u

#define NBD_INFO_EXPORT          0
#define NBD_INFO_NAME            1
#define NBD_INFO_DESCRIPTION     2
#define NBD_INFO_BLOCK_SIZE      3

/* Transmission flags. */
#define NBD_FLAG_HAS_FLAGS          (1u << 0)
#define NBD_FLAG_READ_ONLY          (1u << 1)
#define NBD_FLAG_SEND_FLUSH         (1u << 2)
#define NBD_FLAG_SEND_FUA           (1u << 3)
#define NBD_FLAG_SEND_TRIM          (1u << 5)
#define NBD_FLAG_SEND_WRITE_ZEROES  (1u << 6)
#define NBD_FLAG_CAN_MULTI_CONN     (1u << 8)
#define NBD_FLAG_SEND_FAST_ZERO     (1u << 11)

/* Sizes of the fixed parts. */
#define NBD_OPTION_HEADER_SIZE   16     /* magic, option, length */
#define NBD_OPTION_REPLY_SIZE    20     /* magic, option, type, length */
#define NBD_REQUEST_SIZE         28
#define NBD_SIMPLE_REPLY_SIZE    16
#define NBD_CHUNK_HEADER_SIZE    20
#define NBD_EXPORT_NAME_REPLY_SIZE 134  /* size, flags, 124 zero bytes */

/* Longest export or context name the server accepts (the spec's limit). */
#define NBD_MAX_STRING           4096

/* ---- transmission -------------------------------------------------------- */

#define NBD_REQUEST_MAGIC        0x25609513u
#define NBD_SIMPLE_REPLY_MAGIC   0x67446698u
#define NBD_STRUCTURED_REPLY_MAGIC 0x668e33efu

typedef enum NBDCommand {
    NBD_CMD_READ         = 0,
    NBD_CMD_WRITE        = 1,
    NBD_CMD_DISC         = 2,
    NBD_CMD_FLUSH        = 3,
    NBD_CMD_TRIM         = 4,
    NBD_CMD_CACHE        = 5,
    NBD_CMD_WRITE_ZEROES = 6,
    NBD_CMD_BLOCK_STATUS = 7,
} NBDCommand;

#define NBD_CMD_FLAG_FUA         (1u << 0)
#define NBD_CMD_FLAG_NO_HOLE     (1u << 1)
#define NBD_CMD_FLAG_DF          (1u << 2)
#define NBD_CMD_FLAG_REQ_ONE     (1u << 3)
#define NBD_CMD_FLAG_FAST_ZERO   (1u << 4)

#define NBD_REPLY_FLAG_DONE      (1u << 0)
#define NBD_REPLY_TYPE_NONE         0
#define NBD_REPLY_TYPE_OFFSET_DATA  1
#define NBD_REPLY_TYPE_BLOCK_STATUS 5
#define NBD_REPLY_TYPE_ERROR        0x8001u

/* Error values on the wire (not the host's errno numbers). */
#define NBD_EPERM      1
#define NBD_EIO        5
#define NBD_ENOMEM     12
#define NBD_EINVAL     22
#define NBD_ENOSPC     28
#define NBD_EOVERFLOW  75
#define NBD_ENOTSUP    95
#define NBD_ESHUTDOWN  108

/* base:allocation descriptor flags. */
#define NBD_STATE_HOLE           (1u << 0)
#define NBD_STATE_ZERO           (1u << 1)

/* A decoded request header. */
typedef struct NBDRequest {
    uint16_t flags;
    uint16_t type;
    uint64_t cookie;
    uint64_t offset;
    uint32_t length;
} NBDRequest;

/* What the server knows about an export when it checks a request. */
typedef struct NBDExportLimits {
    uint64_t size;
    uint32_t max_payload;       /* longest READ/WRITE accepted */
    bool read_only;
    bool structured;            /* structured replies negotiated */
    bool meta_context;          /* base:allocation selected */
} NBDExportLimits;

/* ---- big-endian helpers --------------------------------------------------- */

static inline uint16_t nbd_get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t nbd_get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t nbd_get_be64(const uint8_t *p)
{
    return (uint64_t)nbd_get_be32(p) << 32 | nbd_get_be32(p + 4);
}

static inline void nbd_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)((v >> 8) & 0xff);
    p[1] = (uint8_t)(v & 0xff);
}

static inline void nbd_put_be32(uint8_t *p, uint32_t v)
{
    nbd_put_be16(p, (uint16_t)((v >> 16) & 0xffff));
    nbd_put_be16(p + 2, (uint16_t)(v & 0xffff));
}

static inline void nbd_put_be64(uint8_t *p, uint64_t v)
{
    nbd_put_be32(p, (uint32_t)((v >> 32) & 0xffffffffu));
    nbd_put_be32(p + 4, (uint32_t)(v & 0xffffffffu));
}

/* ---- transmission phase --------------------------------------------------- */

/* Decode the NBD_REQUEST_SIZE bytes at @buf.  Returns: false when the magic
 * is wrong (the stream cannot be resynchronised: close the connection). */
bool nbd_request_decode(const uint8_t *buf, NBDRequest *req);

/* Encode @req as NBD_REQUEST_SIZE bytes (the client's side; for tests and
 * fuzzer seeds). */
void nbd_request_encode(uint8_t *buf, const NBDRequest *req);

/* Returns: true when @req carries @req->length bytes of payload after the
 * header (NBD_CMD_WRITE), which the server must consume even to reject it. */
bool nbd_request_has_payload(const NBDRequest *req);

/*
 * Check @req against the export.  Returns: 0 when the request may run, or
 * the NBD error to answer with: NBD_EINVAL (unknown command, flag not valid
 * for the command, zero length, range past the end for non-writes,
 * BLOCK_STATUS without a context), NBD_ENOSPC (write past the end),
 * NBD_EOVERFLOW (READ longer than max_payload), NBD_EPERM (a write to a
 * read-only export).  A WRITE longer than max_payload is NBD_EINVAL.
 */
uint32_t nbd_request_check(const NBDRequest *req, const NBDExportLimits *lim);

/* Map a block-layer -errno to the NBD error sent to the client. */
uint32_t nbd_errno_to_wire(int err);

/* Encode a simple reply header (NBD_SIMPLE_REPLY_SIZE bytes). */
void nbd_simple_reply_encode(uint8_t *buf, uint32_t error, uint64_t cookie);

/* Encode a structured reply chunk header (NBD_CHUNK_HEADER_SIZE bytes);
 * @length is the payload that follows. */
void nbd_chunk_header_encode(uint8_t *buf, uint16_t flags, uint16_t type,
                             uint64_t cookie, uint32_t length);

/* ---- option phase ---------------------------------------------------------- */

/* Encode the option reply header (NBD_OPTION_REPLY_SIZE bytes). */
void nbd_option_reply_encode(uint8_t *buf, uint32_t option, uint32_t type,
                             uint32_t length);

#endif /* NBD_NBD_PROTO_H */
