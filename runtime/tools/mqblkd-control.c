/*
 * mqblkd-control.c - mqblkd's control channel (mqblkd-control.h)
 *
 * Every connection has one line buffer.  The read handler appends to it;
 * once it holds a newline the handler turns its read watch off and leaves
 * the line to mqblkd_control_run(), which main() calls between aio_poll()
 * calls: the commands (graph changes drain and poll) never run inside a
 * callback.  When the buffer has no complete line left, reading resumes.
 * A line longer than the buffer gets an error reply and closes its
 * connection; a connection that ends in the middle of a line is closed
 * without running the partial line.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "block/aio.h"
#include "block/block.h"
#include "block/graph-lock.h"
#include "qemu/main-loop.h"
#include "mqblkd-control.h"

#define CTL_LINE_MAX 4096       /* a line, its newline included */
#define CTL_CONNS 8             /* control connections open at once */
#define CTL_SEND_WAIT_MS 5000   /* a client that does not read its replies */

typedef struct CtlConn {
    MqblkdControl *ctl;
    int fd;
    size_t len;                 /* bytes in buf */
    bool eof;                   /* the client closed its side */
    bool broken;                /* a reply could not be sent */
    char buf[CTL_LINE_MAX];
} CtlConn;

struct MqblkdControl {
    AioContext *ctx;
    int listen_fd;
    char *path;
    CtlConn *conns[CTL_CONNS];
};

/* ---- connections (fd handlers: read and split only) ----------------- */

/* Send all of @s; on failure the connection is marked ended. */
static void conn_send(CtlConn *cc, const char *s)
{
    size_t len = strlen(s), done = 0;

    while (done < len && !cc->broken) {
        ssize_t n = send(cc->fd, s + done, len - done,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        struct pollfd pfd = { .fd = cc->fd, .events = POLLOUT };

        if (n > 0) {
            done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN &&
                   poll(&pfd, 1, CTL_SEND_WAIT_MS) > 0) {
            continue;
        } else {
            cc->broken = true;
        }
    }
}

static void conn_free(CtlConn *cc)
{
    MqblkdControl *c = cc->ctl;

    aio_set_fd_handler(c->ctx, cc->fd, NULL, NULL, NULL, NULL, NULL);
    close(cc->fd);
    for (unsigned i = 0; i < CTL_CONNS; i++) {
        if (c->conns[i] == cc) {
            c->conns[i] = NULL;
        }
    }
    free(cc);
}

static bool conn_has_line(const CtlConn *cc)
{
    return memchr(cc->buf, '\n', cc->len) != NULL;
}

static void conn_readable(void *opaque)
{
    CtlConn *cc = opaque;
    ssize_t n = read(cc->fd, cc->buf + cc->len, sizeof(cc->buf) - cc->len);

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        cc->eof = true;
    } else {
        cc->len += (size_t)n;
    }
    if (conn_has_line(cc)) {
        /* mqblkd_control_run() answers it and turns reading back on */
        aio_set_fd_handler(cc->ctl->ctx, cc->fd, NULL, NULL, NULL, NULL, NULL);
    } else if (cc->eof) {
        conn_free(cc);          /* a partial line is dropped, never run */
    } else if (cc->len == sizeof(cc->buf)) {
        conn_send(cc, "error: line too long (at most 4095 bytes)\n");
        conn_free(cc);
    }
}

static void ctl_acceptable(void *opaque)
{
    MqblkdControl *c = opaque;
    int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    unsigned i;

    if (fd < 0) {
        return;
    }
    for (i = 0; i < CTL_CONNS && c->conns[i]; i++) {
    }
    if (i == CTL_CONNS) {
        CtlConn busy = { .ctl = c, .fd = fd };

        conn_send(&busy, "error: too many control connections\n");
        close(fd);
        return;
    }
    c->conns[i] = calloc(1, sizeof(CtlConn));
    c->conns[i]->ctl = c;
    c->conns[i]->fd = fd;
    aio_set_fd_handler(c->ctx, fd, conn_readable, NULL, NULL, NULL,
                       c->conns[i]);
}

/* ---- commands (main loop, outside callbacks) ------------------------ */

/*
 * Check that a command has @want words and look up the node its second
 * word names.  Returns: the node, or NULL with *errp (@usage, or no node).
 */
static BlockDriverState *ctl_node_arg(char **argv, int argc, int want,
                                      const char *usage, Error **errp)
{
    BlockDriverState *bs;

    GLOBAL_STATE_CODE();
    if (argc != want) {
        error_setg(errp, "usage: %s", usage);
        return NULL;
    }
    bs = bdrv_find_node(argv[1]);
    if (!bs) {
        error_setg(errp, "no node named '%s'", argv[1]);
    }
    return bs;
}

/* insert-filter NODE FILTER-OPTS */
static char *no_coroutine_fn cmd_insert_filter(char **argv, int argc,
                                               Error **errp) GRAPH_UNLOCKED
{
    BlockDriverState *bs, *filter;

    GLOBAL_STATE_CODE();
    bs = ctl_node_arg(argv, argc, 3, "insert-filter NODE FILTER-OPTS", errp);
    filter = bs ? bdrv_insert_filter(bs, argv[2], errp) : NULL;
    return filter ? strdup(bdrv_get_node_name(filter)) : NULL;
}

/* remove-filter FILTER-NODE */
static char *no_coroutine_fn cmd_remove_filter(char **argv, int argc,
                                               Error **errp) GRAPH_UNLOCKED
{
    BlockDriverState *bs;

    GLOBAL_STATE_CODE();
    bs = ctl_node_arg(argv, argc, 2, "remove-filter FILTER-NODE", errp);
    return bs && bdrv_remove_filter(bs, errp) == 0 ? strdup("") : NULL;
}

/* query-nodes: "NAME:DRIVER" for every node, in opening order, followed
 * by "(CHILD,...)" when it has children */
static char *cmd_query_nodes(char **argv, int argc, Error **errp)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f;

    GLOBAL_STATE_CODE();
    (void)argv;
    if (argc != 1) {
        error_setg(errp, "usage: query-nodes");
        return NULL;
    }
    f = open_memstream(&out, &len);
    bdrv_graph_rdlock_main_loop();
    for (BlockDriverState *bs = bdrv_next_node(NULL); bs;
         bs = bdrv_next_node(bs)) {
        BlockDriverState *child;

        fprintf(f, "%s%s:%s", out && len ? " " : "", bdrv_get_node_name(bs),
                bdrv_get_format_name(bs));
        for (unsigned n = 0; (child = bdrv_child_node(bs, n)); n++) {
            fprintf(f, "%c%s", n ? ',' : '(', bdrv_get_node_name(child));
        }
        if (bdrv_child_node(bs, 0)) {
            fputc(')', f);
        }
        fflush(f);
    }
    bdrv_graph_rdunlock_main_loop();
    fclose(f);
    return out;
}

/*
 * Run one command line (without its newline) and send its reply.
 * Returns: true for `quit`.
 */
static bool no_coroutine_fn ctl_execute(CtlConn *cc, char *line) GRAPH_UNLOCKED
{
    char *argv[4], *save = NULL, *tok, *res = NULL, *reply = NULL;
    int argc = 0;
    Error *err = NULL;
    bool quit = false;

    GLOBAL_STATE_CODE();
    for (tok = strtok_r(line, " \t\r", &save); tok;
         tok = strtok_r(NULL, " \t\r", &save)) {
        if (argc < 4) {
            argv[argc] = tok;
        }
        argc++;
    }
    if (argc == 0) {
        error_setg(&err, "empty command");
    } else if (strcmp(argv[0], "insert-filter") == 0) {
        res = cmd_insert_filter(argv, argc, &err);
    } else if (strcmp(argv[0], "remove-filter") == 0) {
        res = cmd_remove_filter(argv, argc, &err);
    } else if (strcmp(argv[0], "query-nodes") == 0) {
        res = cmd_query_nodes(argv, argc, &err);
    } else if (strcmp(argv[0], "quit") == 0 && argc == 1) {
        res = strdup("");
        quit = true;
    } else {
        error_setg(&err, "unknown command '%.64s' (insert-filter, "
                   "remove-filter, query-nodes, quit)", argv[0]);
    }
    if (res) {
        if (asprintf(&reply, "ok%s%s\n", *res ? " " : "", res) < 0) {
            reply = NULL;
        }
    } else if (asprintf(&reply, "error: %s\n",
                        err ? error_get_pretty(err) : "failed") < 0) {
        reply = NULL;
    }
    conn_send(cc, reply ? reply : "error: out of memory\n");
    free(reply);
    free(res);
    error_free(err);
    return quit;
}

/* Answer every complete line of @cc.  Returns: true for `quit`. */
static bool no_coroutine_fn conn_run(CtlConn *cc) GRAPH_UNLOCKED
{
    MqblkdControl *c = cc->ctl;
    char *nl;

    /* lines sent before the client closed still run */
    while (!cc->broken && (nl = memchr(cc->buf, '\n', cc->len)) != NULL) {
        size_t used = (size_t)(nl - cc->buf) + 1;
        bool quit;

        *nl = '\0';
        quit = ctl_execute(cc, cc->buf);
        memmove(cc->buf, cc->buf + used, cc->len - used);
        cc->len -= used;
        if (quit) {
            return true;
        }
    }
    if (cc->eof || cc->broken) {
        conn_free(cc);
    } else {
        aio_set_fd_handler(c->ctx, cc->fd, conn_readable, NULL, NULL, NULL, cc);
    }
    return false;
}

bool no_coroutine_fn mqblkd_control_run(MqblkdControl *c) GRAPH_UNLOCKED
{
    bool found = true;

    GLOBAL_STATE_CODE();
    /* a command's drain polls, and a line may arrive meanwhile on a
     * connection already looked at: go round until none is waiting */
    while (found) {
        found = false;
        for (unsigned i = 0; i < CTL_CONNS; i++) {
            CtlConn *cc = c->conns[i];

            if (cc && conn_has_line(cc)) {
                found = true;
                if (conn_run(cc)) {
                    return true;
                }
            }
        }
    }
    return false;
}

/* ---- the listening socket ------------------------------------------- */

/* Bind a Unix socket at @path with mode 0600.  Returns: the fd or -1. */
static int ctl_listen(const char *path, Error **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct stat st;
    mode_t old_mask;
    int fd, err;

    if (strlen(path) == 0 || strlen(path) >= sizeof(sa.sun_path)) {
        error_setg(errp, "--control: socket path '%s' is empty or too long",
                   path);
        return -1;
    }
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            error_setg(errp, "--control: '%s' exists and is not a socket",
                       path);
            return -1;
        }
        unlink(path);           /* a socket left by an earlier run */
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "--control: socket");
        return -1;
    }
    /* created 0600 from the start: no window in which others may connect */
    old_mask = umask(0177);
    err = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? errno : 0;
    umask(old_mask);
    if (!err && listen(fd, 8) < 0) {
        err = errno;
    }
    if (err) {
        error_setg_errno(errp, err, "--control: listen on '%s'", path);
        close(fd);
        return -1;
    }
    return fd;
}

MqblkdControl *mqblkd_control_new(const char *spec, Error **errp)
{
    MqblkdControl *c;
    int fd;

    GLOBAL_STATE_CODE();
    if (strncmp(spec, "unix=", 5) != 0) {
        error_setg(errp, "--control '%s': only 'unix=PATH' is supported", spec);
        return NULL;
    }
    fd = ctl_listen(spec + 5, errp);
    if (fd < 0) {
        return NULL;
    }
    c = calloc(1, sizeof(*c));
    c->ctx = qemu_get_aio_context();
    c->listen_fd = fd;
    c->path = strdup(spec + 5);
    aio_set_fd_handler(c->ctx, fd, ctl_acceptable, NULL, NULL, NULL, c);
    return c;
}

void mqblkd_control_free(MqblkdControl *c)
{
    GLOBAL_STATE_CODE();
    if (!c) {
        return;
    }
    for (unsigned i = 0; i < CTL_CONNS; i++) {
        if (c->conns[i]) {
            conn_free(c->conns[i]);
        }
    }
    aio_set_fd_handler(c->ctx, c->listen_fd, NULL, NULL, NULL, NULL, NULL);
    close(c->listen_fd);
    unlink(c->path);
    free(c->path);
    free(c);
}
