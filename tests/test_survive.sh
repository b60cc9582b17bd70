#!/bin/sh
# test_survive.sh: the explorer survives hostile terminals (tmux): resize
# storms while a job runs, a 1x1 terminal and back, the C and POSIX locales
# with Latin-1 bytes in a text column, TERM=vt100 and TERM=dumb, standard
# input closed or /dev/null, SIGINT/SIGTERM/SIGHUP during a long job, and a
# job started and cancelled 1,000 times.  After each run: the exit status,
# the terminal restored (icanon and echo on), and nothing on stderr, so an
# ASan build's leak report (threads not joined, memory not freed) fails the
# check.  Waits are bounded liveness checks, never timings.
. "${top_srcdir:-.}/tests/lib.sh"

D=$SAMPLES/diabetes/data.csv
M=$SAMPLES/diabetes/xgboost.json

# --- without tmux: key scripts through 1x1 on every screen -----------------
# After squeezing each screen to 1x1 (and other absurd sizes), the screen
# at 80x24 must be exactly what an undisturbed run shows.
printf '<Enter>\n:dump %s\n' "$TMP/ref.txt" >"$TMP/ref.keys"
cat >"$TMP/squeeze.keys" <<EOF
:resize 1x1
<Enter>
:resize 2x2
v
:resize 1x1
v
:resize 59x14
w
:resize 1x1
q
:resize 1x1
?
:resize 1x1
q
:resize 300x100
m
:resize 1x1
q
:resize 1x40
:resize 300x1
:resize 80x24
:dump $TMP/squeezed.txt
EOF
for k in ref squeeze; do
    GLASSBOX_KEYS="$TMP/$k.keys" LC_ALL=C.UTF-8 TERM=xterm "$GLASSBOX" -d "$D" -m "$M" >/dev/null 2>"$TMP/$k.err"
    ok $? "key script $k: exit status 0"
    [ ! -s "$TMP/$k.err" ]
    ok $? "key script $k: nothing on stderr"
done
cmp -s "$TMP/ref.txt" "$TMP/squeezed.txt"
ok $? "every screen squeezed to 1x1 and back draws the same 80x24 screen"

if ! command -v tmux >/dev/null 2>&1; then
    echo "# SKIP the terminal cases: tmux is not installed"
    finish
    exit
fi
SOCK=glassbox-survive-$$
T="tmux -L $SOCK"
trap '$T kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
if ! $T new-session -d -s probe "sleep 1" 2>/dev/null; then
    echo "# SKIP the terminal cases: tmux cannot start a server here"
    finish
    exit
fi
$T kill-session -t probe 2>/dev/null

# Explaining every row of this takes seconds: a job that is still running
# while the terminal is abused.
awk 'NR == 1 { print; next } { a[NR] = $0 } END { for (k = 0; k < 200; k++) for (i = 2; i <= NR; i++) print a[i] }' \
    "$D" >"$TMP/big.csv"
# The same rows with a text column in Latin-1 (bytes that are not UTF-8).
awk -F, 'BEGIN { OFS = "," } NR == 1 { print $0, "city"; next }
    { print $0, (NR % 3 ? "K\351ln" : "Z\374rich \377") }' "$D" >"$TMP/latin1.csv"

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

# start ENV ARGS...: the explorer in a fresh 100x30 session, with `env ENV`,
# its stderr kept; afterwards the shell prints its exit status and whether
# the terminal is sane.  REDIR (a shell redirection) applies to stdin.
start() {
    envs=$1
    shift
    $T kill-session -t t 2>/dev/null
    rm -f "$TMP/stderr"
    cat >"$TMP/run.sh" <<EOF
"$GLASSBOX" $* ${REDIR:-} 2>"$TMP/stderr"
echo "EXIT=\$?"
stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e echo | tr '\n' ' '; echo STTY
sleep 60
EOF
    $T new-session -d -s t -x 100 -y 30 "env GLASSBOX_SAMPLES='$SAMPLES' $envs sh '$TMP/run.sh'"
}

# The explorer's process: the pane's shell's child.
explorer_pid() {
    pgrep -P "$($T display -p -t t '#{pane_pid}')" 2>/dev/null | head -1
}

# ended STATUS WHAT: the explorer exited with STATUS, left the terminal
# sane and said nothing on stderr.
ended() {
    wait_for "STTY" 10
    grep -q "EXIT=$1" "$TMP/pane"
    ok $? "$2: exit status $1"
    grep -q "icanon echo STTY" "$TMP/pane"
    ok $? "$2: the terminal is restored (icanon and echo on)"
    [ ! -s "$TMP/stderr" ]
    ok $? "$2: nothing on stderr (no sanitizer report)"
    sed 's/^/#   /' "$TMP/stderr" | head -40
}

UTF8="LC_ALL=C.UTF-8 TERM=xterm-256color"

# --- a resize storm while a job runs, through 1x1 and back ----------------
start "$UTF8" --data "$TMP/big.csv" --model "$M"
wait_for "Data  88400 rows" 20
ok $? "storm: the data table appears"
$T send-keys -t t Enter t E
wait_for "explaining all 88400 rows"
ok $? "storm: a long job runs"
for size in 80x24 1x1 200x60 30x8 2x1 120x40 1x30 100x1 61x15 59x14 1x1 150x50 40x40 1x1 100x30; do
    $T resize-window -t t -x "${size%x*}" -y "${size#*x}" 2>/dev/null
    sleep 0.05
done
i=0
while [ $i -lt 20 ]; do
    $T resize-window -t t -x $((20 + i * 7 % 140)) -y $((5 + i * 3 % 50)) 2>/dev/null
    i=$((i + 1))
done
$T resize-window -t t -x 1 -y 1 2>/dev/null
sleep 0.3
[ -n "$(explorer_pid)" ]
ok $? "storm: the explorer is alive at 1x1"
$T resize-window -t t -x 50 -y 12 2>/dev/null
wait_for "terminal too small"
ok $? "storm: a too small terminal says so"
$T resize-window -t t -x 100 -y 30 2>/dev/null
$T send-keys -t t '?'
wait_for "q" 5 && $T send-keys -t t q
$T send-keys -t t Escape
wait_for "Data  88400 rows"
ok $? "storm: back at 100x30 the screen is whole again"
$T send-keys -t t q
ended 0 "storm"

# --- locales without UTF-8, Latin-1 bytes in a text column ------------------
for loc in C POSIX C.UTF-8; do
    start "LC_ALL=$loc TERM=xterm" --data "$TMP/latin1.csv" --model "$M"
    wait_for "Data  442 rows x 12 columns"
    ok $? "LC_ALL=$loc, Latin-1 column: the data table appears"
    $T send-keys -t t End
    sleep 0.2
    $T send-keys -t t Enter
    wait_for "additivity error"
    ok $? "LC_ALL=$loc: a row is explained"
    $T send-keys -t t q q
    ended 0 "LC_ALL=$loc"
done

# --- terminal types --------------------------------------------------------
start "LC_ALL=C TERM=vt100" --data "$D" --model "$M"
wait_for "Data  442 rows"
ok $? "TERM=vt100: the data table appears"
$T send-keys -t t Enter
wait_for "additivity error"
ok $? "TERM=vt100: Enter explains"
$T send-keys -t t q q
ended 0 "TERM=vt100"

# A terminal that cannot place the cursor gets the row as text instead.
start "LC_ALL=C TERM=dumb" --data "$D" --model "$M" --row 3
wait_for "EXIT="
grep -q "EXIT=0" "$TMP/pane" && grep -q "row 3" "$TMP/pane"
ok $? "TERM=dumb: the row's explanation is printed as text"
ended 0 "TERM=dumb"

# A terminal type nobody knows: a clear message, status 2.
start "LC_ALL=C TERM=no-such-terminal" --data "$D" --model "$M"
wait_for "EXIT="
grep -q "EXIT=2" "$TMP/pane" && grep -q "no-such-terminal" "$TMP/stderr"
ok $? "unknown TERM: status 2 and a message naming it"
sed 's/^/#   /' "$TMP/stderr"

# --- standard input closed or empty: the keys come from /dev/tty -----------
for redir in '<&-' '</dev/null'; do
    REDIR=$redir start "$UTF8" --data "$D" --model "$M"
    wait_for "Data  442 rows"
    ok $? "stdin $redir: the data table appears"
    $T send-keys -t t Enter
    wait_for "additivity error"
    ok $? "stdin $redir: keys still work"
    $T send-keys -t t q q
    ended 0 "stdin $redir"
done
REDIR=

# Without any terminal at all: the text chart, never a hang.
setsid "$GLASSBOX" --data "$D" --model "$M" --row 2 </dev/null >"$TMP/text.out" 2>"$TMP/text.err"
status=$?
[ $status -eq 0 ] && grep -q "row 2" "$TMP/text.out" && [ ! -s "$TMP/text.err" ]
ok $? "no terminal: the row as text (status $status)"

# --- signals during a long job ---------------------------------------------
# SIGINT cancels the running job and keeps the explorer; a second one quits.
start "$UTF8" --data "$TMP/big.csv" --model "$M"
wait_for "Data  88400 rows" 20
$T send-keys -t t t E
wait_for "explaining all 88400 rows"
kill -INT "$(explorer_pid)"
wait_for "cancelled: attributions of all rows" 5
ok $? "SIGINT during a job cancels it"
[ -n "$(explorer_pid)" ]
ok $? "SIGINT during a job: the explorer stays"
kill -INT "$(explorer_pid)"
ended 0 "SIGINT twice"

for sig in TERM HUP; do
    start "$UTF8" --data "$TMP/big.csv" --model "$M"
    wait_for "Data  88400 rows" 20
    $T send-keys -t t t E
    wait_for "explaining all 88400 rows"
    kill -$sig "$(explorer_pid)"
    wait_for "EXIT=" 10
    ok $? "SIG$sig during a job: the explorer exits promptly"
    ended 0 "SIG$sig"
done

# The terminal itself going away (tmux kills the pane: SIGHUP, then no
# terminal to restore): the process must still end, and report nothing.
start "$UTF8" --data "$TMP/big.csv" --model "$M"
wait_for "Data  88400 rows" 20
$T send-keys -t t t E
wait_for "explaining all 88400 rows"
pid=$(explorer_pid)
$T kill-session -t t
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
! kill -0 "$pid" 2>/dev/null
ok $? "the terminal closed under a job: the explorer ends"
[ ! -s "$TMP/stderr" ]
ok $? "the terminal closed: nothing on stderr"
sed 's/^/#   /' "$TMP/stderr" | head -5

# --- a job started and cancelled 1,000 times --------------------------------
# KernelSHAP on the 30 features of breast_cancer is slow enough per row that
# each Enter starts a job and the Esc after it cancels it.
B=$SAMPLES/breast_cancer
start "$UTF8" --data "$B/data.csv" --model "$B/xgboost.ubj" --method kernelshap
wait_for "Data  569 rows" 20
ok $? "start/cancel: the data table appears"
i=0
while [ $i -lt 50 ]; do
    $T send-keys -t t Enter Escape Enter Escape Enter Escape Enter Escape Enter Escape \
        Enter Escape Enter Escape Enter Escape Enter Escape Enter Escape \
        Enter Escape Enter Escape Enter Escape Enter Escape Enter Escape \
        Enter Escape Enter Escape Enter Escape Enter Escape Enter Escape
    i=$((i + 1))
done
# Still answering keys: the help screen opens, and a row is explained in full.
$T send-keys -t t '?'
wait_for "keys" 20
ok $? "start/cancel x1000: the explorer still answers"
$T send-keys -t t q j Enter
wait_for "additivity error" 60
ok $? "start/cancel x1000: a row is then explained in full"
$T send-keys -t t q q
ended 0 "start/cancel x1000"

finish
