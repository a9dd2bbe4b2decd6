/*
 * nbd-conn.h - one NBD client connection (private to runtime/nbd)
 *
 * The server creates a connection in the main loop for an accepted socket
 * and starts it in its AioContext; from then on everything but the
 * reference count belongs to that context's thread.  When the connection
 * is over it calls @done(@opaque) through a BH in the main loop.
 */
#ifndef NBD_CONN_H
#define NBD_CONN_H

#include <stddef.h>

#include "block/aio.h"
#include "nbd/nbd-negotiate.h"

typedef struct NBDConn NBDConn;

/* Take over @fd (non-blocking); negotiate over @exports (their opaque is
 * the BlockBackend; the array must outlive the connection). */
NBDConn *nbd_conn_new(int fd, const NBDExportInfo *exports, size_t n_exports,
                      AioContext *ctx, void (*done)(void *opaque),
                      void *opaque);

/* Start serving in the connection's AioContext.  Main loop. */
void nbd_conn_start(NBDConn *c);

/* Ask the connection to finish: no new requests are read, the ones read
 * complete and are answered.  Any thread. */
void nbd_conn_quit(NBDConn *c);

/* Drop the creator's reference (after @done ran).  Any thread. */
void nbd_conn_unref(NBDConn *c);

#endif /* NBD_CONN_H */
