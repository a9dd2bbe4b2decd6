/*
 * extract-int.h - private state shared by the extractor's passes
 *
 * Context: one BcTu per translation unit, used by the one worker thread
 * that parses it.
 *
 * Passes: tu.c parses and drives; symbols.c records declarations and
 * labels; body.c builds a function body's control-flow graph (core/flow.h)
 * and hands its leaves to calls.c, which records calls, lock events and
 * polling points as flow events; addr.c records address-taken functions;
 * macros.c indexes macro expansions (attribution, polling macros, guard
 * and code-class macros).
 */
#ifndef BC_EXTRACT_INT_H
#define BC_EXTRACT_INT_H

#include <clang-c/Index.h>
#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "facts.h"
#include "flow.h"
#include "strmap.h"
#include "vec.h"

typedef enum BcMacroRole {
    BC_MACRO_OTHER,
    BC_MACRO_POLL,
    BC_MACRO_GUARD,
    BC_MACRO_CODE_CLASS,
} BcMacroRole;

typedef struct BcMacroExp {
    const char *name;          /* in the TU arena */
    unsigned start, end;       /* file offsets of the expansion */
    BcLoc loc;
    BcMacroRole role;
    const char *label;         /* code-class label for BC_MACRO_CODE_CLASS */
} BcMacroExp;

/* Expansions of one file, in offset order. */
typedef struct BcMacroFile {
    CXFile file;
    BC_VEC(BcMacroExp) exps;
} BcMacroFile;

typedef struct BcFileName {
    CXFile file;
    const char *name;
} BcFileName;

typedef struct BcTu {
    CXTranslationUnit tu;
    BcTuFacts *f;
    const BcConfig *cfg;
    const char *dir;                 /* compile directory, for relative names */
    BC_VEC(BcMacroFile) macro_files;
    BC_VEC(BcFileName) names;        /* CXFile -> absolute path memo */
    struct BcStrMap *symbols;        /* usr -> index in f->symbols */
    struct BcStrMap *asserts;        /* callee usr -> bc_tsa_asserts() memo */
    struct BcStrMap *defs;           /* macro name -> definition index */
    BC_VEC(CXCursor) def_cursors;    /* macro definitions (non-system) */
    BC_VEC(CXCursor) claimed;        /* function references already recorded */
} BcTu;



/* --- cursor.c: small pure helpers --------------------------------------- */
/* USR / spelling of @c copied into the TU arena ("" when empty). */
const char *bc_cursor_usr(BcTu *t, CXCursor c);
const char *bc_cursor_name(BcTu *t, CXCursor c);
/* File position (macro args at spelling, bodies at expansion). */
BcLoc bc_cursor_loc(BcTu *t, CXCursor c);
BcLoc bc_location(BcTu *t, CXSourceLocation l);
/* Absolute path of @file, memoized per TU. */
const char *bc_file_name(BcTu *t, CXFile file);
/* Expansion file and offset of the start / end of @c's extent. */
void bc_cursor_offsets(CXCursor c, CXFile *file, unsigned *start, unsigned *end);
/* True if the type (after typedefs) is a pointer to a function. */
bool bc_type_is_fnptr(CXType t);
/* ... or an array (of arrays) of them: one slot for every element. */
bool bc_type_is_fnptr_slot(CXType t);
/* Strip implicit casts, parentheses and unary & / * from an expression. */
CXCursor bc_strip_expr(CXCursor c);
/* First / @n-th child of @c, or a null cursor. */
CXCursor bc_first_child(CXCursor c);
CXCursor bc_nth_child(CXCursor c, unsigned n);
/* The function a (stripped) expression names, or a null cursor. */
CXCursor bc_expr_function(CXCursor c);
/* The slot key of parameter @index of function @fn ("USR@P@N"). */
const char *bc_param_key(BcTu *t, CXCursor fn, int index);
/* The slot key of a slot declaration (field, variable, parameter). */
const char *bc_slot_key(BcTu *t, CXCursor decl);

/* --- symbols.c ---------------------------------------------------------- */
/* Ensure a symbol @usr exists (first caller's name and kind win). */
BcSymbol *bc_symbol_note(BcTu *t, const char *usr, const char *name, const char *qual,
                         BcSymbolKind kind, bool is_static);
/* Ensure the symbol of function or slot declaration @decl exists. */
BcSymbol *bc_symbol_of(BcTu *t, CXCursor decl, const char *usr);
/* A variable declaration (global or local): slot symbol and initializer. */
void bc_var_extract(BcTu *t, CXCursor var, const char *context_usr);
/* Mark a function reference as recorded (not an "other" address-taken). */
void bc_claim(BcTu *t, CXCursor ref);
bool bc_claimed(const BcTu *t, CXCursor ref);
/* Record the declaration @decl (function or slot) with its labels.  The
 * pointer is valid until the next declaration is recorded. */
BcDecl *bc_decl_record(BcTu *t, CXCursor decl, BcSymbolKind kind, const char *usr);
/* A function declared at block scope (`extern int co_wrapper f(void);` in a
 * body): its labels count like those of any other declaration. */
void bc_local_function_decl(BcTu *t, CXCursor fn);
/* Labels written on @decl: annotate strings and graph-lock TSA attributes. */
void bc_labels_collect(BcTu *t, CXCursor decl, BcDecl *d);
/*
 * Function @fn (not a null cursor) declared with a thread-safety
 * assert_shared_capability / assert_capability naming the graph lock
 * (QEMU's assume_graph_lock()):
 * after a call the lock counts as held.  Returns BC_FLOW_RDLOCK,
 * BC_FLOW_WRLOCK, or BC_FLOW_OBSERVE for neither.
 */
BcFlowOp bc_tsa_asserts(BcTu *t, CXCursor fn);
/* Walk the top-level declarations of the TU. */
void bc_symbols_walk_tu(BcTu *t);

/* --- macros.c ----------------------------------------------------------- */
/* Index the TU's macro expansions and definitions (non-system files). */
void bc_macros_index(BcTu *t);
void bc_macros_free(BcTu *t);
/* Expansions of @file, or NULL. */
const BcMacroFile *bc_macros_file(const BcTu *t, CXFile file);
/* The expansion starting at @offset of @file, or NULL. */
const BcMacroExp *bc_macros_at(const BcTu *t, CXFile file, unsigned offset);
/* Name of the macro @c was expanded from, or NULL. */
const char *bc_macros_attribute(const BcTu *t, CXCursor c);
/*
 * Whether the outermost expansion that produced @c (arguments included)
 * mentions identifier @ident, searching nested macro definitions.
 */
bool bc_macros_mention(BcTu *t, CXCursor c, const char *ident);

/* --- body.c: one function body ------------------------------------------ */
/* Record calls, lock events, polls and address-taken in the body of @fn,
 * whose definition is f->decls.v[@def] (code-class labels go there), with
 * lock state and in-coroutine context solved over its control flow. */
void bc_body_extract(BcTu *t, CXCursor fn, size_t def);

/* The body being extracted (body.c owns it; calls.c adds to it). */
typedef struct BcBody BcBody;
/* Record an event in the current block; @kind says which facts vector
 * @index points into (the solved state is written back there). */
typedef enum BcBodyRec { BC_REC_CALL, BC_REC_LOCK, BC_REC_POLL } BcBodyRec;
void bc_body_event(BcBody *b, BcFlowOp op, BcBodyRec kind, size_t index);
/* A scoped guard taken in the innermost scope (released when it ends). */
void bc_body_take_guard(BcBody *b, BcLoc loc);
/* An effect with no record behind it (an asserted lock). */
void bc_body_effect(BcBody *b, BcFlowOp op);
/* The current point is unreachable from now on (a noreturn call). */
void bc_body_dead_end(BcBody *b);
BcTu *bc_body_tu(const BcBody *b);
const char *bc_body_usr(const BcBody *b);
/* Is @var a local assigned from a call earlier in the body (a new object)? */
bool bc_body_is_fresh(const BcBody *b, CXCursor var);
/* Inside the first statement of the body (where code-class macros sit). */
bool bc_body_in_first_statement(const BcBody *b);
size_t bc_body_def(const BcBody *b);

/* --- calls.c: the leaves of a body --------------------------------------- */
/* Call expression @call: record the call (direct, slot or unknown), its
 * lock effect and polling point as events after its arguments. */
void bc_call_begin(BcBody *b, CXCursor call, size_t *rec);
void bc_call_end(BcBody *b, CXCursor call, size_t rec);
/* Polling point @what at @loc (a polling macro's expansion). */
void bc_call_poll(BcBody *b, const char *what, BcLoc loc);
/* `slot = fn` binary operator @op. */
void bc_call_assignment(BcBody *b, CXCursor op);
/* A function named outside a call: its address escapes. */
void bc_call_function_ref(BcBody *b, CXCursor ref);
/* The in-coroutine test: a call to a configured in-coroutine function. */
bool bc_call_is_in_coroutine_test(BcBody *b, CXCursor expr);

/* --- addr.c ------------------------------------------------------------- */
/* Initializer list @list: record functions stored in its fields/elements;
 * @array_slot receives the elements of a function-pointer array. */
void bc_addr_init_list(BcTu *t, CXCursor list, const char *array_slot,
                       const char *context_usr);
/* `slot = value` / `T (*slot)(..) = value` with @slot_key the receiving slot. */
void bc_addr_store(BcTu *t, CXCursor value, const char *slot_key, BcAddrKind kind,
                   const char *context_usr);
/* Arguments of call @call: functions passed to @callee (may be null). */
void bc_addr_call_args(BcTu *t, CXCursor call, CXCursor callee, const char *context_usr);

#endif

