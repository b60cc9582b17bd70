#!/usr/bin/python3
"""model_load_vs_xgboost.py: loading a 1,000-tree XGBoost JSON model,
glassbox (bench/load_time, gb_model_load) against
xgboost.Booster(model_file=...) (Debian's python3-xgboost), side by side.

The model (1,000 trees of depth 8 on 50 features, binary:logistic, trained
once on random data and saved as JSON into --workdir, tens of MB) is reused
between runs.  Each round loads it once on each side, in fresh processes,
alternating which goes first; figures are medians.  Time is the load alone,
measured inside each process; memory is the peak resident set during the
load minus the resident set before it.  Not a test: prints figures and the
ratio, asserts nothing.

  /usr/bin/python3 bench/model_load_vs_xgboost.py --load-time build/bench/load_time [--rounds R]
"""
import argparse
import os
import statistics
import subprocess
import sys

XGB_SIDE = r"""
import sys, time
import xgboost as xgb
def kb(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
base = kb("VmRSS")
t0, c0 = time.perf_counter(), time.process_time()
b = xgb.Booster(model_file=sys.argv[1])
dt, dc = time.perf_counter() - t0, time.process_time() - c0
print("seconds=%.6f cpu=%.6f rss_kb=%d base_kb=%d rows=%d cols=%d" % (dt, dc, kb("VmHWM"), base, b.num_boosted_rounds(),
                                                          b.num_features()))
"""


def make_model(path, trees, depth, features):
    import numpy as np
    import xgboost as xgb
    print(f"# training {path}: {trees} trees, depth {depth}, {features} features (once)", flush=True)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5000, features))
    y = (x[:, 0] + np.sin(3 * x[:, 1]) + x[:, 2] * x[:, 3] + rng.normal(scale=0.5, size=len(x)) > 0).astype(float)
    d = xgb.DMatrix(x, label=y, feature_names=[f"f{j}" for j in range(features)])
    params = {"objective": "binary:logistic", "max_depth": depth, "eta": 0.05, "tree_method": "hist",
              "min_child_weight": 0, "lambda": 0.1, "nthread": 1, "seed": 1}
    b = xgb.train(params, d, num_boost_round=trees)
    b.save_model(path + ".tmp.json")
    os.rename(path + ".tmp.json", path)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"model_load_vs_xgboost: {' '.join(cmd)} failed: {r.stderr.strip()}")
    f = dict(kv.split("=") for kv in r.stdout.split())
    return float(f["seconds"]), float(f["cpu"]), int(f["rss_kb"]) - int(f["base_kb"]), int(f["rows"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--load-time", default="bench/load_time", help="the bench/load_time program")
    ap.add_argument("--trees", type=int, default=1000)
    ap.add_argument("--depth", type=int, default=8)
    ap.add_argument("--features", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workdir", default=os.environ.get("TMPDIR", "/tmp") + "/glassbox-bench")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    path = os.path.join(a.workdir, f"xgb_{a.trees}t_d{a.depth}_{a.features}f.json")
    if not os.path.exists(path):
        make_model(path, a.trees, a.depth, a.features)
    sides = {"glassbox": [a.load_time, "model", path], "xgboost": [sys.executable, "-c", XGB_SIDE, path]}
    res = {k: ([], [], []) for k in sides}
    for r in range(a.rounds):
        for k in (list(sides) if r % 2 == 0 else list(sides)[::-1]):
            t, c, m, n = run(sides[k])
            if n != a.trees:
                sys.exit(f"model_load_vs_xgboost: {k} loaded {n} trees, expected {a.trees}")
            for lst, v in zip(res[k], (t, c, m)):
                lst.append(v)
    mb = os.path.getsize(path) / 1e6
    print(f"model load, XGBoost JSON, {a.trees} trees of depth {a.depth} ({mb:.1f} MB), "
          f"median of {a.rounds} alternating rounds")
    print(f"{'side':10} {'wall s':>8} {'CPU s':>8} {'MB/s':>8} {'memory MB':>10}")
    med = {k: [statistics.median(v) for v in res[k]] for k in sides}
    for k in sides:
        t, c, m = med[k]
        print(f"{k:10} {t:8.3f} {c:8.3f} {mb / t:8.1f} {m / 1024:10.1f}")
    (tg, cg, mg), (tx, cx, mx) = med["glassbox"], med["xgboost"]
    print(f"glassbox / xgboost: wall time {tg / tx:.2f}, CPU time {cg / cx:.2f}, memory {mg / mx:.2f}")


if __name__ == "__main__":
    main()
