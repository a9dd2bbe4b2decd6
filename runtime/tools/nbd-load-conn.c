/*
 * nbd-load-conn.c - the request loop of one mqblk-nbd-load connection
 * (see nbd-load-conn.h)
 *
 * A request is a slot: its cookie is the slot number, and the slot owns a
 * --bs buffer for the data and the time its request was sent.  Each turn
 * of the loop encodes a request for every free slot into the send buffer,
 * sends what it can without blocking, and then receives: a blocking
 * recv() when everything was sent, else poll() for input or room to send,
 * so that a full socket in either direction never deadlocks the two
 * sides.  Replies are parsed where recv() put them; a header or payload
 * cut by the end of the data waits for the next recv() (at most 15 header
 * bytes are moved to the front of the buffer).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nbd/nbd-proto.h"
#include "qemu/atomic.h"

#include "bench-rng.h"
#include "nbd-load-conn.h"
#include "nbd-load-handshake.h"

#define NBD_LOAD_RBUF_SIZE (256 * 1024)

typedef struct ConnState {
    NbdLoadConn *c;
    uint8_t *bufs;              /* depth buffers of bs bytes */
    uint64_t *t_send;           /* per slot: when its request was sent, ns */
    uint8_t *busy;              /* per slot: a request is in flight */
    unsigned *free_slots;       /* stack of free slot numbers */
    unsigned nfree;
    uint8_t *sbuf;              /* encoded requests not sent yet */
    size_t soff, slen;
    uint8_t *rbuf;              /* received bytes not parsed yet */
    size_t rlen;
    unsigned cur;               /* slot whose payload is being received */
    uint32_t cur_left;          /* payload bytes still to come for @cur */
    uint64_t next;              /* next sequential offset */
    uint64_t rng;               /* bench_xorshift64 state, never 0 */
    uint64_t blocks;            /* whole bs-sized blocks in the export */
} ConnState;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int conn_fail(ConnState *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record why the connection failed.  Returns: -1. */
static int conn_fail(ConnState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->c->error, sizeof(s->c->error), fmt, ap);
    va_end(ap);
    return -1;
}

static unsigned conn_in_flight(const ConnState *s)
{
    return s->c->depth - s->nfree;
}

static uint64_t conn_next_offset(ConnState *s)
{
    uint64_t block;

    if (s->c->sequential) {
        block = s->next;
        s->next = block + 1 == s->blocks ? 0 : block + 1;
    } else {
        block = bench_rand_below(&s->rng, s->blocks);
    }
    return block * s->c->bs;
}

/* Encode a read for every free slot, stamped @now. */
static void conn_issue(ConnState *s, uint64_t now)
{
    NBDRequest req = { .type = NBD_CMD_READ, .length = s->c->bs };

    if (s->soff) {
        /* requests of a partial send first; they belong to busy slots, so
         * the buffer (depth requests) still has room for every free one */
        memmove(s->sbuf, s->sbuf + s->soff, s->slen - s->soff);
        s->slen -= s->soff;
        s->soff = 0;
    }
    while (s->nfree) {
        unsigned slot = s->free_slots[--s->nfree];

        req.cookie = slot;
        req.offset = conn_next_offset(s);
        nbd_request_encode(s->sbuf + s->slen, &req);
        s->slen += NBD_REQUEST_SIZE;
        s->t_send[slot] = now;
        s->busy[slot] = 1;
    }
}

/* Send what the socket takes without blocking.  Returns: 0 or -1. */
static int conn_send(ConnState *s)
{
    while (s->soff < s->slen) {
        ssize_t n = send(s->c->fd, s->sbuf + s->soff, s->slen - s->soff,
                         MSG_DONTWAIT | MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return 0;
            }
            return conn_fail(s, "send: %s%s", strerror(errno),
                             errno == EPIPE || errno == ECONNRESET ?
                             " (the server closed the connection)" : "");
        }
        s->soff += (size_t)n;
    }
    s->soff = s->slen = 0;
    return 0;
}

static void conn_complete(ConnState *s, unsigned slot, uint64_t now, bool count)
{
    s->busy[slot] = 0;
    s->free_slots[s->nfree++] = slot;
    if (count) {
        s->c->ios++;
        bench_hist_add(&s->c->hist, now - s->t_send[slot]);
    }
}

/* Parse the replies in rbuf.  Returns: 0 or -1 (malformed reply). */
static int conn_parse(ConnState *s, uint64_t now, bool count)
{
    NbdLoadConn *c = s->c;
    size_t pos = 0;

    for (;;) {
        const uint8_t *p;
        uint64_t cookie;
        uint32_t magic, error;

        if (s->cur_left) {
            size_t n = s->rlen - pos < s->cur_left ? s->rlen - pos : s->cur_left;

            memcpy(s->bufs + (size_t)s->cur * c->bs + (c->bs - s->cur_left),
                   s->rbuf + pos, n);
            pos += n;
            s->cur_left -= (uint32_t)n;
            if (s->cur_left) {
                break;
            }
            conn_complete(s, s->cur, now, count);
        }
        if (s->rlen - pos < NBD_SIMPLE_REPLY_SIZE) {
            break;
        }
        p = s->rbuf + pos;
        magic = nbd_get_be32(p);
        error = nbd_get_be32(p + 4);
        cookie = nbd_get_be64(p + 8);
        if (magic != NBD_SIMPLE_REPLY_MAGIC) {
            return conn_fail(s, "reply magic 0x%08x%s", magic,
                             magic == NBD_STRUCTURED_REPLY_MAGIC ?
                             " (a structured reply, which was not negotiated)" : "");
        }
        if (cookie >= c->depth || !s->busy[cookie]) {
            return conn_fail(s, "reply for cookie %llu, which is not in flight",
                             (unsigned long long)cookie);
        }
        pos += NBD_SIMPLE_REPLY_SIZE;
        if (error) {
            c->errors++;                /* a simple error reply has no data */
            conn_complete(s, (unsigned)cookie, now, false);
            continue;
        }
        s->cur = (unsigned)cookie;
        s->cur_left = c->bs;
    }
    s->rlen -= pos;
    if (s->rlen) {
        memmove(s->rbuf, s->rbuf + pos, s->rlen);  /* part of a header */
    }
    return 0;
}

/* Receive once: blocking when all requests are sent, else wait for input
 * or for room to send.  Returns: 0 or -1. */
static int conn_recv(ConnState *s)
{
    int flags = 0;
    ssize_t n;

    if (s->soff < s->slen) {
        struct pollfd pfd = { .fd = s->c->fd, .events = POLLIN | POLLOUT };
        int r = poll(&pfd, 1, NBD_LOAD_RECV_TIMEOUT * 1000);

        if (r < 0 && errno != EINTR) {
            return conn_fail(s, "poll: %s", strerror(errno));
        }
        if (r == 0) {
            return conn_fail(s, "the server neither read nor replied for %d s",
                             NBD_LOAD_RECV_TIMEOUT);
        }
        if (r < 0 || !(pfd.revents & (POLLIN | POLLHUP | POLLERR))) {
            return 0;
        }
        flags = MSG_DONTWAIT;
    }
    n = recv(s->c->fd, s->rbuf + s->rlen, NBD_LOAD_RBUF_SIZE - s->rlen, flags);
    if (n == 0) {
        return conn_fail(s, "the server closed the connection with %u requests "
                         "in flight", conn_in_flight(s));
    }
    if (n < 0) {
        if (errno == EINTR || (flags && (errno == EAGAIN || errno == EWOULDBLOCK))) {
            return 0;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return conn_fail(s, "no reply from the server for %d s",
                             NBD_LOAD_RECV_TIMEOUT);
        }
        return conn_fail(s, "recv: %s%s", strerror(errno), errno == ECONNRESET ?
                         " (the server closed the connection)" : "");
    }
    s->rlen += (size_t)n;
    return conn_parse(s, now_ns(),
                      qatomic_read(&s->c->run->phase) == NBD_LOAD_MEASURE);
}

/* Returns: 0 after a stop with nothing in flight, -1 on failure. */
static int conn_loop(ConnState *s)
{
    for (;;) {
        if (s->nfree && qatomic_read(&s->c->run->phase) != NBD_LOAD_STOP) {
            conn_issue(s, now_ns());
        }
        if (conn_send(s) < 0) {
            return -1;
        }
        if (!conn_in_flight(s)) {
            return 0;
        }
        if (conn_recv(s) < 0) {
            return -1;
        }
    }
}

static bool conn_state_init(ConnState *s, NbdLoadConn *c)
{
    unsigned d = c->depth;
    void *bufs;

    *s = (ConnState){ .c = c, .nfree = d, .blocks = c->size / c->bs,
                      .rng = c->seed | 1 };
    s->next = (c->start / c->bs) % s->blocks;
    if (posix_memalign(&bufs, 4096, (size_t)d * c->bs)) {
        return false;
    }
    s->bufs = bufs;
    s->t_send = calloc(d, sizeof(*s->t_send));
    s->busy = calloc(d, 1);
    s->free_slots = calloc(d, sizeof(*s->free_slots));
    s->sbuf = malloc((size_t)d * NBD_REQUEST_SIZE);
    s->rbuf = malloc(NBD_LOAD_RBUF_SIZE);
    if (!s->t_send || !s->busy || !s->free_slots || !s->sbuf || !s->rbuf) {
        return false;
    }
    for (unsigned i = 0; i < d; i++) {
        s->free_slots[i] = d - 1 - i;   /* slot 0 is issued first */
    }
    return true;
}

static void conn_state_free(ConnState *s)
{
    free(s->bufs);
    free(s->t_send);
    free(s->busy);
    free(s->free_slots);
    free(s->sbuf);
    free(s->rbuf);
}

/* Tell the server we are done (no reply comes to NBD_CMD_DISC). */
static void conn_disconnect(int fd)
{
    uint8_t buf[NBD_REQUEST_SIZE];
    NBDRequest req = { .type = NBD_CMD_DISC };

    nbd_request_encode(buf, &req);
    if (send(fd, buf, sizeof(buf), MSG_NOSIGNAL) < 0) {
        return;                 /* gone already: nothing to tell */
    }
}

void *nbd_load_conn_thread(void *opaque)
{
    NbdLoadConn *c = opaque;
    ConnState s;
    int rc = -1;

    if (conn_state_init(&s, c)) {
        rc = conn_loop(&s);
    } else {
        conn_fail(&s, "out of memory for %u requests of %u bytes", c->depth, c->bs);
    }
    if (rc == 0) {
        conn_disconnect(c->fd);
    }
    close(c->fd);
    conn_state_free(&s);
    if (rc < 0) {
        pthread_mutex_lock(&c->run->lock);
        c->run->failed++;
        pthread_cond_broadcast(&c->run->cond);
        pthread_mutex_unlock(&c->run->lock);
    }
    return NULL;
}
