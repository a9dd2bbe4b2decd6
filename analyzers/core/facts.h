/*
 * facts.h - what one translation unit says about functions, calls and locks
 *
 * Context: plain data.  Produced by a front end (analyzers/extract/ with
 * libclang, or the clang plugin), consumed by graph.c.  One BcTuFacts per TU,
 * owned by one thread until it is handed to the graph builder.  All strings
 * and arrays live in the TU's arena (facts->arena) and die with it.
 *
 * The front end knows no rules and the rules know no front end: everything a
 * rule needs must be here, as a record with a position.
 *
 * Symbols.  Every function and every function-pointer *slot* (a struct field,
 * global/static variable or parameter of function-pointer type) that the TU
 * mentions is a BcSymbol, keyed by its clang USR.  USRs make two `static`
 * functions with one name in two files two symbols, and make a header's
 * declaration and the source's definition one.  Each place that declares a
 * symbol is one BcDecl with the labels written *there*, so BC008 can compare
 * declaration with definition; the graph unions them.
 *
 * Labels are the raw strings found on a declaration: annotate("...")
 * strings; the graph-lock meaning of clang thread-safety attributes that name
 * the configured graph-lock capability (front ends emit "graph_rdlock" for
 * requires_shared_capability(graph_lock), "graph_wrlock" for
 * requires_capability(graph_lock), "graph_unlocked" for
 * locks_excluded(graph_lock)); and "code_class:..." when the body opens with
 * GLOBAL_STATE_CODE() / IO_CODE() / IO_OR_GS_CODE().  config.c maps aliases
 * (QEMU spellings) to the canonical names of annotations.h.
 *
 * Calls.  Every call expression in a function body is a BcCall: to a
 * function (direct), or through a slot (field, variable, parameter), or
 * through an expression the front end cannot name (unknown).  Each call
 * records the graph-lock state at that point over the function's control
 * flow (flow.h): held on every path (lock_state) and on some path
 * (lock_may), from explicit acquire/release calls, cleanup guards and the
 * caller's lock (BC_LOCK_CALLER: still held unless the function released
 * it); whether it runs only in coroutine context (reached through the true
 * edge of a qemu_in_coroutine() test, configurable); and the macro it was
 * expanded from, if any.  Polling points (a call to a polling function, or an
 * expansion of a polling macro such as AIO_WAIT_WHILE) are BcPoll records.
 *
 * Address-taken references (BcAddrTaken) connect functions to slots: a
 * designated initializer `.bdrv_co_preadv = null_co_preadv`, an assignment
 * `drv->cb = fn`, a function passed as an argument (slot = the callee's
 * parameter when known).  With them the graph can follow calls through
 * vtables.
 *
 * Positions are file:line:col with the file as the front end spelled it
 * (absolute after compile_commands.json's directory is applied); columns are
 * 1-based bytes like clang's.  Macro arguments are located at their spelling,
 * macro bodies at the expansion site.
 */
#ifndef BC_FACTS_H
#define BC_FACTS_H

#include <stdbool.h>
#include <stdint.h>
#include "arena.h"
#include "vec.h"

typedef struct BcLoc {
    const char *file;      /* NULL: unknown */
    uint32_t line, col;
} BcLoc;

typedef enum BcSymbolKind {
    BC_SYM_FUNCTION,
    BC_SYM_FIELD,          /* function-pointer struct/union field */
    BC_SYM_VARIABLE,       /* function-pointer global, static or local */
    BC_SYM_PARAM,          /* function-pointer parameter */
} BcSymbolKind;

/* One place that declares a symbol, with the labels written there. */
typedef struct BcDecl {
    const char *usr;
    BcLoc loc;             /* the name in the declaration */
    bool is_definition;    /* function with a body / slot definition */
    const char **labels;   /* raw label strings, no duplicates */
    uint32_t n_labels;
} BcDecl;

typedef struct BcSymbol {
    const char *usr;
    const char *name;      /* function name, or field/variable name */
    const char *qual_name; /* "BlockDriver::bdrv_co_preadv" for fields, else name */
    BcSymbolKind kind;
    bool is_static;        /* internal linkage (functions, variables) */
    bool has_body_here;    /* this TU defines the function */
} BcSymbol;

/* Lock state at a point, as bits. */
enum {
    BC_LOCK_RD       = 1u << 0,   /* graph reader lock held (explicit call) */
    BC_LOCK_WR       = 1u << 1,   /* graph writer lock held */
    BC_LOCK_RD_GUARD = 1u << 2,   /* reader lock held by a cleanup guard */
    BC_LOCK_CALLER   = 1u << 3,   /* the caller's lock (GRAPH_RDLOCK/WRLOCK
                                   * function) not released here */
    /* Combined, for every-path facts (a join of "re-took the lock" and
     * "never dropped it" is still locked): */
    BC_LOCK_ANY      = 1u << 4,   /* RD, WR or RD_GUARD */
    BC_LOCK_ANY_OR_CALLER = 1u << 5,  /* ... or CALLER */
    BC_LOCK_WR_OR_CALLER  = 1u << 6,  /* WR or CALLER */
    BC_LOCK_ALL           = (1u << 7) - 1,
};

/* The combined bits of a single path's per-lock bits (for facts built by
 * hand, one path at a time). */
static inline uint32_t bc_lock_one_path(uint32_t b)
{
    if (b & (BC_LOCK_RD | BC_LOCK_WR | BC_LOCK_RD_GUARD)) {
        b |= BC_LOCK_ANY;
    }
    if (b & (BC_LOCK_ANY | BC_LOCK_CALLER)) {
        b |= BC_LOCK_ANY_OR_CALLER;
    }
    if (b & (BC_LOCK_WR | BC_LOCK_CALLER)) {
        b |= BC_LOCK_WR_OR_CALLER;
    }
    return b;
}

typedef enum BcCallKind {
    BC_CALL_DIRECT,        /* callee_usr is a function */
    BC_CALL_SLOT,          /* callee_usr is a field/variable/param slot */
    BC_CALL_UNKNOWN,       /* computed callee the front end cannot name */
} BcCallKind;

typedef struct BcCall {
    const char *caller_usr;
    const char *callee_usr;   /* NULL for BC_CALL_UNKNOWN */
    const char *callee_name;  /* as written, for messages */
    BcCallKind kind;
    BcLoc loc;                /* the call expression */
    uint32_t lock_state;      /* BC_LOCK_* bits held on every path to the call */
    uint32_t lock_may;        /* ... held on some path */
    bool in_coroutine_check;  /* only reached in coroutine context */
    const char *macro;        /* outermost macro the call came from, or NULL */
    uint32_t fresh_args;      /* bit i: argument i is a local assigned from a
                               * constructor call earlier in the caller */
    uint32_t zero_args;       /* bit i: argument i is the constant 0 / false */
} BcCall;

typedef enum BcAddrKind {
    BC_ADDR_INITIALIZER,      /* `.field = fn` or positional initializer */
    BC_ADDR_ASSIGNMENT,       /* `slot = fn` */
    BC_ADDR_ARGUMENT,         /* `f(fn)`: slot is the parameter, if known */
    BC_ADDR_OTHER,            /* address taken, destination unknown */
} BcAddrKind;

typedef struct BcAddrTaken {
    const char *func_usr;     /* the function whose address is taken */
    const char *slot_usr;     /* receiving slot, or NULL */
    const char *context_usr;  /* enclosing function, or NULL at file scope */
    BcAddrKind kind;
    BcLoc loc;                /* the initializer / assignment / argument */
} BcAddrTaken;

typedef enum BcLockOp {
    BC_LOCK_OP_RDLOCK, BC_LOCK_OP_RDUNLOCK,
    BC_LOCK_OP_WRLOCK, BC_LOCK_OP_WRUNLOCK,
    BC_LOCK_OP_GUARD,         /* scoped reader guard taken (released at scope end) */
} BcLockOp;

typedef struct BcLockEvent {
    const char *func_usr;
    BcLockOp op;
    BcLoc loc;
    uint32_t lock_state_before;   /* every path, as BcCall.lock_state */
    uint32_t lock_may_before;     /* some path */
} BcLockEvent;

typedef struct BcPoll {
    const char *func_usr;     /* function containing the polling point */
    const char *what;         /* "AIO_WAIT_WHILE", "aio_poll", ... */
    BcLoc loc;
    uint32_t lock_state;      /* as BcCall */
    uint32_t lock_may;
    bool in_coroutine_check;
} BcPoll;

typedef enum BcTuStatus {
    BC_TU_OK,
    BC_TU_ERRORS,             /* parsed with errors: facts are partial */
    BC_TU_FAILED,             /* could not be parsed at all */
} BcTuStatus;

typedef struct BcTuFacts {
    BcArena *arena;
    const char *main_file;
    BcTuStatus status;
    const char *error;        /* first error message when status != OK */

    /* Records (vectors: .v, .n); their strings live in the arena. */
    BC_VEC(BcSymbol) symbols;    /* unique by usr within the TU */
    BC_VEC(BcDecl) decls;
    BC_VEC(BcCall) calls;
    BC_VEC(BcAddrTaken) addrs;
    BC_VEC(BcLockEvent) locks;
    BC_VEC(BcPoll) polls;

    /* Every file the TU read (main file and headers), for the cache key. */
    BC_VEC(const char *) files;
} BcTuFacts;

/* New empty facts with their own arena. */
BcTuFacts *bc_facts_new(const char *main_file);
/* Free @f, its vectors and its arena.  NULL is a no-op. */
void bc_facts_free(BcTuFacts *f);

/* Front-end helpers, the same for every front end. */
/* Add @label (copied into @f's arena) to @d unless it is there already. */
void bc_facts_decl_add_label(BcTuFacts *f, BcDecl *d, const char *label);
/* Does one of @d's labels start with @prefix? */
bool bc_decl_has_label_prefix(const BcDecl *d, const char *prefix);

/*
 * Serialize @f to @path (atomically: temp file + rename) / read it back.
 * The format is private to the cache and versioned; a file of another
 * version or a damaged file reads as an error, never as facts.
 * Returns: 0 or -errno (-EINVAL for a bad file).
 */
int bc_facts_save(const BcTuFacts *f, const char *path);
int bc_facts_load(const char *path, BcTuFacts **out);

#endif
