/*
 * One NBD connection (nbd-conn.h): negotiation, request decoding, one
 * coroutine per request, batched replies.
 *
 * Everything runs in the connection's AioContext.  The receive coroutine
 * reads the socket into a 64 KiB buffer and decodes every complete request
 * in it inside one deferral section; each request coroutine queues its
 * reply on the connection and defers conn_flush_tx(), so the replies of
 * one batch (and of one completion batch of the io_uring driver, which
 * opens its own section) leave with one sendmsg().
 *
 * The socket watch is level-triggered: the read watch stays on while the
 * receive coroutine waits for input and is turned off when input arrives
 * while it waits for something else (a free request slot), so a full
 * connection does not spin.  The write watch is on only while a reply
 * could not be sent whole.
 *
 * Bad input: a bad request magic or a malformed negotiation closes the
 * connection; every other bad request is answered with its NBD error
 * (a rejected WRITE's payload is read and dropped to stay in sync).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "block/block_int.h"        /* BDRV_BLOCK_* */
#include "nbd/nbd-proto.h"
#include "nbd/nbd-server.h"
#include "nbd-conn.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "qemu/defer-call.h"
#include "qemu/main-loop.h"
#include "sysemu/block-backend.h"

#define NBD_CONN_RX_SIZE        (64 * 1024)
/* Descriptors in one BLOCK_STATUS reply. */
#define NBD_CONN_MAX_EXTENTS    1024
/* A request buffer bigger than this is freed after use, not kept. */
#define NBD_CONN_KEEP_BUF       (1024 * 1024)
/* Longest reply header: chunk header + offset (OFFSET_DATA). */
#define NBD_REPLY_HEAD_MAX      (NBD_CHUNK_HEADER_SIZE + 8)

typedef struct NBDReq NBDReq;

/* A request slot: the request, its buffer and its reply. */
struct NBDReq {
    NBDConn *conn;
    NBDRequest hdr;
    uint8_t head[NBD_REPLY_HEAD_MAX];
    size_t head_len;
    uint8_t *buf;               /* payload, read data or extents */
    size_t buf_cap;
    size_t data_len;            /* bytes of buf sent after head */
    NBDReq *next;               /* free list or transmit queue */
};

/* What the receive coroutine waits for while it is yielded. */
typedef enum NBDConnWait {
    NBD_WAIT_NONE,
    NBD_WAIT_INPUT,
    NBD_WAIT_OUTPUT,            /* negotiation replies */
    NBD_WAIT_SLOT,              /* a request slot freed */
} NBDConnWait;

struct NBDConn {
    int refs;                   /* atomic */
    int fd;
    AioContext *ctx;
    void (*done)(void *opaque);
    void *opaque;
    const NBDExportInfo *exports;
    size_t n_exports;

    /* From here on: the connection's thread only. */
    Coroutine *recv_co;
    NBDConnWait waiting;
    bool want_read, want_write; /* the fd watch as installed */
    bool batching;              /* recv_co holds a deferral section */
    bool quit;                  /* read no more requests */
    bool broken;                /* the socket failed: drop replies */
    bool finished;

    NBDNegotiation neg;
    BlockBackend *blk;
    NBDExportLimits lim;

    NBDReq *free_reqs;
    unsigned busy;              /* slots taken */
    NBDReq *tx_head, *tx_tail;  /* replies waiting for the socket */
    size_t tx_done;             /* bytes of tx_head already sent */

    size_t rx_pos, rx_len;
    uint8_t rx[NBD_CONN_RX_SIZE];
    NBDReq reqs[NBD_SERVER_MAX_REQUESTS];
};

static void conn_readable(void *opaque);
static void conn_writable(void *opaque);

/*
 * Busy-poll callback (when the context polls: aio_context_set_poll_params):
 * has the peer sent something or hung up?  One non-blocking peek, so that a
 * client's next requests are seen without sleeping in epoll and being woken.
 */
static bool conn_poll_input(void *opaque)
{
    NBDConn *c = opaque;
    char byte;
    ssize_t n = recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);

    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void conn_set_watch(NBDConn *c, bool read, bool write)
{
    if (c->want_read != read || c->want_write != write) {
        c->want_read = read;
        c->want_write = write;
        aio_set_fd_handler(c->ctx, c->fd, read ? conn_readable : NULL,
                           write ? conn_writable : NULL,
                           read ? conn_poll_input : NULL,
                           read ? conn_readable : NULL, c);
    }
}

/* Resume the receive coroutine if it waits for one of @mask's reasons. */
static void conn_wake(NBDConn *c, unsigned mask)
{
    if (c->waiting != NBD_WAIT_NONE && (mask & (1u << c->waiting))) {
        c->waiting = NBD_WAIT_NONE;
        aio_co_wake(c->recv_co);
    }
}

#define WAKE(w) (1u << (w))

static void conn_batch_begin(NBDConn *c)
{
    if (!c->batching) {
        defer_call_begin();
        c->batching = true;
    }
}

/* Close the batch: the deferred replies go out now. */
static void conn_batch_end(NBDConn *c)
{
    if (c->batching) {
        c->batching = false;
        defer_call_end();
    }
}

/* Yield until conn_wake() names @why.  A deferral section must not stay
 * open across a yield: end the batch first. */
static void coroutine_fn conn_co_wait(NBDConn *c, NBDConnWait why)
{
    conn_batch_end(c);
    c->waiting = why;
    qemu_coroutine_yield();
}

/* ---- request slots and the transmit queue ------------------------------ */

static void conn_req_release(NBDReq *req)
{
    NBDConn *c = req->conn;

    if (req->buf_cap > NBD_CONN_KEEP_BUF) {
        free(req->buf);
        req->buf = NULL;
        req->buf_cap = 0;
    }
    req->next = c->free_reqs;
    c->free_reqs = req;
    c->busy--;
    conn_wake(c, WAKE(NBD_WAIT_SLOT));
}

/* Make req->buf at least @len bytes (0: none needed).  Returns: false when
 * out of memory. */
static bool conn_req_buffer(NBDReq *req, size_t len)
{
    if (len == 0) {
        return true;
    }
    if (req->buf_cap < len) {
        free(req->buf);
        req->buf = malloc(len);
        req->buf_cap = req->buf ? len : 0;
    }
    return req->buf != NULL;
}

static void conn_break(NBDConn *c)
{
    c->broken = true;
    c->quit = true;
    while (c->tx_head) {
        NBDReq *req = c->tx_head;

        c->tx_head = req->next;
        conn_req_release(req);
    }
    c->tx_tail = NULL;
    c->tx_done = 0;
    conn_wake(c, WAKE(NBD_WAIT_INPUT) | WAKE(NBD_WAIT_OUTPUT));
}

/* Account @sent bytes: pop and release every reply sent whole. */
static void conn_tx_advance(NBDConn *c, size_t sent)
{
    c->tx_done += sent;
    while (c->tx_head &&
           c->tx_done >= c->tx_head->head_len + c->tx_head->data_len) {
        NBDReq *req = c->tx_head;

        c->tx_done -= req->head_len + req->data_len;
        c->tx_head = req->next;
        if (!c->tx_head) {
            c->tx_tail = NULL;
        }
        conn_req_release(req);
    }
}

/* Fill @iov from the transmit queue.  Returns: the number of entries. */
static int conn_tx_iov(NBDConn *c, struct iovec *iov, int max)
{
    size_t skip = c->tx_done;
    int n = 0;

    for (NBDReq *req = c->tx_head; req && n + 2 <= max; req = req->next) {
        size_t head_skip = skip < req->head_len ? skip : req->head_len;
        size_t data_skip = skip - head_skip;

        if (head_skip < req->head_len) {
            iov[n].iov_base = req->head + head_skip;
            iov[n++].iov_len = req->head_len - head_skip;
        }
        if (data_skip < req->data_len) {
            iov[n].iov_base = req->buf + data_skip;
            iov[n++].iov_len = req->data_len - data_skip;
        }
        skip = 0;
    }
    return n;
}

/* defer_call() target and write-watch handler: send every queued reply
 * with as few sendmsg() calls as the socket allows. */
static void conn_flush_tx(void *opaque)
{
    NBDConn *c = opaque;
    struct iovec iov[2 * NBD_SERVER_MAX_REQUESTS];

    while (c->tx_head) {
        struct msghdr msg = { .msg_iov = iov };
        ssize_t n;

        msg.msg_iovlen = (size_t)conn_tx_iov(c, iov, 2 * NBD_SERVER_MAX_REQUESTS);
        n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
        if (n >= 0) {
            conn_tx_advance(c, (size_t)n);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            conn_set_watch(c, c->want_read, true);
            return;
        } else if (errno != EINTR) {
            conn_break(c);
            return;
        }
    }
    if (c->want_write && c->waiting != NBD_WAIT_OUTPUT) {
        conn_set_watch(c, c->want_read, false);
    }
}

/* Queue the reply of @req (head and data_len set). */
static void conn_reply_queue(NBDReq *req)
{
    NBDConn *c = req->conn;

    if (c->broken) {
        conn_req_release(req);
        return;
    }
    req->next = NULL;
    if (c->tx_tail) {
        c->tx_tail->next = req;
    } else {
        c->tx_head = req;
    }
    c->tx_tail = req;
    defer_call(conn_flush_tx, c);
}

/* An error reply: an error chunk where a structured reply is due (READ,
 * BLOCK_STATUS after STRUCTURED_REPLY), else a simple reply. */
static void conn_reply_error(NBDReq *req, uint32_t error)
{
    NBDConn *c = req->conn;
    uint16_t type = req->hdr.type;

    req->data_len = 0;
    if (c->lim.structured && (type == NBD_CMD_READ ||
                              type == NBD_CMD_BLOCK_STATUS)) {
        nbd_chunk_header_encode(req->head, NBD_REPLY_FLAG_DONE,
                                NBD_REPLY_TYPE_ERROR, req->hdr.cookie, 6);
        nbd_put_be32(req->head + NBD_CHUNK_HEADER_SIZE, error);
        nbd_put_be16(req->head + NBD_CHUNK_HEADER_SIZE + 4, 0);
        req->head_len = NBD_CHUNK_HEADER_SIZE + 6;
    } else {
        nbd_simple_reply_encode(req->head, error, req->hdr.cookie);
        req->head_len = NBD_SIMPLE_REPLY_SIZE;
    }
    conn_reply_queue(req);
}

static void conn_reply_read(NBDReq *req)
{
    uint32_t len = req->hdr.length;

    if (req->conn->lim.structured) {
        nbd_chunk_header_encode(req->head, NBD_REPLY_FLAG_DONE,
                                NBD_REPLY_TYPE_OFFSET_DATA, req->hdr.cookie,
                                8 + len);
        nbd_put_be64(req->head + NBD_CHUNK_HEADER_SIZE, req->hdr.offset);
        req->head_len = NBD_CHUNK_HEADER_SIZE + 8;
    } else {
        nbd_simple_reply_encode(req->head, 0, req->hdr.cookie);
        req->head_len = NBD_SIMPLE_REPLY_SIZE;
    }
    req->data_len = len;
    conn_reply_queue(req);
}

static void conn_reply_block_status(NBDReq *req, size_t n_extents)
{
    uint32_t len = (uint32_t)(4 + 8 * n_extents);

    nbd_chunk_header_encode(req->head, NBD_REPLY_FLAG_DONE,
                            NBD_REPLY_TYPE_BLOCK_STATUS, req->hdr.cookie, len);
    nbd_put_be32(req->head + NBD_CHUNK_HEADER_SIZE,
                 NBD_META_ID_BASE_ALLOCATION);
    req->head_len = NBD_CHUNK_HEADER_SIZE + 4;
    req->data_len = 8 * n_extents;
    conn_reply_queue(req);
}

/* ---- request execution ---------------------------------------------------- */

/* base:allocation extents of the request's range into req->buf.
 * Returns: the number of extents, or -errno. */
static int coroutine_fn conn_co_block_status(NBDReq *req)
{
    uint64_t off = req->hdr.offset, end = off + req->hdr.length;
    int max = req->hdr.flags & NBD_CMD_FLAG_REQ_ONE ? 1 : NBD_CONN_MAX_EXTENTS;
    uint32_t prev_flags = 0;
    int n = 0, ret = 0;

    bdrv_graph_co_rdlock();
    while (off < end) {
        BlockDriverState *bs = blk_bs(req->conn->blk);
        int64_t pnum;
        uint32_t flags;

        ret = bdrv_co_block_status(bs, (int64_t)off, (int64_t)(end - off),
                                   &pnum, NULL, NULL);
        if (ret < 0 || pnum <= 0) {
            break;
        }
        flags = (ret & BDRV_BLOCK_DATA ? 0 : NBD_STATE_HOLE) |
                (ret & BDRV_BLOCK_ZERO ? NBD_STATE_ZERO : 0);
        if (n > 0 && flags == prev_flags) {
            uint8_t *p = req->buf + 8 * (n - 1);

            nbd_put_be32(p, nbd_get_be32(p) + (uint32_t)pnum);
        } else if (n < max) {
            nbd_put_be32(req->buf + 8 * n, (uint32_t)pnum);
            nbd_put_be32(req->buf + 8 * n + 4, flags);
            prev_flags = flags;
            n++;
        } else {
            break;
        }
        off += (uint64_t)pnum;
    }
    bdrv_graph_co_rdunlock();
    if (ret < 0) {
        return ret;
    }
    return n > 0 ? n : -EIO;
}

static int coroutine_fn conn_co_execute(NBDReq *req)
{
    BlockBackend *blk = req->conn->blk;
    int64_t off = (int64_t)req->hdr.offset, len = req->hdr.length;
    uint16_t f = req->hdr.flags;
    BdrvRequestFlags fua = f & NBD_CMD_FLAG_FUA ? BDRV_REQ_FUA : 0;
    BdrvRequestFlags zflags;
    int ret;

    switch (req->hdr.type) {
    case NBD_CMD_READ:
        return blk_co_pread(blk, off, len, req->buf, 0);
    case NBD_CMD_WRITE:
        return blk_co_pwrite(blk, off, len, req->buf, fua);
    case NBD_CMD_FLUSH:
        return blk_co_flush(blk);
    case NBD_CMD_TRIM:
        ret = blk_co_pdiscard(blk, off, len);
        return ret == 0 && fua ? blk_co_flush(blk) : ret;
    case NBD_CMD_WRITE_ZEROES:
        zflags = fua;
        zflags |= f & NBD_CMD_FLAG_NO_HOLE ? 0 : BDRV_REQ_MAY_UNMAP;
        zflags |= f & NBD_CMD_FLAG_FAST_ZERO ? BDRV_REQ_NO_FALLBACK : 0;
        return blk_co_pwrite_zeroes(blk, off, len, zflags);
    case NBD_CMD_BLOCK_STATUS:
        return conn_co_block_status(req);
    default:
        return -EINVAL;         /* nbd_request_check() let nothing else by */
    }
}

static void coroutine_fn conn_co_request(void *opaque)
{
    NBDReq *req = opaque;
    int ret = conn_co_execute(req);

    if (ret < 0) {
        conn_reply_error(req, nbd_errno_to_wire(ret));
    } else if (req->hdr.type == NBD_CMD_READ) {
        conn_reply_read(req);
    } else if (req->hdr.type == NBD_CMD_BLOCK_STATUS) {
        conn_reply_block_status(req, (size_t)ret);
    } else {
        nbd_simple_reply_encode(req->head, 0, req->hdr.cookie);
        req->head_len = NBD_SIMPLE_REPLY_SIZE;
        req->data_len = 0;
        conn_reply_queue(req);
    }
}

/* ---- socket input ------------------------------------------------------- */

/* Wait until the socket is readable.  Returns: false when the connection
 * is to stop instead. */
static bool coroutine_fn conn_co_wait_input(NBDConn *c)
{
    if (c->quit) {
        return false;
    }
    conn_set_watch(c, true, c->want_write);
    conn_co_wait(c, NBD_WAIT_INPUT);
    return !c->quit;
}

/* Make at least @need bytes available in c->rx.
 * Returns: true, or false on end of input, error or quit. */
static bool coroutine_fn conn_co_fill(NBDConn *c, size_t need)
{
    while (c->rx_len - c->rx_pos < need) {
        ssize_t n;

        if (c->rx_pos) {
            memmove(c->rx, c->rx + c->rx_pos, c->rx_len - c->rx_pos);
            c->rx_len -= c->rx_pos;
            c->rx_pos = 0;
        }
        n = recv(c->fd, c->rx + c->rx_len, sizeof(c->rx) - c->rx_len, 0);
        if (n > 0) {
            c->rx_len += (size_t)n;
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
                              errno != EINTR)) {
            return false;
        } else if (errno != EINTR && !conn_co_wait_input(c)) {
            return false;
        }
    }
    return true;
}

/* Read exactly @len bytes into @dst (NULL: drop them), buffered bytes
 * first.  Returns: false on end of input, error or quit. */
static bool coroutine_fn conn_co_read(NBDConn *c, void *dst, size_t len)
{
    uint8_t *p = dst;

    while (len) {
        size_t chunk;

        if (c->rx_pos == c->rx_len && dst && len >= sizeof(c->rx) / 2) {
            ssize_t n = recv(c->fd, p, len, 0);    /* big payload: direct */

            if (n > 0) {
                p += n;
                len -= (size_t)n;
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
                           errno != EINTR)) {
                return false;
            }
            if (errno != EINTR && !conn_co_wait_input(c)) {
                return false;
            }
            continue;
        }
        if (!conn_co_fill(c, 1)) {
            return false;
        }
        chunk = c->rx_len - c->rx_pos < len ? c->rx_len - c->rx_pos : len;
        if (dst) {
            memcpy(p, c->rx + c->rx_pos, chunk);
            p += chunk;
        }
        c->rx_pos += chunk;
        len -= chunk;
    }
    return true;
}

/* ---- negotiation ---------------------------------------------------------- */

/* Send what the negotiation produced.  Returns: false on a socket error. */
static bool coroutine_fn conn_co_send_negotiation(NBDConn *c)
{
    NBDBuffer *out = &c->neg.out;
    size_t done = 0;

    while (done < out->len && !c->broken) {
        ssize_t n = send(c->fd, out->data + done, out->len - done,
                         MSG_NOSIGNAL);

        if (n >= 0) {
            done += (size_t)n;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            conn_set_watch(c, c->want_read, true);
            conn_co_wait(c, NBD_WAIT_OUTPUT);
            conn_set_watch(c, c->want_read, false);
        } else if (errno != EINTR) {
            return false;
        }
    }
    out->len = 0;
    return !c->broken;
}

/* Returns: true when the client picked an export and transmission starts. */
static bool coroutine_fn conn_co_negotiate(NBDConn *c)
{
    NBDNegotiateStep step;
    uint8_t hdr[NBD_OPTION_HEADER_SIZE];
    uint32_t option, length;
    uint8_t *data;

    nbd_negotiate_greeting(&c->neg);
    if (!conn_co_send_negotiation(c) || !conn_co_read(c, hdr, 4)) {
        return false;
    }
    step = nbd_negotiate_client_flags(&c->neg, hdr);
    while (step == NBD_NEGOTIATE_CONTINUE) {
        if (!conn_co_send_negotiation(c) ||
            !conn_co_read(c, hdr, sizeof(hdr)) ||
            !nbd_option_header_decode(hdr, &option, &length)) {
            return false;
        }
        data = malloc(length ? length : 1);
        if (!data || !conn_co_read(c, data, length)) {
            free(data);
            return false;
        }
        step = nbd_negotiate_option(&c->neg, option, data, length);
        free(data);
    }
    if (!conn_co_send_negotiation(c) || step != NBD_NEGOTIATE_TRANSMIT) {
        return false;
    }
    c->blk = c->neg.export->opaque;
    c->lim = (NBDExportLimits) {
        .size = c->neg.export->size,
        .max_payload = NBD_SERVER_MAX_PAYLOAD,
        .read_only = c->neg.export->tx_flags & NBD_FLAG_READ_ONLY,
        .structured = c->neg.structured,
        .meta_context = c->neg.meta_context,
    };
    return true;
}

/* ---- transmission ------------------------------------------------------------ */

/* The buffer @req needs before it runs: payload, read data or extents. */
static size_t conn_req_buffer_size(const NBDRequest *hdr)
{
    switch (hdr->type) {
    case NBD_CMD_READ:
    case NBD_CMD_WRITE:
        return hdr->length;
    case NBD_CMD_BLOCK_STATUS:
        return 8 * NBD_CONN_MAX_EXTENTS;
    default:
        return 0;
    }
}

/*
 * Decode and start the request at c->rx_pos into a free slot.  Returns:
 * false when the connection must end (bad magic, NBD_CMD_DISC, input
 * ended inside a payload).
 */
static bool coroutine_fn conn_co_handle_request(NBDConn *c)
{
    NBDReq *req = c->free_reqs;
    uint32_t error;
    bool has_payload;

    if (!nbd_request_decode(c->rx + c->rx_pos, &req->hdr)) {
        return false;
    }
    c->rx_pos += NBD_REQUEST_SIZE;
    c->free_reqs = req->next;
    c->busy++;
    error = nbd_request_check(&req->hdr, &c->lim);
    has_payload = nbd_request_has_payload(&req->hdr);
    if (!error && !conn_req_buffer(req, conn_req_buffer_size(&req->hdr))) {
        error = NBD_ENOMEM;
    }
    if (has_payload &&
        !conn_co_read(c, error ? NULL : req->buf, req->hdr.length)) {
        conn_req_release(req);
        return false;
    }
    if (req->hdr.type == NBD_CMD_DISC && !error) {
        conn_req_release(req);
        return false;
    }
    if (error) {
        conn_reply_error(req, error);
    } else {
        qemu_coroutine_enter(qemu_coroutine_create(conn_co_request, req));
    }
    return true;
}

static void coroutine_fn conn_co_transmit(NBDConn *c)
{
    while (!c->quit) {
        if (c->rx_len - c->rx_pos < NBD_REQUEST_SIZE) {
            conn_batch_end(c);      /* the batch's replies go out first */
            if (!conn_co_fill(c, NBD_REQUEST_SIZE)) {
                break;
            }
        }
        while (!c->free_reqs) {
            conn_co_wait(c, NBD_WAIT_SLOT);
        }
        conn_batch_begin(c);
        if (!conn_co_handle_request(c)) {
            break;
        }
    }
    conn_batch_end(c);
}

/* Last use of @c in its thread: the main loop may free it from now on. */
static void conn_finished_bh(void *opaque)
{
    NBDConn *c = opaque;

    aio_bh_schedule_oneshot(qemu_get_aio_context(), c->done, c->opaque);
}

static void coroutine_fn conn_co_main(void *opaque)
{
    NBDConn *c = opaque;

    if (conn_co_negotiate(c)) {
        conn_co_transmit(c);
    }
    c->quit = true;
    while (c->busy) {               /* requests in flight finish first */
        conn_co_wait(c, NBD_WAIT_SLOT);
    }
    conn_set_watch(c, false, false);
    close(c->fd);
    c->fd = -1;
    c->finished = true;
    /*
     * The last wake may have come from a callback of this thread that
     * still uses @c when the coroutine returns to it (conn_break() walking
     * the transmit queue): tell the main loop, which frees @c, only from a
     * BH of this thread, after that callback has returned.
     */
    aio_bh_schedule_oneshot(c->ctx, conn_finished_bh, c);
}

/* ---- fd handlers --------------------------------------------------------- */

static void conn_readable(void *opaque)
{
    NBDConn *c = opaque;

    if (c->waiting == NBD_WAIT_INPUT) {
        conn_wake(c, WAKE(NBD_WAIT_INPUT));
    } else {
        conn_set_watch(c, false, c->want_write);    /* busy: stop spinning */
    }
}

static void conn_writable(void *opaque)
{
    NBDConn *c = opaque;

    if (c->tx_head) {
        conn_flush_tx(c);
    } else if (c->waiting == NBD_WAIT_OUTPUT) {
        conn_wake(c, WAKE(NBD_WAIT_OUTPUT));
    } else {
        conn_set_watch(c, c->want_read, false);
    }
}

/* ---- lifetime ------------------------------------------------------------- */

NBDConn *nbd_conn_new(int fd, const NBDExportInfo *exports, size_t n_exports,
                      AioContext *ctx, void (*done)(void *opaque),
                      void *opaque)
{
    NBDConn *c = calloc(1, sizeof(*c));

    if (!c) {
        return NULL;
    }
    c->refs = 1;
    c->fd = fd;
    c->ctx = ctx;
    c->done = done;
    c->opaque = opaque;
    c->exports = exports;
    c->n_exports = n_exports;
    nbd_negotiate_init(&c->neg, exports, n_exports);
    for (int i = NBD_SERVER_MAX_REQUESTS - 1; i >= 0; i--) {
        c->reqs[i].conn = c;
        c->reqs[i].next = c->free_reqs;
        c->free_reqs = &c->reqs[i];
    }
    return c;
}

static void conn_start_bh(void *opaque)
{
    NBDConn *c = opaque;

    c->recv_co = qemu_coroutine_create(conn_co_main, c);
    qemu_coroutine_enter(c->recv_co);
}

void nbd_conn_start(NBDConn *c)
{
    aio_bh_schedule_oneshot(c->ctx, conn_start_bh, c);
}

static void conn_quit_bh(void *opaque)
{
    NBDConn *c = opaque;

    if (!c->finished) {
        c->quit = true;
        conn_wake(c, WAKE(NBD_WAIT_INPUT) | WAKE(NBD_WAIT_OUTPUT));
    }
    nbd_conn_unref(c);
}

void nbd_conn_quit(NBDConn *c)
{
    qatomic_fetch_add(&c->refs, 1);
    aio_bh_schedule_oneshot(c->ctx, conn_quit_bh, c);
}

void nbd_conn_unref(NBDConn *c)
{
    if (qatomic_fetch_sub(&c->refs, 1) != 1) {
        return;
    }
    for (int i = 0; i < NBD_SERVER_MAX_REQUESTS; i++) {
        free(c->reqs[i].buf);
    }
    nbd_negotiate_cleanup(&c->neg);
    free(c);
}
