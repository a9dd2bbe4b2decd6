/*
 * mqblkd-control.h - mqblkd's control channel: a Unix socket that takes
 * one command per line and answers each with one line (docs/runtime/nbd.md)
 *
 *   insert-filter NODE FILTER-OPTS   ->  "ok FILTER-NODE-NAME"
 *   remove-filter FILTER-NODE        ->  "ok"
 *   query-nodes                      ->  "ok NAME:DRIVER[(CHILD,...)] ..."
 *   quit                             ->  "ok", then the daemon stops
 *   anything else                    ->  "error: MESSAGE"
 *
 * Class: main loop only.  The socket's fd handlers only read and split
 * lines: a connection with a complete line stops reading until
 * mqblkd_control_run() has answered it.  Graph changes drain and poll, so
 * they run from mqblkd_control_run(), which main() calls between two
 * aio_poll() calls, never from a callback inside a (nested) aio_poll().
 */
#ifndef MQBLKD_CONTROL_H
#define MQBLKD_CONTROL_H

#include <stdbool.h>
#include <blkcheck/annotations.h>
#include "block/graph-lock.h"
#include "qemu/error.h"

typedef struct MqblkdControl MqblkdControl;

/*
 * Listen on the address @spec ("unix=PATH"; the socket is created with
 * mode 0600, a stale socket file at PATH is replaced) and watch it in the
 * main loop.  Returns: the channel, or NULL with *errp (another kind of
 * address, bind failure).  Context: main loop.
 */
MqblkdControl *mqblkd_control_new(const char *spec, Error **errp);

/*
 * Run every complete command line received so far and send the replies.
 * Returns: true when a `quit` command came.  Context: main loop, outside
 * any fd handler or BH, graph unlocked (graph changes drain and poll).
 */
bool no_coroutine_fn mqblkd_control_run(MqblkdControl *c) GRAPH_UNLOCKED;

/* Close every control connection and the socket, remove the socket file.
 * Context: main loop. */
void mqblkd_control_free(MqblkdControl *c);

#endif /* MQBLKD_CONTROL_H */
