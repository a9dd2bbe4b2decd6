/*
 * nbd-load-handshake.h - mqblk-nbd-load's connection set-up: connect to a
 * Unix or TCP address and negotiate one export in fixed newstyle with
 * NBD_OPT_GO
 *
 * The client asks for nothing but the export: no structured replies (a
 * simple reply is a 16-byte header before the data, the cheapest thing a
 * client can parse), no metadata contexts, no block-size information.  The
 * socket is left blocking, with a receive timeout so that a silent server
 * turns into an error instead of a hang.
 *
 * Context: any thread; the functions block on the socket.  They never
 * print: a failure is a message in the caller's buffer.
 */
#ifndef MQBLK_NBD_LOAD_HANDSHAKE_H
#define MQBLK_NBD_LOAD_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Seconds a receive may wait for the server, in the handshake and after. */
#define NBD_LOAD_RECV_TIMEOUT 10

/* What NBD_INFO_EXPORT said about the export. */
typedef struct NbdLoadExport {
    uint64_t size;
    uint16_t flags;             /* transmission flags (NBD_FLAG_*) */
} NbdLoadExport;

/*
 * Connect to @unix_path, or when it is NULL to @hostport ("HOST:PORT",
 * "[V6]:PORT").  TCP sockets get TCP_NODELAY.
 * Returns: the socket, or -1 with a message in @err (@errlen bytes).
 */
int nbd_load_connect(const char *unix_path, const char *hostport,
                     char *err, size_t errlen);

/*
 * Negotiate export @name on the connected socket @fd: fixed-newstyle
 * greeting, NBD_OPT_GO, the export's size and flags into @exp.
 * Returns: true when the connection is in the transmission phase; false
 * with a message in @err (export not found, not a fixed-newstyle server,
 * the server closed or did not answer, a malformed reply).
 */
bool nbd_load_handshake(int fd, const char *name, NbdLoadExport *exp,
                        char *err, size_t errlen);

#endif /* MQBLK_NBD_LOAD_HANDSHAKE_H */
