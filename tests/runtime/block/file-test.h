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
#include "rt-skip.h"

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

/* Skip the case, naming the reason, when this machine cannot run @cfg:
 * the kernel refuses its back end, or the temp file system O_DIRECT.  After
 * this, a failure to open is a failure. */
static inline void file_config_require(const FileConfig *cfg, const char *dir)
{
    int err = 0;

    rt_require_aio(cfg->aio);
    if (cfg->direct && !rt_o_direct_works(dir, &err) && err == EINVAL) {
        rt_skip(RT_SKIP_O_DIRECT, "O_DIRECT on %s: %s", dir, strerror(err));
    }
}

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
