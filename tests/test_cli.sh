#!/bin/sh
# test_cli.sh: the batch command line as a user meets it: options, help,
# output formats, output files, error messages and exit statuses.
. "${top_srcdir:-.}/tests/lib.sh"

D=$SAMPLES/diabetes/data.csv
M=$SAMPLES/diabetes/xgboost.json
G=$GLASSBOX

$G --version >"$TMP/v" 2>&1
ok $? "--version exits 0"
grep -q '^glassbox [0-9]' "$TMP/v"
ok $? "--version names the program and version"
$G --help | grep -q '^Usage: glassbox'
ok $? "--help prints the usage"
$G explain --help | grep -q -- '--threads'
ok $? "explain --help lists its options"
$G predict --help | grep -q -- '--raw'
ok $? "predict --help lists its options"

fails_with "unknown command" "unknown command 'frobnicate'" $G frobnicate
fails_with "explain without --data" "needs --data FILE and --model FILE" $G explain --model "$M"
fails_with "unknown option" "unknown option '--bogus'" $G explain --data "$D" --model "$M" --bogus
fails_with "option without its value" "--rows needs a value" $G explain --data "$D" --model "$M" --rows
fails_with "row out of range" "row 5000 does not exist (the data has 442 rows" $G explain -d "$D" -m "$M" -r 5000
fails_with "bad thread count" "--threads '0': expected a whole number from 1" $G explain -d "$D" -m "$M" -j 0
fails_with "bad format" "--format xml: expected csv, json or text" $G explain -d "$D" -m "$M" -f xml
fails_with "linear method on trees" "--method linear needs a linear model" $G explain -d "$D" -m "$M" --method linear
fails_with "unknown method" "--method magic: unknown method" $G explain -d "$D" -m "$M" --method magic
fails_with "class out of range" "--class 3: the model has 1 output" $G explain -d "$D" -m "$M" --class 3
fails_with "missing model file" "nope.json: cannot open" $G explain -d "$D" -m "$TMP/nope.json"
fails_with "missing data file" "nope.csv" $G explain -d "$TMP/nope.csv" -m "$M"
cut -d, -f1,2,4- "$D" >"$TMP/nobmi.csv"
fails_with "a model feature missing from the data" "the model's feature 'bmi' is not in the data" \
    $G explain -d "$TMP/nobmi.csv" -m "$M"
printf 'not a model\n' >"$TMP/junk.model"
fails_with "not a model" "not a model glassbox knows" $G explain -d "$D" -m "$TMP/junk.model"

# Output files: whole or absent, never overwritten by accident.
$G explain -d "$D" -m "$M" -r 0-4 -o "$TMP/out.csv"
ok $? "explain -o writes a file"
[ "$(wc -l <"$TMP/out.csv")" -eq 6 ]
ok $? "header and 5 rows"
head -1 "$TMP/out.csv" | grep -q '^row,class,age,sex,bmi,bp,tc,ldl,hdl,tch,ltg,glu,base_value,output$'
ok $? "CSV header is row,class,<features>,base_value,output"
cp "$TMP/out.csv" "$TMP/before.csv"
fails_with "existing output kept without --force" "exists; use --force" $G explain -d "$D" -m "$M" -r 0 -o "$TMP/out.csv"
cmp -s "$TMP/out.csv" "$TMP/before.csv"
ok $? "the existing file is untouched"
$G explain -d "$D" -m "$M" -r 0 -o "$TMP/out.csv" --force && [ "$(wc -l <"$TMP/out.csv")" -eq 2 ]
ok $? "--force replaces it"
fails_with "a failed run leaves no file" "does not exist" $G explain -d "$D" -m "$M" -r 9999 -o "$TMP/new.csv"
[ ! -e "$TMP/new.csv" ] && [ -z "$(ls "$TMP" | grep 'new.csv.tmp')" ]
ok $? "neither the file nor a temporary file is left"

# A device or a pipe is written into, never replaced by a renamed file.
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/from-fifo" &
$G explain -d "$D" -m "$M" -r 0-4 -o "$TMP/fifo"
status=$?
wait
[ $status -eq 0 ] && [ -p "$TMP/fifo" ] && cmp -s "$TMP/from-fifo" "$TMP/before.csv"
ok $? "-o into a named pipe writes through it and leaves the pipe a pipe"

# Additivity, thread invariance and row independence on the whole sample.
$G explain -d "$D" -m "$M" -j 1 >"$TMP/t1.csv"
ok $? "explain all rows with one thread"
$G explain -d "$D" -m "$M" -j 2 >"$TMP/t2.csv" && cmp -s "$TMP/t1.csv" "$TMP/t2.csv"
ok $? "two threads give the same bytes"
$G explain -d "$D" -m "$M" -j 7 >"$TMP/t7.csv" && cmp -s "$TMP/t1.csv" "$TMP/t7.csv"
ok $? "seven threads give the same bytes"
awk -F, 'NR > 1 { s = 0; for (i = 3; i < NF; i++) s += $i; d = s - $NF; if (d < 0) d = -d;
         if (d > 1e-9 * (($NF < 0 ? -$NF : $NF) > 1 ? ($NF < 0 ? -$NF : $NF) : 1)) bad++ }
         END { exit bad ? 1 : 0 }' "$TMP/t1.csv"
ok $? "base_value + attributions = output on every row (1e-9)"
$G explain -d "$D" -m "$M" -r 100-102 >"$TMP/sub.csv" &&
    sed -n '1p;102,104p' "$TMP/t1.csv" | cmp -s - "$TMP/sub.csv"
ok $? "rows explained alone equal the same rows of a full run"
$G predict -d "$D" -m "$M" --raw | tail -n +2 | cut -d, -f3 >"$TMP/pred"
tail -n +2 "$TMP/t1.csv" | awk -F, '{ print $NF }' >"$TMP/outcol"
cmp -s "$TMP/pred" "$TMP/outcol"
ok $? "the output column equals predict --raw"
$G explain -d - -m "$M" -r 0-4 <"$D" | cmp -s - "$TMP/before.csv"
ok $? "--data - reads standard input"

# Formats.
$G explain -d "$D" -m "$M" -r 0-1 -f json >"$TMP/out.json"
ok $? "json output"
grep -q '"method":"treeshap"' "$TMP/out.json" && grep -q '"explanations":\[' "$TMP/out.json"
ok $? "json has the method and the explanations"
if [ -n "${PYTHON3:-}" ] && "$PYTHON3" -c 'import json' 2>/dev/null; then
    "$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["explanations"]) == 2' "$TMP/out.json"
    ok $? "json parses and has 2 explanations"
else
    echo "ok $((tap_n = tap_n + 1)) - json parses # SKIP no python3"
fi
LC_ALL=C.UTF-8 $G explain -d "$D" -m "$M" -r 0 -f text --top 5 >"$TMP/out.txt"
grep -q '^row 0 (target = 151)' "$TMP/out.txt" && grep -q '5 other features' "$TMP/out.txt" && grep -q '│' "$TMP/out.txt"
ok $? "text chart: row, target, top 5 and the rest, Unicode axis"
LC_ALL=C $G explain -d "$D" -m "$M" -r 0 -f text >"$TMP/out.ascii"
! grep -q '│' "$TMP/out.ascii" && grep -q '|' "$TMP/out.ascii"
ok $? "text chart is plain ASCII in the C locale"

# info.
$G info --data "$D" >"$TMP/info" && grep -q 'rows: 442' "$TMP/info" && grep -q 'columns: 11' "$TMP/info"
ok $? "info --data: rows and columns"
$G info --model "$M" >"$TMP/info" && grep -q 'trees: 100' "$TMP/info" && grep -q 'objective: reg:squarederror' "$TMP/info"
ok $? "info --model: trees and objective"
$G info --data "$D" --model "$M" | grep -q 'all 10 model features found'
ok $? "info with both checks the binding"

# No arguments: the demo on the bundled sample.
$G >"$TMP/demo" 2>&1 && grep -q 'row 0' "$TMP/demo"
ok $? "glassbox with no arguments explains a sample row"

finish
