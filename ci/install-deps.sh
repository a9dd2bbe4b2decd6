#!/bin/sh
# Install the Debian packages blkcheck and mqblk need (DESIGN §2), and only
# the missing ones.  Idempotent: when everything is present it runs no apt
# command at all and returns within a fraction of a second.
#
# Usage: ci/install-deps.sh [--print-python] [--qemu]
#   --print-python  after checking, print the path of a Python 3 interpreter
#                   that can `import clang.cindex` (for CMake) and nothing else
#                   on stdout.
#   --qemu          also what ci/qemu-check.sh needs to configure QEMU 10.0.2
#                   (glib, flex, bison; meson >= 1.5 and pycotap from
#                   bookworm-backports through a private apt source list,
#                   /etc/apt is never edited).
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

QEMU_PACKAGES="libglib2.0-dev flex bison"
QEMU_BACKPORTS="meson python3-pycotap"

print_python=0
qemu=0
for arg in "$@"; do
    case "$arg" in
    --print-python) print_python=1 ;;
    --qemu) qemu=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

# QEMU's build needs meson >= 1.5 (bookworm has 1.0): take it, and pycotap,
# from bookworm-backports through a private source list and lists dir.
if [ "$qemu" = 1 ]; then
    qmissing=""
    for p in $QEMU_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            qmissing="$qmissing $p"
    done
    meson_ok=0
    if command -v meson >/dev/null 2>&1 &&
       dpkg --compare-versions "$(meson --version 2>/dev/null || echo 0)" ge 1.5; then
        meson_ok=1
    fi
    pycotap_ok=0
    dpkg-query -W -f='${Status}' python3-pycotap 2>/dev/null | grep -q "install ok installed" &&
        pycotap_ok=1
    if [ -n "$qmissing" ] || [ "$meson_ok" = 0 ] || [ "$pycotap_ok" = 0 ]; then
        if [ "$(id -u)" != 0 ]; then
            say "QEMU build needs:$qmissing $QEMU_BACKPORTS (bookworm-backports); run as root"
            exit 1
        fi
        apt_dir=/var/lib/blkcheck-apt
        mkdir -p "$apt_dir/lists/partial"
        echo 'deb http://deb.debian.org/debian bookworm-backports main' > "$apt_dir/backports.list"
        aptq="-o Dir::Etc::SourceList=$apt_dir/backports.list -o Dir::State::Lists=$apt_dir/lists"
        export DEBIAN_FRONTEND=noninteractive
        say "installing for the QEMU check:$qmissing $QEMU_BACKPORTS (meson from bookworm-backports)"
        # shellcheck disable=SC2086
        if ! apt-get $aptq update -q >&2 ||
           ! apt-get $aptq install -y -q --no-install-recommends $qmissing >&2 ||
           ! apt-get $aptq install -y -q --no-install-recommends -t bookworm-backports \
               $QEMU_BACKPORTS >&2; then
            say "apt-get failed installing the QEMU build dependencies"
            exit 1
        fi
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
