/*
 * file.c - a whole file into memory (file.h)
 */
#include "file.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

char *bc_read_file(const char *path, size_t *len, int *err)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    int e = 0;

    if (!fp) {
        e = -errno;
        goto out;
    }
    do {
        if (n + 1 >= cap) {
            cap = cap ? cap * 2 : 65536;
            buf = bc_xrealloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
    } while (got > 0);
    e = ferror(fp) ? -EIO : 0;
    fclose(fp);
    if (e) {
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = '\0';
    if (len) {
        *len = n;
    }
out:
    if (err) {
        *err = e;
    }
    return buf;
}
