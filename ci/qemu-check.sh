#!/bin/sh
# ci/qemu-check.sh [-p BUILD] [-j N] [-o REPORT.json]
#
# blkcheck on its acceptance tree: QEMU 10.0.2's block/ and util/, from
# Debian's source package, with the shipped docs/qemu.blkcheck.json.
#   1. ci/install-deps.sh --qemu (glib, flex, bison; meson >= 1.5 from
#      bookworm-backports);
#   2. the upstream tarball of Debian's source package qemu VERSION below,
#      found through a private deb-src list (apt-get --print-uris source)
#      and checked against the SHA256 apt prints;
#   3. a tools-only clang build configured in the cache directory, with the
#      generated headers and sources (qapi, trace, block-gen.c) built;
#   4. `blkcheck check -p QEMU_BUILD --config docs/qemu.blkcheck.json
#      SRC/block SRC/util` (the generated build/block/block-gen.c comes with
#      block/, the source directory it mirrors);
#   5. the findings compared, as a multiset of (rule, file:line, function),
#      with the table in docs/qemu-findings.md.
# Prints counts per rule, the TUs reported as errors (must be 0) and the
# precision of warning-severity findings by the committed reading.
# Exit 0 when everything matches, 1 on a difference or a TU error, 2 on a
# setup failure.  Not part of `make check` (network, minutes).
#
# Environment: BLKCHECK_QEMU_DIR (default ~/.cache/blkcheck/qemu-10.0.2)
# holds the download, the source and the QEMU build; re-runs reuse them.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
jobs=$(nproc)
report=
while getopts p:j:o: opt; do
    case $opt in
    p) build=$OPTARG ;;
    j) jobs=$OPTARG ;;
    o) report=$OPTARG ;;
    *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
build=$(cd "$build" && pwd)
blkcheck=$build/analyzers/cli/blkcheck
[ -x "$blkcheck" ] || { echo "qemu-check: $blkcheck not built (make build)" >&2; exit 2; }

VERSION='1:10.0.2+ds-2+deb13u1~bpo12+1'
dir=${BLKCHECK_QEMU_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/blkcheck/qemu-10.0.2}
src=$dir/qemu-10.0.2
qbuild=$dir/build
config=$root/docs/qemu.blkcheck.json
expected=$root/docs/qemu-findings.md
say() { echo "qemu-check: $*" >&2; }
die() { say "$*"; exit 2; }

"$root/ci/install-deps.sh" --qemu >/dev/null || die "dependencies missing"
for tool in jq curl sha256sum ninja clang; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
mkdir -p "$dir"

# --- 2. the source -------------------------------------------------------------
if [ ! -f "$src/VERSION" ]; then
    apt_dir=$dir/apt
    mkdir -p "$apt_dir/lists/partial"
    echo 'deb-src http://deb.debian.org/debian bookworm-backports main' > "$apt_dir/src.list"
    aptq="-o Dir::Etc::SourceList=$apt_dir/src.list -o Dir::Etc::SourceParts=/dev/null"
    aptq="$aptq -o Dir::State::Lists=$apt_dir/lists -o Dir::Cache=$apt_dir/cache"
    say "looking up qemu $VERSION in bookworm-backports (deb-src)"
    # shellcheck disable=SC2086
    apt-get $aptq update -q >/dev/null 2>&1 || die "apt-get update (private deb-src list) failed"
    # shellcheck disable=SC2086
    line=$(apt-get $aptq --print-uris source "qemu=$VERSION" 2>/dev/null |
           grep "orig.tar" | head -n 1) || true
    [ -n "$line" ] || die "qemu $VERSION: no upstream tarball listed in bookworm-backports"
    uri=$(echo "$line" | awk '{print $1}' | tr -d "'")
    name=$(echo "$line" | awk '{print $2}')
    sha=$(echo "$line" | awk '{print $4}' | sed 's/^SHA256://')
    if [ ! -f "$dir/$name" ] || ! echo "$sha  $dir/$name" | sha256sum -c --status; then
        say "downloading $uri"
        curl -fsSL -o "$dir/$name.part" "$uri" || die "download failed: $uri"
        mv "$dir/$name.part" "$dir/$name"
    fi
    case $sha in
    *[0-9a-f]*) echo "$sha  $dir/$name" | sha256sum -c --status ||
                    die "$name: SHA256 differs from apt's ($sha)" ;;
    *) die "apt printed no SHA256 for $name" ;;
    esac
    say "unpacking $name"
    tar -C "$dir" -xf "$dir/$name"
    [ -f "$src/VERSION" ] || die "$name did not unpack to $src"
fi
[ "$(cat "$src/VERSION")" = 10.0.2 ] || die "$src is not QEMU 10.0.2"

# --- 3. the build's compile commands and generated files -------------------------
if [ ! -f "$qbuild/build.ninja" ]; then
    say "configuring a tools-only clang build in $qbuild"
    mkdir -p "$qbuild"
    # Debian's +ds tarball has no firmware blobs and no bundled wheels:
    # --disable-install-blobs, and meson from the system (install-deps).
    (cd "$qbuild" && "$src/configure" --cc=clang --cxx=clang++ --python=/usr/bin/python3 \
        --disable-system --disable-user --enable-tools --disable-docs --disable-werror \
        --disable-slirp --disable-vnc --disable-install-blobs) > "$dir/configure.log" 2>&1 ||
        die "QEMU configure failed: see $dir/configure.log"
fi
# Every generated header and source outside the per-target object dirs.
targets=$(cd "$qbuild" && ninja -t targets all | sed 's/:.*//' |
          grep -E '\.(h|c|inc)$' | grep -v '\.p/' || true)
say "building $(echo "$targets" | wc -l) generated files"
# shellcheck disable=SC2086
(cd "$qbuild" && ninja -j "$jobs" $targets) > "$dir/generate.log" 2>&1 ||
    die "generating QEMU's headers failed: see $dir/generate.log"

# --- 4. blkcheck -------------------------------------------------------------------
out=${report:-$dir/report.json}
say "blkcheck over $src/block $src/util"
set +e
"$blkcheck" check -p "$qbuild" --config "$config" -j "$jobs" --no-progress --stats \
    --format json --output "$out" "$src/block" "$src/util" 2> "$dir/blkcheck.err"
rc=$?
set -e
cat "$dir/blkcheck.err" >&2
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || { say "blkcheck exited $rc"; exit 1; }
stats=$(grep 'stats:' "$dir/blkcheck.err" || true)
tus=$(echo "$stats" | sed -n 's/.*tus=\([0-9]*\).*/\1/p')
errors=$(echo "$stats" | sed -n 's/.*errors=\([0-9]*\) failed=\([0-9]*\).*/\1+\2/p')
errors=$((${errors:-1}))

# --- 5. compare with the committed reading -------------------------------------------
# Rows: | rule | location | function | verdict | reason |
awk -F'|' '/^\| BC[0-9]+ \| [^|]*:[0-9]+ \|/ {
    gsub(/^ +| +$/, "", $2); gsub(/^ +| +$/, "", $3); gsub(/^ +| +$/, "", $4);
    gsub(/^ +| +$/, "", $5); print $2 "|" $3 "|" $4 "|" $5 }' "$expected" > "$dir/expected.rows"
cut -d'|' -f1-3 "$dir/expected.rows" | sort > "$dir/expected"
jq -r --arg src "$src/" --arg qb "$qbuild/" '.findings[] |
    "\(.rule)|\(.file | ltrimstr($src) | if startswith($qb) then "build/" + ltrimstr($qb) else . end):\(.line)|\(.function)"' \
    "$out" | sort > "$dir/found"
comm -23 "$dir/expected" "$dir/found" > "$dir/missing"
comm -13 "$dir/expected" "$dir/found" > "$dir/unexpected"

echo "TUs: $tus, reported as errors: $errors"
echo "findings by rule (this run):"
cut -d'|' -f1 "$dir/found" | sort | uniq -c | sed 's/^/  /'
true_n=$(awk -F'|' '$4 == "true"' "$dir/expected.rows" | wc -l)
false_n=$(awk -F'|' '$4 == "false"' "$dir/expected.rows" | wc -l)
echo "committed reading: $true_n true, $false_n false (warnings); precision" \
     "$(awk -v t="$true_n" -v f="$false_n" 'BEGIN { printf "%.1f %%", t + f ? 100 * t / (t + f) : 0 }')"

status=0
if [ -s "$dir/missing" ]; then
    echo "expected but not reported:"; sed 's/^/  /' "$dir/missing"; status=1
fi
if [ -s "$dir/unexpected" ]; then
    echo "reported but not in docs/qemu-findings.md:"; sed 's/^/  /' "$dir/unexpected"; status=1
fi
[ "$errors" -eq 0 ] || { echo "FAIL: $errors TUs reported as errors"; status=1; }
[ "$status" -eq 0 ] && echo "qemu-check: OK, $(wc -l < "$dir/found") findings as read in docs/qemu-findings.md"
exit "$status"
