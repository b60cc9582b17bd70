#!/bin/sh
# test_bad_input.sh: every broken file in the fixture catalogues, through the
# real command line: exit status 2, one message on stderr that names the file,
# nothing on standard output, and no output file left behind.  The exact
# wording of each message is checked by the C tests of each reader
# (test_dataset, test_native, test_xgboost, test_lightgbm); this checks what
# a user of the command sees.
. "${top_srcdir:-.}/tests/lib.sh"

G=$GLASSBOX
D=$SAMPLES/diabetes/data.csv
M=$SAMPLES/diabetes/xgboost.json

refused() { # DESCRIPTION FILE COMMAND...
    desc=$1
    file=$2
    shift 2
    "$@" -o "$TMP/out.csv" >"$TMP/stdout" 2>"$TMP/stderr"
    status=$?
    lines=$(wc -l <"$TMP/stderr")
    if [ $status -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF "glassbox: $file" "$TMP/stderr" &&
        [ ! -s "$TMP/stdout" ] && [ ! -e "$TMP/out.csv" ] && ! ls "$TMP" | grep -q 'out.csv.tmp'; then
        ok 0 "$desc: $(cut -c1-150 "$TMP/stderr")"
    else
        ok 1 "$desc"
        echo "#   status $status, $lines stderr lines:"
        sed 's/^/#     /' "$TMP/stderr" | head -3
    fi
}

for f in "$FIX"/csv/bad/*; do
    refused "bad data $(basename "$f")" "$f" $G explain --data "$f" --model "$M"
done
for f in "$FIX"/native/hostile/*.json; do
    refused "hostile model $(basename "$f")" "$f" $G explain --data "$D" --model "$f"
done

# Broken XGBoost and LightGBM files made on the spot from good ones.
X=$FIX/xgboost/regression
head -c 3000 "$X/model.json" >"$TMP/truncated.json"
refused "truncated XGBoost JSON" "$TMP/truncated.json" $G explain -d "$X/data.csv" -m "$TMP/truncated.json"
head -c 3000 "$X/model.ubj" >"$TMP/truncated.ubj"
refused "truncated XGBoost UBJSON" "$TMP/truncated.ubj" $G explain -d "$X/data.csv" -m "$TMP/truncated.ubj"
sed 's/"reg:squarederror"/"reg:madeup"/' "$X/model.json" >"$TMP/objective.json"
refused "unknown objective" "$TMP/objective.json" $G explain -d "$X/data.csv" -m "$TMP/objective.json"
sed 's/"left_children":\[1,/"left_children":[9999,/' "$X/model.json" >"$TMP/child.json"
refused "child index out of range" "$TMP/child.json" $G explain -d "$X/data.csv" -m "$TMP/child.json"
L=$FIX/lightgbm/regression
grep -v '^leaf_value=' "$L/model.txt" >"$TMP/nokey.txt"
refused "LightGBM tree without leaf_value" "$TMP/nokey.txt" $G explain -d "$L/data.csv" -m "$TMP/nokey.txt"
sed 's/^num_class=1$/num_class=9/' "$L/model.txt" >"$TMP/classes.txt" # fuzz finding: regression, 9 classes
refused "LightGBM num_class against its objective" "$TMP/classes.txt" $G explain -d "$L/data.csv" -m "$TMP/classes.txt"
sed 's/^objective=regression$/objective=multiclass/' "$L/model.txt" >"$TMP/oneclass.txt" # fuzz finding: 1 class
refused "LightGBM multiclass objective with num_class=1" "$TMP/oneclass.txt" $G explain -d "$L/data.csv" -m "$TMP/oneclass.txt"
grep -qF "oneclass.txt:3: num_class=1 does not fit objective=multiclass (a multiclass objective needs num_class=2 or more)" "$TMP/stderr"
ok $? "LightGBM multiclass objective with num_class=1: the message names both keys"
head -c 700 "$L/model.txt" >"$TMP/cut.txt"
refused "truncated LightGBM model" "$TMP/cut.txt" $G explain -d "$L/data.csv" -m "$TMP/cut.txt"
head -c 100000 "$G" >"$TMP/garbage.bin" # an executable: binary, deterministic
refused "binary garbage as a model" "$TMP/garbage.bin" $G explain -d "$D" -m "$TMP/garbage.bin"
refused "binary garbage as data" "$TMP/garbage.bin" $G explain -d "$TMP/garbage.bin" -m "$M"

finish
