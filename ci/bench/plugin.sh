#!/bin/sh
# ci/bench/plugin.sh [-j N] [-r ROUNDS] [-d DIR]
#
# Compile time of the mqblk runtime with the blkcheck clang plugin against
# without it (DESIGN §9: <= 1.05).  Two Release trees are configured in DIR
# (default build-bench-plugin): plain, and -DBLKCHECK_PLUGIN=ON.  The
# runtime's objects are built once in both (with the plugin and the
# generated sources they need); then each round deletes the runtime's
# object files in both trees and rebuilds exactly them with `ninja -j N`
# (default: nproc), alternating which tree goes first.  Prints
# each round, both medians and the ratio; the last line is
#   bench.plugin objects=N jobs=N rounds=R plain=S plugin=S ratio=R
# The machine may be shared: run it alone, and read a single run with care.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
jobs=$(nproc)
rounds=5
dir=$root/build-bench-plugin
while getopts j:r:d: opt; do
    case $opt in
    j) jobs=$OPTARG ;;
    r) rounds=$OPTARG ;;
    d) dir=$OPTARG ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
python=$("$root/ci/install-deps.sh" --print-python 2>/dev/null || echo /usr/bin/python3)

setup() {
    cmake -S "$root" -B "$dir/$1" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DBLKCHECK_PYTHON="$python" "$2" > "$dir/$1.configure.log" 2>&1 ||
        { echo "configure $1 failed: $dir/$1.configure.log" >&2; exit 2; }
    # The runtime's object files, as ninja names them; building them builds
    # what they need (generated sources; the plugin in the plugin tree).
    ninja -C "$dir/$1" -t targets all | sed -n 's|^\(runtime/[^:]*\.o\): .*|\1|p' |
        sort > "$dir/$1.objects"
    # shellcheck disable=SC2046
    ninja -C "$dir/$1" -j "$jobs" $(cat "$dir/$1.objects") > "$dir/$1.build.log" 2>&1 ||
        { echo "build $1 failed: $dir/$1.build.log" >&2; exit 2; }
}

mkdir -p "$dir"
setup plain -DBLKCHECK_PLUGIN=OFF
setup plugin -DBLKCHECK_PLUGIN=ON
n=$(wc -l < "$dir/plain.objects")
[ "$n" -gt 0 ] && [ "$n" -eq "$(wc -l < "$dir/plugin.objects")" ] ||
    { echo "object lists differ or are empty" >&2; exit 2; }
grep -q -- '-fplugin=' "$dir/plugin/compile_commands.json" ||
    { echo "the plugin tree does not load the plugin" >&2; exit 2; }

# One timed rebuild of the runtime objects of tree $1; prints seconds.
one() {
    # shellcheck disable=SC2046
    (cd "$dir/$1" && rm -f $(cat "$dir/$1.objects"))
    t0=$(date +%s.%N)
    # shellcheck disable=SC2046
    ninja -C "$dir/$1" -j "$jobs" $(cat "$dir/$1.objects") > "$dir/$1.round.log" 2>&1 ||
        { echo "rebuild of $1 failed: $dir/$1.round.log" >&2; exit 2; }
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: > "$dir/plain.times"; : > "$dir/plugin.times"
i=1
while [ "$i" -le "$rounds" ]; do
    if [ $((i % 2)) -eq 1 ]; then order="plain plugin"; else order="plugin plain"; fi
    for w in $order; do
        s=$(one "$w")
        echo "$s" >> "$dir/$w.times"
        echo "round $i $w ${s}s"
    done
    i=$((i + 1))
done
plain=$(median < "$dir/plain.times")
plugin=$(median < "$dir/plugin.times")
ratio=$(echo "$plugin $plain" | awk '{ printf "%.3f", $1 / $2 }')
echo "runtime objects: $n, ninja -j $jobs, Release; median of $rounds rounds"
echo "without plugin: ${plain}s  with plugin: ${plugin}s  ratio: $ratio (target <= 1.05)"
echo "bench.plugin objects=$n jobs=$jobs rounds=$rounds plain=$plain plugin=$plugin ratio=$ratio"
