#!/usr/bin/python3
"""Plain prediction: glassbox's compact batched tree evaluator against
XGBoost's own, on one thread each, side by side.

For each model (the diabetes and breast-cancer samples, and the 500-tree
depth-8 model of treeshap_vs_xgboost.py on 10,000 rows) it measures, in CPU
time, alternating the sides over --repeats rounds and keeping medians:
  - XGBoost Booster.inplace_predict(X, predict_type="margin"), nthread=1;
  - glassbox in process (bench/explainer_throughput MODEL DATA 0): the
    reference walk through the model's own nodes and gb_forest_margin_batch;
  - the whole `glassbox predict --raw` command per row, as the marginal cost
    of all rows over one row (CSV reading, evaluation and writing the values).
It prints rows/s and the ratios glassbox / XGBoost (above 1: glassbox is
faster).  Not a test: nothing is asserted.

    /usr/bin/python3 bench/predict_vs_xgboost.py [--repeats 3] [--glassbox PATH] [--throughput PATH]
"""
import argparse
import importlib.util
import os
import re
import resource
import statistics
import subprocess
import time

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def big_model():
    spec = importlib.util.spec_from_file_location("tvx", os.path.join(HERE, "treeshap_vs_xgboost.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.make_model()


def replicated(data, rows=50000):
    """A copy of a small data file repeated to at least `rows` rows (cached)."""
    os.makedirs(os.path.join(HERE, ".cache"), exist_ok=True)
    out = os.path.join(HERE, ".cache", os.path.basename(os.path.dirname(data)) + "-%d.csv" % rows)
    if not os.path.exists(out):
        with open(data) as f:
            header, body = f.readline(), f.readlines()
        with open(out, "w") as f:
            f.write(header)
            for i in range(rows):
                f.write(body[i % len(body)])
    return out


def features(booster, data):
    """The data's columns in the model's feature order, as float32-safe doubles."""
    with open(data) as f:
        header = f.readline().strip().split(",")
    X = np.loadtxt(data, delimiter=",", skiprows=1, ndmin=2)
    names = booster.feature_names or [h for h in header if h not in ("target", "label", "y")]
    return np.ascontiguousarray(X[:, [header.index(n) for n in names]])


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cpu(cmd):
    t = children_cpu()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return children_cpu() - t


def xgb_rate(booster, X):
    t = time.process_time()
    booster.inplace_predict(X, predict_type="margin")
    return X.shape[0] / (time.process_time() - t)


def glassbox_rates(throughput, model, data):
    out = subprocess.run([throughput, model, data, "0"], check=True, capture_output=True, text=True).stdout
    m = re.search(r"reference walk ([0-9.e+]+) evals/s, compact batched ([0-9.e+]+) evals/s", out)
    return float(m.group(1)), float(m.group(2))


def command_rate(glassbox, model, data, n):
    base = ["predict", "--raw", "-d", data, "-m", model]
    one = run_cpu([glassbox] + base + ["--rows", "0"])
    every = run_cpu([glassbox] + base)
    return (n - 1) / max(every - one, 1e-9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--glassbox", default=os.path.join(TOP, "glassbox"))
    ap.add_argument("--throughput", default=os.path.join(TOP, "bench", "explainer_throughput"))
    a = ap.parse_args()
    big, big_data = big_model()
    cases = [("diabetes/xgboost (100 trees, depth 4), 50,000 rows", os.path.join(TOP, "samples/diabetes/xgboost.json"),
              replicated(os.path.join(TOP, "samples/diabetes/data.csv"))),
             ("breast_cancer/xgboost (80 trees, depth 3), 50,000 rows",
              os.path.join(TOP, "samples/breast_cancer/xgboost.ubj"),
              replicated(os.path.join(TOP, "samples/breast_cancer/data.csv"))),
             ("synthetic (500 trees, depth 8, 50 features), 10,000 rows", big, big_data)]
    print("one thread each, CPU time, medians of %d alternating rounds; rows/s" % a.repeats)
    print("| model | XGBoost inplace_predict | glassbox reference walk | glassbox batched | batched / XGBoost "
          "| batched / reference | `glassbox predict` command | command / XGBoost |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, model, data in cases:
        booster = xgb.Booster(model_file=model)
        booster.set_param({"nthread": 1})
        X = features(booster, data)
        xr, ref, bat, cmd = [], [], [], []
        for _ in range(a.repeats):
            xr.append(statistics.median(xgb_rate(booster, X) for _ in range(3)))
            r, b = glassbox_rates(a.throughput, model, data)
            ref.append(r)
            bat.append(b)
            cmd.append(command_rate(a.glassbox, model, data, X.shape[0]))
        x, r, b, c = (statistics.median(v) for v in (xr, ref, bat, cmd))
        print(f"| {name} | {x:.3g} | {r:.3g} | {b:.3g} | **{b / x:.2f}** | {b / r:.2f} | {c:.3g} | {c / x:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
