/*
 * file-aio.h - private: the back ends of the file driver behind one ops
 * table (thread pool, linux-aio, io_uring).  Not installed.
 *
 * Context: the I/O functions are coroutine_fn and run in whatever thread
 * submitted the request; io_uring and linux-aio keep their kernel state per
 * thread (per AioContext), created on first use and freed when the thread
 * exits (a pthread key destructor) or when file_aio_thread_release() finds
 * it idle.  Each call is one kernel operation: it may transfer fewer bytes
 * than asked, and file-posix.c loops over short transfers, EINTR and EAGAIN.
 */
#ifndef MQBLK_FILE_AIO_H
#define MQBLK_FILE_AIO_H

#include <stdbool.h>
#include <stdint.h>

#include <blkcheck/annotations.h>
#include "qemu/error.h"
#include "qemu/iov.h"
#include "qemu/thread-counter.h"

typedef struct FileAioOps {
    const char *name;           /* the aio= value */
    /* Returns: true when the back end works on this system, else false
     * with *errp set.  Main loop, at open. */
    bool (*available)(Error **errp);
    /*
     * Read or write @qiov at @offset of @fd with one kernel operation.
     * Returns: bytes transferred (may be short, 0 at end of file) or
     * -errno.  Coroutine only, in a thread with an AioContext.
     */
    int64_t coroutine_fn (*co_rw)(int fd, int64_t offset, QEMUIOVector *qiov,
                                  bool write);
    /* fdatasync(@fd).  Returns: 0 or -errno.  Coroutine only. */
    int coroutine_fn (*co_flush)(int fd);
    /* Free the calling thread's state if it has nothing in flight.
     * NULL when the back end keeps none.  Any thread, outside coroutines. */
    void (*thread_release)(void);
} FileAioOps;

extern const FileAioOps file_aio_threads;   /* file-aio.c */
extern const FileAioOps file_aio_native;    /* linux-aio.c */
extern const FileAioOps file_aio_io_uring;  /* io_uring.c */

/* Returns: the back end called @name or NULL.  Any thread. */
const FileAioOps *file_aio_find(const char *name);

/* Run @fn(@opaque) on the thread pool (a blocking call).
 * Returns: what @fn returned.  Coroutine only. */
int coroutine_fn file_aio_co_blocking(int (*fn)(void *), void *opaque);

/* The counters behind block/aio-stats.h; back ends add to them. */
extern ThreadCounter file_aio_stat_requests;
extern ThreadCounter file_aio_stat_submit_calls;
extern ThreadCounter file_aio_stat_wait_calls;

#endif /* MQBLK_FILE_AIO_H */
