/*
 * NBD wire format: request decoding and checking, reply headers
 * (nbd/nbd-proto.h).
 */
#include <errno.h>

#include "nbd/nbd-proto.h"

bool nbd_request_decode(const uint8_t *buf, NBDRequest *req)
{
    if (nbd_get_be32(buf) != NBD_REQUEST_MAGIC) {
        return false;
    }
    req->flags = nbd_get_be16(buf + 4);
    req->type = nbd_get_be16(buf + 6);
    req->cookie = nbd_get_be64(buf + 8);
    req->offset = nbd_get_be64(buf + 16);
    req->length = nbd_get_be32(buf + 24);
    return true;
}

void nbd_request_encode(uint8_t *buf, const NBDRequest *req)
{
    nbd_put_be32(buf, NBD_REQUEST_MAGIC);
    nbd_put_be16(buf + 4, req->flags);
    nbd_put_be16(buf + 6, req->type);
    nbd_put_be64(buf + 8, req->cookie);
    nbd_put_be64(buf + 16, req->offset);
    nbd_put_be32(buf + 24, req->length);
}

bool nbd_request_has_payload(const NBDRequest *req)
{
    return req->type == NBD_CMD_WRITE;
}

/* The command flags each command accepts. */
static uint32_t nbd_command_flags(uint16_t type)
{
    switch (type) {
    case NBD_CMD_WRITE:
    case NBD_CMD_TRIM:
        return NBD_CMD_FLAG_FUA;
    case NBD_CMD_WRITE_ZEROES:
        return NBD_CMD_FLAG_FUA | NBD_CMD_FLAG_NO_HOLE | NBD_CMD_FLAG_FAST_ZERO;
    case NBD_CMD_BLOCK_STATUS:
        return NBD_CMD_FLAG_REQ_ONE;
    default:
        return 0;
    }
}

static bool nbd_command_writes(uint16_t type)
{
    return type == NBD_CMD_WRITE || type == NBD_CMD_TRIM ||
           type == NBD_CMD_WRITE_ZEROES;
}

uint32_t nbd_request_check(const NBDRequest *req, const NBDExportLimits *lim)
{
    bool past_end;

    switch (req->type) {
    case NBD_CMD_READ:
    case NBD_CMD_WRITE:
    case NBD_CMD_TRIM:
    case NBD_CMD_WRITE_ZEROES:
    case NBD_CMD_BLOCK_STATUS:
        break;
    case NBD_CMD_FLUSH:
    case NBD_CMD_DISC:
        return req->flags ? NBD_EINVAL : 0;
    default:
        return NBD_EINVAL;
    }
    if (req->flags & ~nbd_command_flags(req->type)) {
        return NBD_EINVAL;
    }
    if (req->type == NBD_CMD_BLOCK_STATUS && !lim->meta_context) {
        return NBD_EINVAL;
    }
    if (nbd_command_writes(req->type) && lim->read_only) {
        return NBD_EPERM;
    }
    if ((req->type == NBD_CMD_READ || req->type == NBD_CMD_WRITE) &&
        req->length > lim->max_payload) {
        return req->type == NBD_CMD_READ ? NBD_EOVERFLOW : NBD_EINVAL;
    }
    if (req->length == 0) {
        return NBD_EINVAL;
    }
    past_end = req->offset > lim->size || req->length > lim->size - req->offset;
    if (past_end) {
        return nbd_command_writes(req->type) ? NBD_ENOSPC : NBD_EINVAL;
    }
    return 0;
}

uint32_t nbd_errno_to_wire(int err)
{
    switch (-err) {
    case 0:
        return 0;
    case EPERM:
    case EROFS:
        return NBD_EPERM;
    case ENOMEM:
        return NBD_ENOMEM;
    case EINVAL:
        return NBD_EINVAL;
    case ENOSPC:
    case EFBIG:
    case EDQUOT:
        return NBD_ENOSPC;
    case EOVERFLOW:
        return NBD_EOVERFLOW;
    case ENOTSUP:
        return NBD_ENOTSUP;
    case ESHUTDOWN:
        return NBD_ESHUTDOWN;
    default:
        return NBD_EIO;
    }
}

void nbd_simple_reply_encode(uint8_t *buf, uint32_t error, uint64_t cookie)
{
    nbd_put_be32(buf, NBD_SIMPLE_REPLY_MAGIC);
    nbd_put_be32(buf + 4, error);
    nbd_put_be64(buf + 8, cookie);
}

void nbd_chunk_header_encode(uint8_t *buf, uint16_t flags, uint16_t type,
                             uint64_t cookie, uint32_t length)
{
    nbd_put_be32(buf, NBD_STRUCTURED_REPLY_MAGIC);
    nbd_put_be16(buf + 4, flags);
    nbd_put_be16(buf + 6, type);
    nbd_put_be64(buf + 8, cookie);
    nbd_put_be32(buf + 16, length);
}

void nbd_option_reply_encode(uint8_t *buf, uint32_t option, uint32_t type,
                             uint32_t length)
{
    nbd_put_be64(buf, NBD_REP_MAGIC);
    nbd_put_be32(buf + 8, option);
    nbd_put_be32(buf + 12, type);
    nbd_put_be32(buf + 16, length);
}
