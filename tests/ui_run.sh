# ui_run.sh: the run() both plot-screen tests share (sourced after lib.sh).
# The status line is the framework's (messages, job labels), so the dumps
# leave it out.
# run NAME SIZE LOCALE COLOURS DATA MODEL KEYS...: runs the explorer with
# the keys (one per argument), then dumps the screen to $TMP/NAME.txt and
# $TMP/NAME.attrs.  COLOURS: 256, 8 or mono.
run() {
    name=$1 size=$2 loc=$3 colours=$4 data=$5 model=$6
    shift 6
    : >"$TMP/$name.keys"
    for k in "$@"; do
        printf '%s\n' "$k" >>"$TMP/$name.keys"
    done
    printf ':wait\n:dump %s\n:attrs %s\n' "$TMP/$name.txt" "$TMP/$name.attrs" >>"$TMP/$name.keys"
    case $colours in
    256) term=xterm-256color nocolor= ;;
    8) term=xterm nocolor= ;;
    *) term=xterm nocolor=1 ;;
    esac
    env -u NO_COLOR TERM=$term ${nocolor:+NO_COLOR=1} LC_ALL=$loc LANG=$loc \
        COLUMNS="${size%x*}" LINES="${size#*x}" GLASSBOX_FROZEN_CLOCK=1 HOME="$TMP" \
        GLASSBOX_KEYS="$TMP/$name.keys" "$GLASSBOX" --data "$data" --model "$model" \
        >/dev/null 2>"$TMP/$name.err"
    echo $? >"$TMP/$name.status"
    for f in "$TMP/$name.txt" "$TMP/$name.attrs"; do
        [ -f "$f" ] && sed '$d' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
    done
}
