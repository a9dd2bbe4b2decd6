/*
 * walk.c - source-order traversal of a cursor tree with a frame stack
 *
 * Context: one TU, its worker thread.
 *
 * clang_visitChildren gives pre-order only.  Passes that track state through
 * a function body (lock scopes, in-coroutine branches) also need to know
 * when a statement ends and which child of its parent it is, so this walk
 * recurses itself, keeps a stack of frames and calls enter/leave around each
 * cursor.  It knows nothing about locks, calls or rules.
 */
#include "extract-int.h"

static enum CXChildVisitResult visit(CXCursor c, CXCursor parent, CXClientData data)
{
    BcWalk *w = data;
    BcFrame fr = { 0 };
    size_t depth;

    (void)parent;
    fr.c = c;
    fr.kind = clang_getCursorKind(c);
    if (w->stack.n) {
        fr.index = w->stack.v[w->stack.n - 1].n_children++;
    }
    bc_vec_push(&w->stack, fr);
    depth = w->stack.n;
    if (!w->enter || w->enter(w, &w->stack.v[depth - 1])) {
        clang_visitChildren(c, visit, w);
    }
    if (w->leave) {
        w->leave(w, &w->stack.v[depth - 1]);
    }
    w->stack.n = depth - 1;
    if (w->stack.n) {
        w->stack.v[w->stack.n - 1].last_child = fr.kind;
    }
    return CXChildVisit_Continue;
}

void bc_walk(BcWalk *w, CXCursor root)
{
    BcFrame fr = { 0 };

    fr.c = root;
    fr.kind = clang_getCursorKind(root);
    w->stack.n = 0;
    bc_vec_push(&w->stack, fr);
    clang_visitChildren(root, visit, w);
    w->stack.n = 0;
}

BcFrame *bc_walk_frame(BcWalk *w, size_t up)
{
    return up < w->stack.n ? &w->stack.v[w->stack.n - 1 - up] : NULL;
}
