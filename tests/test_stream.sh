#!/bin/sh
# test_stream.sh: `glassbox explain --data -` (and --stream) reading its rows
# chunk by chunk: the bytes equal a run on the whole file for treeshap,
# linear and seeded kernelshap, whatever the chunk size and thread count;
# shards (split -l, header repeated) given --row-offset and --no-header
# concatenate to the single run, by hand and under GNU parallel when it is
# installed; a bad line deep in the input is reported by its line with exit
# status 2 after only whole rows; what a stream cannot do is refused; and
# memory stays flat on a 2,000,000-row input.
. "${top_srcdir:-.}/tests/lib.sh"

S=$SAMPLES/diabetes
D=$S/data.csv
M=$S/xgboost.json
LIN=$S/ridge.json
G=$GLASSBOX
head -21 "$D" >"$TMP/bg.csv" # a 20-row background file

# big.csv: the 442 rows 12 times over (5,304 rows: two default chunks).
awk 'NR == 1 { print; next } { r[++n] = $0 } END { for (k = 0; k < 12; k++) for (i = 1; i <= n; i++) print r[i] }' \
    "$D" >"$TMP/big.csv"

# same DESCRIPTION FILE1 FILE2: byte-for-byte equal, and not empty.
same() {
    if [ -s "$2" ] && cmp -s "$2" "$3"; then ok 0 "$1"; else
        ok 1 "$1"
        cmp "$2" "$3" 2>&1 | sed 's/^/#   /'
    fi
}

# --- streamed == whole file ---------------------------------------------------
$G explain -d "$TMP/big.csv" -m "$M" >"$TMP/tree.ref"
$G explain -d - -m "$M" <"$TMP/big.csv" >"$TMP/tree.s1"
same "treeshap: --data - (4096-row chunks) equals the whole-file run" "$TMP/tree.ref" "$TMP/tree.s1"
[ "$(wc -l <"$TMP/tree.s1")" -eq 5305 ] && [ "$(grep -c '^row,' "$TMP/tree.s1")" -eq 1 ]
ok $? "treeshap: one header line and 5,304 rows"
GLASSBOX_STREAM_CHUNK_ROWS=7 $G explain -d - -m "$M" -j 2 <"$TMP/big.csv" >"$TMP/tree.s2"
same "treeshap: 7-row chunks, 2 threads: same bytes" "$TMP/tree.ref" "$TMP/tree.s2"
cat "$TMP/big.csv" | $G explain -d - -m "$M" -j 1 >"$TMP/tree.s3"
same "treeshap: from a pipe, 1 thread: same bytes" "$TMP/tree.ref" "$TMP/tree.s3"
$G explain -d "$TMP/big.csv" --stream -m "$M" >"$TMP/tree.s4"
same "treeshap: --data FILE --stream: same bytes" "$TMP/tree.ref" "$TMP/tree.s4"

$G explain -d "$D" -m "$LIN" --background-file "$TMP/bg.csv" >"$TMP/lin.ref"
GLASSBOX_STREAM_CHUNK_ROWS=5 $G explain -d - -m "$LIN" --background-file "$TMP/bg.csv" <"$D" >"$TMP/lin.s"
same "linear against --background-file: 5-row chunks equal the whole-file run" "$TMP/lin.ref" "$TMP/lin.s"

KS="--method kernelshap --background-file $TMP/bg.csv --samples 64 --seed 3"
head -61 "$D" >"$TMP/d60.csv"
$G explain -d "$TMP/d60.csv" -m "$M" $KS --se "$TMP/ks.se.ref" >"$TMP/ks.ref"
GLASSBOX_STREAM_CHUNK_ROWS=7 $G explain -d - -m "$M" $KS -j 2 --se "$TMP/ks.se.s" <"$TMP/d60.csv" >"$TMP/ks.s"
same "kernelshap --seed 3: 7-row chunks, 2 threads equal the whole-file run" "$TMP/ks.ref" "$TMP/ks.s"
same "kernelshap: --se file equal too" "$TMP/ks.se.ref" "$TMP/ks.se.s"
GLASSBOX_STREAM_CHUNK_ROWS=13 $G explain -d - -m "$M" $KS -j 1 <"$TMP/d60.csv" >"$TMP/ks.s2"
same "kernelshap: 13-row chunks, 1 thread: same bytes (each row seeded by its input row)" "$TMP/ks.ref" "$TMP/ks.s2"
$G explain -d "$TMP/d60.csv" -m "$M" $KS --seed 4 >"$TMP/ks.seed4"
! cmp -s "$TMP/ks.ref" "$TMP/ks.seed4"
ok $? "kernelshap: another seed gives other numbers (the check above is not vacuous)"

$G explain -d "$TMP/d60.csv" -m "$M" -f json >"$TMP/json.ref"
GLASSBOX_STREAM_CHUNK_ROWS=7 $G explain -d "$TMP/d60.csv" --stream -m "$M" -f json >"$TMP/json.s"
same "json: streamed equals the whole-file run" "$TMP/json.ref" "$TMP/json.s"

# CRLF line breaks and a quoted field holding a line break, in a column the
# model does not use, across chunk boundaries.
awk -F, 'NR == 1 { print $0 ",note\r"; next } { printf "%s,\"a\nb,\"\"c\"\"\"\r\n", $0 }' "$TMP/d60.csv" >"$TMP/crlf.csv"
$G explain -d "$TMP/crlf.csv" -m "$M" >"$TMP/crlf.ref"
GLASSBOX_STREAM_CHUNK_ROWS=4 $G explain -d - -m "$M" <"$TMP/crlf.csv" >"$TMP/crlf.s"
same "CRLF and quoted line breaks: streamed equals the whole-file run" "$TMP/crlf.ref" "$TMP/crlf.s"

# --- shards ------------------------------------------------------------------
# split -l into 3 shards, header repeated; shard k starts at row offset
# rows-before-it; only the first writes the header.
shard_run() { # METHOD-OPTIONS... : writes $TMP/shards.out
    rm -f "$TMP"/part.* "$TMP/shards.out"
    tail -n +2 "$TMP/d60.csv" | split -l 23 - "$TMP/part."
    off=0
    for p in "$TMP"/part.*; do
        { head -1 "$TMP/d60.csv"; cat "$p"; } >"$p.csv"
        if [ $off -eq 0 ]; then hdr=; else hdr=--no-header; fi
        $G explain -d - -m "$M" "$@" --row-offset $off $hdr <"$p.csv" >>"$TMP/shards.out" || return 1
        off=$((off + $(wc -l <"$p")))
    done
    [ "$(ls "$TMP"/part.*.csv | wc -l)" -eq 3 ]
}
$G explain -d "$TMP/d60.csv" -m "$M" >"$TMP/t60.ref"
shard_run
ok $? "treeshap: 3 shards run"
same "treeshap: 3 shards concatenated equal the single run" "$TMP/t60.ref" "$TMP/shards.out"
shard_run $KS
ok $? "kernelshap: 3 shards run"
same "kernelshap --seed 3: 3 shards concatenated equal the single run" "$TMP/ks.ref" "$TMP/shards.out"

if command -v parallel >/dev/null 2>&1; then
    # parallel numbers its jobs from 1 ({#}); each gets the header and 20 records.
    parallel --will-cite --pipe -N 20 --header : -k -j 3 \
        "$G explain -d - -m '$M' $KS --row-offset \$(( ({#} - 1) * 20 )) \$( [ {#} -gt 1 ] && echo --no-header )" \
        <"$TMP/d60.csv" >"$TMP/par.out" 2>"$TMP/par.err"
    ok $? "GNU parallel --pipe -N 20 --header : -k runs"
    same "GNU parallel: kernelshap output equals the single run" "$TMP/ks.ref" "$TMP/par.out"
else
    echo "ok $((tap_n + 1)) # SKIP GNU parallel is not installed"
    echo "ok $((tap_n + 2)) # SKIP GNU parallel is not installed"
    tap_n=$((tap_n + 2))
fi

# A header with no rows (an empty shard): just the header, status 0.
head -1 "$D" | $G explain -d - -m "$M" >"$TMP/empty.out"
[ $? -eq 0 ] && [ "$(cat "$TMP/empty.out")" = "$(head -1 "$TMP/tree.ref")" ]
ok $? "a header without rows: the header line only, status 0"

# --- errors ------------------------------------------------------------------
# A ragged line deep in the input: the message names it; stdout holds the
# rows of the chunks before it (whole lines, in order), and nothing after.
awk 'BEGIN { print "age,sex,bmi,bp,tc,ldl,hdl,tch,ltg,glu";
             for (i = 2; i <= 10000; i++) print (i == 5000 ? "1,2,3" : i % 70 ",1," i % 40 ",90,150,100,50,4,4.5,90") }' \
    >"$TMP/bad.csv"
$G explain -d - -m "$M" <"$TMP/bad.csv" >"$TMP/bad.out" 2>"$TMP/bad.err"
st=$?
[ $st -eq 2 ] && grep -q '^glassbox: <stdin>:5000: line 5000 has 3 fields, the header has 10' "$TMP/bad.err"
ok $? "a ragged line 5,000: <stdin>:5000 named, exit status 2"
[ "$(wc -l <"$TMP/bad.out")" -eq 4097 ] && awk -F, 'NF != 14 { exit 1 }' "$TMP/bad.out" &&
    [ "$(tail -1 "$TMP/bad.out" | cut -d, -f1)" = 4095 ]
ok $? "after it stdout holds the header and the first chunk (rows 0-4095), whole lines only"
awk 'BEGIN { print "age,sex,bmi,bp,tc,ldl,hdl,tch,ltg,glu";
             for (i = 2; i <= 300; i++) print (i == 250 ? "1,2,x7,90,150,100,50,4,4.5,90" : "1,1,1,90,150,100,50,4,4.5,90") }' |
    GLASSBOX_STREAM_CHUNK_ROWS=100 $G explain -d - -m "$M" >"$TMP/text.out" 2>"$TMP/text.err"
[ $? -eq 2 ] && grep -q "^glassbox: <stdin>:250: column 'bmi'.*x7" "$TMP/text.err"
ok $? "text in a feature column: its line and value named, exit status 2"
printf 'age,sex,bmi,bp,tc,ldl,hdl,tch,ltg,glu\n1,1,1,90,150,100,50,4,4.5,90\n1,1,\0001,90,150,100,50,4,4.5,90\n' |
    $G explain -d - -m "$M" >/dev/null 2>"$TMP/nul.err"
[ $? -eq 2 ] && grep -q '<stdin>:3:5: NUL byte' "$TMP/nul.err"
ok $? "a NUL byte: line and column named, exit status 2"
$G explain -d - -m "$M" -o "$TMP/partial.csv" <"$TMP/bad.csv" 2>/dev/null
[ $? -eq 2 ] && [ ! -e "$TMP/partial.csv" ]
ok $? "with -o FILE a failed stream leaves no file"

fails_with "kernelshap without --background-file is refused" "give --background-file" \
    $G explain -d - -m "$M" --method kernelshap <"$D"
fails_with "linear without --background-file is refused" "the data's mean" $G explain -d - -m "$LIN" <"$D"
fails_with "lime is refused" "statistics of the whole data" $G explain -d - -m "$M" --method lime <"$D"
fails_with "--stream with --rows is refused" "--rows" $G explain -d "$D" --stream -m "$M" -r 0-3
fails_with "--format text is refused" "csv or json" $G explain -d - -m "$M" -f text <"$D"
fails_with "--no-header without a stream is refused" "is for a stream" $G explain -d "$D" -m "$M" --no-header
fails_with "--row-offset without a stream is refused" "is for a stream" $G explain -d "$D" -m "$M" --row-offset 5
$G explain -d - -m "$M" -r 0-4 <"$D" | cmp -s - "$(head -6 "$TMP/tree.ref" >"$TMP/h6"; echo "$TMP/h6")"
ok $? "--data - with --rows still reads the whole input (rows picked by index)"

# --- memory ------------------------------------------------------------------
# 2,000,000 rows of 10 columns (61 MB of CSV, 160 MB as doubles) through a
# pipe: the peak resident size must stay far below either.  Read from
# /proc/self/status at the end (GLASSBOX_REPORT_HWM), so no timing is
# involved.  The model reads one column, so that writing the output (every
# number in shortest round-trip form) does not make the test slow.
cat >"$TMP/lin1.json" <<'EOF'
{"format": "glassbox-model", "version": 1, "kind": "linear", "booster": "linear", "objective": "sklearn:Ridge",
 "link": "identity", "n_classes": 0, "n_features": 1, "features": ["bmi"], "input_float32": false,
 "intercept": [1.5], "coef": [[0.25]]}
EOF
awk 'BEGIN { print "age,sex,bmi,bp,tc,ldl,hdl,tch,ltg,glu";
             for (i = 0; i < 2000000; i++) print i % 70 ",1," i % 40 ",90,150,100,50,4,4.5,90" }' |
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8" GLASSBOX_REPORT_HWM=1 $G explain -d - -m "$TMP/lin1.json" --background-file "$TMP/bg.csv" -j 2 2>"$TMP/hwm.err" |
    awk 'END { print NR }' >"$TMP/hwm.rows"
hwm=$(sed -n 's/^glassbox: VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "$TMP/hwm.err")
[ "$(cat "$TMP/hwm.rows")" -eq 2000001 ]
ok $? "2,000,000 streamed rows explained (2,000,001 lines out)"
echo "# peak resident set: ${hwm:-?} kB"
# Under ASan, freed chunks would sit in its 256 MB quarantine: the run above
# makes that 8 MB (about 30 MB peak then, 4 MB without ASan).
limit=65536
[ -n "$hwm" ] && [ "$hwm" -lt $limit ]
ok $? "peak resident set ${hwm:-?} kB < $limit kB (the doubles alone would be 156,250 kB)"

finish
