#!/bin/sh
# test.sh: build from scratch and run every test, as CI does.
#
#   1. a normal build with warnings as errors, `make check`;
#   2. the same suite under AddressSanitizer and UBSan;
#   3. `make distcheck` (the tarball builds, tests pass, installs cleanly).
# Ends with "N passed, N failed" (test cases over all runs) and exits
# non-zero on any failure.  Build trees go under build/ (removed first).
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
sh tools/deps.sh --test || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
rm -rf build
mkdir -p build
./autogen.sh >build/autogen.log 2>&1 || { cat build/autogen.log; exit 1; }

passed=0
failed=0
status=0
count() { # add the TAP totals of a build tree's test-suite.log
    log=$1/test-suite.log
    if [ -f "$log" ]; then
        p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
        x=$(sed -n 's/^# XPASS: *//p' "$log" | head -1)
        f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
        e=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
        passed=$((passed + ${p:-0}))
        failed=$((failed + ${f:-0} + ${e:-0} + ${x:-0}))
    else
        failed=$((failed + 1))
    fi
}

run() { # NAME CONFIGURE-ARGS...
    name=$1
    shift
    echo "== $name"
    mkdir -p "build/$name"
    (cd "build/$name" && "$top/configure" --quiet --enable-werror "$@" >configure.out 2>&1) ||
        { cat "build/$name/configure.out" "build/$name/config.log" | tail -40; failed=$((failed + 1)); status=1; return; }
    make -C "build/$name" -j"$jobs" >"build/$name/make.out" 2>&1 ||
        { tail -40 "build/$name/make.out"; failed=$((failed + 1)); status=1; return; }
    make -C "build/$name" -j"$jobs" check >"build/$name/check.out" 2>&1 || status=1
    grep -E '^(# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR)|FAIL:|ERROR:)' "build/$name/check.out"
    if [ $status -ne 0 ]; then
        for log in "build/$name"/tests/*.log; do
            grep -q '^not ok\|^ERROR\|^Bail out' "$log" 2>/dev/null && { echo "--- $log"; grep -B2 -A6 '^not ok\|Bail out' "$log" | head -60; }
        done
    fi
    count "build/$name"
}

run plain
run sanitizers CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
    LDFLAGS="-fsanitize=address,undefined"

echo "== distcheck"
if make -C build/plain distcheck >build/distcheck.out 2>&1; then
    passed=$((passed + 1))
    echo "distcheck: ok"
else
    tail -40 build/distcheck.out
    failed=$((failed + 1))
    status=1
fi

echo "$passed passed, $failed failed"
[ $status -eq 0 ] && [ $failed -eq 0 ]
