/*
 * file-test.h - the fixture shared by the file driver tests: a temp
 * directory holding one image file (`path`), and the six back-end
 * configurations every PER_CONFIG() case runs with.
 * Context: main loop (cmocka group set-up and the tests).
 */
#ifndef FILE_TEST_H
#define FILE_TEST_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "rt-test.h"

#define FILE_SIZE   (1024 * 1024)
#define ALIGN       4096

typedef struct FileConfig {
    const char *aio;
    bool direct;
} FileConfig;

static char tmpdir[] = "/tmp/mqblk-file-test-XXXXXX";
static char path[PATH_MAX];

static const FileConfig configs[] = {
    { "threads", false }, { "threads", true },
    { "native", false },  { "native", true },
    { "io_uring", false }, { "io_uring", true },
};

/* One case per configuration; the case reads its FileConfig from *state. */
#define PER_CONFIG(fn) \
    cmocka_unit_test_prestate(fn, (void *)&configs[0]), \
    cmocka_unit_test_prestate(fn, (void *)&configs[1]), \
    cmocka_unit_test_prestate(fn, (void *)&configs[2]), \
    cmocka_unit_test_prestate(fn, (void *)&configs[3]), \
    cmocka_unit_test_prestate(fn, (void *)&configs[4]), \
    cmocka_unit_test_prestate(fn, (void *)&configs[5])

static int file_group_setup(void **state)
{
    if (!mkdtemp(tmpdir)) {
        return -1;
    }
    snprintf(path, sizeof(path), "%s/disk.img", tmpdir);
    return rt_group_setup(state);
}

static int file_group_teardown(void **state)
{
    int ret = rt_group_teardown(state);

    unlink(path);
    rmdir(tmpdir);
    return ret;
}

#endif /* FILE_TEST_H */
