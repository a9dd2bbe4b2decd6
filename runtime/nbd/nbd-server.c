/*
 * NBD server: listening socket, exports, connections spread over IOThreads
 * (nbd/nbd-server.h).  Everything here runs in the main loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "block/aio-wait.h"
#include "block/block_int.h"        /* the root node's limits */
#include "nbd/nbd-negotiate.h"
#include "nbd/nbd-proto.h"
#include "nbd/nbd-addr.h"
#include "nbd/nbd-server.h"
#include "nbd-conn.h"
#include "qemu/main-loop.h"
#include "sysemu/iothread.h"

#define NBD_SERVER_MAX_EXPORTS 64

/* The main loop's record of a live connection. */
typedef struct NBDServerConn {
    NBDServer *server;
    NBDConn *conn;
    int iothread;                   /* index, or -1 for the main loop */
    struct NBDServerConn *next;
} NBDServerConn;

struct NBDServer {
    char *tcp, *unix_path;
    unsigned n_iothreads;
    int64_t poll_max_ns;            /* busy-poll window of the serving loops */
    IOThread **iothreads;
    unsigned *iothread_conns;       /* live connections per IOThread */
    unsigned next_iothread;         /* round-robin cursor */
    int listen_fd;
    NBDExportInfo exports[NBD_SERVER_MAX_EXPORTS];
    size_t n_exports;
    NBDServerConn *conns;
    unsigned n_conns;
};

NBDServer *nbd_server_new(const char *tcp, const char *unix_path,
                          unsigned iothreads)
{
    NBDServer *s = calloc(1, sizeof(*s));

    if (!s) {
        abort();
    }
    s->tcp = tcp ? strdup(tcp) : NULL;
    s->unix_path = unix_path ? strdup(unix_path) : NULL;
    s->n_iothreads = iothreads;
    s->listen_fd = -1;
    return s;
}

void nbd_server_set_poll_max_ns(NBDServer *s, int64_t max_ns)
{
    s->poll_max_ns = max_ns;
}

/* In each serving loop's home thread: adaptive polling, QEMU's defaults
 * for growth (x2) and shrink (reset). */
static void server_set_poll_bh(void *opaque)
{
    NBDServer *s = opaque;

    aio_context_set_poll_params(qemu_get_current_aio_context(),
                                s->poll_max_ns, 0, 0);
}

unsigned nbd_server_iothreads(const NBDServer *s)
{
    return s->n_iothreads;
}

const char *nbd_server_address(const NBDServer *s)
{
    return s->tcp ? s->tcp : s->unix_path;
}

static uint32_t pow2_floor(uint64_t v)
{
    uint32_t p = 1;

    while ((uint64_t)p * 2 <= v && p < (1u << 31)) {
        p *= 2;
    }
    return p;
}

bool GRAPH_UNLOCKED nbd_server_add_export(NBDServer *s, const char *name,
                                          BlockBackend *blk, bool writable,
                                          Error **errp)
{
    NBDExportInfo *e;
    BlockDriverState *bs;
    uint32_t align;
    int64_t size;
    bool read_only;

    for (size_t i = 0; i < s->n_exports; i++) {
        if (strcmp(s->exports[i].name, name) == 0) {
            error_setg(errp, "export '%s' exists already", name);
            return false;
        }
    }
    if (s->n_exports == NBD_SERVER_MAX_EXPORTS) {
        error_setg(errp, "more than %d exports", NBD_SERVER_MAX_EXPORTS);
        return false;
    }
    if (strlen(name) > NBD_MAX_STRING) {
        error_setg(errp, "export name longer than %d bytes", NBD_MAX_STRING);
        return false;
    }
    bdrv_graph_rdlock_main_loop();
    bs = blk_bs(blk);
    align = bs ? bs->bl.request_alignment : 1;
    read_only = !bs || bdrv_is_read_only(bs);
    bdrv_graph_rdunlock_main_loop();
    if (writable && read_only) {
        error_setg(errp, "export '%s': node is read-only, writable=on refused",
                   name);
        return false;
    }
    size = blk_getlength(blk);
    if (size < 0) {
        error_setg_errno(errp, (int)-size, "export '%s': length", name);
        return false;
    }
    e = &s->exports[s->n_exports++];
    e->name = strdup(name);
    e->size = (uint64_t)size;
    e->opaque = blk;
    e->tx_flags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH |
                  NBD_FLAG_SEND_FUA | NBD_FLAG_CAN_MULTI_CONN;
    if (writable) {
        e->tx_flags |= NBD_FLAG_SEND_TRIM | NBD_FLAG_SEND_WRITE_ZEROES |
                       NBD_FLAG_SEND_FAST_ZERO;
    } else {
        e->tx_flags |= NBD_FLAG_READ_ONLY;
    }
    e->min_block = align;
    e->pref_block = align > 4096 ? align : 4096;
    e->max_block = pow2_floor(NBD_SERVER_MAX_PAYLOAD);
    return true;
}

/* ---- connections --------------------------------------------------------- */

/* BH from the connection's thread: it is over. */
static void server_conn_done(void *opaque)
{
    NBDServerConn *sc = opaque;
    NBDServer *s = sc->server;

    for (NBDServerConn **p = &s->conns; *p; p = &(*p)->next) {
        if (*p == sc) {
            *p = sc->next;
            break;
        }
    }
    s->n_conns--;
    if (sc->iothread >= 0) {
        s->iothread_conns[sc->iothread]--;
    }
    nbd_conn_unref(sc->conn);
    free(sc);
    aio_wait_kick();
}

/*
 * The thread for a new connection: round-robin over the IOThreads, skipping
 * ahead to one with the fewest live connections, so that short-lived
 * connections (a client's probe before its real ones) do not pile the
 * long-lived ones onto one thread.  Returns: the index, -1 for the main
 * loop.
 */
static int server_pick_iothread(NBDServer *s)
{
    unsigned best;

    if (!s->n_iothreads) {
        return -1;
    }
    best = s->next_iothread % s->n_iothreads;
    for (unsigned k = 1; k < s->n_iothreads; k++) {
        unsigned i = (s->next_iothread + k) % s->n_iothreads;

        if (s->iothread_conns[i] < s->iothread_conns[best]) {
            best = i;
        }
    }
    s->next_iothread = best + 1;
    s->iothread_conns[best]++;
    return (int)best;
}

static void server_accept(void *opaque)
{
    NBDServer *s = opaque;
    int one = 1;

    for (;;) {
        int fd = accept4(s->listen_fd, NULL, NULL,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        NBDServerConn *sc;

        if (fd < 0) {
            return;     /* EAGAIN, or a transient error: try next time */
        }
        if (s->tcp) {
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        }
        sc = calloc(1, sizeof(*sc));
        if (sc) {
            sc->server = s;
            sc->iothread = server_pick_iothread(s);
            sc->conn = nbd_conn_new(fd, s->exports, s->n_exports,
                                    sc->iothread < 0 ? qemu_get_aio_context() :
                                    iothread_get_aio_context(
                                        s->iothreads[sc->iothread]),
                                    server_conn_done, sc);
        }
        if (!sc || !sc->conn) {
            if (sc && sc->iothread >= 0) {
                s->iothread_conns[sc->iothread]--;
            }
            free(sc);
            close(fd);
            continue;
        }
        sc->next = s->conns;
        s->conns = sc;
        s->n_conns++;
        nbd_conn_start(sc->conn);
    }
}

/* ---- listening ------------------------------------------------------------ */

static int listen_unix(const char *path, Error **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        error_setg(errp, "socket path '%s' too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "socket");
        return -1;
    }
    unlink(path);   /* a stale socket of an earlier run */
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 128) < 0) {
        error_setg_errno(errp, errno, "listen on '%s'", path);
        close(fd);
        return -1;
    }
    return fd;
}

static int listen_tcp(const char *addr, Error **errp)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *res, *ai;
    char host[256];
    const char *port;
    int fd = -1, one = 1, rc, err = 0;

    if (!nbd_split_host_port(addr, host, sizeof(host), &port)) {
        error_setg(errp, "address '%s': expected HOST:PORT", addr);
        return -1;
    }
    rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (rc) {
        error_setg(errp, "address '%s': %s", addr, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
                    SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, 128) == 0) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, err, "listen on '%s'", addr);
    }
    return fd;
}

bool no_coroutine_fn GRAPH_UNLOCKED nbd_server_start(NBDServer *s,
                                                     Error **errp)
{
    const char *msg;
    char name[32];

    s->listen_fd = s->unix_path ? listen_unix(s->unix_path, errp)
                                : listen_tcp(s->tcp, errp);
    if (s->listen_fd < 0) {
        return false;
    }
    s->iothreads = calloc(s->n_iothreads ? s->n_iothreads : 1,
                          sizeof(*s->iothreads));
    s->iothread_conns = calloc(s->n_iothreads ? s->n_iothreads : 1,
                               sizeof(*s->iothread_conns));
    for (unsigned i = 0; i < s->n_iothreads; i++) {
        snprintf(name, sizeof(name), "nbd-io%u", i);
        s->iothreads[i] = iothread_create(name, &msg);
        if (!s->iothreads[i]) {
            error_setg(errp, "IOThread %s: %s", name, msg);
            nbd_server_stop(s);
            return false;
        }
        aio_bh_schedule_oneshot(iothread_get_aio_context(s->iothreads[i]),
                                server_set_poll_bh, s);
    }
    if (s->n_iothreads == 0) {
        server_set_poll_bh(s);
    }
    aio_set_fd_handler(qemu_get_aio_context(), s->listen_fd, server_accept,
                       NULL, NULL, NULL, s);
    return true;
}

void no_coroutine_fn polling_fn GRAPH_UNLOCKED nbd_server_stop(NBDServer *s)
{
    if (s->listen_fd >= 0) {
        aio_set_fd_handler(qemu_get_aio_context(), s->listen_fd, NULL, NULL,
                           NULL, NULL, NULL);
        close(s->listen_fd);
        s->listen_fd = -1;
        if (s->unix_path) {
            unlink(s->unix_path);
        }
    }
    for (NBDServerConn *sc = s->conns; sc; sc = sc->next) {
        nbd_conn_quit(sc->conn);
    }
    AIO_WAIT_WHILE(qemu_get_aio_context(), s->n_conns > 0);
    for (unsigned i = 0; s->iothreads && i < s->n_iothreads; i++) {
        if (s->iothreads[i]) {
            iothread_destroy(s->iothreads[i]);
        }
    }
    free(s->iothreads);
    s->iothreads = NULL;
    free(s->iothread_conns);
    s->iothread_conns = NULL;
}

void no_coroutine_fn GRAPH_UNLOCKED nbd_server_free(NBDServer *s)
{
    nbd_server_stop(s);
    for (size_t i = 0; i < s->n_exports; i++) {
        free((char *)s->exports[i].name);
    }
    free(s->tcp);
    free(s->unix_path);
    free(s);
}
