/*
 * file-aio.c - the file driver's back-end layer: lookup by aio= name, the
 * thread-pool back end (aio=threads, the default), and the kernel-interface
 * statistics of block/aio-stats.h that io_uring.c and linux-aio.c count.
 *
 * Context: the I/O functions run in the submitting coroutine's thread; the
 * system calls themselves run on thread-pool workers.  Statistics: any
 * thread.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "block/aio-stats.h"
#include "block/thread-pool.h"
#include "qemu/atomic.h"
#include "qemu/coroutine.h"
#include "file-aio.h"

/* ---- statistics ---------------------------------------------------------- */

ThreadCounter file_aio_stat_requests;
ThreadCounter file_aio_stat_submit_calls;
ThreadCounter file_aio_stat_wait_calls;

/* Sums at the last reset: a reset cannot clear other threads' slots
 * safely while they add, so it moves the zero point instead. */
static int64_t base_requests, base_submit_calls, base_wait_calls;

void block_aio_stats_get(BlockAioStats *out)
{
    out->requests = (uint64_t)(thread_counter_sum(&file_aio_stat_requests) -
                               qatomic_load_acquire(&base_requests));
    out->submit_calls = (uint64_t)(thread_counter_sum(&file_aio_stat_submit_calls) -
                                   qatomic_load_acquire(&base_submit_calls));
    out->wait_calls = (uint64_t)(thread_counter_sum(&file_aio_stat_wait_calls) -
                                 qatomic_load_acquire(&base_wait_calls));
}

void block_aio_stats_reset(void)
{
    qatomic_store_release(&base_requests,
                          thread_counter_sum(&file_aio_stat_requests));
    qatomic_store_release(&base_submit_calls,
                          thread_counter_sum(&file_aio_stat_submit_calls));
    qatomic_store_release(&base_wait_calls,
                          thread_counter_sum(&file_aio_stat_wait_calls));
}

/* ---- the thread-pool back end -------------------------------------------- */

typedef struct FileThreadReq {
    int fd;
    int64_t offset;
    const struct iovec *iov;
    int niov;
    bool write;
} FileThreadReq;

/* Worker thread: one preadv/pwritev, at most IOV_MAX elements (the caller
 * loops over the short transfer that a longer vector turns into). */
static int file_thread_rw(void *opaque)
{
    FileThreadReq *r = opaque;
    int niov = r->niov < IOV_MAX ? r->niov : IOV_MAX;
    ssize_t n;

    n = r->write ? pwritev(r->fd, r->iov, niov, r->offset)
                 : preadv(r->fd, r->iov, niov, r->offset);
    return n < 0 ? -errno : (int)n;
}

static int64_t coroutine_fn file_threads_co_rw(int fd, int64_t offset,
                                               QEMUIOVector *qiov, bool write)
{
    FileThreadReq r = {
        .fd = fd, .offset = offset, .iov = qiov->iov, .niov = qiov->niov,
        .write = write,
    };

    return thread_pool_submit_co(file_thread_rw, &r);
}

static int file_thread_fdatasync(void *opaque)
{
    int fd = *(int *)opaque;

    return fdatasync(fd) < 0 ? -errno : 0;
}

static int coroutine_fn file_threads_co_flush(int fd)
{
    return thread_pool_submit_co(file_thread_fdatasync, &fd);
}

static bool file_threads_available(Error **errp)
{
    (void)errp;
    return true;
}

const FileAioOps file_aio_threads = {
    .name = "threads",
    .available = file_threads_available,
    .co_rw = file_threads_co_rw,
    .co_flush = file_threads_co_flush,
};

int coroutine_fn file_aio_co_blocking(int (*fn)(void *), void *opaque)
{
    return thread_pool_submit_co(fn, opaque);
}

/* ---- lookup ---------------------------------------------------------------- */

const FileAioOps *file_aio_find(const char *name)
{
    static const FileAioOps *const all[] = {
        &file_aio_threads, &file_aio_native, &file_aio_io_uring,
    };

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (!strcmp(all[i]->name, name)) {
            return all[i];
        }
    }
    return NULL;
}
