#!/bin/sh
# Install the Debian packages blkcheck and mqblk need (DESIGN §2), and only
# the missing ones.  Idempotent: when everything is present it runs no apt
# command at all and returns within a fraction of a second.
#
# Usage: ci/install-deps.sh [--print-python]
#   --print-python  after checking, print the path of a Python 3 interpreter
#                   that can `import clang.cindex` (for CMake) and nothing else
#                   on stdout.
#
# Exit status: 0 when everything needed is installed, 1 otherwise (with a
# message saying what is missing and why it could not be installed).
set -eu

PACKAGES="
clang-14
libclang-14-dev
libclang-cpp14-dev
llvm-14-dev
libclang-rt-14-dev
python3-clang-14
libcmocka-dev
sparse
liburing-dev
libaio-dev
libjansson-dev
libedit-dev
cmake
ninja-build
pkg-config
jq
qemu-utils
libnbd-bin
fio
qemu-system-common
strace
"

print_python=0
for arg in "$@"; do
    case "$arg" in
    --print-python) print_python=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps: unknown option '$arg'" >&2; exit 2 ;;
    esac
done

# Messages go to stderr so that --print-python leaves stdout clean.
say() { echo "install-deps: $*" >&2; }

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
    esac
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        say "missing Debian packages:$missing"
        say "run this script as root (or: sudo apt-get install$missing)"
        exit 1
    fi
    say "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get update -q >&2; then
        say "apt-get update failed; cannot install:$missing"
        exit 1
    fi
    # shellcheck disable=SC2086
    if ! apt-get install -y -q --no-install-recommends $missing >&2; then
        say "apt-get install failed for:$missing"
        exit 1
    fi
fi

# Find the interpreter with libclang's Python bindings.  Debian installs them
# for /usr/bin/python3 only; a python3 earlier on PATH (pyenv, venv) lacks them.
find_python() {
    for py in /usr/bin/python3 "$(command -v python3 2>/dev/null || true)"; do
        [ -x "$py" ] || continue
        if "$py" -c 'import clang.cindex' >/dev/null 2>&1; then
            echo "$py"
            return 0
        fi
    done
    return 1
}

if ! python=$(find_python); then
    say "no Python 3 interpreter can 'import clang.cindex' (python3-clang-14 is for /usr/bin/python3)"
    exit 1
fi

if [ "$print_python" = 1 ]; then
    echo "$python"
fi
exit 0
