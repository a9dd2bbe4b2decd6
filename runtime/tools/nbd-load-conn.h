/*
 * nbd-load-conn.h - one connection of mqblk-nbd-load: a thread that keeps
 * --iodepth read requests in flight on a negotiated NBD socket
 *
 * The loop is built to cost the client as little CPU per request as a
 * real client can: every request that can be issued goes out in one
 * send(); replies are read with large recv() calls into one buffer and
 * parsed there (the 16-byte simple reply header in place, the payload
 * copied into the request's own buffer, as any client that hands data to
 * a caller does); the clock is read once per send and once per receive.
 *
 * Threads: the main thread fills an NbdLoadConn, starts
 * nbd_load_conn_thread() on it and reads the results only after joining
 * the thread.  The phase in NbdLoadRun is written by the main thread and
 * read by every connection thread (atomics); failures are reported to the
 * main thread under NbdLoadRun's lock.
 */
#ifndef MQBLK_NBD_LOAD_CONN_H
#define MQBLK_NBD_LOAD_CONN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench-hist.h"

typedef enum NbdLoadPhase {
    NBD_LOAD_RAMP,              /* requests run, nothing is counted */
    NBD_LOAD_MEASURE,           /* replies are counted and timed */
    NBD_LOAD_STOP,              /* issue nothing more, drain, disconnect */
} NbdLoadPhase;

/* State shared by all connections of a run. */
typedef struct NbdLoadRun {
    int phase;                  /* NbdLoadPhase; atomic, written by main */
    pthread_mutex_t lock;
    pthread_cond_t cond;        /* signalled when a connection fails */
    unsigned failed;            /* connections that failed; under @lock */
} NbdLoadRun;

/* One connection: parameters set before the thread starts, results read
 * after it was joined. */
typedef struct NbdLoadConn {
    /* parameters */
    NbdLoadRun *run;
    int fd;                     /* negotiated; closed by the thread */
    unsigned index;             /* connection number, for messages */
    uint64_t size;              /* export size */
    uint32_t bs;
    unsigned depth;             /* requests in flight */
    bool sequential;            /* --rw read instead of randread */
    uint64_t start;             /* first offset of a sequential run */
    uint64_t seed;              /* PRNG seed of a random run */

    /* results */
    uint64_t ios;               /* replies counted in the measure phase */
    uint64_t errors;            /* NBD error replies, in any phase */
    BenchHist hist;             /* send->reply latency of counted replies, ns */
    char error[256];            /* why the connection failed; "" if it did not */
} NbdLoadConn;

/*
 * Thread body: run the load on @opaque (an NbdLoadConn) until the phase is
 * NBD_LOAD_STOP, wait for the replies in flight, send NBD_CMD_DISC and
 * close the socket.  On a broken connection (closed by the server, a
 * malformed reply, no reply for NBD_LOAD_RECV_TIMEOUT seconds) it stops
 * at once, writes the reason into ->error and signals the run's cond.
 * Returns: NULL.
 */
void *nbd_load_conn_thread(void *opaque);

#endif /* MQBLK_NBD_LOAD_CONN_H */
