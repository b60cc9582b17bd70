# lib.sh: Test Anything Protocol helpers for the shell tests.
#
# Each check prints "ok N - what" or "not ok N - what" followed by the
# command's output as TAP comments; finish() prints the plan and sets the
# exit status.  Tests run from any directory: paths come from the variables
# `make check` exports (top_srcdir, top_builddir, GLASSBOX).

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
GLASSBOX=${GLASSBOX:-$top_builddir/glassbox}
CSVCMP=$top_builddir/tests/csvcmp
FIX=$top_srcdir/tests/fixtures
SAMPLES=$top_srcdir/samples
TMP=$(mktemp -d "${TMPDIR:-/tmp}/glassbox-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
tap_n=0
tap_failed=0

ok() { # STATUS DESCRIPTION
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

# check DESCRIPTION COMMAND...: passes when the command exits 0.
check() {
    desc=$1
    shift
    if "$@" >"$TMP/check.out" 2>&1; then
        ok 0 "$desc"
    else
        ok 1 "$desc"
        sed 's/^/#   /' "$TMP/check.out" | head -20
    fi
}

# fails_with DESCRIPTION 'MESSAGE FRAGMENT' COMMAND...: the command must exit
# with status 2, say the fragment on stderr, and print nothing on stdout.
fails_with() {
    desc=$1
    want=$2
    shift 2
    "$@" >"$TMP/fail.out" 2>"$TMP/fail.err"
    status=$?
    if [ $status -eq 2 ] && grep -qF -- "$want" "$TMP/fail.err" && [ ! -s "$TMP/fail.out" ]; then
        ok 0 "$desc"
    else
        ok 1 "$desc"
        echo "#   exit status $status (want 2); stderr:"
        sed 's/^/#     /' "$TMP/fail.err" | head -5
        echo "#   want the message to contain: $want"
    fi
}

finish() {
    echo "1..$tap_n"
    [ "$tap_failed" -eq 0 ]
}
