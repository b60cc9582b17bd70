#!/bin/sh
# test_ui_sampling.sh: the explorer runs the background and sampling methods
# as `glassbox explain` does, and shows how KernelSHAP, permutation SHAP and
# LIME got their numbers.
#
# For kernelshap, permutation, exact, treeshap-int and lime, settings are
# changed in the method form (background rows, samples, seed), the row is
# explained and exported with `e`, and the export must equal the batch
# command's CSV with the same settings digit for digit: every attribution,
# the base value, the output and the standard errors (--se).  Then the
# "how it works" pages of the three sampled methods are dumped (UTF-8 and
# ASCII, 80x24 and 200x60, scrolled) and compared with tests/ui/how-*.txt;
# GLASSBOX_UPDATE_UI=1 accepts new screens (review the diff before
# committing).
. "${top_srcdir:-.}/tests/lib.sh"

D=$SAMPLES/diabetes/data.csv
M=$SAMPLES/diabetes/xgboost.json
EXP=$top_srcdir/tests/ui
mkdir -p "$TMP/out"
O=$TMP/out

# run NAME LOCALE SIZE ARGS...: the key script $TMP/NAME.keys
run() {
    name=$1 loc=$2 size=$3
    shift 3
    env -i PATH="$PATH" HOME="$TMP" LC_ALL="$loc" LANG="$loc" TERM=xterm-256color COLUMNS="${size%x*}" \
        LINES="${size#*x}" GLASSBOX_FROZEN_CLOCK=1 GLASSBOX_KEYS="$TMP/$name.keys" GLASSBOX_SAMPLES="$SAMPLES" \
        "$GLASSBOX" "$@" >/dev/null 2>"$TMP/$name.err"
}

compare() {
    if [ -n "$GLASSBOX_UPDATE_UI" ]; then
        cp "$O/$1" "$EXP/$1"
    fi
    if cmp -s "$O/$1" "$EXP/$1"; then
        ok 0 "screen $1"
    else
        ok 1 "screen $1"
        diff -u "$EXP/$1" "$O/$1" 2>&1 | head -30 | sed 's/^/#   /'
    fi
}

# form_keys BG SAMPLES SEED: the method form's keys to set them and explain.
form_keys() {
    printf 'm\nj\n<Enter>\n%s\n<Enter>\nj\n<Enter>\n%s\n<Enter>\nj\n<Enter>\n%s\n<Enter>\nG\n<Enter>\n' "$1" "$2" "$3"
}

# --- the explorer's numbers are the batch command's
for method in kernelshap permutation exact treeshap-int lime; do
    case $method in
    kernelshap | permutation) cli="--background 50 --samples 300 --seed 7 --se $TMP/cli-$method.se" ;;
    exact | treeshap-int) cli="--background 50 --seed 7" ;;
    lime) cli="--samples 1000 --seed 7" ;;
    esac
    samples=300
    [ $method = lime ] && samples=1000
    { form_keys 50 $samples 7; printf 'e\n%s\n<Enter>\n' "$TMP/ui-$method.csv"; } >"$TMP/same-$method.keys"
    run same-$method C.UTF-8 80x24 --data "$D" --model "$M" --method $method --row 5
    ok $? "$method: the explorer exits 0"
    # shellcheck disable=SC2086
    "$GLASSBOX" explain -d "$D" -m "$M" -r 5 --method $method $cli >"$TMP/cli-$method.csv"
    # The batch row: features, base_value, output; the export: one line each.
    awk -F, 'NR == 2 { for (i = 3; i <= 14; i++) print $i }' "$TMP/cli-$method.csv" >"$TMP/cli-$method.phi"
    awk -F, 'NR > 1 { print $6 }' "$TMP/ui-$method.csv" >"$TMP/ui-$method.phi"
    [ "$(wc -l <"$TMP/ui-$method.phi")" -eq 12 ] && cmp -s "$TMP/cli-$method.phi" "$TMP/ui-$method.phi"
    ok $? "$method: attributions, base value and output equal glassbox explain's with the same settings"
    if [ -f "$TMP/cli-$method.se" ]; then
        awk -F, 'NR == 2 { for (i = 3; i <= 12; i++) print $i }' "$TMP/cli-$method.se" >"$TMP/cli-$method.sev"
        awk -F, 'NR > 1 && NR <= 11 { print $7 }' "$TMP/ui-$method.csv" >"$TMP/ui-$method.sev"
        [ -s "$TMP/ui-$method.sev" ] && ! grep -qx '0' "$TMP/ui-$method.sev" &&
            cmp -s "$TMP/cli-$method.sev" "$TMP/ui-$method.sev"
        ok $? "$method: standard errors equal glassbox explain --se's (and are not zero)"
    fi
done

# --- the explanation screen: whiskers, LIME's bins and fit
cat >"$TMP/bars.keys" <<EOF2
$(form_keys 50 300 7)
:dump $O/sampling-kernelshap-bars.txt
EOF2
run bars C.UTF-8 80x24 --data "$D" --model "$M" --method kernelshap --row 5
compare sampling-kernelshap-bars.txt
cat >"$TMP/limebars.keys" <<EOF2
<Enter>
:dump $O/sampling-lime-bars.txt
EOF2
run limebars C.UTF-8 80x24 --data "$D" --model "$M" --method lime --row 5
compare sampling-lime-bars.txt

# --- how it works: the run's coalitions, permutations and samples
for method in kernelshap permutation lime; do
    cat >"$TMP/how-$method.keys" <<EOF2
$(form_keys 50 300 7)
w
:dump $O/how-$method-80x24.txt
<PgDn>
<PgDn>
:dump $O/how-$method-page3.txt
G
:dump $O/how-$method-end.txt
:resize 200x60
g
:dump $O/how-$method-200x60.txt
EOF2
    run how-$method C.UTF-8 80x24 --data "$D" --model "$M" --method $method --row 5
    ok $? "how it works, $method: exit status 0"
    for s in 80x24 page3 end 200x60; do compare "how-$method-$s.txt"; done
    run how-$method C 80x24 --data "$D" --model "$M" --method $method --row 5
    for s in 80x24 end; do
        cp "$O/how-$method-$s.txt" "$O/how-$method-ascii-$s.txt"
        compare "how-$method-ascii-$s.txt"
    done
done

# The page's numbers are the explanation's: the fit's phi equal the export.
grep -q 'sum phi' "$O/how-kernelshap-end.txt"
ok $? "the KernelSHAP page ends with the efficiency check"

# --- a multiclass model: the page follows the class shown
cat >"$TMP/iris.keys" <<EOF2
<Enter>
w
>
G
:dump $O/how-iris-permutation-class2.txt
EOF2
run iris C.UTF-8 80x24 --data "$SAMPLES/iris/data.csv" --model "$SAMPLES/iris/xgboost.json" --method permutation --row 60
ok $? "multiclass how it works: exit status 0"
compare how-iris-permutation-class2.txt

finish
