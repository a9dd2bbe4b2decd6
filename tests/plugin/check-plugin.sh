#!/bin/sh
# check-plugin.sh PLUGIN ROOT CHECK - one behaviour of blkcheck-plugin.so
# (docs/plugin.md), on tests/plugin/inputs/.  Exit 0 pass, 1 fail.
#
# CHECK is one of: diagnostics werror wno werror-one plugin-args fixit
# codegen bad-option bad-config bad-rule bad-facts-dir broken-tu
set -u
LC_ALL=C; export LC_ALL
plugin=$1 root=$2 check=$3
clang=$(command -v clang-14 || command -v clang)
in=$root/tests/plugin/inputs
tmp=$(mktemp -d /tmp/bc-plugin-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
inc="-std=gnu11 -I$root/annotations/include -I$root/corpus/include"

fail() { echo "FAIL ($check): $*"; echo "--- output"; cat "$tmp/out" 2>/dev/null; exit 1; }
# run FILE ARGS...: compile with the plugin, output in $tmp/out, status in $rc
run() {
    f=$1; shift
    # shellcheck disable=SC2086
    "$clang" $inc -fplugin="$plugin" "$@" "$f" > "$tmp/out" 2>&1
    rc=$?
}
has() { grep -q -- "$1" "$tmp/out" || fail "expected '$1'"; }
hasnt() { ! grep -q -- "$1" "$tmp/out" || fail "unexpected '$1'"; }

case $check in
diagnostics)
    run "$in/mixed.c" -fsyntax-only
    [ "$rc" -eq 0 ] || fail "exit $rc, want 0 (warnings only)"
    has "mixed.c:7:12: warning: coroutine_fn 'bdrv_co_pread' called from non-coroutine function 'read_sync' \[BC001\] \[-Wblkcheck-bc001\]"
    has "mixed.c:21:5: warning: .* \[BC008\] \[-Wblkcheck-bc008\]"
    has "mixed.c:20:18: note: 'co_decl' declared here with coroutine_fn"
    has "mixed.c:10:12: remark: .* \[BC010\]"
    ;;
werror)
    run "$in/mixed.c" -fsyntax-only -Werror
    [ "$rc" -ne 0 ] || fail "-Werror: exit 0"
    has "mixed.c:7:12: error: .* \[BC001\] \[-Werror,-Wblkcheck-bc001\]"
    has "mixed.c:10:12: remark: .* \[BC010\]"
    ;;
wno)
    run "$in/mixed.c" -fsyntax-only -Werror -Wno-unknown-warning-option \
        -Wno-blkcheck-bc001 -Wno-blkcheck-bc008 -Wno-blkcheck-bc010
    [ "$rc" -eq 0 ] || fail "all rules off: exit $rc"
    hasnt "BC00"; hasnt "BC010"
    run "$in/mixed.c" -fsyntax-only -Wno-unknown-warning-option -Wno-blkcheck
    hasnt "BC0"
    ;;
werror-one)
    run "$in/mixed.c" -fsyntax-only -Wno-unknown-warning-option -Werror=blkcheck-bc008
    [ "$rc" -ne 0 ] || fail "-Werror=blkcheck-bc008: exit 0"
    has "error: .* \[BC008\] \[-Werror,-Wblkcheck-bc008\]"
    has "warning: .* \[BC001\] \[-Wblkcheck-bc001\]"
    run "$in/mixed.c" -fsyntax-only -Wno-unknown-warning-option -Werror -Wno-error=blkcheck
    [ "$rc" -eq 0 ] || fail "-Werror -Wno-error=blkcheck: exit $rc"
    has "warning: .* \[BC001\]"
    ;;
plugin-args)
    # The same through the plugin's own arguments: no unknown-option noise.
    run "$in/mixed.c" -fsyntax-only -Werror -fplugin-arg-blkcheck-Wno-error=blkcheck \
        -fplugin-arg-blkcheck-Wno-blkcheck-bc001 -fplugin-arg-blkcheck-Werror=blkcheck-bc008
    [ "$rc" -ne 0 ] || fail "Werror=blkcheck-bc008 by plugin arg: exit 0"
    hasnt "unknown warning option"
    hasnt "\[BC001\]"
    has "error: .* \[BC008\] \[-Werror,-Wblkcheck-bc008\]"
    run "$in/mixed.c" -fsyntax-only -fplugin-arg-blkcheck-rules=BC008
    hasnt "\[BC001\]"; has "\[BC008\]"
    ;;
fixit)
    cp "$in/mixed.c" "$tmp/fix.c"
    run "$tmp/fix.c" -fsyntax-only -Xclang -fixit
    grep -q "^static int coroutine_fn helper(BlockDriverState \*bs)$" "$tmp/fix.c" ||
        fail "fix-it not applied: $(grep -n helper "$tmp/fix.c")"
    # Applied once: the fixed file has no BC010 left.
    run "$tmp/fix.c" -fsyntax-only
    hasnt "\[BC010\]"
    ;;
codegen)
    # -fplugin alone keeps code generation: an object file comes out.
    run "$in/mixed.c" -c -o "$tmp/mixed.o"
    [ "$rc" -eq 0 ] && [ -s "$tmp/mixed.o" ] || fail "no object file (exit $rc)"
    has "\[BC001\]"
    ;;
bad-option)
    run "$in/mixed.c" -fsyntax-only -fplugin-arg-blkcheck-no-such-thing=1
    [ "$rc" -eq 1 ] || fail "exit $rc, want 1 (a compile error, not a crash)"
    has "error: blkcheck plugin: unknown option 'no-such-thing=1' (-fplugin-arg-blkcheck-no-such-thing=1)"
    hasnt "PLEASE submit a bug report"
    ;;
bad-config)
    run "$in/mixed.c" -fsyntax-only -fplugin-arg-blkcheck-config="$tmp/missing.json"
    [ "$rc" -eq 1 ] || fail "missing config: exit $rc, want 1"
    has "error: blkcheck plugin: -fplugin-arg-blkcheck-config=$tmp/missing.json"
    echo '{ "no_such_key": 1 }' > "$tmp/bad.json"
    run "$in/mixed.c" -fsyntax-only -fplugin-arg-blkcheck-config="$tmp/bad.json"
    [ "$rc" -eq 1 ] || fail "bad config: exit $rc, want 1"
    has "error: blkcheck plugin: -fplugin-arg-blkcheck-config=$tmp/bad.json"
    ;;
bad-rule)
    run "$in/mixed.c" -fsyntax-only -fplugin-arg-blkcheck-rules=BC001,BC077
    [ "$rc" -eq 1 ] || fail "exit $rc, want 1"
    has "unknown rule 'BC077'"
    run "$in/mixed.c" -fsyntax-only -fplugin-arg-blkcheck-Wno-blkcheck-bc077
    [ "$rc" -eq 1 ] || fail "Wno-blkcheck-bc077: exit $rc, want 1"
    has "blkcheck-bc077: no such blkcheck rule"
    ;;
bad-facts-dir)
    run "$in/mixed.c" -fsyntax-only -fplugin-arg-blkcheck-facts-dir=/proc/no-such-dir
    [ "$rc" -eq 1 ] || fail "exit $rc, want 1"
    has "error: blkcheck plugin: facts-dir=/proc/no-such-dir: cannot write"
    has "\[BC001\]"
    ;;
broken-tu)
    run "$in/broken.c" -fsyntax-only -fplugin-arg-blkcheck-facts-dir="$tmp/facts"
    [ "$rc" -ne 0 ] || fail "broken TU compiled"
    has "use of undeclared identifier 'undeclared_thing'"
    hasnt "BC0"
    [ ! -d "$tmp/facts" ] || [ -z "$(ls "$tmp/facts")" ] || fail "facts written for a broken TU"
    ;;
*)
    echo "unknown check $check"; exit 2 ;;
esac
echo "PASS: $check"
