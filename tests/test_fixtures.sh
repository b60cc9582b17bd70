#!/bin/sh
# test_fixtures.sh: glassbox's predictions and attributions against the
# numbers the reference libraries produced for the same models and data
# (tests/fixtures/*/gen.py made them; LightGBM's were worked out by hand).
#
#  - margins equal XGBoost's predict(output_margin=True) within 1e-5 and the
#    transformed outputs its predict() within 1e-5;
#  - TreeSHAP equals XGBoost's pred_contribs within 1e-4 x max(1, |v|);
#  - for gblinear, XGBoost's contributions are w_i * x_i (not centred):
#    centred by their column means (per class) over the same rows they are the exact
#    linear SHAP values glassbox computes, with base = bias + sum of means;
#  - every explanation is the same with 1 and 2 threads.
. "${top_srcdir:-.}/tests/lib.sh"

G=$GLASSBOX

# centre CONTRIBS.csv: subtract each feature column's mean, add the means to
# base_value (the column before the last).
centre() {
    awk -F, 'NR == 1 { print; next }
             { n++; r[n] = $1; c[n] = $2; cnt[$2]++
               for (i = 3; i <= NF; i++) { v[n, i] = $i; if (i < NF - 1) s[$2, i] += $i } }
             END { for (k = 1; k <= n; k++) { g = c[k]; line = r[k] "," g; tot = 0
                   for (i = 3; i < NF - 1; i++) { mu = s[g, i] / cnt[g]; line = line "," sprintf("%.17g", v[k, i] - mu); tot += mu }
                   print line "," sprintf("%.17g", v[k, NF - 1] + tot) "," v[k, NF] } }' "$1"
}

for dir in "$FIX"/xgboost/*/ "$FIX"/lightgbm/*/; do
    case=$(basename "$dir")
    lib=$(basename "$(dirname "$dir")")
    for model in "$dir"model.json "$dir"model.ubj "$dir"model.txt; do
        [ -f "$model" ] || continue
        name="$lib/$case/$(basename "$model")"
        tol=1e-5
        [ "$lib" = lightgbm ] && tol=1e-12
        if [ -f "$dir/margin.csv" ]; then
            $G predict --raw -d "$dir/data.csv" -m "$model" >"$TMP/margin.csv" 2>"$TMP/err" &&
                "$CSVCMP" --tol $tol "$TMP/margin.csv" "$dir/margin.csv" >"$TMP/cmp" 2>&1
            ok $? "$name: margins equal the library's within $tol"
            [ -s "$TMP/err" ] && sed 's/^/#   /' "$TMP/err"
            grep -v '^csvcmp: [0-9]* lines' "$TMP/cmp" | sed 's/^/#   /'
        fi
        # multi:softmax's predict() gives the class, not probabilities.
        if [ -f "$dir/predict.csv" ] && [ "$case" != softmax ]; then
            $G predict -d "$dir/data.csv" -m "$model" >"$TMP/predict.csv" &&
                "$CSVCMP" --tol $tol "$TMP/predict.csv" "$dir/predict.csv" >"$TMP/cmp" 2>&1
            ok $? "$name: outputs equal the library's within $tol"
            grep -v '^csvcmp: [0-9]* lines' "$TMP/cmp" | sed 's/^/#   /'
        fi
        $G explain -d "$dir/data.csv" -m "$model" -j 1 >"$TMP/explain1.csv" 2>"$TMP/err"
        ok $? "$name: explains every row"
        sed 's/^/#   /' "$TMP/err"
        $G explain -d "$dir/data.csv" -m "$model" -j 2 | cmp -s - "$TMP/explain1.csv"
        ok $? "$name: the same bytes with 2 threads"
        if [ -f "$dir/contribs.csv" ]; then
            want="$dir/contribs.csv"
            what="pred_contribs"
            case $case in gblinear*) centre "$want" >"$TMP/centred.csv"; want="$TMP/centred.csv"; what="centred pred_contribs" ;; esac
            "$CSVCMP" --tol 1e-4 "$TMP/explain1.csv" "$want" >"$TMP/cmp" 2>&1
            ok $? "$name: attributions equal XGBoost's $what within 1e-4"
            sed 's/^/#   /' "$TMP/cmp"
        fi
    done
done

finish
