#!/bin/sh
# ci/bench/analyzer.sh [-p BUILD_DIR] [-B BLKCHECK_BUILD] [-c CONFIG] [-j N]
#                      [-r ROUNDS] [PATH...]
#
# BUILD_DIR holds the compile_commands.json measured (default: build);
# BLKCHECK_BUILD the blkcheck binary (default: BUILD_DIR) -- e.g.
# `-p ~/.cache/blkcheck/qemu-10.0.2/build -B build -c docs/qemu.blkcheck.json
# SRC/block SRC/util BUILD/block` for the QEMU tree of ci/qemu-check.sh.
# Cold: `blkcheck check --no-cache` against `clang -fsyntax-only` over the
# same translation units (BUILD_DIR/compile_commands.json, optionally only
# those under PATH...) with the same parallelism, run side by side for
# ROUNDS rounds; prints each side's median wall time and the ratio
# (target <= 1.2).  Warm: `blkcheck check` with a populated cache and
# nothing changed, against the cold median (target <= 0.05).
#
# Every blkcheck run must exit 0 or 1 (findings) and report, with --stats,
# parsed=N (cold) or parsed+cached=N (warm) for the N selected TUs: a run
# that failed or skipped TUs aborts the benchmark.  The clang side starts one
# clang process per TU; its start-up alone (clang -fsyntax-only on an empty
# file, N times, same parallelism) is measured and printed separately, with
# the clang time minus it.  Flags are the TUs' own on both sides, except
# that blkcheck's front end adds -w (warnings are the build's business) and
# the clang side does not: said here, not equalized.
#
# In-process baseline: bc-parse-bench (analyzers/bench/parse-bench.c) loads
# and selects the same TUs as blkcheck and parses them with blkcheck's
# arguments (-w included), flags and worker pool in one process, extracting
# nothing: blkcheck cold over it is the analysis's own cost.  It must parse
# all N TUs too.
#
# Output ends with one machine-readable line:
#   bench.analyzer tus=N jobs=N cold=S clang=S clang_startup=S ratio=R
#                  inproc=S inproc_ratio=R warm=S warm_ratio=R
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build
bcbuild=
config=
jobs=$(nproc)
rounds=5
while getopts p:B:c:j:r: opt; do
    case $opt in
    p) build=$OPTARG ;;
    B) bcbuild=$OPTARG ;;
    c) config=$OPTARG ;;
    j) jobs=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) echo "usage: $0 [-p BUILD_DIR] [-B BLKCHECK_BUILD] [-c CONFIG] [-j N] [-r ROUNDS] [PATH...]" >&2
       exit 2 ;;
    esac
done
shift $((OPTIND - 1))
build=$(cd "$build" && pwd)
bcbuild=$(cd "${bcbuild:-$build}" && pwd)
blkcheck=$bcbuild/analyzers/cli/blkcheck
parsebench=$bcbuild/analyzers/bench/bc-parse-bench
[ -x "$blkcheck" ] || { echo "$blkcheck: not built" >&2; exit 2; }
[ -x "$parsebench" ] || { echo "$parsebench: not built" >&2; exit 2; }
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json" >&2; exit 2; }

tmp=$(mktemp -d /tmp/bc-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The clang side: each entry's own command with -fsyntax-only instead of
# -c/-o, one shell line per TU (the benchmark reads JSON with Python's json
# module; blkcheck itself goes through libclang's compilation database).
# The TUs are the ones blkcheck selects (bc-parse-bench -l runs its
# selection, generated-file rules included).
# shellcheck disable=SC2086
"$parsebench" -p "$build" ${config:+-c "$config"} -l "$@" > "$tmp/selected" || exit 2
python3 - "$build/compile_commands.json" "$tmp/cmds" "$tmp/selected" <<'PY'
import json, os, shlex, sys
db, out = sys.argv[1], sys.argv[2]
selected = set(os.path.realpath(l.strip()) for l in open(sys.argv[3]) if l.strip())
seen = set()
with open(db) as f, open(out, "w") as o:
    for e in json.load(f):
        d = e["directory"]
        src = os.path.realpath(os.path.join(d, e["file"]))
        if src in seen or src not in selected:
            continue
        seen.add(src)
        args = e.get("arguments") or shlex.split(e["command"])
        keep, skip = [], False
        for a in args:
            if skip:
                skip = False
                continue
            if a in ("-o", "-MF", "-MT", "-MQ"):
                skip = True
                continue
            if a in ("-c", "-MD", "-MMD"):
                continue
            keep.append(a)
        o.write("cd %s && %s -fsyntax-only\n" % (shlex.quote(d), shlex.join(keep)))
PY
tus=$(wc -l < "$tmp/cmds")
[ "$tus" -gt 0 ] || { echo "no translation units selected" >&2; exit 2; }

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run_clang() {
    tr '\n' '\0' < "$tmp/cmds" | xargs -0 -P "$jobs" -I{} sh -c '{}' >/dev/null 2>&1 || true
}
# The same number of clang processes on an empty file: process start-up.
clang_bin=$(head -1 "$tmp/cmds" | sed 's/^cd [^&]*&& //' | cut -d' ' -f1)
: > "$tmp/empty.c"
run_clang_startup() {
    seq "$tus" | xargs -P "$jobs" -I{} "$clang_bin" -fsyntax-only "$tmp/empty.c"
}
# One blkcheck run; it must finish (exit 0/1) and, with --no-cache, parse
# every selected TU without a TU error -- a fast failure is no result.
run_blkcheck() {
    rc=0
    "$blkcheck" check -p "$build" -j "$jobs" --no-progress --stats --cache-dir "$tmp/cache" \
        ${config:+--config "$config"} "$@" $paths >/dev/null 2>"$tmp/bc.err" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        echo "blkcheck exited $rc:" >&2; cat "$tmp/bc.err" >&2; exit 1
    fi
    if [ "${1:-}" = --no-cache ] &&
       ! grep -q "tus=$tus parsed=$tus cached=0 errors=0 failed=0" "$tmp/bc.err"; then
        echo "blkcheck did not parse all $tus TUs cleanly:" >&2; cat "$tmp/bc.err" >&2; exit 1
    fi
}
paths="$*"
# The in-process parse of the same TUs; it too must parse all of them.
run_parse_bench() {
    # shellcheck disable=SC2086
    "$parsebench" -p "$build" -j "$jobs" ${config:+-c "$config"} $paths > "$tmp/pb.out" ||
        { echo "bc-parse-bench failed" >&2; exit 1; }
    grep -q "tus=$tus parsed=$tus errors=0 failed=0" "$tmp/pb.out" ||
        { echo "bc-parse-bench did not parse all $tus TUs cleanly:" >&2; cat "$tmp/pb.out" >&2; exit 1; }
}

echo "analyzer benchmark: $tus translation units, -j $jobs, $rounds rounds"
run_clang                                  # warm the page cache for both sides
for i in $(seq "$rounds"); do
    t0=$(now); run_blkcheck --no-cache; t1=$(now)
    run_clang; t2=$(now)
    run_clang_startup; t3=$(now)
    run_parse_bench; t4=$(now)
    elapsed "$t0" "$t1" >> "$tmp/cold"
    elapsed "$t1" "$t2" >> "$tmp/clang"
    elapsed "$t2" "$t3" >> "$tmp/startup"
    elapsed "$t3" "$t4" >> "$tmp/inproc"
    printf '  round %d: blkcheck cold %.3fs  clang -fsyntax-only %.3fs  (of which start-up: %.3fs)  in-process parse %.3fs\n' \
        "$i" "$(tail -1 "$tmp/cold")" "$(tail -1 "$tmp/clang")" "$(tail -1 "$tmp/startup")" \
        "$(tail -1 "$tmp/inproc")"
done
run_blkcheck                               # populate the cache
for i in $(seq "$rounds"); do
    t0=$(now); run_blkcheck; t1=$(now)
    elapsed "$t0" "$t1" >> "$tmp/warm"
done
cold=$(median < "$tmp/cold"); clang=$(median < "$tmp/clang"); warm=$(median < "$tmp/warm")
startup=$(median < "$tmp/startup"); inproc=$(median < "$tmp/inproc")
inproc_ratio=$(echo "$cold / $inproc" | bc -l)
ratio=$(echo "$cold / $clang" | bc -l); warm_ratio=$(echo "$warm / $cold" | bc -l)
printf 'cold:  blkcheck %.3fs  clang -fsyntax-only %.3fs  ratio %.2f (target <= 1.20)\n' \
    "$cold" "$clang" "$ratio"
printf 'clang start-up: %d empty-file processes %.3fs; clang parsing without it %.3fs (blkcheck / that: %.2f)\n' \
    "$tus" "$startup" "$(echo "$clang - $startup" | bc -l)" "$(echo "$cold / ($clang - $startup)" | bc -l)"
printf 'in-process: bc-parse-bench (same TUs, arguments, flags and workers; parse only) %.3fs; blkcheck / that: %.2f\n' \
    "$inproc" "$inproc_ratio"
printf 'warm:  blkcheck %.3fs  = %.1f%% of cold (target <= 5%%)\n' "$warm" \
    "$(echo "$warm_ratio * 100" | bc -l)"
printf 'bench.analyzer tus=%d jobs=%d cold=%.3f clang=%.3f clang_startup=%.3f ratio=%.3f inproc=%.3f inproc_ratio=%.3f warm=%.3f warm_ratio=%.3f\n' \
    "$tus" "$jobs" "$cold" "$clang" "$startup" "$ratio" "$inproc" "$inproc_ratio" "$warm" "$warm_ratio"
