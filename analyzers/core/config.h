/*
 * config.h - .blkcheck.json: how a project spells the rules
 *
 * Context: loaded once by the command line (or the plugin), then read-only
 * and shared by every worker thread.
 *
 * The defaults match annotations.h and the mqblk runtime.  A project with
 * other spellings (QEMU: its own annotate strings, lock functions, macros)
 * maps them here; nothing in the analyzer hard-codes a function or macro
 * name that this file cannot change.  docs/blkcheck.md documents the JSON
 * keys; each field below names its key.
 */
#ifndef BC_CONFIG_H
#define BC_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include "arena.h"
#include "vec.h"

typedef enum BcSeverity {
    BC_SEV_OFF,             /* rule disabled */
    BC_SEV_NOTE,
    BC_SEV_WARNING,
    BC_SEV_ERROR,
} BcSeverity;

/* Severity name "error"/"warning"/"note"/"off"; parse back (-1 if unknown). */
const char *bc_severity_name(BcSeverity s);
int bc_severity_parse(const char *s);

/* "severity": one entry as written; rules.c resolves and checks the rule. */
typedef struct BcSeverityOverride {
    const char *rule;       /* id ("BC004", any case), name or number */
    BcSeverity severity;
    int line;               /* in the config file, for errors */
} BcSeverityOverride;

typedef struct BcNamePair {
    const char *from, *to;
} BcNamePair;

/* A function that does not poll when given a fresh object (conventions). */
typedef struct BcFreshRule {
    const char *function;
    uint32_t args;          /* bit i: argument i */
    BC_VEC(const char *) constructors;  /* calls that create such objects */
} BcFreshRule;

typedef struct BcConfig {
    BcArena *arena;

    /* "label_aliases": { "raw spelling": "canonical label" } */
    BC_VEC(BcNamePair) label_aliases;
    /* "external_labels": { "function name": ["label", ...] } as pairs */
    BC_VEC(BcNamePair) external_labels;

    /* "polling_functions": calls to these are polling points ("aio_poll") */
    BC_VEC(const char *) polling_functions;
    /* "polling_macros": expansions of these are polling points */
    BC_VEC(const char *) polling_macros;

    /* "graph_lock": { "capability", "rdlock", "rdunlock", "wrlock",
     *   "wrunlock", "guard_macros", "guard_functions" } */
    const char *graph_lock_capability;          /* "graph_lock" */
    BC_VEC(const char *) rdlock_functions;       /* bdrv_graph_co_rdlock, bdrv_graph_rdlock_main_loop */
    BC_VEC(const char *) rdunlock_functions;
    BC_VEC(const char *) wrlock_functions;       /* bdrv_graph_wrlock */
    BC_VEC(const char *) wrunlock_functions;
    BC_VEC(const char *) guard_macros;           /* GRAPH_RDLOCK_GUARD, WITH_GRAPH_RDLOCK_GUARD */
    BC_VEC(const char *) guard_functions;        /* bdrv_graph_rdlock_guard_take */

    /* "in_coroutine_functions": the in-coroutine test ("qemu_in_coroutine") */
    BC_VEC(const char *) in_coroutine_functions;
    /* "code_class_macros": { "GLOBAL_STATE_CODE": "code_class:global_state", ... } */
    BC_VEC(BcNamePair) code_class_macros;

    /* "skip_paths": glob patterns (fnmatch) of files not to analyze */
    BC_VEC(const char *) skip_paths;

    /* "conventions": how a project writes its labels.
     *   "repeat_on_definition": labels a definition must repeat from its
     *     declarations (BC008); others may live on the prototype alone, as
     *     clang merges attributes across redeclarations.  Default: all six
     *     compared labels.
     *   "weaker_function_in_slot": a function without a GRAPH_*_PTR slot's
     *     lock label stored in it is a finding (BC008).  Default: true.
     *   "mixed_wrappers_no_coroutine": coroutine code calling a
     *     co_wrapper_mixed* (or any function labelled no_coroutine_fn, mixed
     *     or not) is BC002.  Default: true.
     *   "no_poll_when_fresh": { "function": { "args": [index, ...],
     *     "constructors": [name, ...] } }: a call whose listed argument is a
     *     local assigned, earlier in the calling function, from a call to a
     *     constructor does not reach a polling point (BC004/BC005 paths do
     *     not go through it; QEMU: blk_unref() of a BlockBackend made by
     *     blk_new() there never had I/O throttling set up). */
    BC_VEC(const char *) repeat_on_definition;
    bool weaker_function_in_slot;
    /* "wrapper_definitions_labelled": a co_wrapper / no_co_wrapper
     *   definition (the generator's) repeats its declaration's labels; BC008
     *   compares it like any other.  Default true (mqblk's codegen does);
     *   QEMU's block-gen.c does not. */
    bool wrapper_definitions_labelled;
    /* "wrapper_polls_exempt": BC005 does not follow a call into a
     *   co_wrapper* function.  Its poll waits for the wrapped coroutine,
     *   which takes the reader lock itself; QEMU calls such wrappers from
     *   main-loop GRAPH_RDLOCK code, whose reader lock is only an assertion.
     *   Default false: in mqblk a caller must not hold the lock. */
    bool wrapper_polls_exempt;
    bool mixed_wrappers_no_coroutine;
    BC_VEC(BcFreshRule) no_poll_when_fresh;
    /* "no_poll_when_false": { "function": [index, ...] }: a call passing the
     *   constant 0/false as a listed argument does not reach a polling point
     *   (QEMU: bdrv_do_drained_begin(bs, parent, false) does not poll). */
    BC_VEC(BcFreshRule) no_poll_when_false;    /* constructors unused */

    const char *path;                            /* file it came from, or NULL */
    /* "severity": { "BC001": "error"|"warning"|"note"|"off" }, only what
     * the file overrides (later entries win); the defaults are the rule
     * table's.  The config knows no rules: bc_rules_check_config()
     * (rules.h) rejects names that are not rules. */
    BC_VEC(BcSeverityOverride) severity;
} BcConfig;

/* The built-in defaults (annotations.h spellings). */
BcConfig *bc_config_default(void);
/*
 * Load @path over the defaults.  Unknown keys and wrong types are errors.
 * Returns: 0, or -errno / -EINVAL with a message "FILE:LINE: what" in
 * *@errmsg (malloc'ed; caller frees).
 */
int bc_config_load(const char *path, BcConfig **out, char **errmsg);
void bc_config_free(BcConfig *c);

/* Helpers for front ends and rules. */
bool bc_config_name_in(const char *const *v, size_t n, const char *name);
/* Canonical label for raw @label (alias applied), or @label itself. */
const char *bc_config_canonical_label(const BcConfig *c, const char *label);

/* Returns: true when @path matches one of "skip_paths" (fnmatch; a relative
 * pattern also matches any tail of @path that starts after a '/'). */
bool bc_config_skip_path(const BcConfig *c, const char *path);
/* Must a definition repeat label @label (canonical) of its declarations? */
bool bc_config_repeat_on_definition(const BcConfig *c, const char *label);
/* Does a call to @fn whose argument @index is a fresh object not poll? */
bool bc_config_no_poll_when_fresh(const BcConfig *c, const char *fn, unsigned index);
/* Does a call to @fn passing 0/false as argument @index not poll? */
bool bc_config_no_poll_when_false(const BcConfig *c, const char *fn, unsigned index);
/* Is @fn a constructor of some no_poll_when_fresh rule? */
bool bc_config_is_constructor(const BcConfig *c, const char *fn);

/*
 * What a direct call to @fn does to the graph lock, seen inside an
 * expansion of macro @macro (NULL: none), for the front ends:
 */
typedef enum BcLockCall {
    BC_LOCK_CALL_NONE,
    BC_LOCK_CALL_RDLOCK, BC_LOCK_CALL_RDUNLOCK,
    BC_LOCK_CALL_WRLOCK, BC_LOCK_CALL_WRUNLOCK,
    BC_LOCK_CALL_GUARD,     /* takes a scoped guard (not inside a guard
                             * macro, whose expansion took it already) */
} BcLockCall;
BcLockCall bc_config_lock_call(const BcConfig *c, const char *fn, const char *macro);
/* Is the call a guard's (its function or its macro): it holds the lock for
 * a scope only, whatever the callee's TSA attributes assert. */
bool bc_config_is_guard_call(const BcConfig *c, const char *fn, const char *macro);
/* Is the call a polling point of its own (a polling function not inside a
 * polling macro, which is one polling point already)? */
bool bc_config_call_polls(const BcConfig *c, const char *fn, const char *macro);

#define BC_CONFIG_HAS(c, vecname, name) \
    bc_config_name_in((c)->vecname.v, (c)->vecname.n, (name))

#endif
