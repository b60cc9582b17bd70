#!/bin/sh
# global_views.sh: what each global view costs on many rows (default
# 100,000), beside plain TreeSHAP on the same rows.  Not part of `make
# check`; run from a build directory:
#
#     sh ../bench/global_views.sh [./glassbox] [ROWS] [THREADS]
#
# The rows are the bundled diabetes sample repeated with a small jitter
# (awk, seeded), explained with its XGBoost model (100 trees, 10 features).
# Prints seconds per view, rows/s and the cost per row relative to
# `glassbox explain`.  Interaction values cost 2M+1 TreeSHAP passes per row,
# so the views built on them run on a seeded sample of INTER rows (default
# 10,000, the fourth argument); their rows/s carries over.
set -eu
G=${1:-./glassbox}
N=${2:-100000}
J=${3:-0}
INTER=${4:-10000}
here=$(cd "$(dirname "$0")" && pwd)
S=$here/../samples/diabetes
TMP=$(mktemp -d "${TMPDIR:-/tmp}/glassbox-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
D=$TMP/data.csv
M=$S/xgboost.json
awk -F, -v n="$N" 'BEGIN { srand(7) }
    NR == 1 { print; next }
    { row[++k] = $0 }
    END {
        for (i = 0; i < n; i++) {
            split(row[i % k + 1], f, ",")
            line = ""
            for (c = 1; c <= length(f); c++) {
                v = f[c]
                if (c != 2 && c != length(f)) v = v * (1 + (rand() - 0.5) * 0.02)
                line = line (c > 1 ? "," : "") v
            }
            print line
        }
    }' "$S/data.csv" >"$D"
threads=""
[ "$J" -gt 0 ] && threads="-j $J"

now() { date +%s.%N; }
base=""
run() { # NAME ROWS COMMAND...
    name=$1
    rows=$2
    shift 2
    t0=$(now)
    "$@" >/dev/null
    t1=$(now)
    awk -v n="$name" -v a="$t0" -v b="$t1" -v rows="$rows" -v base="${base:-0}" 'BEGIN {
        s = b - a
        printf "%-38s %8d rows %8.2f s %10.0f rows/s", n, rows, s, rows / s
        if (base > 0) printf "  %7.2fx explain per row", (s / rows) / base
        printf "\n"
    }'
    last=$(awk -v a="$t0" -v b="$t1" -v rows="$rows" 'BEGIN { print (b - a) / rows }')
}

[ "$INTER" -gt "$N" ] && INTER=$N
echo "glassbox global views on $N rows (threads: $J; 0 = all cores)"
run "explain (TreeSHAP)" "$N" $G explain -d "$D" -m "$M" $threads
base=$last
run "summary --approximate" "$N" $G summary -d "$D" -m "$M" --approximate $threads
run "summary (exact partners)" "$INTER" $G summary -d "$D" -m "$M" --sample "$INTER" $threads
run "interactions --mean" "$INTER" $G interactions -d "$D" -m "$M" --mean --sample "$INTER" $threads
run "importance --repeats 5" "$N" $G importance -d "$D" -m "$M" --repeats 5 $threads
run "pdp --grid 20" "$N" $G pdp -d "$D" -m "$M" --feature bmi --grid 20 $threads
run "pdp --grid 20 --ice (50 rows)" "$N" $G pdp -d "$D" -m "$M" --feature bmi --grid 20 --ice $threads
run "pdp --ale --grid 20" "$N" $G pdp -d "$D" -m "$M" --feature bmi --ale --grid 20 $threads
run "distill --depth 6" "$N" $G distill -d "$D" -m "$M" --depth 6 --linear 0 $threads
run "distill --depth 6 --curve --linear 5" "$N" $G distill -d "$D" -m "$M" --depth 6 --curve $threads
