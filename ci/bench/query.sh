#!/bin/sh
# ci/bench/query.sh [BUILD_DIR] - the query-speed number of DESIGN §9:
# path queries over a generated 50,000-function, 250,000-edge graph, median
# of several runs per query, against the 200 ms target.  Prints the
# benchmark's machine-readable summary line (worst median, target, ratio).
set -eu
build=${1:-build}
bench=$build/analyzers/bench/bc-query-bench
[ -x "$bench" ] || { echo "query.sh: $bench not built (make build)" >&2; exit 2; }
exec "$bench" --functions 50000 --edges 250000 --runs "${RUNS:-7}"
