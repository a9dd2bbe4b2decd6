/*
 * fix.c - apply BC010 fix-its to the source files
 *
 * Context: command line, one thread, after the rules ran.
 *
 * A fix-it inserts text before a file:line:col.  Per file we read the
 * contents, apply the insertions from the last position to the first (so
 * earlier offsets stay valid), drop duplicates, and replace the file
 * atomically (temp file + rename, mode kept).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "xalloc.h"

typedef struct Edit {
    const char *file;
    uint32_t line, col;
    const char *text;
} Edit;

static int cmp_edit(const void *a, const void *b)
{
    const Edit *x = a, *y = b;
    int c = strcmp(x->file, y->file);

    if (c) {
        return c;
    }
    if (x->line != y->line) {
        return x->line < y->line ? 1 : -1;    /* last position first */
    }
    if (x->col != y->col) {
        return x->col < y->col ? 1 : -1;
    }
    return strcmp(x->text, y->text);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* Byte offset of 1-based @line:@col in @buf, or -1. */
static long offset_of(const char *buf, size_t len, uint32_t line, uint32_t col)
{
    size_t off = 0;

    for (uint32_t l = 1; l < line; l++) {
        const char *nl = memchr(buf + off, '\n', len - off);
        if (!nl) {
            return -1;
        }
        off = (size_t)(nl - buf) + 1;
    }
    off += col - 1;
    return off <= len ? (long)off : -1;
}

static int write_file(const char *path, const char *buf, size_t len)
{
    char tmp[4096];
    struct stat st;
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.blkcheck-fix.%d", path, (int)getpid());
    f = fopen(tmp, "wb");
    if (!f) {
        return -errno;
    }
    if (fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        unlink(tmp);
        return -EIO;
    }
    if (stat(path, &st) == 0) {
        chmod(tmp, st.st_mode & 07777);
    }
    return rename(tmp, path) == 0 ? 0 : -errno;
}

/* Apply @n edits of one file (sorted last first).  Returns: applied or -errno. */
static int fix_file(const Edit *e, size_t n)
{
    size_t len, applied = 0;
    char *buf = read_all(e[0].file, &len);

    if (!buf) {
        return -errno;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && cmp_edit(&e[i - 1], &e[i]) == 0) {
            continue;
        }
        long off = offset_of(buf, len, e[i].line, e[i].col);
        size_t tl = strlen(e[i].text);
        char *nb = off < 0 ? NULL : malloc(len + tl + 1);
        if (!nb) {
            continue;
        }
        memcpy(nb, buf, (size_t)off);
        memcpy(nb + off, e[i].text, tl);
        memcpy(nb + off + tl, buf + off, len - (size_t)off);
        free(buf);
        buf = nb;
        len += tl;
        applied++;
    }
    int err = applied ? write_file(e[0].file, buf, len) : 0;
    free(buf);
    return err ? err : (int)applied;
}

int bc_fix_apply(const BcFindings *f)
{
    size_t n = 0, cap = 1;
    int total = 0;
    Edit *edits;

    /* A finding may carry several fix-its (BC010: definition and every
     * declaration); applying only some would create a BC008 mismatch. */
    for (size_t i = 0; i < f->v.n; i++) {
        cap += bc_finding_n_fixits(&f->v.v[i]);
    }
    edits = bc_xcalloc(cap, sizeof(*edits));
    for (size_t i = 0; i < f->v.n; i++) {
        for (uint32_t k = 0; k < bc_finding_n_fixits(&f->v.v[i]); k++) {
            const BcFixit *fx = &f->v.v[i].fixit[k];
            if (fx->loc.file && fx->insert) {
                edits[n++] = (Edit){ fx->loc.file, fx->loc.line, fx->loc.col, fx->insert };
            }
        }
    }
    qsort(edits, n, sizeof(*edits), cmp_edit);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(edits[j].file, edits[i].file) == 0) {
            j++;
        }
        int r = fix_file(&edits[i], j - i);
        if (r < 0) {
            fprintf(stderr, "blkcheck: error: --fix: %s: %s\n", edits[i].file, strerror(-r));
            total = total ? total : r;
        } else if (total >= 0) {
            total += r;
        }
        i = j;
    }
    free(edits);
    return total;
}
