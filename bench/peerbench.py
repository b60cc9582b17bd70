"""Plumbing shared by the benchmarks that run glassbox beside the Python
reference libraries (shap 0.46, lime): inputs, the peer harness, timing.

The peer harness (kernelshap_ref.py, lime_ref.py, _common.py) lives outside
this repository, next to the extracted shap and lime sources it imports (see
bench/README.md).  It is imported into this process once and its main() called
with an argument list, so shap's four-second import is paid once and every
peer timing is the harness's own bracket around the explain call.  No peer
code is copied here: for the two explainers the harness does not cover
(shap's ExactExplainer and TreeExplainer) the benchmarks call shap directly,
built the way the harness builds its explainers.

One-thread figures are CPU time (user + system), not wall time: the machine
is shared, and CPU time is what the load leaves nearly unchanged.  glassbox
is timed as a whole command (process start, CSV and model loading,
explaining, writing the CSV) on enough rows that the run lasts a fraction of
a second; the peers only for the explain call.  That is the conservative
side of the comparison for glassbox.

Both sides explain the raw margin of the same model file against the same
background rows (the first N data rows: the harness's --background N, and a
CSV of those same lines for glassbox's --background-file)."""
import contextlib
import csv
import hashlib
import importlib
import io
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.normpath(os.path.join(HERE, "..", "samples"))
# The workplace keeps the peer harness in shared/ beside the checkout.
DEFAULT_PEERS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "peers"))
# Rows in the replicated data file glassbox explains when timing: enough that
# a run on cheap methods lasts long enough to be measured.
TIMING_ROWS = 5000
# Rows in the file `glassbox predict` is timed on (raw model throughput).
PREDICT_ROWS = 50000


class Unavailable(Exception):
    """A side of the comparison cannot run here (reason in the message)."""


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def cache_dir():
    d = os.environ.get("GLASSBOX_BENCH_CACHE") or os.path.join(
        tempfile.gettempdir(), f"glassbox-bench-{os.getuid()}")
    os.makedirs(d, exist_ok=True)
    return d


def write_atomic(path, text):
    """Several people may run the benchmarks at once: never expose a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp.")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


# ------------------------------------------------------------------ inputs

class Case:
    """One data set and model file, seen the same way by both sides."""

    def __init__(self, name, data, model, kind):
        self.name, self.data, self.model, self.kind = name, data, model, kind
        with open(data) as fh:
            self.header = fh.readline()
            self.lines = fh.readlines()
        self.columns = next(csv.reader([self.header]))
        self.features = [c for c in self.columns if c != "target"]
        self.M = len(self.features)
        self.n = len(self.lines)
        self.X, self.predict = self._load()
        f = self.predict(self.X)
        self.out_range = float(np.max(f) - np.min(f))  # of the raw output over the data

    def _load(self):
        """-> (X (n, M) float64 in the model's feature order, raw-margin predictor)."""
        import pandas as pd
        df = pd.read_csv(self.data)
        with open(self.model) as fh:
            spec = json.load(fh)
        if self.kind == "linear":
            names = spec["features"]
            coef, b = np.asarray(spec["coef"], dtype=float), float(spec["intercept"])
            return df[names].to_numpy(dtype=float), lambda X: X @ coef + b
        import xgboost as xgb
        booster = xgb.Booster()
        booster.load_model(self.model)
        booster.set_param({"nthread": 1})
        names = booster.feature_names or self.features
        return df[names].to_numpy(dtype=float), lambda X: booster.inplace_predict(X, predict_type="margin")

    def background_file(self, n):
        """The first n data lines, verbatim, as glassbox's --background-file."""
        path = os.path.join(cache_dir(), f"{self.data_slug()}-{_digest(self.data)}-bg{n}.csv")
        if not os.path.exists(path):
            write_atomic(path, self.header + "".join(self.lines[:n]))
        return path

    def replicated_file(self, rows, tag):
        """The data lines repeated up to `rows` rows: row i is data row i mod n."""
        path = os.path.join(cache_dir(), f"{self.data_slug()}-{_digest(self.data)}-{tag}.csv")
        if not os.path.exists(path):
            write_atomic(path, self.header + "".join(self.lines * -(-rows // self.n)))
        return path, -(-rows // self.n) * self.n

    def data_slug(self):
        return self.name.split("/")[0]


def _digest(path):
    """Short content hash: cached files derived from a sample follow it when it is regenerated."""
    with open(path, "rb") as fh:
        return hashlib.sha1(fh.read()).hexdigest()[:10]


def _xgboost_json(ubj, out):
    out = f"{out}-{_digest(ubj)}.json"
    if not os.path.exists(out):
        import xgboost as xgb
        b = xgb.Booster()
        b.load_model(ubj)
        tmp = f"{out}.{os.getpid()}.tmp.json"
        b.save_model(tmp)
        os.replace(tmp, out)
    return out


def _linear_from_native(native, out):
    """glassbox's own linear JSON -> the minimal form both glassbox and the
    harness read: {"features", "intercept", "coef"} with scalars."""
    out = f"{out}-{_digest(native)}.json"
    if not os.path.exists(out):
        with open(native) as fh:
            m = json.load(fh)
        flat = {"features": m["features"], "intercept": float(np.ravel(m["intercept"])[0]),
                "coef": [float(c) for c in np.ravel(m["coef"])]}
        write_atomic(out, json.dumps(flat, indent=1) + "\n")
    return out


def make_cases(names):
    """Builds (once, in the cache) the model files the cases need."""
    c = cache_dir()
    known = {
        "diabetes/xgboost": lambda: Case("diabetes/xgboost", f"{SAMPLES}/diabetes/data.csv",
                                         f"{SAMPLES}/diabetes/xgboost.json", "xgboost"),
        "breast_cancer/xgboost": lambda: Case(
            "breast_cancer/xgboost", f"{SAMPLES}/breast_cancer/data.csv",
            _xgboost_json(f"{SAMPLES}/breast_cancer/xgboost.ubj", f"{c}/breast_cancer-xgboost"),
            "xgboost"),
        "diabetes/linear": lambda: Case(
            "diabetes/linear", f"{SAMPLES}/diabetes/data.csv",
            _linear_from_native(f"{SAMPLES}/diabetes/ridge.json", f"{c}/diabetes-linear"), "linear"),
    }
    out = []
    for n in names:
        if n not in known:
            sys.exit(f"unknown case {n!r} (known: {', '.join(known)})")
        out.append(known[n]())
    return out


# ------------------------------------------------------------------ glassbox

def _child_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class Glassbox:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        if not os.access(self.path, os.X_OK):
            raise Unavailable(f"no glassbox executable at {path} (build it, or pass --glassbox)")
        self._methods = {}

    def has(self, method):
        """Whether this build knows the method: `--method X --help` stops at an
        unknown method before it reaches --help."""
        if method not in self._methods:
            r = subprocess.run([self.path, "explain", "--method", method, "--help"], capture_output=True)
            self._methods[method] = r.returncode == 0
        return self._methods[method]

    def run(self, argv, cpu=True):
        """-> (seconds, stdout, model evaluations or None): CPU seconds (user +
        system) of the process, or wall seconds with cpu=False.  With --stats in
        argv, glassbox reports the model evaluations it made on stderr.
        Raises Unavailable on a non-zero exit."""
        t, c = time.perf_counter(), _child_cpu()
        r = subprocess.run([self.path] + argv, capture_output=True, text=True)
        dt = _child_cpu() - c if cpu else time.perf_counter() - t
        if r.returncode != 0:
            raise Unavailable(f"glassbox {' '.join(argv[:1])}: {r.stderr.strip() or 'exit ' + str(r.returncode)}")
        m = re.search(r"(\d+) model evaluations", r.stderr)
        return dt, r.stdout, int(m.group(1)) if m else None


def parse_values(text, M):
    """glassbox's explain CSV -> {row: (phi (M,), base, output, extras dict)} (first class only)."""
    rd = csv.reader(io.StringIO(text))
    head = next(rd)
    ib = head.index("base_value")
    out = {}
    for rec in rd:
        r = int(rec[0])
        if r in out:
            continue
        vals = [float(v) for v in rec]
        extras = {h: vals[i] for i, h in enumerate(head) if i > ib + 1}
        out[r] = (np.array(vals[2:2 + M]), vals[ib], vals[ib + 1], extras)
    return out


def predict_rate(gb, case, threads=1):
    """Model rows per second of `glassbox predict`, the marginal cost: (all rows - one row) / (n - 1),
    so CSV parsing and model loading, paid by both runs, drop out (writing the values stays in)."""
    path, n = case.replicated_file(PREDICT_ROWS, f"x{PREDICT_ROWS}")
    base = ["predict", "--data", path, "--model", case.model, "--raw"]
    ts_all, ts_one = [], []
    for _ in range(3):
        ts_all.append(gb.run(base + ["--rows", f"0-{n - 1}"])[0])
        ts_one.append(gb.run(base + ["--rows", "0"])[0])
    dt = median(ts_all) - median(ts_one)
    return (n - 1) / dt if dt > 0 else float("nan")


def xgboost_rate(case):
    """Raw rows per second of XGBoost's own inplace_predict (margin, one thread), or None."""
    if case.kind != "xgboost":
        return None
    X = np.tile(case.X, (-(-PREDICT_ROWS // case.n), 1))[:PREDICT_ROWS]
    ts = []
    for _ in range(3):
        t = time.process_time()
        case.predict(X)
        ts.append(time.process_time() - t)
    return len(X) / median(ts)


# ------------------------------------------------------------------ peers

class _CpuClock:
    """Stands in for the `time` module inside the harness scripts: their
    `explain_wall_s` then measures CPU seconds of the explain call."""
    perf_counter = staticmethod(time.process_time)


class Peers:
    """The reference harness, imported into this process.

    Counts the rows the peers pass to the model (the harness's _common.Model),
    which is how many model evaluations a peer run really made."""

    def __init__(self, peers_dir):
        if not os.path.isfile(os.path.join(peers_dir, "kernelshap_ref.py")):
            raise Unavailable(f"no peer harness in {peers_dir} (pass --peers DIR)")
        if peers_dir not in sys.path:
            sys.path.insert(0, peers_dir)
        self.C = importlib.import_module("_common")
        self.evals = 0
        self._wrap_model()
        self._shap = self._lime = None

    def _wrap_model(self):
        model_cls = self.C.Model
        if getattr(model_cls, "_bench_counted", False):
            return
        orig = model_cls.__call__
        peers = self

        def counted(model, X):
            out = orig(model, X)
            peers.evals += len(out)
            return out
        model_cls.__call__ = counted
        model_cls._bench_counted = True

    def _import(self, root, name):
        try:
            self.C.add_peer_path(root)
        except SystemExit as e:
            raise Unavailable(str(e.code)) from None
        import warnings
        warnings.filterwarnings("ignore")
        try:
            return importlib.import_module(name)
        except Exception as e:  # a missing dependency of the peer
            raise Unavailable(f"import {name}: {e}") from None

    def shap(self):
        if self._shap is None:
            self._shap = self._import(self.C.PEER_SHAP, "shap")
            import logging
            logging.getLogger("shap").setLevel(logging.ERROR)
        return self._shap

    def lime(self):
        if self._lime is None:
            self._lime = self._import(self.C.PEER_LIME, "lime.lime_tabular")
        return self._lime

    def load(self, case):
        """-> (X, feature names, harness model) exactly as the harness scripts load them."""
        class A:
            data, target, model, klass, nthread = case.data, "target", case.model, None, 1
        return self.C.load(A)

    def script(self, name, argv):
        """Runs a harness script's main(argv) here -> (explain_wall_s, stdout, evals counted)."""
        self.shap() if name == "kernelshap_ref" else self.lime()
        mod = importlib.import_module(name)
        # The harness brackets the explain call with time.perf_counter(); give it
        # a clock that counts this process's CPU time instead (see cpu_clock).
        mod.time = _CpuClock
        out, err = io.StringIO(), io.StringIO()
        saved = sys.argv
        sys.argv = [name + ".py"] + argv
        self.evals = 0
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                mod.main()
        except SystemExit as e:
            raise Unavailable(f"{name}: {err.getvalue().strip() or e.code}") from None
        finally:
            sys.argv = saved
        m = re.search(r"explain_wall_s=([0-9.eE+-]+)", err.getvalue())
        if not m:
            raise Unavailable(f"{name}: no explain_wall_s in {err.getvalue()!r}")
        return float(m.group(1)), out.getvalue(), self.evals


def parse_peer_values(text, M):
    """The harness's CSV (row,<features>,a,b[,c]) -> {row: (values (M,), [a, b, c...])}."""
    rd = csv.reader(io.StringIO(text))
    next(rd)
    return {int(rec[0]): (np.array([float(v) for v in rec[1:1 + M]]), [float(v) for v in rec[1 + M:]])
            for rec in rd}


# ------------------------------------------------------------------ timing

def rows_spec(n, first=0):
    return f"{first}-{first + n - 1}" if n > 1 else str(first)


def pick_rows(per_row_s, target_s, lo, hi):
    if not per_row_s or per_row_s <= 0:
        return hi
    return int(max(lo, min(hi, round(target_s / per_row_s))))


class Timing:
    """Medians of alternating glassbox and peer runs of one comparison."""
    gb_rows = peer_rows = 0
    gb_s = gb_s_all = peer_s = None
    gb_values = peer_values = None
    gb_evals = None    # model evaluations per explained row, as glassbox --stats reports them
    peer_evals = None  # rows the peer passed to the model per explained row (counted)
    gb_error = peer_error = None

    def gb_rate(self):
        return self.gb_rows / self.gb_s if self.gb_s else None

    def gb_rate_all(self):
        return self.gb_rows / self.gb_s_all if self.gb_s_all else None

    def peer_rate(self):
        return self.peer_rows / self.peer_s if self.peer_s else None


def time_pair(gb_run, peer_run, gb_max_rows, repeats, target_gb_s, target_peer_s, peer_max_rows, data_rows):
    """Alternates glassbox and peer runs, `repeats` rounds, after calibration
    runs that set how many rows a run explains (about target seconds).

    gb_run(n_rows, threads) explains rows 0..n_rows-1; peer_run(n_rows, first)
    rows first..first+n_rows-1, the next rows in each round, so that the
    accuracy figures rest on every row the slow peer explained.  Both return
    (seconds, parsed values, model evaluations or None).  Either may be None
    or raise Unavailable: that side is then reported missing."""
    t = Timing()
    cores = os.cpu_count() or 1
    if gb_run:
        try:
            # grow the row count until a run lasts about the target (start-up
            # and loading are a fixed cost, so one scaling step overshoots less)
            n = 10
            for _ in range(4):
                dt, _, _ = gb_run(n, 1)
                if dt >= target_gb_s / 2 or n >= gb_max_rows:
                    break
                n = pick_rows(dt / n, target_gb_s, n + 1, gb_max_rows)
            t.gb_rows = n
        except Unavailable as e:
            t.gb_error, gb_run = str(e), None
    if peer_run:
        try:
            dt, _, _ = peer_run(1, 0)  # also warms up (numba, lazy imports)
            t.peer_rows = pick_rows(dt, target_peer_s, 1, peer_max_rows)
        except Unavailable as e:
            t.peer_error, peer_run = str(e), None
    g1, ga, pp, ge, pe = [], [], [], [], []
    t.peer_values = {}
    for i in range(repeats):
        if gb_run:
            dt, t.gb_values, n = gb_run(t.gb_rows, 1)
            g1.append(dt)
            if n is not None:
                ge.append(n / t.gb_rows)
        if peer_run:
            first = i * t.peer_rows % max(1, data_rows - t.peer_rows + 1)
            dt, vals, n = peer_run(t.peer_rows, first)
            t.peer_values.update(vals)
            pp.append(dt)
            pe.append(n / t.peer_rows)
        if gb_run and cores > 1:
            ga.append(gb_run(t.gb_rows, cores)[0])
    t.gb_s, t.gb_s_all = (median(g1) if g1 else None), (median(ga) if ga else None)
    t.peer_s = median(pp) if pp else None
    t.gb_evals, t.peer_evals = (median(ge) if ge else None), (median(pe) if pe else None)
    return t


def fmt_rate(x):
    if x is None or x != x:
        return "-"
    if x >= 1e6:
        return f"{x / 1e6:.1f}M"
    if x >= 1e4:
        return f"{x / 1e3:.0f}k"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fmt_ratio(x):
    if x is None or x != x:
        return "-"
    return f"{x:.0f}x" if x >= 10 else f"{x:.1f}x"


def print_table(head, rows, out=sys.stdout):
    w = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "  ".join(str(v).rjust(w[i]) if i else str(v).ljust(w[i]) for i, v in enumerate(r))
    print(line(head), file=out)
    print("  ".join("-" * x for x in w), file=out)
    for r in rows:
        print(line(r), file=out)
    out.flush()


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for ln in fh:
                if ln.startswith("model name"):
                    model = ln.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}"


def common_args(p, peers=True):
    p.add_argument("--glassbox", default=os.path.join(HERE, "..", "glassbox"),
                   help="the glassbox executable (default: ../glassbox beside bench/)")
    if peers:
        p.add_argument("--peers", default=os.environ.get("GLASSBOX_PEERS", DEFAULT_PEERS),
                       help="folder of the peer harness (kernelshap_ref.py, lime_ref.py); "
                            "PEER_SHAP/PEER_LIME/PEER_STUBS say where shap and lime were extracted")
    p.add_argument("--quick", action="store_true", help="one repeat, one case, short runs (~20 s)")
    p.add_argument("--repeats", type=int, default=None, help="alternating timing rounds (default 3)")
    p.add_argument("--seed", type=int, default=0)

