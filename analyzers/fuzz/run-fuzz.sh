#!/bin/sh
# Run a libFuzzer target for a bounded time (ctest label "fuzz").
# usage: run-fuzz.sh FUZZER SEED_DIR WORK_DIR [DICT]
# BLKCHECK_FUZZ_SECONDS sets the duration (default 20).  New inputs go to
# WORK_DIR (in the build tree), never into the seed corpus.
set -eu
fuzzer=$1 seeds=$2 work=$3 dict=${4:-}
secs=${BLKCHECK_FUZZ_SECONDS:-20}
mkdir -p "$work"
set -- -max_total_time="$secs" -max_len=512 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$work/" -print_final_stats=1
if [ -n "$dict" ]; then set -- "$@" -dict="$dict"; fi
exec "$fuzzer" "$@" "$work" "$seeds"
