/*
 * config.c - the built-in configuration and the lookups rules use
 *
 * The defaults are the spellings of annotations.h and the mqblk runtime.
 * Loading .blkcheck.json over them is config-load.c.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "labels.h"
#include "xalloc.h"

static const char *const default_polling_functions[] = { "aio_poll" };
static const char *const default_polling_macros[] = {
    "AIO_WAIT_WHILE", "AIO_WAIT_WHILE_UNLOCKED",
};
static const char *const default_rdlock[] = {
    "bdrv_graph_co_rdlock", "bdrv_graph_rdlock_main_loop",
};
static const char *const default_rdunlock[] = {
    "bdrv_graph_co_rdunlock", "bdrv_graph_rdunlock_main_loop",
};
static const char *const default_wrlock[] = { "bdrv_graph_wrlock" };
static const char *const default_wrunlock[] = { "bdrv_graph_wrunlock" };
static const char *const default_guard_macros[] = {
    "GRAPH_RDLOCK_GUARD", "WITH_GRAPH_RDLOCK_GUARD",
};
static const char *const default_guard_functions[] = { "bdrv_graph_rdlock_guard_take" };
static const char *const default_in_coroutine[] = { "qemu_in_coroutine" };
static const char *const default_repeat[] = {
    "coroutine_fn", "coroutine_mixed_fn", "no_coroutine_fn",
    "graph_rdlock", "graph_wrlock", "graph_unlocked",
};
static const BcNamePair default_code_classes[] = {
    { "GLOBAL_STATE_CODE", "code_class:global_state" },
    { "IO_CODE", "code_class:io" },
    { "IO_OR_GS_CODE", "code_class:io_or_gs" },
};

#define N_(a) (sizeof(a) / sizeof((a)[0]))

/* Fill a string vector from a static list (strings stay static). */
#define FILL(vec, list) do { \
        for (size_t i_ = 0; i_ < N_(list); i_++) { \
            bc_vec_push(&(vec), (list)[i_]); \
        } \
    } while (0)

BcConfig *bc_config_default(void)
{
    BcConfig *c = bc_xcalloc(1, sizeof(*c));

    c->arena = bc_arena_new();
    FILL(c->polling_functions, default_polling_functions);
    FILL(c->polling_macros, default_polling_macros);
    c->graph_lock_capability = "graph_lock";
    FILL(c->rdlock_functions, default_rdlock);
    FILL(c->rdunlock_functions, default_rdunlock);
    FILL(c->wrlock_functions, default_wrlock);
    FILL(c->wrunlock_functions, default_wrunlock);
    FILL(c->guard_macros, default_guard_macros);
    FILL(c->guard_functions, default_guard_functions);
    FILL(c->in_coroutine_functions, default_in_coroutine);
    FILL(c->code_class_macros, default_code_classes);
    FILL(c->repeat_on_definition, default_repeat);
    c->weaker_function_in_slot = true;
    c->wrapper_definitions_labelled = true;
    c->mixed_wrappers_no_coroutine = true;
    return c;
}

void bc_config_free(BcConfig *c)
{
    if (!c) {
        return;
    }
    bc_vec_free(&c->label_aliases);
    bc_vec_free(&c->external_labels);
    bc_vec_free(&c->polling_functions);
    bc_vec_free(&c->polling_macros);
    bc_vec_free(&c->rdlock_functions);
    bc_vec_free(&c->rdunlock_functions);
    bc_vec_free(&c->wrlock_functions);
    bc_vec_free(&c->wrunlock_functions);
    bc_vec_free(&c->guard_macros);
    bc_vec_free(&c->guard_functions);
    bc_vec_free(&c->repeat_on_definition);
    bc_vec_foreach(&c->no_poll_when_fresh, r) {
        bc_vec_free(&r->constructors);
    }
    bc_vec_free(&c->no_poll_when_fresh);
    bc_vec_free(&c->no_poll_when_false);
    bc_vec_free(&c->in_coroutine_functions);
    bc_vec_free(&c->code_class_macros);
    bc_vec_free(&c->skip_paths);
    bc_vec_free(&c->severity);
    bc_arena_free(c->arena);
    free(c);
}

bool bc_config_name_in(const char *const *v, size_t n, const char *name)
{
    if (!name) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i], name) == 0) {
            return true;
        }
    }
    return false;
}

const char *bc_config_canonical_label(const BcConfig *c, const char *label)
{
    if (!c || !label) {
        return label;
    }
    /* Later entries win: a loaded file's aliases come after earlier ones. */
    for (size_t i = c->label_aliases.n; i-- > 0;) {
        if (strcmp(c->label_aliases.v[i].from, label) == 0) {
            return c->label_aliases.v[i].to;
        }
    }
    /* A marker's own name in any case: annotate("GRAPH_RDLOCK"). */
    int l = bc_label_from_name(label);
    return l >= 0 ? bc_label_name(l) : label;
}

bool bc_config_skip_path(const BcConfig *c, const char *path)
{
    if (!c || !path) {
        return false;
    }
    for (size_t i = 0; i < c->skip_paths.n; i++) {
        const char *pat = c->skip_paths.v[i];
        if (fnmatch(pat, path, 0) == 0) {
            return true;
        }
        /* Relative patterns match any tail of an absolute path. */
        for (const char *s = strchr(path, '/'); s && pat[0] != '/'; s = strchr(s + 1, '/')) {
            if (fnmatch(pat, s + 1, 0) == 0) {
                return true;
            }
        }
    }
    return false;
}

static const char *const severity_names[] = {
    [BC_SEV_OFF] = "off", [BC_SEV_NOTE] = "note",
    [BC_SEV_WARNING] = "warning", [BC_SEV_ERROR] = "error",
};

const char *bc_severity_name(BcSeverity s)
{
    return (unsigned)s <= BC_SEV_ERROR ? severity_names[s] : "?";
}

int bc_severity_parse(const char *s)
{
    for (int i = BC_SEV_OFF; i <= BC_SEV_ERROR; i++) {
        if (s && strcmp(s, severity_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

bool bc_config_repeat_on_definition(const BcConfig *c, const char *label)
{
    if (!c) {
        return true;
    }
    for (size_t i = 0; i < c->repeat_on_definition.n; i++) {
        if (strcmp(bc_config_canonical_label(c, c->repeat_on_definition.v[i]), label) == 0) {
            return true;
        }
    }
    return false;
}

static bool rule_matches(const BcFreshRule *v, size_t n, const char *fn, unsigned index)
{
    if (!fn || index >= 32) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].function, fn) == 0 && (v[i].args & (1u << index))) {
            return true;
        }
    }
    return false;
}

bool bc_config_no_poll_when_fresh(const BcConfig *c, const char *fn, unsigned index)
{
    return c && rule_matches(c->no_poll_when_fresh.v, c->no_poll_when_fresh.n, fn, index);
}

bool bc_config_no_poll_when_false(const BcConfig *c, const char *fn, unsigned index)
{
    return c && rule_matches(c->no_poll_when_false.v, c->no_poll_when_false.n, fn, index);
}

bool bc_config_is_constructor(const BcConfig *c, const char *fn)
{
    if (!c || !fn) {
        return false;
    }
    bc_vec_foreach_const(&c->no_poll_when_fresh, r) {
        if (bc_config_name_in(r->constructors.v, r->constructors.n, fn)) {
            return true;
        }
    }
    return false;
}

BcLockCall bc_config_lock_call(const BcConfig *c, const char *fn, const char *macro)
{
    if (!fn) {
        return BC_LOCK_CALL_NONE;
    }
    if (BC_CONFIG_HAS(c, rdlock_functions, fn)) {
        return BC_LOCK_CALL_RDLOCK;
    }
    if (BC_CONFIG_HAS(c, rdunlock_functions, fn)) {
        return BC_LOCK_CALL_RDUNLOCK;
    }
    if (BC_CONFIG_HAS(c, wrlock_functions, fn)) {
        return BC_LOCK_CALL_WRLOCK;
    }
    if (BC_CONFIG_HAS(c, wrunlock_functions, fn)) {
        return BC_LOCK_CALL_WRUNLOCK;
    }
    if (BC_CONFIG_HAS(c, guard_functions, fn) &&
        !(macro && BC_CONFIG_HAS(c, guard_macros, macro))) {
        return BC_LOCK_CALL_GUARD;
    }
    return BC_LOCK_CALL_NONE;
}

bool bc_config_is_guard_call(const BcConfig *c, const char *fn, const char *macro)
{
    return (fn && BC_CONFIG_HAS(c, guard_functions, fn)) ||
           (macro && BC_CONFIG_HAS(c, guard_macros, macro));
}

bool bc_config_call_polls(const BcConfig *c, const char *fn, const char *macro)
{
    return fn && BC_CONFIG_HAS(c, polling_functions, fn) &&
           !(macro && BC_CONFIG_HAS(c, polling_macros, macro));
}
