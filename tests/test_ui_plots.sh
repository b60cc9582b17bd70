#!/bin/sh
# test_ui_plots.sh: the scatter/dependence and compare screens, driven
# through the real program in key-script mode (GLASSBOX_KEYS), their screen
# dumps (less the status line, which belongs to the framework) compared with
# the expected ones under tests/ui/ (plots-*.txt for the text, plots-*.attrs
# for each cell's role), in UTF-8 and ASCII, in colour and monochrome, at
# 80x24 and 200x60.  The compare screen lists every method of the core that
# applies, as computed by the app's jobs: when methods are added or the jobs
# learn to run more of them, its expected dumps change with them.  The numbers behind the plots are
# checked against the batch command: the points a scatter plot exports are
# the attributions `glassbox explain` writes, and so are the compare
# screen's columns.
#
# After an intended change of a screen, regenerate the expected dumps with
#   GLASSBOX_UPDATE_DUMPS=1 make check TESTS=tests/test_ui_plots.sh
# and review the difference with git diff.
. "${top_srcdir:-.}/tests/lib.sh"

EXP=$top_srcdir/tests/ui
D=$SAMPLES/diabetes
I=$SAMPLES/iris

. "${top_srcdir:-.}/tests/ui_run.sh"

# expect NAME DESCRIPTION: the dumps of NAME equal the expected ones.
expect() {
    name=$1
    if [ -n "$GLASSBOX_UPDATE_DUMPS" ]; then
        mkdir -p "$EXP"
        cp "$TMP/$1.txt" "$EXP/plots-$1.txt"
        cp "$TMP/$1.attrs" "$EXP/plots-$1.attrs"
    fi
    # A clean run: exit status 0 and nothing on stderr (no sanitizer report).
    if [ "$(cat "$TMP/$1.status")" = 0 ] && [ ! -s "$TMP/$1.err" ] &&
        cmp -s "$TMP/$1.txt" "$EXP/plots-$1.txt" && cmp -s "$TMP/$1.attrs" "$EXP/plots-$1.attrs"; then
        ok 0 "$2"
    else
        ok 1 "$2"
        echo "#   exit status $(cat "$TMP/$1.status")"
        diff "$EXP/plots-$1.txt" "$TMP/$1.txt" | head -20 | sed 's/^/#   /'
        diff "$EXP/plots-$1.attrs" "$TMP/$1.attrs" | head -6 | sed 's/^/#   attrs /'
        sed 's/^/#   stderr: /' "$TMP/$1.err" | head -5
        echo "#   (intended? the methods of the core and the app's jobs show here too:"
        echo "#    GLASSBOX_UPDATE_DUMPS=1 regenerates the expected dumps, then review git diff)"
    fi
}

U=C.UTF-8
A=C

# --- scatter / dependence
run scatter-utf8-256-80x24 80x24 $U 256 "$D/data.csv" "$D/xgboost.json" s l l
expect scatter-utf8-256-80x24 "scatter: braille, 256 colours, 80x24 (bmi)"
run scatter-ascii-mono-80x24 80x24 $A mono "$D/data.csv" "$D/xgboost.json" s l l
expect scatter-ascii-mono-80x24 "scatter: ASCII density, monochrome, 80x24"
run scatter-colour-utf8-256-200x60 200x60 $U 256 "$D/data.csv" "$D/xgboost.json" s l l o o o o o o o o o
expect scatter-colour-utf8-256-200x60 "scatter: coloured by a feature (quantile classes, legend), 200x60"
run scatter-colour-utf8-mono-80x24 80x24 $U mono "$D/data.csv" "$D/xgboost.json" s l l o o
expect scatter-colour-utf8-mono-80x24 "scatter: coloured by a 2-valued feature without colours: class glyphs"
run scatter-colour-ascii-8-200x60 200x60 $A 8 "$D/data.csv" "$D/xgboost.json" s o o o
expect scatter-colour-ascii-8-200x60 "scatter: ASCII, 8 colours, 200x60"
run scatter-block-utf8-8-80x24 80x24 $U 8 "$D/data.csv" "$D/xgboost.json" s b b
expect scatter-block-utf8-8-80x24 "scatter: quadrant blocks"
run scatter-prediction-iris-utf8-256-80x24 80x24 $U 256 "$I/data.csv" "$I/xgboost.json" s l l y
expect scatter-prediction-iris-utf8-256-80x24 "scatter: the prediction on y, multiclass (class 1)"
run scatter-interaction-utf8-256-80x24 80x24 $U 256 "$D/data.csv" "$D/xgboost.json" s l l i
expect scatter-interaction-utf8-256-80x24 "scatter: i colours by the strongest interaction partner of x"
# The partner is the largest off-diagonal mean |interaction| of bmi's row in
# the batch command's matrix.
want=$("$GLASSBOX" interactions -d "$D/data.csv" -m "$D/xgboost.json" --mean |
    awk -F, 'NR == 1 { for (i = 3; i <= NF; i++) name[i] = $i }
             $2 == "bmi" { best = -1; for (i = 3; i <= NF; i++) if (name[i] != "bmi" && $i > best) { best = $i; arg = name[i] } print arg }')
check "scatter: the partner ($want) is the one glassbox interactions --mean finds for bmi" \
    grep -q "colour: $want (strongest interaction)" "$TMP/scatter-interaction-utf8-256-80x24.txt"
run scatter-interaction-linear 80x24 $U 256 "$D/data.csv" "$D/ridge.json" s i
check "scatter: a linear model has no interaction partner" \
    grep -q "colour: none (no interaction)" "$TMP/scatter-interaction-linear.txt"
C=$FIX/xgboost/categorical
run scatter-categorical-utf8-256-80x24 80x24 $U 256 "$C/data.csv" "$C/model.json" s o o o
expect scatter-categorical-utf8-256-80x24 "scatter: categorical x named by level, coloured by a categorical feature, missing values counted"
GLASSBOX_SCATTER_ROWS=100
export GLASSBOX_SCATTER_ROWS
run scatter-sample-utf8-256-80x24 80x24 $U 256 "$D/data.csv" "$D/xgboost.json" s
expect scatter-sample-utf8-256-80x24 "scatter: large data shows an evenly spaced sample, and says so"
run scatter-sample-all-utf8-256-80x24 80x24 $U 256 "$D/data.csv" "$D/xgboost.json" s A
expect scatter-sample-all-utf8-256-80x24 "scatter: A explains every row"
unset GLASSBOX_SCATTER_ROWS
run scatter-help-utf8-256-80x24 80x24 $U 256 "$D/data.csv" "$D/xgboost.json" s '?'
expect scatter-help-utf8-256-80x24 "scatter: its keys in the help screen"
run scatter-resize-utf8-256-60x15 80x24 $U 256 "$D/data.csv" "$D/xgboost.json" s ':resize 60x15'
expect scatter-resize-utf8-256-60x15 "scatter: redrawn after a resize to the smallest size"

# --- compare
run compare-utf8-256-80x24 80x24 $U 256 "$D/data.csv" "$D/xgboost.json" c
expect compare-utf8-256-80x24 "compare: UTF-8, 256 colours, 80x24"
run compare-ascii-mono-80x24 80x24 $A mono "$D/data.csv" "$D/xgboost.json" c
expect compare-ascii-mono-80x24 "compare: ASCII, monochrome, 80x24"
run compare-utf8-8-200x60 200x60 $U 8 "$D/data.csv" "$D/ridge.json" c j j
expect compare-utf8-8-200x60 "compare: a linear model, 8 colours, 200x60, cursor moved"
run compare-ascii-256-200x60 200x60 $A 256 "$I/data.csv" "$I/xgboost.json" c l
expect compare-ascii-256-200x60 "compare: multiclass, ASCII, reference moved"

# --- the numbers behind the screens equal the batch command's
"$GLASSBOX" explain -d "$D/data.csv" -m "$D/xgboost.json" --rows 0- -o "$TMP/explain.csv"
run export-scatter 80x24 $U 256 "$D/data.csv" "$D/xgboost.json" s l l e "$TMP/scatter.csv" '<Enter>'
# bmi is the fourth column of explain.csv (row,class,age,sex,bmi,...).
awk -F, 'NR > 1 { print $1 "," $5 }' "$TMP/explain.csv" >"$TMP/want.csv"
awk -F, 'NR > 1 { print $1 "," $3 }' "$TMP/scatter.csv" >"$TMP/got.csv"
check "scatter export: 442 points whose y is the attribution glassbox explain gives" \
    sh -c "[ \$(wc -l <'$TMP/got.csv') -eq 442 ] && cmp '$TMP/want.csv' '$TMP/got.csv'"
awk -F, 'NR > 1 { printf "%.17g\n", $3 }' "$D/data.csv" >"$TMP/want-x.txt"
awk -F, 'NR > 1 { printf "%.17g\n", $2 }' "$TMP/scatter.csv" >"$TMP/got-x.txt"
check "scatter export: x is the data's bmi column" cmp "$TMP/want-x.txt" "$TMP/got-x.txt"
run export-compare 80x24 $U 256 "$D/data.csv" "$D/xgboost.json" c e "$TMP/compare.csv" '<Enter>'
awk -F, 'NR == 2 { for (i = 3; i <= 12; i++) print $i; print $13; print $14 }' "$TMP/explain.csv" >"$TMP/want-c.txt"
awk -F, 'NR > 1 { print $2 }' "$TMP/compare.csv" >"$TMP/got-c.txt"
check "compare export: the treeshap column, base value and output are glassbox explain's row 0" \
    cmp "$TMP/want-c.txt" "$TMP/got-c.txt"
run export-compare-json 80x24 $U 256 "$D/data.csv" "$D/xgboost.json" c e "$TMP/compare.json" '<Enter>'
check "compare export: JSON with the reference's agreement with itself (1, 1, k of k)" \
    grep -q '"method": "treeshap", "computed": true.*"spearman": 1, "spearman_abs": 1, "topk_common": 5' \
    "$TMP/compare.json"

finish
