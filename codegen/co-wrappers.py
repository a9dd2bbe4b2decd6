#!/usr/bin/env python3
"""co-wrappers.py - generate co_wrapper / no_co_wrapper bodies (DESIGN.md §5).

Usage:
    co-wrappers.py [--clang-arg ARG]... [--include HEADER]... HEADERS... -o OUT.c

Parses each header with libclang (Python bindings) and the given compile
flags, finds every function declaration that carries a wrapper marker from
blkcheck/annotations.h (by its annotate("...") attribute) and writes, per
declaration, the argument struct, the coroutine entry (or bottom half) and the
wrapper body.

  co_wrapper[_mixed][_bdrv_rdlock]  bdrv_foo(...)
      runs the twin bdrv_co_foo(...) in a new coroutine in the caller's
      AioContext and polls until it finished (AIO_WAIT_WHILE).  _mixed: calls
      the twin directly when already in a coroutine.  _bdrv_rdlock: the graph
      reader lock is held around the twin (taken in the new coroutine, or
      around the direct call of a _mixed wrapper), so callers must not hold
      it: a co_wrapper_mixed_bdrv_rdlock declared GRAPH_RDLOCK is an error.
  The generated definition carries the declaration's labels (the marker
  macro and any coroutine_fn/polling_fn/GRAPH_* labels besides).
  no_co_wrapper[_bdrv_rdlock|_bdrv_wrlock]  bdrv_co_foo(...)
      a coroutine_fn that runs the twin bdrv_foo(...) in a bottom half of the
      main loop and yields until it returned; _bdrv_rdlock / _bdrv_wrlock hold
      that graph lock (main-loop flavour) around the twin.

Twin naming: the first '_' of a co_wrapper name becomes '_co_'; the first
'_co_' of a no_co_wrapper name becomes '_'.

Malformed declarations (no twin declared, twin with another signature,
variadic or unprototyped, a no_co_wrapper name without '_co_') are reported as
`FILE:LINE: error: ...` and the generator exits with status 1 without writing
OUT.c.

--include HEADER adds `#include "HEADER"` to the generated file (for example
block/graph-lock.h, which declares the graph-lock functions the _bdrv_rdlock
and _bdrv_wrlock variants call), so the generator names no project header
beyond the runtime's coroutine and event-loop API.

Only the Python standard library and clang.cindex are used.
"""

import argparse
import glob
import os
import re
import sys

try:
    import clang.cindex as ci
except ImportError as e:  # pragma: no cover
    sys.stderr.write("co-wrappers.py: error: cannot import clang.cindex: %s\n" % e)
    sys.exit(1)

CO_WRAPPERS = {
    # marker: (mixed, lock)
    "co_wrapper": (False, None),
    "co_wrapper_mixed": (True, None),
    "co_wrapper_bdrv_rdlock": (False, "rd"),
    "co_wrapper_mixed_bdrv_rdlock": (True, "rd"),
}
NO_CO_WRAPPERS = {
    "no_co_wrapper": None,
    "no_co_wrapper_bdrv_rdlock": "rd",
    "no_co_wrapper_bdrv_wrlock": "wr",
}
MARKERS = set(CO_WRAPPERS) | set(NO_CO_WRAPPERS)

# Graph-lock calls, per DESIGN §4 (declared by the --include'd header).
CO_LOCK = {"rd": ("bdrv_graph_co_rdlock", "bdrv_graph_co_rdunlock")}
MAIN_LOCK = {
    "rd": ("bdrv_graph_rdlock_main_loop", "bdrv_graph_rdunlock_main_loop"),
    "wr": ("bdrv_graph_wrlock", "bdrv_graph_wrunlock"),
}


# Labels a wrapper marker implies (annotations.h), and the macros that spell
# the other labels a declaration may carry.  The generated definition repeats
# the declaration's labels exactly (blkcheck BC008 compares them).
IMPLIED = {
    "co_wrapper": {"no_coroutine_fn"},
    "co_wrapper_mixed": {"no_coroutine_fn", "coroutine_mixed_fn"},
    "co_wrapper_bdrv_rdlock": {"no_coroutine_fn"},
    "co_wrapper_mixed_bdrv_rdlock": {"no_coroutine_fn", "coroutine_mixed_fn"},
    "no_co_wrapper": {"coroutine_fn"},
    "no_co_wrapper_bdrv_rdlock": {"coroutine_fn"},
    "no_co_wrapper_bdrv_wrlock": {"coroutine_fn"},
}
LABEL_MACROS = {
    "coroutine_fn": "coroutine_fn",
    "coroutine_mixed_fn": "coroutine_mixed_fn",
    "no_coroutine_fn": "no_coroutine_fn",
    "polling_fn": "polling_fn",
    "graph_rdlock": "GRAPH_RDLOCK",
    "graph_wrlock": "GRAPH_WRLOCK",
    "graph_unlocked": "GRAPH_UNLOCKED",
}


class GenError(Exception):
    pass


def setup_libclang():
    if ci.Config.loaded:
        return
    env = os.environ.get("BLKCHECK_LIBCLANG")
    if env:
        ci.Config.set_library_file(env)
        return
    try:
        ci.conf.get_cindex_library()
        return
    except Exception:
        pass

    def version(path):
        m = re.search(r"llvm-(\d+)", path)
        return int(m.group(1)) if m else 0

    cands = []
    for pat in ("/usr/lib/llvm-*/lib/libclang-*.so", "/usr/lib/llvm-*/lib/libclang.so*",
                "/usr/lib/x86_64-linux-gnu/libclang-*.so*", "/usr/lib/*/libclang-*.so*"):
        cands += [p for p in glob.glob(pat) if "cpp" not in os.path.basename(p)]
    cands = sorted(set(cands), key=version, reverse=True)
    for c in cands:
        if version(c) >= 14 or "llvm-" not in c:
            ci.Config.set_library_file(c)
            return
    raise GenError("cannot find libclang (set BLKCHECK_LIBCLANG)")


def loc_str(cursor):
    loc = cursor.location
    fname = loc.file.name if loc.file else "<unknown>"
    return "%s:%d" % (fname, loc.line)


def type_str(spelling, name=""):
    """A declaration of @name with type @spelling, valid C in all cases."""
    if "(" in spelling or "[" in spelling:
        t = "__typeof__(%s)" % spelling
    else:
        t = spelling
    if not name:
        return t
    return "%s %s" % (t, name) if not t.endswith("*") else "%s%s" % (t, name)


ARRAY_KINDS = (ci.TypeKind.CONSTANTARRAY, ci.TypeKind.INCOMPLETEARRAY,
               ci.TypeKind.VARIABLEARRAY, ci.TypeKind.DEPENDENTSIZEDARRAY)
FUNC_KINDS = (ci.TypeKind.FUNCTIONPROTO, ci.TypeKind.FUNCTIONNOPROTO)
# Names the generated code uses itself; parameters are renamed around them.
RESERVED = ("cw_s", "cw_ctx", "cw_co", "cw_done", "cw_ret", "opaque")


def decayed(t):
    """Spelling of parameter type @t after array/function decay."""
    ct = t.get_canonical()
    if ct.kind in ARRAY_KINDS:
        elem = t.element_type if t.kind in ARRAY_KINDS else ct.element_type
        return type_str(elem.spelling) + " *"
    if ct.kind in FUNC_KINDS:
        return type_str(t.spelling) + " *"
    return t.spelling


class Func:
    def __init__(self, cursor, marker):
        self.cursor = cursor
        self.marker = marker
        self.name = cursor.spelling
        self.loc = loc_str(cursor)
        ftype = cursor.type
        if ftype.kind == ci.TypeKind.FUNCTIONNOPROTO:
            raise GenError("%s: error: %s() is declared without a prototype; "
                           "write (void) for no parameters" % (self.loc, self.name))
        if ftype.is_function_variadic():
            raise GenError("%s: error: %s() is variadic; %s does not support "
                           "variadic functions" % (self.loc, self.name, marker))
        rtype = ftype.get_result()
        self.ret = rtype.spelling
        # the cw_ret field and local are assigned: drop a top-level const
        self.ret_var = self.ret
        if re.search(r"\*\s*const$", self.ret):
            self.ret_var = re.sub(r"\s*const$", "", self.ret)
        elif rtype.is_const_qualified():
            self.ret_var = re.sub(r"^const\s+|\s+const$", "", self.ret, count=1)
        self.ret_void = ftype.get_result().get_canonical().kind == ci.TypeKind.VOID
        names = [a.spelling for a in cursor.get_arguments()]
        types = [decayed(t) for t in ftype.argument_types()]
        self.params = []
        used = set(RESERVED)
        for i, t in enumerate(types):
            n = names[i] if i < len(names) and names[i] else "arg%d" % i
            while n in used:
                n += "_"
            used.add(n)
            self.params.append((t, n))
        self.canon = signature(ftype)
        labels = [a.spelling for a in cursor.get_children()
                  if a.kind == ci.CursorKind.ANNOTATE_ATTR]
        self.attrs = [marker]
        for lab in labels:
            if lab in MARKERS or lab in IMPLIED[marker]:
                continue
            if lab in LABEL_MACROS and LABEL_MACROS[lab] not in self.attrs:
                self.attrs.append(LABEL_MACROS[lab])
        if marker == "co_wrapper_mixed_bdrv_rdlock" and "graph_rdlock" in labels:
            raise GenError("%s: error: %s %s() takes the graph reader lock itself "
                           "and polls outside coroutines: declare it GRAPH_UNLOCKED, "
                           "not GRAPH_RDLOCK" % (self.loc, marker, self.name))


def signature(ftype):
    """Canonical (result, [parameter types after decay]) of a function type."""
    def canon(t):
        ct = t.get_canonical()
        if ct.kind in ARRAY_KINDS:
            return ct.element_type.get_canonical().spelling + " *"
        if ct.kind in FUNC_KINDS:
            return ct.spelling + " *"
        # top-level qualifiers of a parameter are not part of the signature
        return re.sub(r"\s*\bconst$", "", ct.spelling)
    return (ftype.get_result().get_canonical().spelling,
            [canon(t) for t in ftype.argument_types()])


def collect(tu, headers):
    """Return ({name: [cursor...]} of all function decls, [(cursor, marker)])."""
    decls = {}
    marked = []
    for c in tu.cursor.get_children():
        if c.kind != ci.CursorKind.FUNCTION_DECL:
            continue
        decls.setdefault(c.spelling, []).append(c)
        if not c.location.file:
            continue
        if os.path.realpath(c.location.file.name) not in headers:
            continue
        found = [a.spelling for a in c.get_children()
                 if a.kind == ci.CursorKind.ANNOTATE_ATTR and a.spelling in MARKERS]
        if len(set(found)) > 1:
            raise GenError("%s: error: %s() carries several wrapper markers: %s"
                           % (loc_str(c), c.spelling, ", ".join(sorted(set(found)))))
        if found:
            marked.append((c, found[0]))
    return decls, marked


def twin_name(func):
    if func.marker in CO_WRAPPERS:
        if "_" not in func.name:
            raise GenError("%s: error: %s %s() has no '_' to derive its "
                           "_co_ twin from" % (func.loc, func.marker, func.name))
        return func.name.replace("_", "_co_", 1)
    if "_co_" not in func.name:
        raise GenError("%s: error: %s %s() must be named like PREFIX_co_NAME "
                       "(its twin is PREFIX_NAME)" % (func.loc, func.marker, func.name))
    return func.name.replace("_co_", "_", 1)


def check_twin(func, decls, markers_of):
    tn = twin_name(func)
    cands = decls.get(tn)
    if not cands:
        kind = "coroutine_fn" if func.marker in CO_WRAPPERS else "function"
        raise GenError("%s: error: %s %s() has no twin: %s %s() is not declared "
                       "in the parsed headers" % (func.loc, func.marker, func.name,
                                                  kind, tn))
    twin = cands[0]
    if twin.spelling in markers_of:
        raise GenError("%s: error: twin %s() of %s() is itself a generated wrapper"
                       % (func.loc, tn, func.name))
    ttype = twin.type
    if ttype.kind == ci.TypeKind.FUNCTIONNOPROTO or ttype.is_function_variadic():
        raise GenError("%s: error: twin %s() of %s %s() is variadic or has no "
                       "prototype" % (loc_str(twin), tn, func.marker, func.name))
    if signature(ttype) != func.canon:
        raise GenError("%s: error: %s %s() and its twin %s() (%s) differ in "
                       "signature" % (func.loc, func.marker, func.name, tn,
                                      loc_str(twin)))
    return tn


def include_path(header, clang_args):
    real = os.path.realpath(header)
    dirs = []
    it = iter(range(len(clang_args)))
    for i in it:
        a = clang_args[i]
        if a in ("-I", "-isystem", "-iquote") and i + 1 < len(clang_args):
            dirs.append(clang_args[i + 1])
        elif a.startswith("-I") and len(a) > 2:
            dirs.append(a[2:])
    best = None
    for d in dirs:
        d = os.path.realpath(d)
        if real.startswith(d + os.sep):
            rel = os.path.relpath(real, d)
            if best is None or len(rel) < len(best):
                best = rel
    return best if best else real


def emit_arg_struct(out, f, s, first_field):
    """The argument struct: @first_field, the return slot, every parameter."""
    out.append("typedef struct %s {" % s)
    out.append("    %s;" % first_field)
    if not f.ret_void:
        out.append("    %s;" % type_str(f.ret_var, "cw_ret"))
    for t, n in f.params:
        out.append("    %s;" % type_str(t, n))
    out.append("} %s;" % s)
    out.append("")


def emit_twin_call(out, f, twin, lock_pair):
    """Call @twin with the struct's arguments, inside @lock_pair if any."""
    if lock_pair:
        out.append("    %s();" % lock_pair[0])
    call = "%s(%s)" % (twin, ", ".join("cw_s->%s" % n for _, n in f.params))
    out.append("    %s%s;" % ("" if f.ret_void else "cw_s->cw_ret = ", call))
    if lock_pair:
        out.append("    %s();" % lock_pair[1])


def emit_co_wrapper(out, f, twin):
    mixed, lock = CO_WRAPPERS[f.marker]
    s = "CoWrapper_%s" % f.name
    entry = "%s_co_wrapper_entry" % f.name
    args = ", ".join(n for _, n in f.params)
    sig = ", ".join(type_str(t, n) for t, n in f.params) or "void"

    out.append("/* %s: %s %s() -> %s() */" % (f.loc, f.marker, f.name, twin))
    emit_arg_struct(out, f, s, "bool cw_done")
    out.append("static void coroutine_fn %s(void *opaque)" % entry)
    out.append("{")
    out.append("    %s *cw_s = opaque;" % s)
    out.append("")
    emit_twin_call(out, f, twin, CO_LOCK[lock] if lock else None)
    out.append("    /* @cw_s may be gone as soon as cw_done is set. */")
    out.append("    __atomic_store_n(&cw_s->cw_done, true, __ATOMIC_RELEASE);")
    out.append("    aio_wait_kick();")
    out.append("}")
    out.append("")
    out.append("%s %s" % (type_str(f.ret), " ".join(f.attrs)))
    out.append("%s(%s)" % (f.name, sig))
    out.append("{")
    if mixed:
        out.append("    if (qemu_in_coroutine()) {")
        if lock:
            if not f.ret_void:
                out.append("        %s;" % type_str(f.ret_var, "cw_ret"))
                out.append("")
            out.append("        %s();" % CO_LOCK[lock][0])
            out.append("        %s%s(%s);" % ("" if f.ret_void else "cw_ret = ", twin, args))
            out.append("        %s();" % CO_LOCK[lock][1])
            out.append("        return%s;" % ("" if f.ret_void else " cw_ret"))
        elif f.ret_void:
            out.append("        %s(%s);" % (twin, args))
            out.append("        return;")
        else:
            out.append("        return %s(%s);" % (twin, args))
        out.append("    }")
        out.append("")
    out.append("    AioContext *cw_ctx = qemu_get_current_aio_context();")
    init = ["        .cw_done = false,"] + ["        .%s = %s," % (n, n) for _, n in f.params]
    out.append("    %s cw_s = {" % s)
    out += init
    out.append("    };")
    out.append("")
    out.append("    if (!cw_ctx) {")
    out.append("        fprintf(stderr, \"%s(): called from a thread without an "
               "AioContext\\n\");" % f.name)
    out.append("        abort();")
    out.append("    }")
    out.append("    qemu_coroutine_enter(qemu_coroutine_create(%s, &cw_s));" % entry)
    out.append("    (void)AIO_WAIT_WHILE(cw_ctx, !__atomic_load_n(&cw_s.cw_done, "
               "__ATOMIC_ACQUIRE));")
    if not f.ret_void:
        out.append("    return cw_s.cw_ret;")
    out.append("}")
    out.append("")


def emit_no_co_wrapper(out, f, twin):
    lock = NO_CO_WRAPPERS[f.marker]
    s = "NoCoWrapper_%s" % f.name
    bh = "%s_no_co_wrapper_bh" % f.name
    sig = ", ".join(type_str(t, n) for t, n in f.params) or "void"

    out.append("/* %s: %s %s() -> %s() */" % (f.loc, f.marker, f.name, twin))
    emit_arg_struct(out, f, s, "Coroutine *cw_co")
    out.append("static void no_coroutine_fn %s(void *opaque)" % bh)
    out.append("{")
    out.append("    %s *cw_s = opaque;" % s)
    out.append("    Coroutine *cw_co = cw_s->cw_co;")
    out.append("")
    emit_twin_call(out, f, twin, MAIN_LOCK[lock] if lock else None)
    out.append("    /* @cw_s may be gone as soon as the coroutine runs again. */")
    out.append("    aio_co_wake(cw_co);")
    out.append("}")
    out.append("")
    out.append("%s %s" % (type_str(f.ret), " ".join(f.attrs)))
    out.append("%s(%s)" % (f.name, sig))
    out.append("{")
    out.append("    %s cw_s = {" % s)
    out.append("        .cw_co = qemu_coroutine_self(),")
    for _, n in f.params:
        out.append("        .%s = %s," % (n, n))
    out.append("    };")
    out.append("")
    out.append("    aio_bh_schedule_oneshot(qemu_get_aio_context(), %s, &cw_s);" % bh)
    out.append("    qemu_coroutine_yield();")
    if not f.ret_void:
        out.append("    return cw_s.cw_ret;")
    out.append("}")
    out.append("")


def main(argv):
    ap = argparse.ArgumentParser(description="Generate co_wrapper bodies.")
    ap.add_argument("--clang-arg", action="append", default=[], metavar="ARG",
                    help="compile flag for libclang (repeatable)")
    ap.add_argument("--include", action="append", default=[], metavar="HEADER",
                    help="extra header the generated file includes (repeatable)")
    ap.add_argument("--depfile", metavar="OUT.d",
                    help="write a make-style depfile (OUT.c: every header read)")
    ap.add_argument("-o", "--output", required=True, metavar="OUT.c")
    ap.add_argument("headers", nargs="+", metavar="HEADER")
    opts = ap.parse_args(argv)

    try:
        setup_libclang()
        headers = [os.path.realpath(h) for h in opts.headers]
        for h, orig in zip(headers, opts.headers):
            if not os.path.isfile(h):
                raise GenError("%s: error: no such header" % orig)
        index = ci.Index.create()
        args = ["-x", "c", "-std=gnu11"] + opts.clang_arg
        funcs = {}
        order = []
        all_decls = {}
        deps = set(headers)
        for h in headers:
            tu = index.parse(h, args=args)
            errs = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
            if errs:
                msgs = []
                for d in errs:
                    fn = d.location.file.name if d.location.file else h
                    msgs.append("%s:%d: error: %s" % (fn, d.location.line, d.spelling))
                raise GenError("\n".join(msgs))
            deps.update(os.path.realpath(i.include.name) for i in tu.get_includes()
                        if i.include)
            decls, marked = collect(tu, set(headers))
            for name, cs in decls.items():
                all_decls.setdefault(name, []).extend(cs)
            for c, marker in marked:
                prev = funcs.get(c.spelling)
                if prev:
                    if prev.marker != marker:
                        raise GenError("%s: error: %s() declared %s here but %s at %s"
                                       % (loc_str(c), c.spelling, marker,
                                          prev.marker, prev.loc))
                    continue
                funcs[c.spelling] = Func(c, marker)
                order.append(c.spelling)

        markers_of = set(funcs)
        out = [
            "/*",
            " * Generated by codegen/co-wrappers.py from:",
        ]
        out += [" *   %s" % h for h in opts.headers]
        out += [
            " * Do not edit: edit the declarations and rebuild.",
            " */",
            "#include <stdbool.h>",
            "#include <stdio.h>",
            "#include <stdlib.h>",
            "",
            "#include <blkcheck/annotations.h>",
            "#include \"qemu/coroutine.h\"",
            "#include \"qemu/main-loop.h\"",
            "#include \"block/aio.h\"",
            "#include \"block/aio-wait.h\"",
        ]
        out += ["#include \"%s\"" % i for i in opts.include]
        out += ["#include \"%s\"" % include_path(h, opts.clang_arg) for h in opts.headers]
        out.append("")
        errors = []
        body = []
        for name in order:
            f = funcs[name]
            try:
                twin = check_twin(f, all_decls, markers_of)
                if f.marker in CO_WRAPPERS:
                    emit_co_wrapper(body, f, twin)
                else:
                    emit_no_co_wrapper(body, f, twin)
            except GenError as e:
                errors.append(str(e))
        if errors:
            raise GenError("\n".join(errors))
        text = "\n".join(out + body)
        tmp = opts.output + ".tmp"
        with open(tmp, "w") as fp:
            fp.write(text)
        os.replace(tmp, opts.output)
        if opts.depfile:
            def esc(p):
                return p.replace(" ", "\\ ")
            with open(opts.depfile, "w") as fp:
                fp.write("%s: \\\n" % esc(opts.output))
                fp.write(" \\\n".join("  " + esc(d) for d in sorted(deps)))
                fp.write("\n")
    except GenError as e:
        sys.stderr.write("%s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
