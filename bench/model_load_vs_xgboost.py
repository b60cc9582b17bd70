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
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_rounds  # noqa: E402

XGB_SIDE = load_rounds.python_side("import xgboost as xgb", "xgb.Booster(model_file=sys.argv[1])",
                                   "x.num_boosted_rounds()", "x.num_features()")


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trees", type=int, default=1000)
    ap.add_argument("--depth", type=int, default=8)
    ap.add_argument("--features", type=int, default=50)
    a = load_rounds.parse_args(ap)
    path = load_rounds.input_file(a, f"xgb_{a.trees}t_d{a.depth}_{a.features}f.json",
                                  lambda p: make_model(p, a.trees, a.depth, a.features))
    sides = {"glassbox": [a.load_time, "model", path], "xgboost": [sys.executable, "-c", XGB_SIDE, path]}
    med = load_rounds.median_rounds("model_load_vs_xgboost", sides, a.rounds, a.trees, "loaded {n} trees")
    mb = os.path.getsize(path) / 1e6
    print(f"model load, XGBoost JSON, {a.trees} trees of depth {a.depth} ({mb:.1f} MB), "
          f"median of {a.rounds} alternating rounds")
    print(f"{'side':10} {'wall s':>8} {'CPU s':>8} {'MB/s':>8} {'memory MB':>10}")
    for k in sides:
        t, c, m = med[k]
        print(f"{k:10} {t:8.3f} {c:8.3f} {mb / t:8.1f} {m / 1024:10.1f}")
    (tg, cg, mg), (tx, cx, mx) = med["glassbox"], med["xgboost"]
    print(f"glassbox / xgboost: wall time {tg / tx:.2f}, CPU time {cg / cx:.2f}, memory {mg / mx:.2f}")


if __name__ == "__main__":
    main()
