/*
 * iov.c - QEMUIOVector: building vectors and copying in and out of them.
 */
#include <stdlib.h>
#include <string.h>

#include "qemu/iov.h"

void qemu_iovec_init_buf(QEMUIOVector *qiov, void *buf, size_t len)
{
    qiov->local_iov.iov_base = buf;
    qiov->local_iov.iov_len = len;
    qiov->iov = &qiov->local_iov;
    qiov->niov = 1;
    qiov->nalloc = -1;
    qiov->size = len;
}

void qemu_iovec_init(QEMUIOVector *qiov, int alloc_hint)
{
    if (alloc_hint < 1) {
        alloc_hint = 1;
    }
    qiov->iov = malloc(sizeof(struct iovec) * (size_t)alloc_hint);
    if (!qiov->iov) {
        abort();
    }
    qiov->niov = 0;
    qiov->nalloc = alloc_hint;
    qiov->size = 0;
}

void qemu_iovec_add(QEMUIOVector *qiov, void *base, size_t len)
{
    if (qiov->nalloc < 0) {
        /* A wrapped buffer becomes an owned array on first growth. */
        struct iovec first = qiov->local_iov;

        qemu_iovec_init(qiov, 4);
        qiov->iov[0] = first;
        qiov->niov = 1;
        qiov->size = first.iov_len;
    }
    if (qiov->niov == qiov->nalloc) {
        qiov->nalloc *= 2;
        qiov->iov = realloc(qiov->iov, sizeof(struct iovec) * (size_t)qiov->nalloc);
        if (!qiov->iov) {
            abort();
        }
    }
    qiov->iov[qiov->niov].iov_base = base;
    qiov->iov[qiov->niov].iov_len = len;
    qiov->niov++;
    qiov->size += len;
}

void qemu_iovec_concat(QEMUIOVector *dst, const QEMUIOVector *src,
                       size_t offset, size_t bytes)
{
    for (int i = 0; i < src->niov && bytes > 0; i++) {
        size_t len = src->iov[i].iov_len;

        if (offset >= len) {
            offset -= len;
            continue;
        }
        len -= offset;
        if (len > bytes) {
            len = bytes;
        }
        qemu_iovec_add(dst, (char *)src->iov[i].iov_base + offset, len);
        bytes -= len;
        offset = 0;
    }
}

void qemu_iovec_destroy(QEMUIOVector *qiov)
{
    if (qiov->nalloc > 0) {
        free(qiov->iov);
    }
    qiov->iov = NULL;
    qiov->niov = 0;
    qiov->nalloc = 0;
    qiov->size = 0;
}

/* Walk [offset, offset+bytes) of @qiov, calling @fn on each piece. */
static size_t iov_walk(const QEMUIOVector *qiov, size_t offset, size_t bytes,
                       void (*fn)(void *iov_part, size_t len, size_t done,
                                  void *arg),
                       void *arg)
{
    size_t done = 0;

    for (int i = 0; i < qiov->niov && done < bytes; i++) {
        size_t len = qiov->iov[i].iov_len;

        if (offset >= len) {
            offset -= len;
            continue;
        }
        len -= offset;
        if (len > bytes - done) {
            len = bytes - done;
        }
        fn((char *)qiov->iov[i].iov_base + offset, len, done, arg);
        done += len;
        offset = 0;
    }
    return done;
}

static void copy_out(void *part, size_t len, size_t done, void *buf)
{
    memcpy((char *)buf + done, part, len);
}

static void copy_in(void *part, size_t len, size_t done, void *buf)
{
    memcpy(part, (const char *)buf + done, len);
}

static void fill(void *part, size_t len, size_t done, void *c)
{
    (void)done;
    memset(part, *(int *)c, len);
}

size_t qemu_iovec_to_buf(const QEMUIOVector *qiov, size_t offset,
                         void *buf, size_t bytes)
{
    return iov_walk(qiov, offset, bytes, copy_out, buf);
}

size_t qemu_iovec_from_buf(QEMUIOVector *qiov, size_t offset,
                           const void *buf, size_t bytes)
{
    return iov_walk(qiov, offset, bytes, copy_in, (void *)buf);
}

size_t qemu_iovec_memset(QEMUIOVector *qiov, size_t offset, int c, size_t bytes)
{
    return iov_walk(qiov, offset, bytes, fill, &c);
}

int qemu_iovec_is_aligned(const QEMUIOVector *qiov, size_t align)
{
    for (int i = 0; i < qiov->niov; i++) {
        if ((uintptr_t)qiov->iov[i].iov_base % align ||
            qiov->iov[i].iov_len % align) {
            return 0;
        }
    }
    return 1;
}
