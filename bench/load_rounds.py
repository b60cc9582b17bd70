"""load_rounds.py: the timing loop the load benchmarks (csv_vs_pandas.py,
model_load_vs_xgboost.py) share.

Each side is a command that loads the input once, in a fresh process, and
prints one line of key=value pairs: seconds and cpu (the load alone,
measured inside the process), rss_kb (the peak resident set) and base_kb
(the resident set before the load), rows (what it loaded: rows or trees).
bench/load_time prints it for glassbox; the benchmarks' Python sides print
the same.  A round runs every side once, alternating which goes first, so
that neither side always finds the file in a warmer cache; the figures are
medians over the rounds."""
import os
import statistics
import subprocess
import sys

_SIDE = r"""
import sys, time
{imports}
def kb(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
base = kb("VmRSS")
t0, c0 = time.perf_counter(), time.process_time()
x = {load}
dt, dc = time.perf_counter() - t0, time.process_time() - c0
print("seconds=%.6f cpu=%.6f rss_kb=%d base_kb=%d rows=%d cols=%d" % (dt, dc, kb("VmHWM"), base, {rows}, {cols}))
"""


def python_side(imports, load, rows, cols):
    """The source of a Python side for `python3 -c SOURCE FILE`: after the
    imports, times `x = load` (load reads sys.argv[1]) and prints the line
    bench/load_time prints, rows and cols being expressions of x."""
    return _SIDE.format(imports=imports, load=load, rows=rows, cols=cols)


def parse_args(ap):
    """Adds the options every load benchmark takes (--load-time, --rounds,
    --workdir) to the benchmark's own, parses them and makes the workdir."""
    ap.add_argument("--load-time", default="bench/load_time", help="the bench/load_time program")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workdir", default=os.environ.get("TMPDIR", "/tmp") + "/glassbox-bench")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    return a


def input_file(a, name, make):
    """The generated input called name in the workdir, made by make(path)
    on the first run only and reused after."""
    path = os.path.join(a.workdir, name)
    if not os.path.exists(path):
        make(path)
    return path


def run(name, cmd):
    """One load: (wall seconds, CPU seconds, memory kB, items loaded)."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"{name}: {' '.join(cmd)} failed: {r.stderr.strip()}")
    f = dict(kv.split("=") for kv in r.stdout.split())
    return float(f["seconds"]), float(f["cpu"]), int(f["rss_kb"]) - int(f["base_kb"]), int(f["rows"])


def median_rounds(name, sides, rounds, expect, loaded):
    """Runs the sides ({label: command}) for the rounds; each must load
    expect items (loaded names them in the message, e.g. "read {n} rows").
    Returns {label: [median wall s, median CPU s, median memory kB]}."""
    res = {k: ([], [], []) for k in sides}
    for r in range(rounds):
        order = list(sides) if r % 2 == 0 else list(sides)[::-1]
        for k in order:
            t, c, m, n = run(name, sides[k])
            if n != expect:
                sys.exit(f"{name}: {k} {loaded.format(n=n)}, expected {expect}")
            for lst, v in zip(res[k], (t, c, m)):
                lst.append(v)
    return {k: [statistics.median(v) for v in res[k]] for k in sides}
