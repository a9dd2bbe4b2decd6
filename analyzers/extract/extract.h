/*
 * extract.h - the libclang front end: one compile command -> BcTuFacts
 *
 * Context: any worker thread of the pipeline (pipeline.h); each thread
 * parses with its own CXIndex.  Built as the module blkcheck-extract.so
 * (what blkcheck loads on the first cache miss) and as the static library
 * bc_extract (tests, bc-parse-bench).
 *
 * The front end knows no rules: it turns each translation unit into the fact
 * records of facts.h (symbols and declarations with labels, calls with lock
 * state and in-coroutine flag, address-taken references, lock events,
 * polling points, included files).  What counts as a lock function, guard,
 * polling point or in-coroutine test comes from the BcConfig.
 *
 * Slot keys.  Fields, global and local function-pointer variables are keyed
 * by their clang USR.  A function-pointer *parameter* is keyed as
 * "<function USR>@P@<index>" so that the prototype seen by a caller in one
 * TU and the definition in another name the same slot.
 */
#ifndef BC_EXTRACT_H
#define BC_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include "config.h"
#include "facts.h"
#include "pipeline.h"

/*
 * Read @build_dir/compile_commands.json through libclang's
 * CXCompilationDatabase.  A missing, unreadable or empty database is an
 * error.  Returns: 0, or -ENOENT / -EINVAL with a message in *@errmsg
 * (malloc'ed; caller frees).
 */
int bc_compdb_load(const char *build_dir, BcCompdb **out, char **errmsg);
/*
 * Parse one TU with @cxindex (a CXIndex owned by the calling thread) and
 * extract its facts.  Never NULL: a TU that libclang cannot parse gives
 * status BC_TU_FAILED, one with errors BC_TU_ERRORS and partial facts.
 */
BcTuFacts *bc_extract_tu(void *cxindex, const BcCompileCmd *cmd, const BcConfig *cfg);
/*
 * bc_extract_tu() with a CXIndex private to the calling thread (created on
 * first use, disposed when the thread exits): the parse callback for
 * bc_extract_all().
 */
BcTuFacts *bc_extract_parse(const BcCompileCmd *cmd, const BcConfig *cfg);
/*
 * bc_extract_parse() without the extraction: the same arguments and parse
 * flags, then only the diagnostics (status, first error); no records.  The
 * baseline of the analyzer benchmark (bc-parse-bench).
 */
BcTuFacts *bc_extract_parse_bare(const BcCompileCmd *cmd, const BcConfig *cfg);

/* The clang resource directory compiled in (for stddef.h & co). */
const char *bc_extract_resource_dir(void);

/* The module's one exported symbol (BC_EXTRACT_API_SYMBOL, pipeline.h). */
const BcExtractApi *bc_extract_module_api(void);

#endif
