#!/bin/sh
# ci/qemu-plugin-check.sh [-p BUILD] [-q QEMU_BUILD] [-j N]
#
# The plugin against the command line on QEMU 10.0.2 block/ + util/ (the
# tree of ci/qemu-check.sh, which configures it; QEMU_BUILD defaults to
# $BLKCHECK_QEMU_DIR/build as there).  For every TU of QEMU_BUILD's
# compile_commands.json under SRC/block, SRC/util (and the generated
# QEMU_BUILD/block/block-gen.c), the build's own command is run with
# -fsyntax-only -fplugin=blkcheck-plugin.so and the shipped
# docs/qemu.blkcheck.json; the (rule, file:line) set of its diagnostics of
# the one-TU rules must equal `blkcheck check --rules <those rules>` over
# the same TUs.  Differences are printed (< command line only, > plugin
# only).  Dependency-file and output options are dropped: the QEMU build
# directory is not written to.  Differences that need another TU's facts
# are listed, each with its reason, in ci/qemu-plugin-diffs.txt.  The same
# compiles write their facts (facts-dir=), and `blkcheck check --facts`
# over them must report what `blkcheck check -p` does, every rule.
# Exit 0 equal up to that list, 1 different, 2 setup failure.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
dir=${BLKCHECK_QEMU_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/blkcheck/qemu-10.0.2}
qbuild=$dir/build
jobs=$(nproc)
while getopts p:q:j: opt; do
    case $opt in
    p) build=$OPTARG ;;
    q) qbuild=$OPTARG ;;
    j) jobs=$OPTARG ;;
    *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
build=$(cd "$build" && pwd)
qbuild=$(cd "$qbuild" && pwd)
blkcheck=$build/analyzers/cli/blkcheck
plugin=$build/analyzers/plugin/blkcheck-plugin.so
config=$root/docs/qemu.blkcheck.json
rules=BC001,BC002,BC003,BC006,BC007,BC008,BC010
[ -x "$blkcheck" ] && [ -f "$plugin" ] || { echo "build blkcheck and the plugin first" >&2; exit 2; }
[ -f "$qbuild/compile_commands.json" ] || { echo "$qbuild: no compile_commands.json" >&2; exit 2; }
tmp=$(mktemp -d /tmp/bc-qemu-plugin-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The TUs: absolute file, directory, command (tab-separated).
jq -r '.[] | [.directory, .file, .command] | @tsv' "$qbuild/compile_commands.json" |
while IFS="$(printf '\t')" read -r d f c; do
    case $f in /*) abs=$f ;; *) abs=$(cd "$d" && realpath -m "$f") ;; esac
    echo "$abs	$d	$c"
done > "$tmp/all"
src=$(sed -n 's|^\(.*\)/block/io\.c	.*|\1|p' "$tmp/all" | head -n 1)
[ -n "$src" ] || { echo "no block/io.c in the compile database" >&2; exit 2; }
grep -E "^($src|$qbuild)/(block|util)/[^	]*\.c	" "$tmp/all" > "$tmp/tus" || true
n=$(wc -l < "$tmp/tus")
echo "qemu-plugin-check: $n TUs under $src/{block,util} (+ generated)" >&2

# One TU through the plugin: the build's command, made syntax-only.
cat > "$tmp/one.sh" <<'ONE'
#!/bin/sh
# one.sh LINE_NO TUS PLUGIN CONFIG OUTDIR
no=$1 plugin=$3 config=$4 out=$5
line=$(sed -n "${no}p" "$2")
d=$(echo "$line" | cut -f2)
c=$(echo "$line" | cut -f3-)
cd "$d" || exit 2
eval "set -- $c"
cc=$1; shift
skip=
for a in "$@"; do
    shift
    if [ -n "$skip" ]; then skip=; continue; fi
    case $a in
    -o|-MQ|-MF|-MT) skip=1; continue ;;
    -c|-MD|-MMD|-fdiagnostics-color=*) continue ;;
    esac
    set -- "$@" "$a"
done
"$cc" "$@" -fsyntax-only -fno-color-diagnostics -fplugin="$plugin" \
    -fplugin-arg-blkcheck-config="$config" -fplugin-arg-blkcheck-facts-dir="$out/facts" \
    > "$out/$no.out" 2>&1
echo "$?" > "$out/$no.rc"
ONE
mkdir -p "$tmp/out"
seq 1 "$n" | xargs -P "$jobs" -I{} sh "$tmp/one.sh" {} "$tmp/tus" "$plugin" "$config" "$tmp/out"
failed=$(grep -lv '^0$' "$tmp"/out/*.rc | wc -l)
cat "$tmp"/out/*.out |
    sed -n 's/^\([^ :]*\):\([0-9]*\):[0-9]*: \(warning\|error\|remark\): .*\[\(BC[0-9][0-9][0-9]\)\] \[.*-Wblkcheck-bc[0-9]*\]$/\4 \1:\2/p' |
    while read -r rule file; do
        # Paths as the TU spelled them, relative to its directory: make absolute.
        case $file in /*) echo "$rule $(realpath -m "$file")" ;;
                      *) echo "$rule $(cd "$qbuild" && realpath -m "$file")" ;; esac
    done | sort -u > "$tmp/plugin"

"$blkcheck" check -p "$qbuild" --config "$config" --rules "$rules" -j "$jobs" --no-progress \
    --format json --output "$tmp/cli.json" "$src/block" "$src/util" 2> "$tmp/cli.err" || true
jq -r --arg root "$root" '.findings[] | "\(.rule) \(.file):\(.line)"' "$tmp/cli.json" |
    while read -r rule file; do
        case $file in /*) echo "$rule $file" ;; *) echo "$rule $root/$file" ;; esac
    done | sort -u > "$tmp/cli"

# The whole program: the plugin's facts against parsing, every rule.
"$blkcheck" check -p "$qbuild" --config "$config" -j "$jobs" --no-progress --no-cache \
    --format json --output "$tmp/all.json" "$src/block" "$src/util" 2>/dev/null || true
"$blkcheck" check --facts "$tmp/out/facts" --config "$config" --no-progress \
    --format json --output "$tmp/facts.json" 2> "$tmp/facts.err" || true
for w in all facts; do
    jq -r '.findings[] | "\(.rule) \(.file):\(.line)"' "$tmp/$w.json" | sort > "$tmp/$w.rows"
done
facts_ok=0
if [ -s "$tmp/all.rows" ] && cmp -s "$tmp/all.rows" "$tmp/facts.rows"; then
    facts_ok=1
    echo "qemu-plugin-check: --facts: EQUAL to parsing ($(wc -l < "$tmp/all.rows") findings, all rules)"
else
    echo "qemu-plugin-check: --facts: DIFFERENT from parsing (< parsing, > facts)"
    cat "$tmp/facts.err"
    diff "$tmp/all.rows" "$tmp/facts.rows" | grep '^[<>]' || true
fi

echo "qemu-plugin-check: TUs failed to compile: $failed" >&2
echo "qemu-plugin-check: findings: command line $(wc -l < "$tmp/cli"), plugin $(wc -l < "$tmp/plugin")"
for r in $(echo "$rules" | tr , ' '); do
    printf '  %s  cli %s  plugin %s\n' "$r" "$(grep -c "^$r " "$tmp/cli")" \
        "$(grep -c "^$r " "$tmp/plugin")"
done
diff "$tmp/cli" "$tmp/plugin" | grep '^[<>]' | sed "s| $src/| |" | sort > "$tmp/diff" || true
grep -v '^#' "$root/ci/qemu-plugin-diffs.txt" | awk 'NF { print $1, $2, $3 }' | sort \
    > "$tmp/accepted"
if cmp -s "$tmp/diff" "$tmp/accepted" && [ "$failed" -eq 0 ] && [ "$facts_ok" -eq 1 ]; then
    echo "qemu-plugin-check: EQUAL ($(wc -l < "$tmp/accepted") listed cross-TU difference(s))"
    cat "$tmp/accepted"
    exit 0
fi
echo "qemu-plugin-check: DIFFERENT (< command line only, > plugin only)"
echo "not listed in ci/qemu-plugin-diffs.txt:"
comm -23 "$tmp/diff" "$tmp/accepted"
echo "listed but gone:"
comm -13 "$tmp/diff" "$tmp/accepted"
exit 1
