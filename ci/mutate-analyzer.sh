#!/bin/sh
# ci/mutate-analyzer.sh [--scope analysis|pipeline|all] [--max N] [--seed S]
#                        [--list] [--keep] [-j N]
#
# Mutation check of the analyzer itself: generic, pattern-based mutation
# operators over the analyzer's sources, each mutant rebuilt (in a scratch
# copy of the tree) and run against what should catch it.  Two scopes:
#   analysis  analyzers/core/rules/*.c (run on cached facts: the extractor
#             is unchanged) and the libclang front end
#             (analyzers/extract/).  Killed only by
#             the corpus (tests/corpus/run-case.sh over every case): an
#             expected finding missing at its expected line, or a finding
#             where none is expected (`// expect:` markers by file, line and
#             rule).
#   pipeline  analyzers/pipeline/: what feeds TUs to the front end and
#             caches its facts.  The corpus runs
#             with --no-cache and one compdb shape, so these are killed by
#             the corpus or by the pipeline's own tests (ctest cli.*,
#             cache.*, test_compdb_clean, test_extract_run).
# --scope all (default) runs both and prints a rate per scope.  A mutant
# that does not compile is "stillborn" and not counted.
#
# Operators (applied to code, not to comments or strings; one edit per
# mutant; found by pattern, never by line number, so the sources may change
# under the script):
#   eq-ne     `==` <-> `!=`
#   lt-ge     ` < ` <-> ` >= `, ` > ` <-> ` <= `
#   and-or    `&&` <-> `||`
#   neg-if    `if (C)` -> `if (!(C))`
#   drop-push a statement line calling a function whose name says it adds
#             to the graph (push, add, append, edge, call, label, set_) -> `;`
#   ret-early `return X;` inside a loop -> `break;`-free early `return X;`
#             is not generated: the type of X is unknown to a pattern
#
# Left out, by rule and reported as such (never by line number):
#   resource  a mutant inside an `if (...)` condition that calls one of a
#             named set of system/allocation calls whose failure no corpus
#             case can cause (getcwd, the pthread_* set-up calls,
#             malloc & co, fopen/opendir/mkdtemp/mkstemp): see RESOURCE_CALLS
#   listed    a mutant named in ci/mutate-equivalent.txt (file, operator,
#             the original code line, why the mutant cannot change a
#             result); an entry that matches no mutant is reported as stale
#
# Kills: every case of the corpus runs with tests/corpus/run-case.sh, which
# compares the findings with the `// expect:` markers as a set of (file,
# line, rule) and checks the markers' quoted messages.  A mutant is killed
# when a case fails: an expected finding missing at its line, a finding
# where none is expected, a wrong message, blkcheck crashing or exiting
# with an error, or a case running longer than MUTATE_CASE_TIMEOUT seconds
# (default 30).  The first failing case and its first mismatch are printed.
#
# --max N samples N of the mutants that run (default: all), --seed S fixes
# the sample, --ids I,J,... runs those mutants only, --list prints the
# mutants (with their class) without running them, -j N runs N corpus cases
# at once (default 2).  Slow (a rebuild and the whole corpus per mutant):
# not part of `make check`.
#
# Exit: 0 kill rate >= MUTATE_MIN_RATE (default 90); 1 below it, or the
# unmutated corpus fails; 2 usage or set-up error.
set -u
LC_ALL=C; export LC_ALL
root=$(cd "$(dirname "$0")/.." && pwd)
max=0 seed=1 list=0 keep=0 jobs=2 scope=all ids=
while [ $# -gt 0 ]; do
    case $1 in
    --scope) scope=$2; shift 2 ;;
    --max) max=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --ids) ids=$2; shift 2 ;;
    --list) list=1; shift ;;
    --keep) keep=1; shift ;;
    -j) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u$/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "mutate-analyzer.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bc-mutate-analyzer-XXXXXX")
[ $keep = 1 ] || trap 'rm -rf "$tmp"' EXIT
src=$tmp/src build=$tmp/build

# The mutants: "ID<TAB>FILE<TAB>OFFSET<TAB>OLD<TAB>NEW<TAB>OPERATOR<TAB>LINE<TAB>CLASS",
# CLASS "run", "resource" or "listed"; stale entries of the equivalent list
# go to $tmp/stale.
enumerate() {
    python3 - "$root" "$scope" "$root/ci/mutate-equivalent.txt" "$tmp/stale" <<'PY'
import glob, os, re, sys
root, scope, eqfile, stalefile = sys.argv[1:5]
pipeline = sorted(glob.glob(os.path.join(root, "analyzers/pipeline/*.c")))
analysis = sorted(glob.glob(os.path.join(root, "analyzers/core/rules/*.c"))) + \
    sorted(glob.glob(os.path.join(root, "analyzers/extract/*.c")))
files = {"analysis": analysis, "pipeline": pipeline,
         "all": analysis + pipeline}.get(scope)
if files is None:
    sys.exit("mutate-analyzer.sh: --scope is analysis, pipeline or all")

def code_mask(text):
    """True for characters of code (not comments, strings, char literals,
    preprocessor lines)."""
    mask = [True] * len(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i) or (c == "#" and (i == 0 or text[i-1] == "\n")):
            j = text.find("\n", i)
            j = n if j < 0 else j
            while c == "#" and j > 0 and text[j-1] == "\\" and j < n:
                j = text.find("\n", j + 1); j = n if j < 0 else j
            for k in range(i, j): mask[k] = False
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2); j = n if j < 0 else j + 2
            for k in range(i, j): mask[k] = False
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            for k in range(i, min(j + 1, n)): mask[k] = False
            i = j + 1
        else:
            i += 1
    return mask

swaps = [("eq-ne", "==", "!="), ("eq-ne", "!=", "=="),
         ("and-or", "&&", "||"), ("and-or", "||", "&&"),
         ("lt-ge", " < ", " >= "), ("lt-ge", " >= ", " < "),
         ("lt-ge", " > ", " <= "), ("lt-ge", " <= ", " > ")]
push_re = re.compile(r"^[ \t]+(?:\(void\))?[A-Za-z_][A-Za-z0-9_]*(?:push|add|append|edge|call|label|set_)[A-Za-z0-9_]*\([^;{}\n]*\);[ \t]*$",
                     re.M)
# Calls whose failure is a resource failure no corpus case can cause: a
# condition that calls one of them is not mutated.
RESOURCE_CALLS = re.compile(r"\b(getcwd|pthread_[a-z_]+|malloc|calloc|realloc|"
                            r"strdup|strndup|fopen|fdopen|opendir|mkdtemp|mkstemp)\s*\(")

# The reviewed equivalent mutants: "FILE | OPERATOR[#N] | ORIGINAL LINE | REASON"
# (#N: only the Nth mutant of that operator on the line, counted from 1).
equivalent = {}
if os.path.exists(eqfile):
    for n, raw in enumerate(open(eqfile), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.rstrip("\n").split(" | ", 2)
        if len(parts) < 3 or " | " not in parts[2]:
            sys.exit("mutate-analyzer.sh: %s:%d: not FILE | OPERATOR | LINE | REASON" % (eqfile, n))
        code, reason = parts[2].rsplit(" | ", 1)
        equivalent[(parts[0].strip(), parts[1].strip(), code.strip())] = 0

def conditions(text, mask):
    """(start, end, condition) of every single-line `if (...)`."""
    out = []
    for m in re.finditer(r"\bif \(", text):
        if not mask[m.start()]:
            continue
        depth, j = 0, m.end() - 1
        while j < len(text):
            if text[j] == "(": depth += 1
            elif text[j] == ")":
                depth -= 1
                if depth == 0: break
            j += 1
        out.append((m.start(), j + 1, text[m.end():j]))
    return out

eq_lines = {}
mid = 0
for path in files:
    text = open(path).read()
    mask = code_mask(text)
    rel = os.path.relpath(path, root)
    conds = conditions(text, mask)
    found = []
    def emit(off, old, new, op):
        found.append((off, old, new, op))
    for op, old, new in swaps:
        for m in re.finditer(re.escape(old), text):
            if all(mask[m.start():m.end()]):
                emit(m.start(), old, new, op)
    for s, e, cond in conds:
        if "\n" in cond or "\t" in cond:
            continue
        emit(s, "if (" + cond + ")", "if (!(" + cond + "))", "neg-if")
    for m in push_re.finditer(text):
        if mask[m.start() + len(m.group(0)) - len(m.group(0).lstrip())]:
            stmt = m.group(0)
            emit(m.start(), stmt, re.match(r"^[ \t]*", stmt).group(0) + ";", "drop-push")
    for off, old, new, op in found:
        mid += 1
        line = text.count("\n", 0, off) + 1
        bol = text.rfind("\n", 0, off) + 1
        eol = text.find("\n", off)
        code = text[bol:eol if eol >= 0 else len(text)].strip()
        # OPERATOR#N: the Nth mutant of OPERATOR on its line, left to right.
        nth = sum(1 for o, _, _, p in found if p == op and bol <= o < off) + 1
        cls = "run"
        if any(s <= off < e and RESOURCE_CALLS.search(c) for s, e, c in conds):
            cls = "resource"
        else:
            for key in ((rel, op, code), (rel, "%s#%d" % (op, nth), code)):
                if key in equivalent:
                    equivalent[key] += 1
                    eq_lines.setdefault(key, set()).add(line)
                    cls = "listed"
        print("%d\t%s\t%d\t%s\t%s\t%s\t%d\t%s" % (mid, rel, off, old, new, op, line, cls))
for key, lines in eq_lines.items():
    if len(lines) > 1:
        sys.exit("mutate-analyzer.sh: ci/mutate-equivalent.txt: %s | %s | %s matches lines %s: "
                 "make the entry's line unique" % (key + (sorted(lines),)))
with open(stalefile, "w") as out:
    for (rel, op, code), hits in sorted(equivalent.items()):
        if not hits and (scope == "all" or rel.startswith("analyzers/pipeline/") == (scope == "pipeline")):
            out.write("%s | %s | %s\n" % (rel, op, code))
PY
}

# apply ID: edit the scratch copy (and restore with `git checkout`-free copy).
apply() {
    python3 - "$src" "$1" "$2" "$3" "$4" <<'PY'
import sys
src, rel, off, old, new = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
p = src + "/" + rel
t = open(p).read()
if t[off:off + len(old)] != old:
    sys.exit("mutant no longer applies")
open(p, "w").write(t[:off] + new + t[off + len(old):])
PY
}

enumerate > "$tmp/all" || exit 2
total=$(wc -l < "$tmp/all")
nres=$(awk -F'\t' '$8 == "resource"' "$tmp/all" | wc -l)
nlisted=$(awk -F'\t' '$8 == "listed"' "$tmp/all" | wc -l)
echo "mutants: $total; left out: $nres resource-failure conditions, $nlisted equivalent (listed in ci/mutate-equivalent.txt)"
while IFS= read -r s; do
    echo "stale entry in ci/mutate-equivalent.txt (matches no mutant): $s"
done < "$tmp/stale"
if [ -n "$ids" ]; then
    echo ",$ids," | tr -d ' ' > "$tmp/ids"
    awk -F'\t' 'NR == FNR { ids = $0; next } index(ids, "," $1 ",")' "$tmp/ids" "$tmp/all" > "$tmp/mutants"
elif [ $list = 1 ]; then
    cp "$tmp/all" "$tmp/mutants"
else
    awk -F'\t' '$8 == "run"' "$tmp/all" > "$tmp/run"
    if [ "$max" -gt 0 ] && [ "$max" -lt "$(wc -l < "$tmp/run")" ]; then
        awk -v s="$seed" 'BEGIN { srand(s) } { print rand() "\t" $0 }' "$tmp/run" |
            sort -g | cut -f2- | head -n "$max" | sort -n > "$tmp/mutants"
    else
        cp "$tmp/run" "$tmp/mutants"
    fi
    echo "running: $(wc -l < "$tmp/mutants") of the $(wc -l < "$tmp/run") that run"
fi
if [ $list = 1 ]; then
    awk -F'\t' '{ printf "%s %s:%s %s: %s -> %s%s\n", $1, $2, $7, $6, $4, $5, $8 == "run" ? "" : "  [" $8 "]" }' "$tmp/mutants"
    exit 0
fi

# Scratch copy of the tracked files and a build of what the scope runs.
mkdir -p "$src"
(cd "$root" && git ls-files -z | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$src" || exit 2
python=$("$root"/ci/install-deps.sh --print-python)
cmake -S "$src" -B "$build" -G Ninja -DBLKCHECK_PYTHON="$python" >/dev/null || exit 2
targets=blkcheck
pipeline_tests='^(cli\.|cache\.|test_compdb_clean$|test_extract_run$)'
grep -q '	analyzers/pipeline/' "$tmp/mutants" &&
    targets="blkcheck test_compdb_clean test_extract_run"
build_mutant() {
    # shellcheck disable=SC2086
    cmake --build "$build" -j "$jobs" --target $targets >/dev/null 2>&1
}
build_mutant || { echo "mutate-analyzer.sh: the unmutated tree does not build" >&2; exit 2; }
bc=$build/analyzers/cli/blkcheck

cases=$(find "$src/corpus" -mindepth 1 -maxdepth 1 \( -name '*.c' -o -type d \) ! -name include | sort)
# run_corpus: 0 when every case passes; else 1 and prints the first failing
# case (in corpus order, of those run) and its first mismatch.  Runs $jobs
# cases at once and starts no new case after a failure.  Exits 2 when
# run-case.sh reports a set-up error (not the mutant's doing).
run_corpus() {
    rm -rf "$tmp/cases" && mkdir "$tmp/cases"
    # shellcheck disable=SC2016
    printf '%s\n' $cases | xargs -P "$jobs" -I{} sh -c '
        out=$1/cases/$(basename "$4")
        timeout "$5" "$2/tests/corpus/run-case.sh" "$3" "$2" "$4" > "$out" 2>&1
        rc=$?
        [ $rc = 0 ] && exit 0
        echo $rc > "$out.rc"
        exit 255' sh "$tmp" "$src" "$bc" {} "${MUTATE_CASE_TIMEOUT:-30}" 2>/dev/null
    for c in $cases; do
        n=$(basename "$c")
        [ -f "$tmp/cases/$n.rc" ] || continue
        rc=$(cat "$tmp/cases/$n.rc")
        case $rc in
        2) echo "mutate-analyzer.sh: set-up error in $n:" >&2; cat "$tmp/cases/$n" >&2; exit 2 ;;
        124) why="timeout" ;;
        *) why=$(grep -m1 -E '^(MISSING|EXTRA|WRONG MESSAGE|FAIL)' "$tmp/cases/$n" |
                 sed "s|$src/||g") ;;
        esac
        echo "$n: ${why:-exit $rc}"
        return 1
    done
    return 0
}
# run_pipeline_tests: 0 when they pass; else prints the first failing test.
run_pipeline_tests() {
    ctest --test-dir "$build" -R "$pipeline_tests" -j "$jobs" --stop-on-failure \
        > "$tmp/ctest.out" 2>&1 && return 0
    sed -n 's/^.*Test *#[0-9]*: \([^ ]*\) .*\*\*\*.*/\1/p' "$tmp/ctest.out" | head -1
    return 1
}
# Rule mutants leave the extractor (and so the cache key) alone: they reuse
# the facts of this first, unmutated run instead of parsing again.
export BLKCHECK_CORPUS_CACHE="$tmp/cache"
if ! run_corpus > "$tmp/base"; then
    echo "the unmutated corpus fails ($(cat "$tmp/base")): fix that first" >&2
    exit 1
fi
if [ "$targets" != blkcheck ] && ! run_pipeline_tests > "$tmp/base"; then
    echo "the unmutated pipeline tests fail ($(cat "$tmp/base")): fix that first" >&2
    exit 1
fi

# Per scope: killed, viable, stillborn.
ak=0 av=0 as=0 pk=0 pv=0 ps=0
while IFS="$(printf '\t')" read -r id rel off old new op line cls; do
    case $rel in
    analyzers/pipeline/*)
        sc=pipeline ;;
    *) sc=analysis ;;
    esac
    case $rel in
    analyzers/core/rules/*) export BLKCHECK_CORPUS_CACHE="$tmp/cache" ;;
    *) unset BLKCHECK_CORPUS_CACHE ;;
    esac
    cp "$src/$rel" "$tmp/orig"
    if ! apply "$rel" "$off" "$old" "$new"; then
        continue
    fi
    k=0 v=0 sb=0
    if ! build_mutant; then
        sb=1; result=stillborn
    else
        v=1
        by=$(run_corpus); rc=$?
        [ $rc = 2 ] && exit 2
        if [ $rc = 0 ]; then
            result=SURVIVED
            if [ $sc = pipeline ] && ! by=$(run_pipeline_tests); then
                k=1; result="killed by ctest ${by:-?}"
            fi
        else
            k=1; result="killed by $by"
        fi
    fi
    if [ $sc = pipeline ]; then
        pk=$((pk + k)) pv=$((pv + v)) ps=$((ps + sb))
    else
        ak=$((ak + k)) av=$((av + v)) as=$((as + sb))
    fi
    cp "$tmp/orig" "$src/$rel"
    [ "$cls" = run ] || result="$result [$cls]"
    printf '%-5s %-10s %s:%s  %s\n' "$id" "$op" "$rel" "$line" "$result"
done < "$tmp/mutants"
build_mutant

ok=1
report() {  # SCOPE KILLED VIABLE STILLBORN
    [ "$3" -gt 0 ] || return 0
    r=$((100 * $2 / $3))
    echo "$1: killed/viable = $2/$3 = $r% ($4 stillborn)"
    [ "$r" -ge "${MUTATE_MIN_RATE:-90}" ] || ok=0
}
report analysis $ak $av $as
report pipeline $pk $pv $ps
echo "left out of the rate: $nres resource-failure conditions, $nlisted equivalent (listed)"
[ $((av + pv)) -gt 0 ] || { echo "no viable mutant"; exit 1; }
[ $ok = 1 ]
