#!/bin/sh
# fuzz.sh: build every libFuzzer target in fuzz/ and run each for a while.
#
#   tools/fuzz.sh [-t SECONDS] [-b BUILDDIR] [TARGET...]
#
# Targets (fuzz/fuzz_<name>.c) are built with clang's
# -fsanitize=fuzzer,address,undefined against the core's sources (src/),
# then each runs for SECONDS (default 30) on a copy of its committed seed
# corpus, fuzz/corpus/<name>/, with leak detection on, a per-input timeout
# (-timeout, 30 s: hangs are failures) and a memory ceiling (-rss_limit_mb; a
# single allocation above it is a failure too: a small file must not make
# glassbox ask for gigabytes).  Prints one TAP line per target with its
# executions and executions per second; any crash, leak, timeout or
# out-of-memory fails the run, and the input that caused it is kept in
# BUILDDIR/crashes/ (named in the TAP line).  New corpus entries stay in
# BUILDDIR/corpus/, never in the source tree.  `make fuzz` runs this
# with -t 300.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=30
build=$top/build/fuzz
while getopts t:b: opt; do
    case $opt in
    t) seconds=$OPTARG ;;
    b) build=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-b BUILDDIR] [TARGET...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -gt 0 ]; then
    targets=$*
else
    targets=$(cd "$top/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//' | grep -v '^common$')
fi
cc=${FUZZ_CC:-clang}
rss=${FUZZ_RSS_MB:-2048}
timeout=${FUZZ_TIMEOUT:-30}

set -- $targets
echo "1..$#"
fail() { # N NAME WHY: a target that could not even run
    echo "not ok $1 - $2: $3"
    status=1
}
status=0
if ! command -v "$cc" >/dev/null 2>&1; then
    n=0
    for t in $targets; do n=$((n + 1)); fail $n "$t" "$cc not found (Debian packages: clang libclang-rt-14-dev)"; done
    exit 1
fi

# The core, compiled once: coverage for the fuzzer, sanitizers everywhere.
mkdir -p "$build/obj" "$build/crashes" "$build/corpus" "$build/log"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-std=gnu11 -g -O1 $san -I$top/src -I$top/fuzz $(pkg-config --cflags gsl jansson 2>/dev/null)"
libs="$(pkg-config --libs gsl jansson 2>/dev/null || echo -lgsl -lgslcblas -ljansson) -lcsv -lpthread -lm"
objs=""
# The library's sources as Makefile.am lists them (not src/*.c, which in a
# working tree may hold someone's unfinished file).
core=$(sed -n '/^libglassbox_a_SOURCES/,/^$/p' "$top/Makefile.am" | grep -o 'src/[A-Za-z0-9_]*\.c')
for src in $(printf "$top/%s\n" $core) "$top/fuzz/fuzz_common.c"; do
    obj=$build/obj/$(basename "$src" .c).o
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find "$top/src" "$top/fuzz" -name '*.h' -newer "$obj" 2>/dev/null | head -1)" ]; then
        # shellcheck disable=SC2086
        $cc $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj" 2>>"$build/log/build.log" || {
            cat "$build/log/build.log" >&2
            n=0
            for t in $targets; do n=$((n + 1)); fail $n "$t" "the core does not build with $cc (see $build/log/build.log)"; done
            exit 1
        }
    fi
    objs="$objs $obj"
done

n=0
for t in $targets; do
    n=$((n + 1))
    bin=$build/fuzz_$t
    # shellcheck disable=SC2086
    if ! $cc $cflags -fsanitize=fuzzer "$top/fuzz/fuzz_$t.c" $objs $libs -o "$bin" 2>"$build/log/$t.build"; then
        fail $n "$t" "does not build (see $build/log/$t.build)"
        continue
    fi
    work=$build/corpus/$t
    mkdir -p "$work"
    seeds=$top/fuzz/corpus/$t
    [ -d "$seeds" ] || seeds=""
    log=$build/log/$t.log
    # shellcheck disable=SC2086
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$bin" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss" \
        -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" \
        "$work" $seeds >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(sed -n 's/.*\(cov: [0-9]*\).*/\1/p' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        echo "ok $n - $t: ${execs:-?} executions, ${rate:-?}/s in ${seconds} s, ${cov:-cov: ?}"
    else
        kept=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        why=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z-]+|runtime error: .*|ERROR: [A-Za-z]+: .*|out-of-memory.*|timeout' "$log" | head -1)
        echo "not ok $n - $t: ${why:-exit status $rc} after ${execs:-?} executions; input kept at ${kept:-?}, log $log"
        status=1
    fi
done
exit $status
