#!/bin/sh
# test_limits_cli.sh: --max-memory through the real command line.  A tiny
# limit makes each big allocation refuse cheaply: status 2, one message
# naming the work, its estimate and the limit, nothing on standard output.  The estimates themselves are checked in test_limits.c.
. "${top_srcdir:-.}/tests/lib.sh"

G=$GLASSBOX
D=$SAMPLES/diabetes/data.csv
M=$SAMPLES/diabetes/xgboost.json

refused() { # DESCRIPTION 'MESSAGE FRAGMENT' ARGS...
    desc=$1
    want=$2
    shift 2
    env ${ENVV:-GLASSBOX_UNUSED=1} "$G" "$@" >"$TMP/stdout" 2>"$TMP/stderr"
    status=$?
    if [ $status -eq 2 ] && [ "$(wc -l <"$TMP/stderr")" -eq 1 ] && grep -qF -- "$want" "$TMP/stderr" &&
        [ ! -s "$TMP/stdout" ]; then
        ok 0 "$desc: $(cut -c1-160 "$TMP/stderr")"
    else
        ok 1 "$desc"
        echo "#   status $status; stderr:"
        sed 's/^/#     /' "$TMP/stderr" | head -3
        echo "#   want: $want"
    fi
}

refused "the dataset" "data.csv: 443 lines x 11 columns would need 42 KiB of memory (limit 10 KiB): read fewer rows" \
    explain -d "$D" -m "$M" --rows 0 --max-memory 10K
refused "the option before the command" "(limit 10 KiB)" --max-memory 10K explain -d "$D" -m "$M" --rows 0
refused "--max-memory=SIZE" "(limit 10 KiB)" explain -d "$D" -m "$M" --rows 0 --max-memory=10k
ENVV=GLASSBOX_MAX_MEMORY=10K refused "GLASSBOX_MAX_MEMORY" "(limit 10 KiB)" explain -d "$D" -m "$M" --rows 0
ENVV=GLASSBOX_MAX_MEMORY=10K refused "the option wins over the variable" "(limit 20 KiB)" \
    explain -d "$D" -m "$M" --rows 0 --max-memory 20K
refused "a summary" "a summary of 442 rows x 10 features would need" summary -d "$D" -m "$M" --max-memory 50K
refused "partial dependence" "partial dependence over 442 rows would need" \
    pdp -d "$D" -m "$M" --feature bmi --ice-rows 442 --grid 200 --max-memory 500K
refused "LIME's samples" "LIME with 100,000,000 samples per row would need 28 GiB of memory (limit 1.0 GiB): pass fewer --samples" \
    explain -d "$D" -m "$M" --rows 0 --method lime --samples 100000000 --max-memory 1G
refused "LIME's sampling tables" "LIME's sampling tables for 10 features would need 656 KiB of memory (limit 100 KiB)" \
    explain -d "$D" -m "$M" --rows 0 --method lime --max-memory 100K
refused "a bad size" "--max-memory '2Q': expected a size such as 512M or 2G" \
    explain -d "$D" -m "$M" --rows 0 --max-memory 2Q
refused "a missing size" "--max-memory needs a value" explain -d "$D" -m "$M" --rows 0 --max-memory
ENVV=GLASSBOX_MAX_MEMORY=lots refused "a bad variable" "GLASSBOX_MAX_MEMORY='lots': expected a size" \
    explain -d "$D" -m "$M" --rows 0

# Within the limit the output is the same bytes as without one.
"$G" explain -d "$D" -m "$M" --rows 0-9 >"$TMP/plain.csv"
"$G" explain -d "$D" -m "$M" --rows 0-9 --max-memory 64M >"$TMP/limited.csv"
cmp -s "$TMP/plain.csv" "$TMP/limited.csv" && [ -s "$TMP/plain.csv" ]
ok $? "under a sufficient limit the output is unchanged"
# interactions are computed in batches, so a small limit still serves them.
"$G" interactions -d "$D" -m "$M" --rows 0-99 --max-memory 2M >"$TMP/inter.csv" 2>"$TMP/inter.err"
ok $? "interactions of 100 rows fit in 2 MiB (batched)"
sed 's/^/#   /' "$TMP/inter.err" | head -3

finish
