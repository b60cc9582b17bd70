#!/bin/sh
# test_ui_global.sh: the explorer's global views, summary (u), PDP/ICE/ALE
# (p) and surrogate tree (d), driven in key-script mode (GLASSBOX_KEYS).
# Their screen dumps (less the status line, which belongs to the framework)
# are compared with tests/ui/global-*.txt and the cells' roles with
# global-*.attrs, in UTF-8 and ASCII, colour and monochrome, 80x24 and
# 200x60.  Then the numbers behind the screens are checked against the batch
# commands on the same rows and seed: the summary's export against
# `glassbox summary` and `glassbox importance`, the PDP and ALE exports
# against `glassbox pdp`, the surrogate's curve and fidelity against
# `glassbox distill`.
#
# After an intended change of a screen, regenerate the expected dumps with
#   GLASSBOX_UPDATE_DUMPS=1 make check TESTS=tests/test_ui_global.sh
# and review the difference with git diff.
. "${top_srcdir:-.}/tests/lib.sh"

EXP=$top_srcdir/tests/ui
D=$SAMPLES/diabetes
I=$SAMPLES/iris
B=$SAMPLES/breast_cancer
C=$FIX/xgboost/categorical

. "${top_srcdir:-.}/tests/ui_run.sh"

# expect NAME DESCRIPTION: a clean run whose dumps equal the expected ones.
expect() {
    if [ -n "$GLASSBOX_UPDATE_DUMPS" ]; then
        cp "$TMP/$1.txt" "$EXP/global-$1.txt"
        cp "$TMP/$1.attrs" "$EXP/global-$1.attrs"
    fi
    if [ "$(cat "$TMP/$1.status")" = 0 ] && [ ! -s "$TMP/$1.err" ] &&
        cmp -s "$TMP/$1.txt" "$EXP/global-$1.txt" && cmp -s "$TMP/$1.attrs" "$EXP/global-$1.attrs"; then
        ok 0 "$2"
    else
        ok 1 "$2"
        echo "#   exit status $(cat "$TMP/$1.status")"
        diff "$EXP/global-$1.txt" "$TMP/$1.txt" | head -20 | sed 's/^/#   /'
        diff "$EXP/global-$1.attrs" "$TMP/$1.attrs" | head -6 | sed 's/^/#   attrs /'
        sed 's/^/#   stderr: /' "$TMP/$1.err" | head -5
    fi
}

# clean NAME DESCRIPTION: exit status 0 and nothing on stderr.
clean() {
    [ "$(cat "$TMP/$1.status")" = 0 ] && [ ! -s "$TMP/$1.err" ]
    ok $? "$2"
}

U=C.UTF-8
A=C
XD="$D/data.csv $D/xgboost.json"

# --- summary
# shellcheck disable=SC2086
run summary-utf8-256-80x24 80x24 $U 256 $XD u
expect summary-utf8-256-80x24 "summary: bars, strips coloured by value, importance; UTF-8, 256 colours, 80x24"
# shellcheck disable=SC2086
run summary-ascii-mono-80x24 80x24 $A mono $XD u j
expect summary-ascii-mono-80x24 "summary: ASCII, monochrome, second feature selected"
run summary-iris-utf8-8-200x60 200x60 $U 8 "$I/data.csv" "$I/xgboost.json" u
expect summary-iris-utf8-8-200x60 "summary: multiclass without a target, 8 colours, 200x60"
# shellcheck disable=SC2086
run summary-help 80x24 $U 256 $XD u '?'
expect summary-help "summary: its keys in the help screen"
# shellcheck disable=SC2086
run summary-enter 80x24 $U 256 $XD u j '<Enter>'
check "summary: Enter opens the dependence plot of the selected feature (bmi)" \
    grep -q "Dependence: bmi" "$TMP/summary-enter.txt"
# shellcheck disable=SC2086
run summary-sample 80x24 $U 256 $XD u n '<Backspace>' '<Backspace>' '<Backspace>' '<Backspace>' 100 '<Enter>' e "$TMP/summary-100.csv" '<Enter>'
check "summary: n 100 summarises a seeded sample and says so" \
    grep -q "over 100 of 442 rows (sample, seed 0)" "$TMP/summary-sample.txt"

# --- PDP / ICE / ALE
# shellcheck disable=SC2086
run pdp-utf8-256-80x24 80x24 $U 256 $XD p l l
expect pdp-utf8-256-80x24 "pdp: PD over faint ICE curves, braille, 256 colours, 80x24 (bmi)"
# shellcheck disable=SC2086
run pdp-ascii-mono-80x24 80x24 $A mono $XD p l l c
expect pdp-ascii-mono-80x24 "pdp: centred ICE, ASCII, monochrome"
# shellcheck disable=SC2086
run pdp-ale-utf8-8-200x60 200x60 $U 8 $XD p l l a
expect pdp-ale-utf8-8-200x60 "pdp: ALE, 8 colours, 200x60"
run pdp-categorical-utf8-256-80x24 80x24 $U 256 "$C/data.csv" "$C/model.json" p l l
expect pdp-categorical-utf8-256-80x24 "pdp: a categorical feature's levels on the axis"
run pdp-ale-categorical-ascii-256-80x24 80x24 $A 256 "$C/data.csv" "$C/model.json" p l l a
expect pdp-ale-categorical-ascii-256-80x24 "pdp: ALE of a categorical feature, ASCII"

# --- surrogate
# shellcheck disable=SC2086
run surrogate-utf8-256-80x24 80x24 $U 256 $XD d
expect surrogate-utf8-256-80x24 "surrogate: depth 3 tree, fidelity, curve; UTF-8, 256 colours, 80x24"
run surrogate-ascii-mono-80x24 80x24 $A mono "$B/data.csv" "$B/xgboost.ubj" d + j j
expect surrogate-ascii-mono-80x24 "surrogate: classifier (class agreement), depth 4, scrolled, ASCII, monochrome"
run surrogate-iris-utf8-8-200x60 200x60 $U 8 "$I/data.csv" "$I/xgboost.json" d - -
expect surrogate-iris-utf8-8-200x60 "surrogate: multiclass, depth 1, 8 colours, 200x60"

# --- the numbers behind the screens equal the batch commands'
# shellcheck disable=SC2086
run export-summary 80x24 $U 256 $XD u e "$TMP/summary.csv" '<Enter>'
clean export-summary "summary export: a clean run"
"$GLASSBOX" summary -d "$D/data.csv" -m "$D/xgboost.json" --sample 2000 --seed 0 --approximate |
    awk -F, 'NR > 1 { print $1 "," $2 }' >"$TMP/want-sum.txt"
awk -F, 'NR > 1 { print $1 "," $2 }' "$TMP/summary.csv" >"$TMP/got-sum.txt"
check "summary export: features in glassbox summary's order with its mean |SHAP|" \
    sh -c "[ \$(wc -l <'$TMP/got-sum.txt') -eq 10 ] && cmp '$TMP/want-sum.txt' '$TMP/got-sum.txt'"
"$GLASSBOX" importance -d "$D/data.csv" -m "$D/xgboost.json" --sample 2000 --seed 0 |
    awk -F, 'NR > 1 { print $1 "," $2 "," $3 }' | sort >"$TMP/want-imp.txt"
awk -F, 'NR > 1 { print $1 "," $3 "," $4 }' "$TMP/summary.csv" | sort >"$TMP/got-imp.txt"
check "summary export: permutation importance and std are glassbox importance's" \
    cmp "$TMP/want-imp.txt" "$TMP/got-imp.txt"
top=$(sed -n 1p "$TMP/want-sum.txt")
check "summary screen: the top feature and its mean |SHAP| ($top, 4 digits) as glassbox summary" \
    grep -q "$(printf '%s .*%.4g ' "${top%%,*}" "${top#*,}")" "$TMP/summary-utf8-256-80x24.txt"
"$GLASSBOX" summary -d "$D/data.csv" -m "$D/xgboost.json" --sample 100 --seed 0 --approximate |
    awk -F, 'NR > 1 { print $1 "," $2 }' >"$TMP/want-sum100.txt"
awk -F, 'NR > 1 { print $1 "," $2 }' "$TMP/summary-100.csv" >"$TMP/got-sum100.txt"
check "summary of a 100-row sample: the rows glassbox summary --sample 100 --seed 0 takes" \
    cmp "$TMP/want-sum100.txt" "$TMP/got-sum100.txt"

# shellcheck disable=SC2086
run export-pdp 80x24 $U 256 $XD p l l e "$TMP/pdp.csv" '<Enter>'
"$GLASSBOX" pdp -d "$D/data.csv" -m "$D/xgboost.json" --feature bmi --ice --ice-rows 20 --sample 2000 \
    --seed 0 -o "$TMP/want-pdp.csv"
check "pdp export: PD and the 20 ICE curves are glassbox pdp --ice's, byte for byte" \
    cmp "$TMP/want-pdp.csv" "$TMP/pdp.csv"
# shellcheck disable=SC2086
run export-pdp-centred 80x24 $U 256 $XD p l l c e "$TMP/pdp-c.csv" '<Enter>'
"$GLASSBOX" pdp -d "$D/data.csv" -m "$D/xgboost.json" --feature bmi --ice --ice-rows 20 --centred \
    -o "$TMP/want-pdp-c.csv"
check "pdp export: centred ICE as glassbox pdp --centred" cmp "$TMP/want-pdp-c.csv" "$TMP/pdp-c.csv"
run export-ale 80x24 $U 256 "$C/data.csv" "$C/model.json" p a e "$TMP/ale.csv" '<Enter>'
"$GLASSBOX" pdp -d "$C/data.csv" -m "$C/model.json" --feature level --ale -o "$TMP/want-ale.csv"
check "ale export: a categorical feature's ALE is glassbox pdp --ale's" cmp "$TMP/want-ale.csv" "$TMP/ale.csv"

# shellcheck disable=SC2086
run export-surrogate 80x24 $U 256 $XD d e "$TMP/surrogate.csv" '<Enter>'
"$GLASSBOX" distill -d "$D/data.csv" -m "$D/xgboost.json" --depth 3 --curve --linear 0 >"$TMP/distill.txt"
sed -n '/^depth,r2,class_agreement$/,/^$/p' "$TMP/distill.txt" | sed '/^$/d' >"$TMP/want-curve.csv"
cut -d, -f1-3 "$TMP/surrogate.csv" >"$TMP/got-curve.csv"
check "surrogate export: the fidelity curve is glassbox distill --curve's" \
    cmp "$TMP/want-curve.csv" "$TMP/got-curve.csv"
r2=$(sed -n 's/^fidelity (held out): R^2 \([^,]*\).*/\1/p' "$TMP/distill.txt")
check "surrogate screen: R² $r2 (4 digits) as glassbox distill --depth 3" \
    grep -q "R² $(printf '%.4g' "$r2")" "$TMP/surrogate-utf8-256-80x24.txt"
# shellcheck disable=SC2086
run export-surrogate-json 80x24 $U 256 $XD d e "$TMP/surrogate.json" '<Enter>'
check "surrogate export: JSON with the exact R² of glassbox distill" \
    grep -q "\"r2\": $r2," "$TMP/surrogate.json"
"$GLASSBOX" distill -d "$D/data.csv" -m "$D/xgboost.json" --depth 3 --linear 0 |
    sed -n '2,/^$/p' | sed '/^$/d' | wc -l >"$TMP/want-lines.txt"
check "surrogate: the tree has as many lines as glassbox distill prints" \
    grep -q "of $(cat "$TMP/want-lines.txt")  " "$TMP/surrogate-utf8-256-80x24.txt"

# Every run above, dumped or not, exited 0 and wrote nothing to stderr (a
# sanitizer's report would land there).
bad=$(for f in "$TMP"/*.status; do n=${f%.status}; [ "$(cat "$f")" = 0 ] && [ ! -s "$n.err" ] || echo "${n##*/}"; done)
check "every run: exit status 0, nothing on stderr${bad:+ (failed: $bad)}" test -z "$bad"

finish
