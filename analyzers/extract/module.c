/*
 * module.c - the entry point of blkcheck-extract.so
 *
 * Context: called once by the command after dlopen(), from any thread.
 *
 * The command dlopen()s this module only when it must parse (a cache miss)
 * or read compile_commands.json afresh; see extract.h.
 */
#include <stdio.h>
#include <pthread.h>
#include <clang-c/Index.h>
#include "extract.h"

static BcExtractApi api = {
    .version = BC_EXTRACT_API_VERSION,
    .compdb_load = bc_compdb_load,
    .parse = bc_extract_parse,
};
static char version[128];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void fill_version(void)
{
    CXString v = clang_getClangVersion();

    snprintf(version, sizeof(version), "%s", clang_getCString(v));
    clang_disposeString(v);
    api.clang_version = version;
}

__attribute__((visibility("default")))
const BcExtractApi *bc_extract_module_api(void)
{
    pthread_once(&once, fill_version);
    return &api;
}
