/*
 * file.h - a whole file into memory
 *
 * Context: any thread.  For the small text files blkcheck reads whole
 * (configuration, cached compile databases, response files).
 */
#ifndef BC_FILE_H
#define BC_FILE_H

#include <stddef.h>

/*
 * The contents of @path, NUL-terminated (malloc'ed; caller frees), with
 * their length in *@len.  Returns NULL with -errno in *@err (may be NULL)
 * when the file cannot be opened or read.
 */
char *bc_read_file(const char *path, size_t *len, int *err);

#endif
