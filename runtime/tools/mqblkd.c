/*
 * mqblkd - a storage daemon: block nodes of the mqblk runtime exported
 * over NBD (docs/runtime/nbd.md).
 *
 *   mqblkd --blockdev driver=null,node-name=n0,size=1G \
 *          --export nbd,node=n0,name=disk,writable=on,unix=/tmp/nbd.sock \
 *          --control unix=/tmp/mqblkd.ctl
 *
 * Exports that name the same address share one listening socket (and its
 * IOThreads).  SIGTERM or SIGINT (or `quit` on the control channel,
 * mqblkd-control.h): stop accepting, finish the requests already read,
 * flush every export, exit 0 (1 when a flush failed).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "block/aio.h"
#include "block/block.h"
#include "block/options.h"
#include "nbd/nbd-server.h"
#include "qemu/main-loop.h"
#include "sysemu/block-backend.h"
#include "mqblkd-control.h"

#define MQBLKD_MAX 64
#define MQBLKD_DEFAULT_ADDR "127.0.0.1:10809"
#define MQBLKD_DEFAULT_POLL_NS 32768       /* QEMU's IOThread default */
#define MQBLKD_MAX_POLL_NS 1000000000LL

static struct {
    BlockDriverState *nodes[MQBLKD_MAX];
    unsigned n_nodes;
    BlockBackend *blks[MQBLKD_MAX];
    unsigned n_blks;
    NBDServer *servers[MQBLKD_MAX];
    unsigned n_servers;
    const char *control;        /* --control SPEC */
    long long poll_max_ns;      /* --poll-max-ns */
    MqblkdControl *ctl;
    bool quit;
} d;

static void usage(FILE *f)
{
    fprintf(f,
"usage: mqblkd [--blockdev OPTS]... [--export OPTS]... [--control unix=PATH]\n"
"  --blockdev OPTS   open a node: driver=null|file|throttle,node-name=NAME,...\n"
"                    (the option strings of docs/runtime/block.md)\n"
"  --export nbd,node=NAME[,name=EXPORT][,writable=on|off]\n"
"           [,addr=HOST:PORT|,unix=PATH][,iothreads=N]\n"
"                    export node NAME over NBD as EXPORT (default: NAME);\n"
"                    addr defaults to " MQBLKD_DEFAULT_ADDR " (loopback);\n"
"                    iothreads: connections are spread round-robin over N\n"
"                    IOThreads (0: the main loop; default 1)\n"
"  --poll-max-ns N   busy-poll the sockets for up to N ns before sleeping,\n"
"                    in every loop that serves connections (adaptive: the\n"
"                    window grows while requests keep arriving within it);\n"
"                    0 never polls (default %d)\n"
"  --control unix=PATH\n"
"                    a control socket (mode 0600), one command per line:\n"
"                    insert-filter NODE FILTER-OPTS, remove-filter NODE,\n"
"                    query-nodes, quit (mqblkctl PATH COMMAND... sends one)\n"
"SIGTERM/SIGINT/quit: stop accepting, finish requests, flush, exit 0.\n",
            MQBLKD_DEFAULT_POLL_NS);
}

/* The server listening on @tcp / @unix_path, created on first use.
 * Returns: NULL with *errp when @iothreads contradicts an earlier export
 * on the same address. */
static NBDServer *server_for(const char *tcp, const char *unix_path,
                             unsigned iothreads, Error **errp)
{
    const char *addr = tcp ? tcp : unix_path;

    for (unsigned i = 0; i < d.n_servers; i++) {
        if (strcmp(nbd_server_address(d.servers[i]), addr) == 0) {
            if (nbd_server_iothreads(d.servers[i]) != iothreads) {
                error_setg(errp, "exports on '%s' ask for different iothreads=",
                           addr);
                return NULL;
            }
            return d.servers[i];
        }
    }
    if (d.n_servers == MQBLKD_MAX) {
        error_setg(errp, "too many listening addresses");
        return NULL;
    }
    d.servers[d.n_servers] = nbd_server_new(tcp, unix_path, iothreads);
    return d.servers[d.n_servers++];
}

/* --export nbd,node=...: parse, open a BlockBackend, add to its server. */
static bool add_export(const char *arg, Error **errp)
{
    BlockOpts *o;
    const char *node, *name, *tcp, *unix_path;
    BlockDriverState *bs;
    BlockBackend *blk;
    NBDServer *s;
    uint64_t iothreads = 1;
    bool writable = false, ok = false;

    if (strncmp(arg, "nbd,", 4) != 0) {
        error_setg(errp, "--export '%s': only 'nbd,...' exports exist", arg);
        return false;
    }
    o = block_opts_parse(arg + 4, errp);
    if (!o) {
        return false;
    }
    node = block_opts_get(o, "node");
    name = block_opts_get(o, "name");
    tcp = block_opts_get(o, "addr");
    unix_path = block_opts_get(o, "unix");
    if (block_opts_get(o, "tls-creds")) {
        error_setg(errp, "--export: TLS is not supported (tls-creds refused)");
        goto out;
    }
    if (!block_opts_get_bool(o, "writable", false, &writable, errp) ||
        !block_opts_get_uint(o, "iothreads", 1, &iothreads, errp) ||
        !block_opts_check_unused(o, "--export nbd", errp)) {
        goto out;
    }
    if (!node) {
        error_setg(errp, "--export: node=NAME is required");
        goto out;
    }
    if (tcp && unix_path) {
        error_setg(errp, "--export: addr= and unix= exclude each other");
        goto out;
    }
    if (iothreads > 64) {
        error_setg(errp, "--export: iothreads=%llu (at most 64)",
                   (unsigned long long)iothreads);
        goto out;
    }
    bs = bdrv_find_node(node);
    if (!bs) {
        error_setg(errp, "--export: no node named '%s'", node);
        goto out;
    }
    if (d.n_blks == MQBLKD_MAX) {
        error_setg(errp, "--export: too many exports");
        goto out;
    }
    if (!tcp && !unix_path) {
        tcp = MQBLKD_DEFAULT_ADDR;
    }
    s = server_for(tcp, unix_path, (unsigned)iothreads, errp);
    if (!s) {
        goto out;
    }
    blk = blk_new(name ? name : node);
    d.blks[d.n_blks++] = blk;
    if (blk_insert_bs(blk, bs, errp) < 0 ||
        !nbd_server_add_export(s, name ? name : node, blk, writable, errp)) {
        goto out;
    }
    ok = true;
out:
    block_opts_free(o);
    return ok;
}

static bool parse_args(int argc, char **argv, Error **errp)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if ((strcmp(a, "--blockdev") != 0 && strcmp(a, "--export") != 0 &&
             strcmp(a, "--control") != 0 && strcmp(a, "--poll-max-ns") != 0) ||
            i + 1 == argc) {
            error_setg(errp, "unknown or incomplete option '%s' (see --help)",
                       a);
            return false;
        }
        i++;
        if (strcmp(a, "--poll-max-ns") == 0) {
            char *end;

            errno = 0;
            d.poll_max_ns = strtoll(argv[i], &end, 10);
            if (errno || end == argv[i] || *end || d.poll_max_ns < 0 ||
                d.poll_max_ns > MQBLKD_MAX_POLL_NS) {
                error_setg(errp, "--poll-max-ns: '%s' is not a number of "
                           "nanoseconds from 0 to %lld", argv[i],
                           MQBLKD_MAX_POLL_NS);
                return false;
            }
        } else if (strcmp(a, "--control") == 0) {
            if (d.control) {
                error_setg(errp, "--control given twice");
                return false;
            }
            d.control = argv[i];
        } else if (strcmp(a, "--blockdev") == 0) {
            if (d.n_nodes == MQBLKD_MAX) {
                error_setg(errp, "too many --blockdev");
                return false;
            }
            d.nodes[d.n_nodes] = bdrv_open_opts(argv[i], errp);
            if (!d.nodes[d.n_nodes]) {
                return false;
            }
            d.n_nodes++;
        } else if (!add_export(argv[i], errp)) {
            return false;
        }
    }
    if (!d.n_servers) {
        error_setg(errp, "nothing to serve: give --export (see --help)");
        return false;
    }
    return true;
}

static void signal_readable(void *opaque)
{
    int *fd = opaque;
    struct signalfd_siginfo si;

    while (read(*fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        d.quit = true;
    }
}

/* Stop the servers, flush (@flush) and release everything.  Returns: the exit code. */
static int shutdown_all(bool flush)
{
    int ret = 0;

    for (unsigned i = 0; i < d.n_servers; i++) {
        nbd_server_free(d.servers[i]);
    }
    for (unsigned i = 0; i < d.n_blks; i++) {
        int r = flush ? blk_flush(d.blks[i]) : 0;

        if (r < 0) {
            fprintf(stderr, "mqblkd: flush of '%s': %s\n",
                    blk_name(d.blks[i]), strerror(-r));
            ret = 1;
        }
        blk_unref(d.blks[i]);
    }
    for (unsigned i = 0; i < d.n_nodes; i++) {
        bdrv_unref(d.nodes[i]);
    }
    return ret;
}

int main(int argc, char **argv)
{
    AioContext *main_ctx;
    const char *msg = NULL;
    Error *err = NULL;
    sigset_t sigs;
    int sfd, ret;

    /* Block the stop signals in every thread (IOThreads inherit the mask)
     * and take them through a signalfd in the main loop. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0 || !qemu_init_main_loop(&msg)) {
        fprintf(stderr, "mqblkd: %s\n", msg ? msg : strerror(errno));
        return 1;
    }
    main_ctx = qemu_get_aio_context();
    d.poll_max_ns = MQBLKD_DEFAULT_POLL_NS;
    ret = parse_args(argc, argv, &err) ? 0 : 2;
    if (ret == 0 && d.control) {
        d.ctl = mqblkd_control_new(d.control, &err);
        ret = d.ctl ? 0 : 2;
    }
    for (unsigned i = 0; ret == 0 && i < d.n_servers; i++) {
        nbd_server_set_poll_max_ns(d.servers[i], d.poll_max_ns);
        if (!nbd_server_start(d.servers[i], &err)) {
            ret = 1;
        } else {
            fprintf(stderr, "mqblkd: listening on %s\n",
                    nbd_server_address(d.servers[i]));
        }
    }
    if (ret) {
        error_report_err(err);
        mqblkd_control_free(d.ctl);
        shutdown_all(false);
        return ret;
    }
    aio_set_fd_handler(main_ctx, sfd, signal_readable, NULL, NULL, NULL, &sfd);
    while (!d.quit) {
        aio_poll(main_ctx, true);
        /* control commands change the graph: outside any callback */
        if (d.ctl && mqblkd_control_run(d.ctl)) {
            d.quit = true;
        }
    }
    mqblkd_control_free(d.ctl);
    aio_set_fd_handler(main_ctx, sfd, NULL, NULL, NULL, NULL, NULL);
    close(sfd);
    ret = shutdown_all(true);
    fprintf(stderr, "mqblkd: stopped%s\n", ret ? " (flush failed)" : "");
    return ret;
}
