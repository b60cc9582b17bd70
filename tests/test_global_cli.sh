#!/bin/sh
# test_global_cli.sh: the global-view subcommands (summary, interactions,
# importance, pdp, distill) through the real command line: headers, shapes,
# reproducibility across threads, the saved surrogate loading back, and bad
# input failing with status 2, one message and no output.
. "${top_srcdir:-.}/tests/lib.sh"

D=$SAMPLES/diabetes/data.csv
M=$SAMPLES/diabetes/xgboost.json
R=$SAMPLES/diabetes/ridge.json
ID=$SAMPLES/iris/data.csv
IM=$SAMPLES/iris/xgboost.json
G=$GLASSBOX

for c in summary interactions importance pdp distill; do
    $G $c --help | grep -q "^Usage: glassbox $c"
    ok $? "$c --help prints its usage"
done

# summary
$G summary -d "$D" -m "$M" -r 0-49 -o "$TMP/sum.csv" --per-row "$TMP/per.csv"
ok $? "summary runs"
[ "$(head -1 "$TMP/sum.csv")" = "feature,mean_abs_shap,interacts_with,class" ]
ok $? "summary header"
[ "$(wc -l <"$TMP/sum.csv")" -eq 11 ] && [ "$(wc -l <"$TMP/per.csv")" -eq 51 ]
ok $? "summary: 10 features; --per-row: 50 rows"
head -1 "$TMP/per.csv" | grep -q '^row,class,age,sex,bmi,.*,base_value$'
ok $? "--per-row header"
$G summary -d "$D" -m "$M" -r 0-49 -j 1 >"$TMP/sum1.csv" && cmp -s "$TMP/sum.csv" "$TMP/sum1.csv"
ok $? "summary: same bytes on 1 thread"
$G summary -d "$D" -m "$R" --sample 100 --seed 3 >"$TMP/sumr.csv" &&
    $G summary -d "$D" -m "$R" --sample 100 --seed 3 -j 1 | cmp -s - "$TMP/sumr.csv"
ok $? "summary of a linear model on a seeded sample is reproducible"

# interactions
$G interactions -d "$D" -m "$M" -r 0-2 >"$TMP/int.csv"
ok $? "interactions runs"
head -1 "$TMP/int.csv" | grep -q '^row,class,feature,age,sex,bmi,bp,tc,ldl,hdl,tch,ltg,glu$'
ok $? "interactions header"
[ "$(wc -l <"$TMP/int.csv")" -eq 31 ]
ok $? "interactions: 3 rows x 10 features"
$G interactions -d "$ID" -m "$IM" -r 0 --class 2 | tail -n +2 | cut -d, -f2 | sort -u | grep -qx 2
ok $? "interactions --class keeps one class"
$G interactions -d "$D" -m "$M" -r 0-9 --mean | head -1 | grep -q '^class,feature,age'
ok $? "interactions --mean header"

# importance
$G importance -d "$D" -m "$M" --repeats 3 --seed 1 >"$TMP/imp.csv"
ok $? "importance runs"
[ "$(head -1 "$TMP/imp.csv")" = "feature,importance,std" ] && [ "$(wc -l <"$TMP/imp.csv")" -eq 11 ]
ok $? "importance header and 10 features"
$G importance -d "$D" -m "$M" --repeats 3 --seed 1 -j 1 | cmp -s - "$TMP/imp.csv"
ok $? "importance: same bytes on 1 thread"
$G importance -d "$ID" -m "$IM" -t species --metric accuracy --repeats 2 | head -1 | grep -q '^feature,importance,std$'
ok $? "importance on a multiclass model with accuracy"

# pdp
$G pdp -d "$D" -m "$M" --feature bmi --grid 7 >"$TMP/pdp.csv"
ok $? "pdp runs"
[ "$(head -1 "$TMP/pdp.csv")" = "feature,value,pd" ] && [ "$(wc -l <"$TMP/pdp.csv")" -eq 8 ]
ok $? "pdp header and 7 grid points"
$G pdp -d "$D" -m "$M" --feature bmi --grid 5 --ice --ice-rows 4 --seed 2 --centred | head -1 |
    grep -q '^feature,value,pd,row[0-9]*,row[0-9]*,row[0-9]*,row[0-9]*$'
ok $? "pdp --ice adds row<N> columns"
$G pdp -d "$D" -m "$M" --feature bmi --ale --grid 5 >"$TMP/ale.csv"
[ "$(head -1 "$TMP/ale.csv")" = "feature,value,ale" ] && [ "$(wc -l <"$TMP/ale.csv")" -eq 7 ]
ok $? "pdp --ale header and 6 edges"
$G pdp -d "$ID" -m "$IM" --feature petal_length --class 1 --probability --grid 4 >/dev/null
ok $? "pdp of a class probability"

# distill
$G distill -d "$D" -m "$M" --depth 3 --curve --save "$TMP/sur.json" >"$TMP/dist.txt"
ok $? "distill runs"
grep -q '^if ' "$TMP/dist.txt" && grep -q 'fidelity (held out): R^2' "$TMP/dist.txt" &&
    grep -q '^depth,r2,class_agreement$' "$TMP/dist.txt" && grep -q 'linear surrogate' "$TMP/dist.txt"
ok $? "distill prints rules, fidelity, the curve and the linear surrogate"
$G predict -d "$D" -m "$TMP/sur.json" -r 0-4 >"$TMP/sp.csv"
ok $? "the saved surrogate loads back as a model"
$G distill -d "$ID" -m "$IM" --depth 2 | grep -q 'class agreement'
ok $? "distill of a classifier reports class agreement"

# categorical features: levels by name, category sets in the surrogate
CD=$FIX/xgboost/categorical/data.csv
CM=$FIX/xgboost/categorical/model.json
$G pdp -d "$CD" -m "$CM" --feature colour | cut -d, -f2 | tr '\n' ' ' | grep -q '^value blue green red $'
ok $? "pdp of a categorical feature: one grid point per level, by name"
[ "$($G pdp -d "$CD" -m "$CM" --feature colour --ale | wc -l)" -eq 4 ]
ok $? "ALE of a categorical feature: one value per level"
$G distill -d "$CD" -m "$CM" --depth 3 --min-leaf 5 --save "$TMP/cat.json" | grep -q '^if colour in {'
ok $? "distill prints category sets by level name"
$G predict -d "$CD" -m "$TMP/cat.json" >/dev/null
ok $? "a surrogate with category sets loads back and binds to the text column"

# bad input: status 2, a message, nothing on stdout, no file left
fails_with "pdp without --feature" "pdp needs --feature NAME" $G pdp -d "$D" -m "$M"
fails_with "pdp unknown feature" "--feature weight: the model has no such feature" $G pdp -d "$D" -m "$M" --feature weight
fails_with "importance, no such target" "no column named 'nosuch'" $G importance -d "$ID" -m "$IM" -t nosuch
fails_with "importance without a target" "needs the target column" $G importance -d "$ID" -m "$IM"
cut -d, -f1-10 "$D" >"$TMP/notarget.csv"
fails_with "importance, data without target" "needs the target column" $G importance -d "$TMP/notarget.csv" -m "$M"
fails_with "accuracy on a regression" "needs a classifier" $G importance -d "$D" -m "$M" --metric accuracy
fails_with "bad metric" "--metric auc: expected rmse, logloss or accuracy" $G importance -d "$D" -m "$M" --metric auc
fails_with "bad depth" "--depth '0': expected a whole number from 1" $G distill -d "$D" -m "$M" --depth 0
fails_with "bad holdout" "--holdout '2': expected a share between 0 and 1" $G distill -d "$D" -m "$M" --holdout 2
fails_with "probability of a regression" "needs a binary classifier" $G distill -d "$D" -m "$M" --probability
fails_with "summary rows and sample" "--rows and --sample cannot be combined" $G summary -d "$D" -m "$M" -r 0 --sample 3
fails_with "interactions class out of range" "--class 4: the model has 3 output" $G interactions -d "$ID" -m "$IM" --class 4
fails_with "summary unknown option" "unknown option '--bogus'" $G summary -d "$D" -m "$M" --bogus
printf 'age,sex\n1,2\n3\n' >"$TMP/ragged.csv"
$G summary -d "$TMP/ragged.csv" -m "$M" -o "$TMP/never.csv" 2>"$TMP/err"
[ $? -eq 2 ] && [ ! -e "$TMP/never.csv" ] && grep -q 'ragged.csv:3' "$TMP/err"
ok $? "a ragged CSV: status 2, FILE:LINE in the message, no output file"
echo keep >"$TMP/keep.csv"
$G importance -d "$D" -m "$M" --repeats 1 -o "$TMP/keep.csv" 2>/dev/null
[ $? -eq 2 ] && [ "$(cat "$TMP/keep.csv")" = keep ]
ok $? "an existing output file is kept without --force"
$G distill -d "$D" -m "$M" --depth 1 --linear 0 --save "$TMP/sur.json" >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "an existing --save file is kept without --force"

finish
