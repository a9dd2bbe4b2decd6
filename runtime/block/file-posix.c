/*
 * file-posix.c - the `file` protocol driver: a POSIX regular file or block
 * device, read and written through one of the back ends of file-aio.h
 * (aio=threads|native|io_uring), cached or with O_DIRECT (cache.direct).
 *
 * Context: open/close in the main loop; the I/O callbacks run in whatever
 * thread submitted (coroutine_fn, graph reader lock held), many at once.
 * BDRVFileState is constant after open, so they share it without locking;
 * the back ends keep their kernel state per thread.
 *
 * Every callback returns -errno and never aborts on an I/O error.  This
 * file owns the request-level rules the back ends leave out: short
 * transfers are continued, EINTR/EAGAIN retried, a write that makes no
 * progress is -EIO, and a read that meets the end of the file (which
 * shrank under the driver) fills the rest of the buffer with zeroes, as
 * reading a hole would: the caller asked within the length it was told.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>      /* BLKSSZGET (not <linux/fs.h>: clashes with <sys/uio.h>) */
#include <sys/stat.h>
#include <unistd.h>

#include "block/block_int.h"
#include "qemu/main-loop.h"
#include "file-aio.h"

/* Largest alignment probed; also the fallback when probing is inconclusive. */
#define FILE_MAX_ALIGN 4096
/* A transfer retried this often after EINTR/EAGAIN gives up. */
#define FILE_MAX_RETRIES 1000

typedef struct BDRVFileState {
    int fd;
    bool direct;
    const FileAioOps *aio;
} BDRVFileState;

/* File nodes open (main loop only); the last close frees the main loop's
 * back-end state. */
static unsigned file_nodes_open;

/* ---- alignment ------------------------------------------------------------ */

/* Returns: true when a direct read of @len bytes at @buf works (or cannot be
 * told apart: *@conclusive is false when it read nothing). */
static bool file_probe_read(int fd, void *buf, size_t len, bool *conclusive)
{
    ssize_t n = pread(fd, buf, len, 0);

    *conclusive = n > 0;
    return n >= 0;
}

/* Learn the O_DIRECT offset and memory alignment of @fd: statx() where the
 * kernel reports it, the logical sector size of a block device, else trial
 * reads of the first block.  Files too short to probe get FILE_MAX_ALIGN. */
static void file_probe_alignment(int fd, bool is_blk, BlockLimits *bl)
{
    uint32_t req_align = 0, mem_align = 0;
    bool conclusive;
    char *buf;

#ifdef STATX_DIOALIGN
    struct statx stx;

    if (statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) == 0 &&
        (stx.stx_mask & STATX_DIOALIGN) && stx.stx_dio_offset_align) {
        req_align = stx.stx_dio_offset_align;
        mem_align = stx.stx_dio_mem_align;
    }
#endif
    if (!req_align && is_blk) {
        int sector;

        if (ioctl(fd, BLKSSZGET, &sector) == 0 && sector > 0) {
            req_align = (uint32_t)sector;
        }
    }
    buf = aligned_alloc(FILE_MAX_ALIGN, 2 * FILE_MAX_ALIGN);
    if (buf && !req_align) {
        for (uint32_t a = 512; a <= FILE_MAX_ALIGN; a *= 2) {
            if (file_probe_read(fd, buf, a, &conclusive) && conclusive) {
                req_align = a;
                break;
            }
        }
    }
    if (!req_align) {
        req_align = FILE_MAX_ALIGN;
    }
    if (buf && !mem_align) {
        for (uint32_t a = 1; a <= FILE_MAX_ALIGN; a *= 2) {
            if (file_probe_read(fd, buf + a, req_align, &conclusive) &&
                conclusive) {
                mem_align = a;
                break;
            }
        }
    }
    free(buf);
    if (!mem_align) {
        mem_align = FILE_MAX_ALIGN;
    }
    bl->request_alignment = req_align;
    /* The kernel also wants every iovec length to be a whole number of
     * logical blocks, and the generic layer applies min_mem_alignment to
     * lengths as well as addresses. */
    bl->min_mem_alignment = mem_align > req_align ? mem_align : req_align;
}

/* ---- open and close -------------------------------------------------------- */

static bool file_parse_options(BlockOpts *opts, const char **filename,
                               const FileAioOps **aio, bool *direct,
                               Error **errp)
{
    const char *aio_name;

    *filename = block_opts_get(opts, "filename");
    if (!*filename || !**filename) {
        error_setg(errp, "driver 'file': option 'filename' is required");
        return false;
    }
    aio_name = block_opts_get(opts, "aio");
    *aio = file_aio_find(aio_name ? aio_name : "threads");
    if (!*aio) {
        error_setg(errp, "driver 'file': aio '%s' is unknown (accepted: "
                   "threads, native, io_uring)", aio_name);
        return false;
    }
    if (!block_opts_get_bool(opts, "cache.direct", false, direct, errp)) {
        error_prepend(errp, "driver 'file': ");
        return false;
    }
    if (!(*aio)->available(errp)) {
        error_prepend(errp, "driver 'file': ");
        return false;
    }
    return true;
}

static int file_open(BlockDriverState *bs, BlockOpts *opts, Error **errp)
{
    BDRVFileState *s = bs->opaque;
    const char *filename;
    struct stat st;
    int flags;

    GLOBAL_STATE_CODE();
    if (!file_parse_options(opts, &filename, &s->aio, &s->direct, errp)) {
        return -EINVAL;
    }
    flags = (bs->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC |
            (s->direct ? O_DIRECT : 0);
    s->fd = open(filename, flags);
    if (s->fd < 0) {
        int err = errno;

        error_setg_errno(errp, err, "driver 'file': filename '%s'%s", filename,
                         s->direct && err == EINVAL ?
                         " (cache.direct=on unsupported here?)" : "");
        return -err;
    }
    if (fstat(s->fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
        error_setg(errp, "driver 'file': filename '%s' is not a regular file "
                   "or block device", filename);
        close(s->fd);
        return -EINVAL;
    }
    if (s->direct) {
        file_probe_alignment(s->fd, S_ISBLK(st.st_mode), &bs->bl);
    } else {
        bs->bl.request_alignment = 1;
        bs->bl.min_mem_alignment = 1;
    }
    bs->bl.max_transfer = 0;
    file_nodes_open++;
    return 0;
}

static void file_close(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;

    GLOBAL_STATE_CODE();
    close(s->fd);
    s->fd = -1;
    /* Other threads free theirs when they exit (file-aio.h). */
    if (--file_nodes_open == 0) {
        file_aio_io_uring.thread_release();
        file_aio_native.thread_release();
    }
}

/* ---- read and write ---------------------------------------------------------- */

/* A thread without an AioContext has no event loop to complete in: do the
 * system call right here (it blocks the thread, which has nothing else to
 * run). */
static int64_t file_rw_sync(int fd, int64_t offset, QEMUIOVector *qiov,
                            bool write)
{
    int niov = qiov->niov < IOV_MAX ? qiov->niov : IOV_MAX;
    ssize_t n = write ? pwritev(fd, qiov->iov, niov, offset)
                      : preadv(fd, qiov->iov, niov, offset);

    return n < 0 ? -errno : n;
}

/* One kernel operation over [@done, @bytes) of @qiov. */
static int64_t coroutine_fn file_co_rw_once(BDRVFileState *s, int64_t offset,
                                            int64_t bytes, QEMUIOVector *qiov,
                                            int64_t done, bool write)
{
    QEMUIOVector part;
    QEMUIOVector *v = qiov;
    int64_t ret;

    if (done || (int64_t)qiov->size != bytes) {
        qemu_iovec_init(&part, qiov->niov);
        qemu_iovec_concat(&part, qiov, (size_t)done, (size_t)(bytes - done));
        v = &part;
    }
    if (qemu_get_current_aio_context()) {
        ret = s->aio->co_rw(s->fd, offset + done, v, write);
    } else {
        ret = file_rw_sync(s->fd, offset + done, v, write);
    }
    if (v == &part) {
        qemu_iovec_destroy(&part);
    }
    return ret;
}

static int coroutine_fn file_co_rw(BlockDriverState *bs, int64_t offset,
                                   int64_t bytes, QEMUIOVector *qiov,
                                   bool write)
{
    BDRVFileState *s = bs->opaque;
    int64_t done = 0;
    int retries = 0;

    while (done < bytes) {
        int64_t ret = file_co_rw_once(s, offset, bytes, qiov, done, write);

        if ((ret == -EINTR || ret == -EAGAIN) && ++retries < FILE_MAX_RETRIES) {
            continue;
        }
        if (ret < 0) {
            return (int)ret;
        }
        done += ret;
        if (ret > 0 && (!s->direct || done % bs->bl.request_alignment == 0)) {
            continue;
        }
        /* No progress, or an O_DIRECT transfer that stopped off alignment
         * (only at the end of the file): nothing more will come. */
        if (write) {
            return -EIO;
        }
        qemu_iovec_memset(qiov, (size_t)done, 0, (size_t)(bytes - done));
        return 0;
    }
    return 0;
}

static int coroutine_fn GRAPH_RDLOCK file_co_preadv(BlockDriverState *bs,
    int64_t offset, int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    IO_CODE();
    (void)flags;
    return file_co_rw(bs, offset, bytes, qiov, false);
}

static int coroutine_fn GRAPH_RDLOCK file_co_pwritev(BlockDriverState *bs,
    int64_t offset, int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    IO_CODE();
    (void)flags;
    return file_co_rw(bs, offset, bytes, qiov, true);
}

static int file_fdatasync(void *opaque)
{
    return fdatasync(*(int *)opaque) < 0 ? -errno : 0;
}

static int coroutine_fn GRAPH_RDLOCK file_co_flush(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;

    IO_CODE();
    if (!qemu_get_current_aio_context()) {
        return file_fdatasync(&s->fd);
    }
    return s->aio->co_flush(s->fd);
}

/* ---- zeroes, discard, length ------------------------------------------------ */

typedef struct FileFallocate {
    int fd;
    int mode;
    int64_t offset;
    int64_t bytes;
} FileFallocate;

/* Worker thread (or the caller without a context): one fallocate(). */
static int file_fallocate(void *opaque)
{
    FileFallocate *f = opaque;

    if (fallocate(f->fd, f->mode, f->offset, f->bytes) == 0) {
        return 0;
    }
    /* Not supported by this file system or device: let the caller fall back. */
    if (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL) {
        return -ENOTSUP;
    }
    return -errno;
}

static int coroutine_fn file_co_fallocate(BDRVFileState *s, int mode,
                                          int64_t offset, int64_t bytes)
{
    FileFallocate f = { .fd = s->fd, .mode = mode, .offset = offset,
                        .bytes = bytes };

    if (!qemu_get_current_aio_context()) {
        return file_fallocate(&f);
    }
    return file_aio_co_blocking(file_fallocate, &f);
}

static int coroutine_fn GRAPH_RDLOCK file_co_pwrite_zeroes(
    BlockDriverState *bs, int64_t offset, int64_t bytes,
    BdrvRequestFlags flags)
{
    IO_CODE();
    /* A punched hole reads as zeroes; ZERO_RANGE keeps the blocks allocated. */
    return file_co_fallocate(bs->opaque, (flags & BDRV_REQ_MAY_UNMAP) ?
                             FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE :
                             FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
                             offset, bytes);
}

static int coroutine_fn GRAPH_RDLOCK file_co_pdiscard(BlockDriverState *bs,
    int64_t offset, int64_t bytes)
{
    IO_CODE();
    return file_co_fallocate(bs->opaque,
                             FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                             offset, bytes);
}

/* lseek(SEEK_END) answers for regular files and block devices alike; the
 * driver only uses positional I/O, so moving the offset is harmless. */
static int64_t coroutine_fn GRAPH_RDLOCK file_co_getlength(BlockDriverState *bs)
{
    BDRVFileState *s = bs->opaque;
    off_t len;

    IO_CODE();
    len = lseek(s->fd, 0, SEEK_END);
    return len < 0 ? -errno : (int64_t)len;
}

const BlockDriver bdrv_file = {
    .format_name = "file",
    .instance_size = sizeof(BDRVFileState),
    .supported_zero_flags = BDRV_REQ_MAY_UNMAP,
    .bdrv_open = file_open,
    .bdrv_close = file_close,
    .bdrv_co_preadv = file_co_preadv,
    .bdrv_co_pwritev = file_co_pwritev,
    .bdrv_co_flush = file_co_flush,
    .bdrv_co_pwrite_zeroes = file_co_pwrite_zeroes,
    .bdrv_co_pdiscard = file_co_pdiscard,
    .bdrv_co_getlength = file_co_getlength,
};
