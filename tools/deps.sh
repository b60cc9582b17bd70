#!/bin/sh
# deps.sh: install the Debian packages glassbox needs to build and test.
#
# As root it runs apt-get; otherwise it prints the command to run and fails,
# so nothing half-works.  `deps.sh --test` adds what the test suite uses
# (tmux for the terminal test, scikit-learn for the exporter test, clang
# and its runtimes for the fuzzers, valgrind).
set -e
build="build-essential autoconf automake pkg-config libncurses-dev libcsv-dev libgsl-dev libjansson-dev"
test="tmux python3 python3-sklearn python3-numpy clang libclang-rt-14-dev valgrind"
want=$build
[ "${1:-}" = "--test" ] && want="$build $test"

missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends $missing
else
    echo "glassbox needs these Debian packages:$missing" >&2
    echo "Install them as root with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
