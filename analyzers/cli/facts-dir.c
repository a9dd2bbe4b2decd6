/*
 * facts-dir.c - `blkcheck check --facts DIR`: the facts the clang plugin
 * wrote during a build, instead of parsing
 *
 * Context: command line, one thread.
 *
 * The plugin (-fplugin-arg-blkcheck-facts-dir=DIR) saves each TU's facts
 * in the cache format (core/facts.c) as DIR/<source>-<hash>.facts.  Reading
 * them back gives the same graph a parse would, so the whole-program rules
 * run without a second parse of the tree.  A damaged or foreign file is an
 * input error naming it; an empty directory too.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static bool is_facts_file(const char *name)
{
    size_t n = strlen(name);

    return n > 6 && strcmp(name + n - 6, ".facts") == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int bc_facts_dir_load(const char *dir, BcTuFacts ***out, size_t *n, BcExtractStats *xs)
{
    DIR *d = opendir(dir);
    BC_VEC(char *) names = { 0 };
    struct dirent *e;
    int ret = 0;

    if (!d) {
        fprintf(stderr, "blkcheck: error: --facts %s: %s\n", dir, strerror(errno));
        return BC_EXIT_USAGE;
    }
    while ((e = readdir(d))) {
        if (is_facts_file(e->d_name)) {
            char *path = malloc(strlen(dir) + strlen(e->d_name) + 2);
            sprintf(path, "%s/%s", dir, e->d_name);
            bc_vec_push(&names, path);
        }
    }
    closedir(d);
    if (!names.n) {
        fprintf(stderr, "blkcheck: error: --facts %s: no .facts files (was the build "
                        "compiled with -fplugin-arg-blkcheck-facts-dir=%s?)\n", dir, dir);
        return BC_EXIT_USAGE;
    }
    /* Sorted: the same directory gives the same graph, whatever readdir says. */
    qsort(names.v, names.n, sizeof(*names.v), cmp_names);
    *out = calloc(names.n, sizeof(**out));
    *n = 0;
    for (size_t i = 0; i < names.n; i++) {
        int err = ret ? 0 : bc_facts_load(names.v[i], &(*out)[*n]);
        if (!ret && err) {
            fprintf(stderr, "blkcheck: error: --facts: %s: %s\n", names.v[i],
                    err == -EINVAL ? "not a facts file of this blkcheck version"
                                   : strerror(-err));
            ret = BC_EXIT_USAGE;
        } else if (!ret) {
            (*n)++;
        }
        free(names.v[i]);
    }
    bc_vec_free(&names);
    if (ret) {
        for (size_t i = 0; i < *n; i++) {
            bc_facts_free((*out)[i]);
        }
        free(*out);
        *out = NULL;
        *n = 0;
        return ret;
    }
    memset(xs, 0, sizeof(*xs));
    xs->total = xs->cached = (unsigned)*n;
    return 0;
}
