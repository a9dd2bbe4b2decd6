/*
 * addr.c - functions whose address is stored somewhere
 *
 * Context: one TU, its worker thread.
 *
 * A call through a vtable field reaches whatever was stored in that field,
 * so each place that stores a function into a slot is a fact: designated
 * and positional initializers of struct fields (nested structs and arrays
 * included, `[i] = fn` array designators, array fields), assignments
 * `x->field = fn` / `var = fn`, initialized
 * function-pointer variables, and functions passed as arguments (the slot
 * is the callee's parameter when the callee is a known function).  A value
 * `c ? f : g` stores both.  Each function reference recorded here is
 * claimed, so calls.c can report the remaining ones as BC_ADDR_OTHER.
 */
#include <string.h>
#include "extract-int.h"

static void record(BcTu *t, CXCursor ref, CXCursor fn, const char *slot, BcAddrKind kind,
                   const char *context_usr)
{
    BcAddrTaken a = { 0 };

    a.func_usr = bc_cursor_usr(t, fn);
    bc_symbol_of(t, fn, a.func_usr);
    a.slot_usr = slot;
    a.context_usr = context_usr;
    a.kind = kind;
    a.loc = bc_cursor_loc(t, ref);
    bc_vec_push(&t->f->addrs, a);
    bc_claim(t, ref);
}

static enum CXChildVisitResult collect_children(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    CXCursor *v = d;
    for (int i = 0; i < 3; i++) {
        if (clang_Cursor_isNull(v[i])) {
            v[i] = c;
            break;
        }
    }
    return CXChildVisit_Continue;
}

void bc_addr_store(BcTu *t, CXCursor value, const char *slot_key, BcAddrKind kind,
                   const char *context_usr)
{
    CXCursor v = bc_strip_expr(value);

    if (clang_getCursorKind(v) == CXCursor_ConditionalOperator) {
        CXCursor ch[3] = { clang_getNullCursor(), clang_getNullCursor(),
                           clang_getNullCursor() };
        clang_visitChildren(v, collect_children, ch);
        for (int i = 1; i < 3; i++) {
            if (!clang_Cursor_isNull(ch[i])) {
                bc_addr_store(t, ch[i], slot_key, kind, context_usr);
            }
        }
        return;
    }
    CXCursor fn = bc_expr_function(v);
    if (!clang_Cursor_isNull(fn)) {
        record(t, v, fn, slot_key, kind, context_usr);
    }
}

/* --- initializer lists -------------------------------------------------- */

typedef struct FieldList {
    BC_VEC(CXCursor) v;
} FieldList;

static enum CXVisitorResult add_field(CXCursor c, CXClientData d)
{
    FieldList *fl = d;
    bc_vec_push(&fl->v, c);
    return CXVisit_Continue;
}

typedef struct InitCtx {
    BcTu *t;
    FieldList fields;
    size_t pos;               /* next positional field */
    bool is_record;
    const char *array_slot;
    const char *context_usr;
} InitCtx;

/* Store @value into @field (a function pointer, or a nested aggregate).  A
 * function stored in a data field (`void *handler`) is stored in that slot
 * too: no call goes through it, so the function has callers no one sees
 * (BC010 suggests nothing for it), as for any slot without a label. */
static void init_field(InitCtx *ic, CXCursor field, CXCursor value)
{
    CXCursor v = bc_strip_expr(value);

    if (clang_Cursor_isNull(field)) {
        return;
    }
    if (clang_getCursorKind(v) == CXCursor_InitListExpr) {
        /* A nested struct, or an array field whose elements are the slot. */
        bc_addr_init_list(ic->t, v, bc_cursor_usr(ic->t, field), ic->context_usr);
    } else {
        bc_addr_store(ic->t, v, bc_cursor_usr(ic->t, field), BC_ADDR_INITIALIZER,
                      ic->context_usr);
    }
}

static size_t field_index(const InitCtx *ic, CXCursor field)
{
    for (size_t i = 0; i < ic->fields.v.n; i++) {
        if (clang_equalCursors(ic->fields.v.v[i], field)) {
            return i;
        }
    }
    return ic->fields.v.n;
}

/* `.field = value`: libclang shows a designated initializer as an
 * unexposed expression whose children are the MemberRef and the value. */
static bool init_designated(InitCtx *ic, CXCursor c)
{
    CXCursor ch[3] = { clang_getNullCursor(), clang_getNullCursor(), clang_getNullCursor() };

    clang_visitChildren(c, collect_children, ch);
    if (clang_getCursorKind(ch[0]) != CXCursor_MemberRef || clang_Cursor_isNull(ch[1])) {
        return false;
    }
    CXCursor field = clang_getCursorReferenced(ch[0]);
    /* `.a.b = x` has more designators; only the last one names the slot. */
    if (!clang_Cursor_isNull(ch[2])) {
        return true;
    }
    init_field(ic, field, ch[1]);
    ic->pos = field_index(ic, field) + 1;
    return true;
}

/* The value of array element @c: `[i] = value` (also `[i ... j]`, `[i][j]`)
 * is an unexposed expression whose children are the indexes, then the
 * value; an implicit conversion (the same kind) has one child. */
static CXCursor element_value(CXCursor c)
{
    CXCursor ch[3] = { clang_getNullCursor(), clang_getNullCursor(), clang_getNullCursor() };

    if (clang_getCursorKind(c) != CXCursor_UnexposedExpr) {
        return c;
    }
    clang_visitChildren(c, collect_children, ch);
    if (clang_Cursor_isNull(ch[1])) {
        return c;
    }
    return clang_Cursor_isNull(ch[2]) ? ch[1] : ch[2];
}

static enum CXChildVisitResult init_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    InitCtx *ic = d;

    (void)parent;
    if (clang_getCursorKind(c) == CXCursor_UnexposedExpr && init_designated(ic, c)) {
        return CXChildVisit_Continue;
    }
    if (!ic->is_record) {
        CXCursor v = bc_strip_expr(element_value(c));
        if (clang_getCursorKind(v) == CXCursor_InitListExpr) {
            bc_addr_init_list(ic->t, v, ic->array_slot, ic->context_usr);
        } else if (ic->array_slot) {
            bc_addr_store(ic->t, v, ic->array_slot, BC_ADDR_INITIALIZER, ic->context_usr);
        }
        return CXChildVisit_Continue;
    }
    CXCursor field = ic->pos < ic->fields.v.n ? ic->fields.v.v[ic->pos] : clang_getNullCursor();
    init_field(ic, field, c);
    ic->pos++;
    return CXChildVisit_Continue;
}

void bc_addr_init_list(BcTu *t, CXCursor list, const char *array_slot,
                       const char *context_usr)
{
    InitCtx ic = { .t = t, .context_usr = context_usr };
    CXType type = clang_getCanonicalType(clang_getCursorType(list));

    ic.is_record = type.kind == CXType_Record;
    if (ic.is_record) {
        clang_Type_visitFields(type, add_field, &ic.fields);
    } else {
        CXType elem = clang_getArrayElementType(type);
        ic.array_slot = bc_type_is_fnptr(elem) ? array_slot : NULL;
    }
    clang_visitChildren(list, init_visit, &ic);
    bc_vec_free(&ic.fields.v);
}

/* --- arguments ---------------------------------------------------------- */

void bc_addr_call_args(BcTu *t, CXCursor call, CXCursor callee, const char *context_usr)
{
    int n = clang_Cursor_getNumArguments(call);
    bool known = !clang_Cursor_isNull(callee);

    for (int i = 0; i < n; i++) {
        CXCursor arg = bc_strip_expr(clang_Cursor_getArgument(call, i));
        CXCursor fn = bc_expr_function(arg);
        if (clang_Cursor_isNull(fn)) {
            continue;
        }
        const char *slot = NULL;
        if (known && i < clang_Cursor_getNumArguments(callee)) {
            slot = bc_param_key(t, callee, i);
            bc_symbol_note(t, slot, bc_cursor_name(t, clang_Cursor_getArgument(callee, i)),
                           NULL, BC_SYM_PARAM, false);
        }
        record(t, arg, fn, slot, BC_ADDR_ARGUMENT, context_usr);
    }
}
