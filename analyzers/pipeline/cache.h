/*
 * cache.h - per-TU facts on disk
 *
 * Context: any worker thread may look up and store at once (the content
 * hash memo is locked); open and close from one thread.
 *
 * An entry is keyed by a hash of the compile command (arguments and
 * directory), the extractor version and the parts of the config that change
 * extraction.  Beside the facts (bc_facts_save) it stores the list of files
 * the TU included with their content hashes; a lookup rehashes them, so an
 * unchanged tree is not parsed again and touching a header reparses exactly
 * the TUs that include it.
 */
#ifndef BC_CACHE_H
#define BC_CACHE_H

#include "config.h"
#include "pipeline.h"
#include "facts.h"

typedef struct BcCache BcCache;

/*
 * Open (creating it) the cache directory @dir.  Returns: the cache, or NULL
 * with a warning in *@warning (malloc'ed) when the directory is unusable:
 * the run continues uncached.
 */
BcCache *bc_cache_open(const char *dir, const BcConfig *cfg, char **warning);
void bc_cache_close(BcCache *c);
/*
 * Default directory for @build_dir: BUILD_DIR/.blkcheck-cache when it is
 * writable, else $XDG_CACHE_HOME (or ~/.cache)/blkcheck/<hash of BUILD_DIR>.
 * Returns: malloc'ed path.
 */
char *bc_cache_default_dir(const char *build_dir);

/* Facts of @cmd if every file it included is unchanged, else NULL. */
BcTuFacts *bc_cache_lookup(BcCache *c, const BcCompileCmd *cmd);
/* Store @f (only status BC_TU_OK facts are stored).  Errors are ignored. */
void bc_cache_store(BcCache *c, const BcCompileCmd *cmd, const BcTuFacts *f);

#endif
