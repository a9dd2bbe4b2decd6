/*
 * qemu/iov.h - scatter/gather I/O vectors
 *
 * QEMUIOVector is a growable array of struct iovec plus the total size.
 * A vector that wraps a single caller buffer needs no allocation
 * (qemu_iovec_init_buf()); one built up with qemu_iovec_add() owns its
 * array and is freed with qemu_iovec_destroy().  The data buffers are never
 * owned.  Context: any thread; a vector is not shared while being built.
 */
#ifndef QEMU_IOV_H
#define QEMU_IOV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

typedef struct QEMUIOVector {
    struct iovec *iov;
    int niov;
    int nalloc;          /* -1: iov points at local_iov, nothing to free */
    size_t size;         /* sum of iov[i].iov_len */
    struct iovec local_iov;
} QEMUIOVector;

/* A vector of one element over @buf[0..@len). */
void qemu_iovec_init_buf(QEMUIOVector *qiov, void *buf, size_t len);

/* An empty vector with room for @alloc_hint elements. */
void qemu_iovec_init(QEMUIOVector *qiov, int alloc_hint);

/* Append @base[0..@len). */
void qemu_iovec_add(QEMUIOVector *qiov, void *base, size_t len);

/* Append the bytes [@offset, @offset+@bytes) of @src (by reference). */
void qemu_iovec_concat(QEMUIOVector *dst, const QEMUIOVector *src,
                       size_t offset, size_t bytes);

/* Free what qemu_iovec_init()/add() allocated. */
void qemu_iovec_destroy(QEMUIOVector *qiov);

/* Copy out of / into the vector starting at byte @offset.
 * Returns: bytes copied (short when the vector ends first). */
size_t qemu_iovec_to_buf(const QEMUIOVector *qiov, size_t offset,
                         void *buf, size_t bytes);
size_t qemu_iovec_from_buf(QEMUIOVector *qiov, size_t offset,
                           const void *buf, size_t bytes);

/* Set @bytes bytes from @offset to @c.  Returns: bytes set. */
size_t qemu_iovec_memset(QEMUIOVector *qiov, size_t offset, int c, size_t bytes);

/* Returns: true when every base and length is a multiple of @align. */
int qemu_iovec_is_aligned(const QEMUIOVector *qiov, size_t align);

#endif /* QEMU_IOV_H */
