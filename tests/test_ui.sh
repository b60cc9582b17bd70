#!/bin/sh
# test_ui.sh: the explorer driven by key scripts (GLASSBOX_KEYS), its screens
# dumped as text and compared with the expected screens in tests/ui/: every
# screen, UTF-8 and ASCII, colour (256 and 8) and monochrome, 80x24 and
# 200x60.  Colours are compared through :attrs dumps (one letter per cell
# naming its role).  The clock is frozen so elapsed times are stable.
#
# To accept new screens after a deliberate change, run with
# GLASSBOX_UPDATE_UI=1 and review the diff of tests/ui/ before committing.
. "${top_srcdir:-.}/tests/lib.sh"

D=$SAMPLES/diabetes/data.csv
M=$SAMPLES/diabetes/xgboost.json
EXP=$top_srcdir/tests/ui

# run NAME LOCALE TERM SIZE [ENV=VALUE...] -- ARGS: runs the key script
# $TMP/NAME.keys; its dumps land in $TMP/out/.
run() {
    name=$1 loc=$2 term=$3 size=$4
    shift 4
    envs=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        envs="$envs $1"
        shift
    done
    [ "$1" = "--" ] && shift
    cols=${size%x*}
    lines=${size#*x}
    # shellcheck disable=SC2086
    env -i PATH="$PATH" HOME="$TMP" LC_ALL="$loc" LANG="$loc" TERM="$term" COLUMNS="$cols" LINES="$lines" \
        GLASSBOX_FROZEN_CLOCK=1 GLASSBOX_KEYS="$TMP/$name.keys" GLASSBOX_SAMPLES="$SAMPLES" $envs \
        "$GLASSBOX" "$@" >/dev/null 2>"$TMP/$name.err"
}

# compare FILE: the dump in $TMP/out/FILE against tests/ui/FILE.
compare() {
    if [ -n "$GLASSBOX_UPDATE_UI" ]; then
        cp "$TMP/out/$1" "$EXP/$1"
    fi
    if cmp -s "$TMP/out/$1" "$EXP/$1"; then
        ok 0 "screen $1"
    else
        ok 1 "screen $1"
        diff -u "$EXP/$1" "$TMP/out/$1" 2>&1 | head -30 | sed 's/^/#   /'
    fi
}

mkdir -p "$TMP/out"
O=$TMP/out

# --- the data table: UTF-8 and ASCII, 80x24 and 200x60
cat >"$TMP/data.keys" <<EOF
:dump $O/data-80x24.txt
:attrs $O/data-80x24.attrs
:resize 200x60
:dump $O/data-200x60.txt
EOF
run data C.UTF-8 xterm-256color 80x24
ok $? "data screens: exit status 0"
compare data-80x24.txt
compare data-80x24.attrs
compare data-200x60.txt
run data C xterm-256color 80x24
cp "$O/data-80x24.txt" "$O/data-ascii-80x24.txt"
compare data-ascii-80x24.txt

# --- sorting, marking, filtering, searching
cat >"$TMP/table.keys" <<EOF
j
j
<Space>
<Space>
l
l
l
l
]
:dump $O/table-sorted.txt
f
bmi > 30 and age < 50
<Enter>
:dump $O/table-filtered.txt
/
62
<Enter>
:dump $O/table-search.txt
n
:dump $O/table-search-next.txt
f
bmx > 3
<Enter>
:dump $O/table-filter-error.txt
F
[
[
:
100
<Enter>
:dump $O/table-goto.txt
EOF
run table C.UTF-8 xterm-256color 80x24
ok $? "table keys: exit status 0"
for s in sorted filtered search search-next filter-error goto; do compare "table-$s.txt"; done

# --- the explanation: bars, waterfall, UTF-8/ASCII, colours, sizes
cat >"$TMP/explain.keys" <<EOF
<Enter>
:dump $O/explain-80x24.txt
:attrs $O/explain-80x24.attrs
j
j
v
:dump $O/explain-waterfall.txt
v
-
-
-
-
:dump $O/explain-top6.txt
J
:dump $O/explain-row1.txt
:resize 200x60
:dump $O/explain-200x60.txt
EOF
run explain C.UTF-8 xterm-256color 80x24
ok $? "explanation screens: exit status 0"
for s in 80x24.txt 80x24.attrs waterfall.txt top6.txt row1.txt 200x60.txt; do compare "explain-$s"; done
run explain C xterm-256color 80x24
for s in 80x24 waterfall top6; do cp "$O/explain-$s.txt" "$O/explain-ascii-$s.txt"; compare "explain-ascii-$s.txt"; done
run explain C.UTF-8 xterm 80x24
cp "$O/explain-80x24.attrs" "$O/explain-8colour.attrs"
compare explain-8colour.attrs
run explain C.UTF-8 xterm-256color 80x24 NO_COLOR=1
cp "$O/explain-80x24.attrs" "$O/explain-nocolor.attrs"
compare explain-nocolor.attrs
cmp -s "$O/explain-80x24.txt" "$EXP/explain-80x24.txt"
ok $? "NO_COLOR changes the attributes, not the text"
run explain C.UTF-8 xterm-mono 80x24
cmp -s "$O/explain-80x24.attrs" "$EXP/explain-nocolor.attrs"
ok $? "a terminal without colours gets the monochrome scheme"

# --- the method form, help screens, how it works, too small
cat >"$TMP/screens.keys" <<EOF
m
:dump $O/method-80x24.txt
j
<Enter>
25
<Enter>
j
j
j
<Enter>
abc
<Enter>
:dump $O/method-edited.txt
:resize 200x60
:dump $O/method-200x60.txt
:resize 80x24
q
?
:dump $O/help-data.txt
q
<Enter>
<F1>
:dump $O/help-explain.txt
q
w
:dump $O/how-80x24.txt
l
:dump $O/how-tree1.txt
q
:resize 59x24
:dump $O/too-small-59x24.txt
:resize 80x14
:dump $O/too-small-80x14.txt
:resize 60x15
:dump $O/smallest-60x15.txt
EOF
run screens C.UTF-8 xterm-256color 80x24
ok $? "form, help and how screens: exit status 0"
for s in method-80x24 method-edited method-200x60 help-data help-explain how-80x24 how-tree1 \
    too-small-59x24 too-small-80x14 smallest-60x15; do
    compare "$s.txt"
done
run screens C xterm 80x24
cp "$O/how-80x24.txt" "$O/how-ascii-80x24.txt"
compare how-ascii-80x24.txt

# --- a linear model: linear SHAP and its "how it works"
cat >"$TMP/linear.keys" <<EOF
<Enter>
:dump $O/linear-explain.txt
w
:dump $O/linear-how.txt
EOF
run linear C.UTF-8 xterm-256color 80x24 -- --data "$D" --model "$SAMPLES/diabetes/ridge.json" --row 3
ok $? "linear model: exit status 0"
compare linear-explain.txt
compare linear-how.txt

# --- a multiclass model: classes and probabilities
cat >"$TMP/iris.keys" <<EOF
:dump $O/iris-explain.txt
>
:dump $O/iris-class2.txt
EOF
run iris C.UTF-8 xterm-256color 80x24 -- --data "$SAMPLES/iris/data.csv" --model "$SAMPLES/iris/xgboost.json" --row 60
ok $? "multiclass model: exit status 0"
compare iris-explain.txt
compare iris-class2.txt

# --- the summary opened from the table (its screens: test_ui_global.sh), an unknown key, Esc with nothing running
cat >"$TMP/misc.keys" <<EOF
u
:dump $O/msg-summary.txt
Z
:dump $O/msg-unknown.txt
<Esc>
:dump $O/msg-cancel.txt
EOF
run misc C.UTF-8 xterm-256color 80x24
for s in summary unknown cancel; do compare "msg-$s.txt"; done

# --- export: CSV and JSON of the explanation, atomically, never overwriting
cat >"$TMP/export.keys" <<EOF
<Enter>
e
$TMP/row0.csv
<Enter>
e
$TMP/row0.json
<Enter>
e
$TMP/row0.txt
<Enter>
e
$TMP/row0.csv
<Enter>
:dump $O/export-exists.txt
n
t
e
$TMP/table.csv
<Enter>
EOF
run export C.UTF-8 xterm-256color 80x24
ok $? "export: exit status 0"
"$GLASSBOX" explain -d "$D" -m "$M" -r 0 >"$TMP/batch.csv"
# The same numbers as the batch command, feature by feature.
awk -F, 'NR == 2 { for (i = 3; i <= 12; i++) print $i }' "$TMP/batch.csv" >"$TMP/batch.phi"
awk -F, 'NR > 1 && NR <= 11 { print $6 }' "$TMP/row0.csv" >"$TMP/ui.phi"
[ -s "$TMP/ui.phi" ] && cmp -s "$TMP/batch.phi" "$TMP/ui.phi"
ok $? "exported attributions equal glassbox explain's, digit for digit"
head -1 "$TMP/row0.csv" | grep -q '^row,class,method,feature,value,attribution,standard_error$'
ok $? "exported CSV header"
grep -q '"features":\[' "$TMP/row0.json" && grep -q '"base_value":' "$TMP/row0.json"
ok $? "exported JSON"
grep -q 'Explanation  row 0' "$TMP/row0.txt"
ok $? "exported text is the screen"
tail -n 1 "$O/export-exists.txt" | grep -q "overwrite $TMP/row0.csv? (y/n)" && grep -q '^0,0,' "$TMP/row0.csv"
ok $? "an existing file is not overwritten without asking (n keeps it)"
[ "$(wc -l <"$TMP/table.csv")" -eq 443 ] && head -1 "$TMP/table.csv" | grep -q '^row,marked,prediction,target,age'
ok $? "the data table exports every row"
[ -z "$(find "$TMP" -name '*.tmp*')" ]
ok $? "no temporary files left"

# --- bad input: reported before the terminal is touched
fails_with "missing model file" "nope.json" env GLASSBOX_KEYS=/dev/null "$GLASSBOX" --data "$D" --model "$TMP/nope.json"
fails_with "row out of range" "--row 9999: the data has 442 rows" env GLASSBOX_KEYS=/dev/null "$GLASSBOX" --data "$D" --model "$M" --row 9999
fails_with "data without model" "needs both --data FILE and --model FILE" "$GLASSBOX" --data "$D"
fails_with "unknown method" "--method magic: unknown method" env GLASSBOX_KEYS=/dev/null "$GLASSBOX" -d "$D" -m "$M" --method magic
printf '<Nope>\n' >"$TMP/bad.keys"
run bad C.UTF-8 xterm 80x24
status=$?
[ $status -eq 1 ] && grep -q 'bad.keys:1: unknown key name <Nope>' "$TMP/bad.err"
ok $? "a bad key script names the file and line"

# --- without a terminal and without a key script: the text chart, no hang
"$GLASSBOX" --data "$D" --model "$M" --row 3 </dev/null >"$TMP/fallback.txt" 2>&1
ok $? "explorer options without a terminal exit 0"
grep -q '^row 3' "$TMP/fallback.txt"
ok $? "and print the row's explanation as text"

finish
