#!/usr/bin/python3
"""TreeSHAP: glassbox against XGBoost's own pred_contribs, side by side.

Trains (once, cached under bench/.cache/) a binary XGBoost model with 500
trees of depth 8 on 50 features, then times, alternating the two and
reporting medians:
  - XGBoost  Booster.predict(pred_contribs=True) with nthread=1 / all cores
  - glassbox explain --threads 1 / all cores (whole command: load + explain + write)
and prints the ratio glassbox / XGBoost (below 1 means glassbox is faster).
Both wall-clock time and CPU time (all threads; for glassbox the child
process's user + system time) are reported: on a machine other jobs load,
CPU time is the steadier measure of work, wall time the one a user waits.
It also checks that the two agree (max relative difference).

    /usr/bin/python3 bench/treeshap_vs_xgboost.py [--rows 1000] [--repeats 3] [--glassbox PATH]
"""
import argparse
import os
import resource
import statistics
import subprocess
import time

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, ".cache")


def make_model(n_train=20000, n_features=50, seed=0):
    path = os.path.join(CACHE, "treeshap-500x8.json")
    data_path = os.path.join(CACHE, "treeshap-data.csv")
    if os.path.exists(path) and os.path.exists(data_path):
        return path, data_path
    os.makedirs(CACHE, exist_ok=True)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_train, n_features))
    logit = X[:, :10] @ rng.normal(size=10) + np.sin(X[:, 10] * 3) + X[:, 11] * X[:, 12]
    y = (logit + rng.logistic(size=n_train) > 0).astype(float)
    names = [f"x{i}" for i in range(n_features)]
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 8, "eta": 0.05, "seed": 0,
                         "tree_method": "hist", "nthread": os.cpu_count()},
                        xgb.DMatrix(X, label=y, feature_names=names), num_boost_round=500)
    booster.save_model(path)
    Xt = rng.normal(size=(10000, n_features))
    with open(data_path, "w") as f:
        f.write(",".join(names) + "\n")
        for row in Xt:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    return path, data_path


def time_xgboost(model, X, names, nthread):
    booster = xgb.Booster(model_file=model)
    booster.set_param({"nthread": nthread})
    dm = xgb.DMatrix(X, feature_names=names, nthread=nthread)
    t, c = time.perf_counter(), time.process_time()
    out = booster.predict(dm, pred_contribs=True)
    return time.perf_counter() - t, time.process_time() - c, out


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def time_glassbox(glassbox, model, data, rows, threads):
    t, c = time.perf_counter(), children_cpu()
    res = subprocess.run([glassbox, "explain", "--data", data, "--model", model, "--rows", f"0-{rows - 1}",
                          "--threads", str(threads)], check=True, capture_output=True, text=True)
    return time.perf_counter() - t, children_cpu() - c, res.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--glassbox", default=os.path.join(HERE, "..", "glassbox"))
    a = ap.parse_args()
    model, data = make_model()
    with open(data) as f:
        names = f.readline().strip().split(",")
    X = np.loadtxt(data, delimiter=",", skiprows=1, max_rows=a.rows)
    cores = os.cpu_count()
    print(f"model: 500 trees, depth 8, 50 features, binary; rows: {a.rows}; cores: {cores}; "
          f"load average {os.getloadavg()[0]:.1f}")
    for threads in sorted({1, cores}):
        tx, tg, cx, cg = [], [], [], []
        for _ in range(a.repeats):
            t, c, ref = time_xgboost(model, X, names, threads)
            tx.append(t)
            cx.append(c)
            t, c, out = time_glassbox(a.glassbox, model, data, a.rows, threads)
            tg.append(t)
            cg.append(c)
        got = np.array([[float(v) for v in line.split(",")[2:-1]] for line in out.strip().split("\n")[1:]])
        diff = np.max(np.abs(got - ref) / np.maximum(1, np.abs(ref)))
        mx, mg = statistics.median(tx), statistics.median(tg)
        ux, ug = statistics.median(cx), statistics.median(cg)
        print(f"threads {threads}: xgboost pred_contribs {mx * 1000:.0f} ms ({mx / a.rows * 1000:.2f} ms/row), "
              f"glassbox explain {mg * 1000:.0f} ms ({mg / a.rows * 1000:.2f} ms/row), "
              f"ratio glassbox/xgboost {mg / mx:.2f}, max rel diff {diff:.1e}")
        print(f"threads {threads}: CPU time: xgboost {ux / a.rows * 1000:.2f} ms/row, "
              f"glassbox {ug / a.rows * 1000:.2f} ms/row, ratio glassbox/xgboost {ug / ux:.2f}")


if __name__ == "__main__":
    main()
