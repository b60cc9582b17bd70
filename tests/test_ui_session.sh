#!/bin/sh
# test_ui_session.sh: the explorer's session log (S), the open-file prompt
# (Ctrl-O) with path completion, and the question before a file is
# overwritten (e export, S save), driven by key scripts.
#
# The session test explains rows, runs the compare screen (every method on
# one row) and the scatter plot (a sample of rows and the interaction
# strengths), exports what the explorer showed, saves the session, runs the
# saved script and holds its CSV output against the explorer's exports
# digit for digit.  The explorer runs in $TMP with the samples linked
# there, so the paths it shows are relative and the dumps portable.
#
# To accept new screens after a deliberate change, run with
# GLASSBOX_UPDATE_UI=1 and review the diff of tests/ui/ before committing.
. "${top_srcdir:-.}/tests/lib.sh"

EXP=$top_srcdir/tests/ui
O=$TMP/out
W=$TMP/work
mkdir -p "$O" "$W/x"
ln -s "$(cd "$SAMPLES" && pwd)" "$W/samples"
GB=$(cd "$(dirname "$GLASSBOX")" && pwd)/$(basename "$GLASSBOX")

# run NAME [ENV=VALUE...] -- ARGS: the key script $TMP/NAME.keys, in $W.
run() {
    name=$1
    shift
    envs=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        envs="$envs $1"
        shift
    done
    [ "$1" = "--" ] && shift
    # shellcheck disable=SC2086
    (cd "$W" && env -i PATH="$PATH" HOME="$TMP" LC_ALL=C.UTF-8 LANG=C.UTF-8 TERM=xterm-256color COLUMNS=80 \
        LINES=24 GLASSBOX_FROZEN_CLOCK=1 GLASSBOX_KEYS="$TMP/$name.keys" $envs \
        "$GB" "$@" >/dev/null 2>"$TMP/$name.err")
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

# status_has FRAGMENT DUMP: the dump's last line (the status line) holds it.
status_has() {
    tail -n 1 "$2" | grep -qF -- "$1"
}

D=samples/diabetes/data.csv
M=samples/diabetes/xgboost.json

# --- a session: rows, compare, scatter; overwrite questions answered n, then y
cat >"$TMP/session.keys" <<KEYS
<Enter>
J
e
x/row.csv
<Enter>
c
e
x/compare.csv
<Enter>
q
s
i
q
S
<C-u>
x/session.sh
<Enter>
:dump $O/session-saved.txt
J
e
x/row.csv
<Enter>
:dump $O/session-overwrite.txt
n
:dump $O/session-kept.txt
S
<C-u>
x/session.sh
<Enter>
:dump $O/session-ask.txt
n
:dump $O/session-kept2.txt
e
x/row.csv
<Enter>
y
:dump $O/session-replaced.txt
S
<C-u>
x/session.sh
<Enter>
y
:dump $O/session-resaved.txt
KEYS
run session GLASSBOX_SCATTER_ROWS=40 -- --data "$D" --model "$M"
ok $? "session: exit status 0"
sed 's/^/#   /' "$TMP/session.err" | head -5
status_has "wrote x/session.sh" "$O/session-saved.txt"
ok $? "S saves the session"
status_has " overwrite x/row.csv? (y/n)" "$O/session-overwrite.txt"
ok $? "e over an existing file asks"
status_has "kept x/row.csv" "$O/session-kept.txt"
ok $? "n keeps the file"
status_has " overwrite x/session.sh? (y/n)" "$O/session-ask.txt"
ok $? "saving the session over a file asks too"
status_has "kept x/session.sh" "$O/session-kept2.txt"
ok $? "and n keeps it"
status_has "wrote x/row.csv" "$O/session-replaced.txt"
ok $? "y replaces an export"
awk -F, 'NR > 1 { print $1 }' "$W/x/row.csv" | sort -u | grep -qx 2
ok $? "with the new one (row 2)"
status_has "wrote x/session.sh" "$O/session-resaved.txt"
ok $? "y replaces the session"
S=$W/x/session.sh
head -1 "$S" | grep -q '^#!/bin/sh$'
ok $? "the session is a shell script"
grep -q -- '--method treeshap --rows 0-2,5,16,' "$S"
ok $? "rows explained with the same method are one command (rows 0-2 and the scatter sample)"
grep -q '"$GLASSBOX" interactions .* --mean --rows 0-441 ' "$S"
ok $? "the interaction strengths are an interactions command"
[ -z "$(find "$W/x" -name '*.tmp*')" ]
ok $? "no temporary files left"

# Replay it from elsewhere, with this build's glassbox.
(cd "$TMP" && GLASSBOX="$GB" sh "$S" "$TMP/replay") >"$TMP/replay.log" 2>&1
ok $? "the saved session runs"
sed 's/^/#   /' "$TMP/replay.log" | head -5

# The explorer's export of row 2 against the replayed treeshap file.
awk -F, 'NR > 1 { printf "%s%s", sep, $6; sep = "," } END { print "" }' "$W/x/row.csv" >"$TMP/ui-row2"
awk -F, '$1 == 2 { sub(/^[^,]*,[^,]*,/, ""); print }' "$TMP/replay/01-explain-treeshap.csv" >"$TMP/cli-row2" 2>/dev/null
[ -s "$TMP/ui-row2" ] && cmp -s "$TMP/ui-row2" "$TMP/cli-row2"
ok $? "row 2: the explorer's numbers equal the replayed command's, digit for digit"
[ "$(cat "$TMP/replay/01-explain-treeshap.csv" 2>/dev/null | wc -l)" -eq 44 ]
ok $? "the scatter plot's 40 sampled rows are in the treeshap command (with rows 0 to 2)"

# Every method the compare screen computed, against its replayed command.
n_methods=$(head -1 "$W/x/compare.csv" | awk -F, '{ print NF - 1 }')
computed=0
mismatch=""
i=1
while [ "$i" -le "${n_methods:-0}" ]; do
    col=$((i + 1))
    method=$(head -1 "$W/x/compare.csv" | cut -d, -f$col)
    awk -F, -v c=$col 'NR > 1 { printf "%s%s", sep, $c; sep = "," } END { print "" }' "$W/x/compare.csv" \
        >"$TMP/ui-$method"
    if grep -q '[0-9]' "$TMP/ui-$method"; then
        computed=$((computed + 1))
        f=$(ls "$TMP/replay/"*"-explain-$method.csv" 2>/dev/null | head -1)
        lime=0
        [ "$method" = lime ] && lime=1
        # Row 1, class 0; lime's r2 column is not on the compare screen.
        : >"$TMP/cli-$method"
        [ -n "$f" ] && awk -F, -v lime=$lime \
            '$1 == 1 && $2 == 0 { sub(/^[^,]*,[^,]*,/, ""); if (lime) sub(/,[^,]*$/, ""); print }' "$f" \
            >"$TMP/cli-$method"
        cmp -s "$TMP/ui-$method" "$TMP/cli-$method" || mismatch="$mismatch $method"
    fi
    i=$((i + 1))
done
[ "$computed" -ge 1 ] && [ -z "$mismatch" ]
ok $? "compare: each of the $computed computed methods equals its replayed command${mismatch:+ (differ:$mismatch)}"

# --- the open-file prompt: completion, an error that keeps the session, a new model
printf 'a,b\n1,2\n3\n' >"$W/x/ragged.csv"
cat >"$TMP/open.keys" <<KEYS
<Enter>
<C-o>
<C-u>
x/ra
<Tab>
<Enter>
<Enter>
:dump $O/open-error.txt
t
<C-o>
<C-u>
samples/ir
<Tab>
d
<Tab>
<Enter>
<C-u>
samples/iris/
<Tab>
:dump $O/open-candidates.txt
x
<Tab>
:dump $O/open-completed.txt
<Enter>
:dump $O/open-iris.txt
<Enter>
S
<C-u>
x/both.sh
<Enter>
KEYS
run open -- --data "$D" --model "$M"
ok $? "open: exit status 0"
sed 's/^/#   /' "$TMP/open.err" | head -5
status_has "x/ragged.csv:3:" "$O/open-error.txt"
ok $? "a file that does not load: the loader's FILE:LINE message"
grep -q 'Explanation  row 0' "$O/open-error.txt"
ok $? "and the explorer stays where it was"
compare open-candidates.txt
compare open-completed.txt
compare open-iris.txt
grep -q "diabetes/data.csv'* --model .*diabetes/xgboost.json'* .*--rows 0 " "$W/x/both.sh" &&
    grep -q "iris/data.csv'* --model .*iris/xgboost.json'* .*--rows 0 " "$W/x/both.sh"
ok $? "the session keeps what was computed on both datasets"
(cd "$TMP" && GLASSBOX="$GB" sh "$W/x/both.sh" "$TMP/replay2") >"$TMP/replay2.log" 2>&1
ok $? "and runs"
sed 's/^/#   /' "$TMP/replay2.log" | head -5

# --- a global view records its batch commands too
cat >"$TMP/global.keys" <<KEYS
u
e
x/summary.csv
<Enter>
S
<C-u>
x/global.sh
<Enter>
KEYS
run global -- --data "$D" --model "$M"
ok $? "summary: exit status 0"
(cd "$TMP" && GLASSBOX="$GB" sh "$W/x/global.sh" "$TMP/replay3") >"$TMP/replay3.log" 2>&1
ok $? "a session with the summary runs"
sed 's/^/#   /' "$TMP/replay3.log" | head -5
awk -F, 'NR > 1 { print $1 "," $2 }' "$W/x/summary.csv" >"$TMP/ui-sum"
awk -F, 'NR > 1 { print $1 "," $2 }' "$TMP/replay3/01-summary.csv" >"$TMP/cli-sum" 2>/dev/null
[ -s "$TMP/ui-sum" ] && cmp -s "$TMP/ui-sum" "$TMP/cli-sum"
ok $? "the summary's mean |SHAP| equal the replayed glassbox summary's"
awk -F, 'NR > 1 { print $1 "," $3 "," $4 }' "$W/x/summary.csv" | sort >"$TMP/ui-imp"
sort "$TMP/replay3/02-importance.csv" 2>/dev/null | grep -v '^feature,' >"$TMP/cli-imp"
[ -s "$TMP/ui-imp" ] && cmp -s "$TMP/ui-imp" "$TMP/cli-imp"
ok $? "and its permutation importance the replayed glassbox importance's"

# --- the PDP and surrogate screens record theirs (every plot computed:
# age and sex on the way to bmi, then the tree and its curve)
cat >"$TMP/plots.keys" <<KEYS
p
l
l
e
x/pdp.csv
<Enter>
q
d
e
x/surrogate.csv
<Enter>
S
<C-u>
x/plots.sh
<Enter>
KEYS
run plots -- --data "$D" --model "$M"
ok $? "pdp and surrogate: exit status 0"
(cd "$TMP" && GLASSBOX="$GB" sh "$W/x/plots.sh" "$TMP/replay4") >"$TMP/replay4.log" 2>&1
ok $? "a session with a PDP and a surrogate runs"
sed 's/^/#   /' "$TMP/replay4.log" | head -5
[ -s "$W/x/pdp.csv" ] && cmp -s "$W/x/pdp.csv" "$TMP/replay4/03-pdp.csv"
ok $? "the PDP and its ICE curves equal the replayed glassbox pdp's, byte for byte"
grep -q "pdp .*--feature bmi .*--ice --ice-rows 20" "$W/x/plots.sh"
ok $? "the pdp command names the feature and the ICE curves"
sed -n '/^depth,r2,class_agreement$/,/^$/p' "$TMP/replay4/05-distill.csv" 2>/dev/null | sed '/^$/d' >"$TMP/cli-curve"
cut -d, -f1-3 "$W/x/surrogate.csv" >"$TMP/ui-curve"
[ -s "$TMP/ui-curve" ] && cmp -s "$TMP/ui-curve" "$TMP/cli-curve"
ok $? "the surrogate's fidelity curve equals the replayed glassbox distill --curve's"
r2=$(sed -n 's/^fidelity (held out): R^2 \([^,]*\).*/\1/p' "$TMP/replay4/04-distill.csv" 2>/dev/null)
[ -n "$r2" ] && grep -q "distill .*--depth 3 " "$W/x/plots.sh"
ok $? "the surrogate tree's command: depth 3 (held-out R² $r2)"

# --- an empty session is not saved
printf 'S\n:dump %s\n' "$O/session-empty.txt" >"$TMP/empty.keys"
run empty -- --data "$D" --model "$M"
status_has "nothing computed yet" "$O/session-empty.txt"
ok $? "nothing computed: S says so"

# --- an empty file name at the export and session prompts
cat >"$TMP/noname.keys" <<KEYS
<Enter>
e
<C-u>
<Enter>
:dump $O/noname-export.txt
S
<C-u>
<Enter>
:dump $O/noname-session.txt
q
KEYS
run noname -- --data "$D" --model "$M"
status_has "export: no file name given" "$O/noname-export.txt"
ok $? "export without a file name says so"
status_has "session: no file name given" "$O/noname-session.txt"
ok $? "a session without a file name says so"

finish
