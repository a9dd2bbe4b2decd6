/*
 * nbd-load-handshake.c - connect and negotiate one export for
 * mqblk-nbd-load (see nbd-load-handshake.h)
 *
 * The set-up runs once per connection before the load starts, so it is
 * written for clarity: blocking reads of exact lengths, one option (GO),
 * every reply checked.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "nbd/nbd-addr.h"
#include "nbd/nbd-proto.h"

#include "nbd-load-handshake.h"

#define NBD_LOAD_REPLY_MAX 65536   /* longest option reply data accepted */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static void set_timeout(int fd)
{
    struct timeval tv = { .tv_sec = NBD_LOAD_RECV_TIMEOUT };

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int connect_unix(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        set_err(err, errlen, "socket path too long: %s", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        set_err(err, errlen, "cannot connect to %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static int connect_tcp(const char *hostport, char *err, size_t errlen)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res, *ai;
    char host[256];
    const char *port;
    int fd = -1, rc, saved = 0, one = 1;

    if (!nbd_split_host_port(hostport, host, sizeof(host), &port)) {
        set_err(err, errlen, "--tcp %s: expected HOST:PORT", hostport);
        return -1;
    }
    rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (rc) {
        set_err(err, errlen, "cannot resolve %s: %s", hostport, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        saved = errno;
        if (fd >= 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        set_err(err, errlen, "cannot connect to %s: %s", hostport, strerror(saved));
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

int nbd_load_connect(const char *unix_path, const char *hostport,
                     char *err, size_t errlen)
{
    int fd = unix_path ? connect_unix(unix_path, err, errlen)
                       : connect_tcp(hostport, err, errlen);

    if (fd >= 0) {
        set_timeout(fd);
    }
    return fd;
}

static bool send_all(int fd, const void *buf, size_t len, char *err, size_t errlen)
{
    const uint8_t *p = buf;

    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            set_err(err, errlen, "handshake: send: %s", strerror(errno));
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool recv_all(int fd, void *buf, size_t len, char *err, size_t errlen)
{
    uint8_t *p = buf;

    while (len) {
        ssize_t n = recv(fd, p, len, 0);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0) {
            set_err(err, errlen, "handshake: the server closed the connection");
            return false;
        }
        if (n < 0) {
            set_err(err, errlen, "handshake: %s",
                    errno == EAGAIN || errno == EWOULDBLOCK ?
                    "no answer from the server" : strerror(errno));
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Read the greeting and answer it.  Returns: false with a message. */
static bool greet(int fd, char *err, size_t errlen)
{
    uint8_t g[18], cf[4];
    uint16_t hflags;

    if (!recv_all(fd, g, sizeof(g), err, errlen)) {
        return false;
    }
    hflags = nbd_get_be16(g + 16);
    if (nbd_get_be64(g) != NBD_MAGIC || nbd_get_be64(g + 8) != NBD_OPTS_MAGIC ||
        !(hflags & NBD_FLAG_FIXED_NEWSTYLE)) {
        set_err(err, errlen, "not a fixed-newstyle NBD server");
        return false;
    }
    /* NO_ZEROES only matters for NBD_OPT_EXPORT_NAME; echo it when offered */
    nbd_put_be32(cf, NBD_FLAG_FIXED_NEWSTYLE | (hflags & NBD_FLAG_NO_ZEROES));
    return send_all(fd, cf, sizeof(cf), err, errlen);
}

static bool send_go(int fd, const char *name, char *err, size_t errlen)
{
    uint8_t buf[NBD_OPTION_HEADER_SIZE + 4 + NBD_MAX_STRING + 2];
    size_t n = strlen(name);

    if (n > NBD_MAX_STRING) {
        set_err(err, errlen, "export name longer than %d bytes", NBD_MAX_STRING);
        return false;
    }
    nbd_put_be64(buf, NBD_OPTS_MAGIC);
    nbd_put_be32(buf + 8, NBD_OPT_GO);
    nbd_put_be32(buf + 12, (uint32_t)(4 + n + 2));
    nbd_put_be32(buf + 16, (uint32_t)n);
    memcpy(buf + 20, name, n);
    nbd_put_be16(buf + 20 + n, 0);          /* no information requests */
    return send_all(fd, buf, 20 + n + 2, err, errlen);
}

/* An error reply @type to GO, with @len bytes of message in @data. */
static void go_error(const char *name, uint32_t type, const uint8_t *data,
                     uint32_t len, char *err, size_t errlen)
{
    int mlen = (int)(len > 200 ? 200 : len);

    switch (type) {
    case NBD_REP_ERR_UNKNOWN:
        set_err(err, errlen, "export '%s' not found (NBD_REP_ERR_UNKNOWN%s%.*s)",
                name, mlen ? ": " : "", mlen, (const char *)data);
        break;
    case NBD_REP_ERR_UNSUP:
        set_err(err, errlen, "the server does not support NBD_OPT_GO");
        break;
    default:
        set_err(err, errlen, "the server refused export '%s': error 0x%x%s%.*s",
                name, type, mlen ? ": " : "", mlen, (const char *)data);
        break;
    }
}

bool nbd_load_handshake(int fd, const char *name, NbdLoadExport *exp,
                        char *err, size_t errlen)
{
    uint8_t data[NBD_LOAD_REPLY_MAX];
    bool have_export = false;

    if (!greet(fd, err, errlen) || !send_go(fd, name, err, errlen)) {
        return false;
    }
    for (;;) {
        uint8_t h[NBD_OPTION_REPLY_SIZE];
        uint32_t type, len;

        if (!recv_all(fd, h, sizeof(h), err, errlen)) {
            return false;
        }
        type = nbd_get_be32(h + 12);
        len = nbd_get_be32(h + 16);
        if (nbd_get_be64(h) != NBD_REP_MAGIC || nbd_get_be32(h + 8) != NBD_OPT_GO) {
            set_err(err, errlen, "handshake: malformed option reply");
            return false;
        }
        if (len > sizeof(data)) {
            set_err(err, errlen, "handshake: option reply of %u bytes", len);
            return false;
        }
        if (!recv_all(fd, data, len, err, errlen)) {
            return false;
        }
        if (type & 0x80000000u) {
            go_error(name, type, data, len, err, errlen);
            return false;
        }
        if (type == NBD_REP_ACK) {
            break;
        }
        if (type != NBD_REP_INFO || len < 2) {
            set_err(err, errlen, "handshake: unexpected reply type %u to GO", type);
            return false;
        }
        if (nbd_get_be16(data) == NBD_INFO_EXPORT) {
            if (len != 12) {
                set_err(err, errlen, "handshake: NBD_INFO_EXPORT of %u bytes", len);
                return false;
            }
            exp->size = nbd_get_be64(data + 2);
            exp->flags = nbd_get_be16(data + 10);
            have_export = true;
        }
        /* other information (name, block size) is not needed */
    }
    if (!have_export) {
        set_err(err, errlen, "handshake: GO acknowledged without NBD_INFO_EXPORT");
        return false;
    }
    if (!(exp->flags & NBD_FLAG_HAS_FLAGS)) {
        set_err(err, errlen, "handshake: export flags 0x%x lack NBD_FLAG_HAS_FLAGS",
                exp->flags);
        return false;
    }
    return true;
}
