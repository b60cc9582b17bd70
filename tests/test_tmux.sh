#!/bin/sh
# test_tmux.sh: the explorer in a real terminal (tmux): start, explain a
# row, change the method, resize, cancel a long job, quit; the terminal is
# restored (canonical mode and echo back on) and the exit status is 0.
. "${top_srcdir:-.}/tests/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
    echo "1..0 # SKIP tmux is not installed"
    exit 0
fi

D=$SAMPLES/diabetes/data.csv
M=$SAMPLES/diabetes/xgboost.json
SOCK=glassbox-test-$$
T="tmux -L $SOCK"
trap '$T kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
if ! $T new-session -d -s probe "sleep 1" 2>/dev/null; then
    echo "1..0 # SKIP tmux cannot start a server here"
    exit 0
fi
$T kill-session -t probe 2>/dev/null

# A dataset big enough that explaining every row takes seconds.
awk 'NR == 1 { print; next } { a[NR] = $0 } END { for (k = 0; k < 200; k++) for (i = 2; i <= NR; i++) print a[i] }' \
    "$D" >"$TMP/big.csv"

# wait_for TEXT [SECONDS]: until the pane shows TEXT.
wait_for() {
    i=0
    limit=$((${2:-10} * 10))
    while [ $i -lt $limit ]; do
        $T capture-pane -p -t t >"$TMP/pane" 2>/dev/null
        grep -qF -- "$1" "$TMP/pane" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    sed 's/^/#   /' "$TMP/pane"
    return 1
}

cat >"$TMP/run.sh" <<EOF
"$GLASSBOX" --data "$TMP/big.csv" --model "$M"
echo "EXIT=\$?"
stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e echo | tr '\n' ' '; echo STTY
sleep 60
EOF
$T new-session -d -s t -x 100 -y 30 "env LC_ALL=C.UTF-8 TERM=xterm-256color GLASSBOX_SAMPLES='$SAMPLES' sh '$TMP/run.sh'"
ok $? "tmux session started"
wait_for "Data  88400 rows" 20
ok $? "the data table appears"
$T send-keys -t t Enter
wait_for "Explanation  row 0"
ok $? "Enter explains row 0"
wait_for "additivity error"
ok $? "the explanation has its additivity check"
$T send-keys -t t m
wait_for "Method and parameters"
ok $? "m opens the method form"
$T send-keys -t t l
wait_for "method: treeshap"
ok $? "l changes the method"
$T send-keys -t t Down Enter 50 Enter q
wait_for "Explanation  row 0"
ok $? "q returns to the explanation"
$T resize-window -t t -x 70 -y 20 2>/dev/null || $T resize-pane -t t -x 70 -y 20
wait_for "Explanation  row 0"
[ "$(wc -L <"$TMP/pane")" -le 70 ]
ok $? "the screen is redrawn at the new size"
$T resize-window -t t -x 50 -y 12 2>/dev/null
wait_for "terminal too small"
ok $? "a too small terminal says so"
$T resize-window -t t -x 100 -y 30 2>/dev/null
$T send-keys -t t t E
wait_for "explaining all 88400 rows"
ok $? "E starts a long job with a progress bar"
sleep 0.5
$T send-keys -t t Escape
wait_for "cancelled: attributions of all rows" 3
ok $? "Esc cancels it and says so"
$T send-keys -t t q
wait_for "EXIT=" 5
grep -q "EXIT=0" "$TMP/pane"
ok $? "q quits with status 0"
wait_for "STTY" 5
grep -q "icanon echo STTY" "$TMP/pane"
ok $? "the terminal is restored (icanon and echo on)"
finish
