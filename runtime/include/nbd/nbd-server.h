/*
 * nbd/nbd-server.h - an NBD server over BlockBackends
 *
 * A server is one listening socket (TCP, loopback unless an address is
 * given, or a Unix socket) and the exports reachable through it.  The main
 * loop accepts; each connection is then served entirely by one AioContext:
 * the next IOThread round-robin, skipping ahead to one with fewer live
 * connections if there is one, or the main loop when iothreads is 0.  In that thread a receive coroutine decodes
 * requests in batches and starts one coroutine per request (at most
 * NBD_SERVER_MAX_REQUESTS per connection); replies queue on the connection
 * and go out with one sendmsg() per deferral section (qemu/defer-call.h).
 *
 * Threads: nbd_server_* run in the main loop, outside coroutines, graph
 * unlocked.  The BlockBackends are used from the connections' threads.
 */
#ifndef NBD_NBD_SERVER_H
#define NBD_NBD_SERVER_H

#include <stdbool.h>

#include <blkcheck/annotations.h>
#include "qemu/error.h"
#include "sysemu/block-backend.h"

typedef struct NBDServer NBDServer;

/* Requests one connection runs at once; more wait in the socket. */
#define NBD_SERVER_MAX_REQUESTS 128

/* Longest READ or WRITE payload accepted (the protocol's customary 32 MiB). */
#define NBD_SERVER_MAX_PAYLOAD (32u * 1024 * 1024)

/*
 * A server that will listen on @tcp ("HOST:PORT", HOST may be [v6]) or on
 * the Unix socket @unix_path (exactly one non-NULL), served by @iothreads
 * IOThreads (0: the main loop).  Nothing is bound until nbd_server_start().
 */
NBDServer *nbd_server_new(const char *tcp, const char *unix_path,
                          unsigned iothreads);

/*
 * Export @blk (borrowed; it must outlive the server) as @name; @writable
 * allows writes (refused with *errp on a read-only node).  Returns: false
 * with *errp for a duplicate name.  Before nbd_server_start().
 */
bool nbd_server_add_export(NBDServer *s, const char *name, BlockBackend *blk,
                           bool writable, Error **errp) GRAPH_UNLOCKED;

/*
 * Let the event loops that serve connections (the IOThreads, or the main
 * loop with 0 IOThreads) busy-poll their sockets for up to @max_ns before
 * sleeping (adaptive, like QEMU's IOThread poll-max-ns); 0 (the default)
 * never polls.  Polling trades CPU time for the wake-ups a client's next
 * request would otherwise cost.  Before nbd_server_start().
 */
void nbd_server_set_poll_max_ns(NBDServer *s, int64_t max_ns);

/* Create the IOThreads, bind, listen, accept from the main loop.
 * Returns: false with *errp (address in use, bad address, ...). */
bool no_coroutine_fn nbd_server_start(NBDServer *s, Error **errp) GRAPH_UNLOCKED;

/* The IOThread count given to nbd_server_new(). */
unsigned nbd_server_iothreads(const NBDServer *s);

/* The address as given ("HOST:PORT" or the socket path). */
const char *nbd_server_address(const NBDServer *s);

/*
 * Stop accepting, let every connection finish the requests it has read
 * (their replies are sent; further input is ignored), close them and stop
 * the IOThreads.  Does not flush: the caller flushes the BlockBackends.
 */
void no_coroutine_fn polling_fn nbd_server_stop(NBDServer *s) GRAPH_UNLOCKED;

/* Stop (if running) and free. */
void no_coroutine_fn nbd_server_free(NBDServer *s) GRAPH_UNLOCKED;

#endif /* NBD_NBD_SERVER_H */
