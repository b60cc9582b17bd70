#!/usr/bin/python3
"""Shapley explainers: glassbox against shap 0.46, side by side.

For each case (the bundled diabetes and breast-cancer XGBoost models, and a
linear model on diabetes) and each method, at the same budget and against the
same background (the first --background data rows):

  kernelshap    shap.KernelExplainer, nsamples = --samples, l1_reg off
  permutation   shap.PermutationExplainer, max_evals = --samples
  exact         shap.ExactExplainer (cases with at most 16 features)
  treeshap-int  shap.TreeExplainer(feature_perturbation="interventional")
                (only with shap's C extension built, see bench/README.md)

it prints rows/s and model evaluations/s of each side (medians of alternating
runs; glassbox on one thread and on all cores), the speed-up, and glassbox's
model evaluations/s relative to plain prediction (`glassbox predict`), which
shows how much of its time goes to evaluating the model.  Then the accuracy:
each side's largest error against exact Shapley values (shap's TreeExplainer
or LinearExplainer, else glassbox's exact method), relative to the range of
the model's output over the data.

    /usr/bin/python3 bench/sampling_vs_shap.py [--quick] [--glassbox PATH] [--peers DIR]

Needs the peer harness (bench/README.md); without it only glassbox's figures
are printed."""
import argparse
import os
import sys

# One core for the peers as for glassbox's one-thread runs (and CPU time that
# means one core's work): numpy's BLAS must not spread out.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerbench as pb  # noqa: E402

EXACT_MAX_FEATURES = 16
ALL_METHODS = ["kernelshap", "permutation", "exact", "treeshap-int"]


def gb_budget(method, M, budget):
    """glassbox's --samples for shap's budget.  kernelshap: the same number of
    coalitions (both cap it at 2^M - 2, then they are exact).  permutation: the
    same number of antithetic pairs: shap spends 2M + 1 evaluations on a pair
    (from the empty set forward to the full set and back), glassbox counts the
    2(M - 1) coalitions in between."""
    if method == "permutation":
        return max(budget // (2 * M + 1), 1) * 2 * (M - 1)
    return budget


class Bench:
    def __init__(self, a):
        self.a = a
        try:
            self.gb = pb.Glassbox(a.glassbox)
        except pb.Unavailable as e:
            print(f"glassbox unavailable: {e}")
            self.gb = None
        try:
            self.peers = pb.Peers(a.peers)
        except pb.Unavailable as e:
            print(f"peers unavailable: {e}")
            self.peers = None
        self._explainers = {}
        self.raw = {}

    # ---------------------------------------------------------------- glassbox
    def has(self, method):
        return self.gb is not None and self.gb.has(method)

    def gb_runner(self, case, method, budget, bg):
        if not self.has(method):
            return None
        path, n = case.replicated_file(pb.TIMING_ROWS, f"x{pb.TIMING_ROWS}")
        argv = ["explain", "--data", path, "--model", case.model, "--target", "target", "--stats",
                "--method", method, "--background-file", case.background_file(bg)]
        if budget is not None:
            argv += ["--samples", str(gb_budget(method, case.M, budget)), "--seed", str(self.a.seed)]

        def run(rows, threads):
            dt, out, evals = self.gb.run(argv + ["--rows", pb.rows_spec(rows), "--threads", str(threads)],
                                         cpu=threads == 1)
            return dt, pb.parse_values(out, case.M), evals
        run.max_rows = n
        return run

    # ---------------------------------------------------------------- peers
    def peer_runner(self, case, method, budget, bg):
        if self.peers is None:
            return None
        if method in ("kernelshap", "permutation"):
            argv = ["--data", case.data, "--target", "target", "--model", case.model,
                    "--background", str(bg), "--nsamples", str(budget), "--seed", str(self.a.seed),
                    "--l1", "none", "--method", "kernel" if method == "kernelshap" else "permutation"]

            def run(rows, first=0):
                dt, out, evals = self.peers.script("kernelshap_ref", argv + ["--rows", pb.rows_spec(rows, first)])
                return dt, pb.parse_peer_values(out, case.M), evals
            return run
        return lambda rows, first=0: self.peer_direct(case, method, bg, rows, first)

    def explainer(self, case, method, bg):
        """shap's ExactExplainer / TreeExplainer for a case, built once."""
        key = (case.name, method, bg)
        if key not in self._explainers:
            shap = self.peers.shap()
            X, _, model = self.peers.load(case)
            if method == "exact":
                masker = shap.maskers.Independent(X[:bg], max_samples=bg)
                self._explainers[key] = (shap.ExactExplainer(model, masker), X, model)
            else:
                try:
                    __import__("shap._cext")
                except ImportError:
                    raise pb.Unavailable("shap.TreeExplainer needs shap's C extension (_cext), "
                                         "not built by peers/setup.sh: see bench/README.md") from None
                # XGBoost rounds its input to float32 before comparing it with its
                # float32 thresholds; shap's TreeExplainer compares float64 values,
                # so a value that rounds onto a threshold (diabetes row 110,
                # bmi = 23.4) takes the other branch.  Give it what XGBoost sees.
                X = X.astype(np.float32).astype(np.float64)
                te = shap.TreeExplainer(model.booster, data=X[:bg], feature_perturbation="interventional",
                                        model_output="raw")
                self._explainers[key] = (te, X, model)
        return self._explainers[key]

    def peer_direct(self, case, method, bg, rows, first=0):
        ex, X, model = self.explainer(case, method, bg)
        Z = X[first:first + rows]
        self.peers.evals = 0
        t = pb.time.process_time()
        if method == "exact":
            e = ex(Z, max_evals=2 ** case.M + 1, silent=True)
            phi, base = np.asarray(e.values).reshape(rows, -1), np.ravel(e.base_values)
        else:
            phi = np.asarray(ex.shap_values(Z, check_additivity=False)).reshape(rows, -1)
            base = np.full(rows, float(np.ravel(ex.expected_value)[0]))
        dt = pb.time.process_time() - t
        evals = self.peers.evals
        out = model(Z)
        return dt, {first + i: (phi[i], [base[i], out[i]]) for i in range(rows)}, evals

    # ---------------------------------------------------------------- speed
    def speed(self, cases, methods):
        a = self.a
        rows = []
        self.results = {}
        for case in cases:
            self.raw[case.name] = (pb.predict_rate(self.gb, case) if self.gb else None, pb.xgboost_rate(case))
        for method in methods:
            for case in cases:
                skip = self.skip(case, method)
                if skip:
                    rows.append([case.name, method, "-", "-", "-", "-", "-", "-", "-", "-", "-", skip])
                    continue
                budget = a.samples if method in ("kernelshap", "permutation") else None
                gbr = self.gb_runner(case, method, budget, a.background)
                pr = self.peer_runner(case, method, budget, a.background)
                t = pb.time_pair(gbr, pr, gbr.max_rows if gbr else 0, a.repeats, a.target_gb, a.target_peer,
                                 a.peer_max_rows, case.n)
                self.results[(case.name, method)] = t
                rows.append(self.speed_row(case, method, budget, t))
                print(f"  done {case.name} {method}", file=sys.stderr, flush=True)
        head = ["case", "method", "budget", "glassbox rows/s", "(all cores)", "shap rows/s", "speed-up",
                "glassbox evals/row", "shap evals/row", "glassbox evals/s", "shap evals/s", "vs predict"]
        print(f"\nSpeed: background {a.background} rows, seed {a.seed}; shap {self.peer_version()}; medians of "
              f"{a.repeats} alternating runs.\nRates on one thread from CPU time (glassbox: the whole command; "
              f"shap: the explain call); 'all cores': glassbox's wall time.\n'vs predict': glassbox's "
              f"evaluations/s over its plain prediction rate.")
        pb.print_table(head, rows)
        print("\nPlain prediction (rows/s, one thread, CPU time): glassbox predict --raw (all rows minus one "
              "row, writing included) / XGBoost inplace_predict")
        for name, (g, x) in self.raw.items():
            print(f"  {name}: {pb.fmt_rate(g)} / {pb.fmt_rate(x)}")
        for (name, method), t in self.results.items():
            for side, err in (("glassbox", t.gb_error), ("peer", t.peer_error)):
                if err:
                    print(f"  note: {name} {method}: {side} not run: {err}")

    def skip(self, case, method):
        if method == "exact" and case.M > EXACT_MAX_FEATURES:
            return f"skipped: 2^{case.M} coalitions"
        if method == "treeshap-int" and case.kind != "xgboost":
            return "skipped: not a tree model"
        return None

    def speed_row(self, case, method, budget, t):
        g, gall, p = t.gb_rate(), t.gb_rate_all(), t.peer_rate()
        if method == "treeshap-int":  # walks the trees: no model evaluations to count
            t.gb_evals = t.peer_evals = None
        ge = g * t.gb_evals if g and t.gb_evals else None
        pe = p * t.peer_evals if p and t.peer_evals else None
        raw = self.raw[case.name][0]
        return [case.name, method, budget or "-", pb.fmt_rate(g), pb.fmt_rate(gall),
                pb.fmt_rate(p) if p else ("n/a" if t.peer_error or self.peers is None else "-"),
                pb.fmt_ratio(g / p) if g and p else "-", pb.fmt_rate(t.gb_evals), pb.fmt_rate(t.peer_evals),
                pb.fmt_rate(ge), pb.fmt_rate(pe), f"{ge / raw:.1f}" if ge and raw else "-"]

    def peer_version(self):
        try:
            return self.peers.shap().__version__ if self.peers else "?"
        except pb.Unavailable:
            return "?"

    # ---------------------------------------------------------------- accuracy
    def reference(self, case, bg, rows):
        """Exact interventional Shapley values for rows 0..rows-1: shap's
        TreeExplainer / LinearExplainer when available, else glassbox's exact."""
        if self.peers is not None:
            try:
                if case.kind == "linear":
                    shap = self.peers.shap()
                    X, _, model = self.peers.load(case)
                    masker = shap.maskers.Independent(X[:bg], max_samples=bg)
                    le = shap.LinearExplainer((model.coef, model.intercept), masker)
                    phi = np.asarray(le.shap_values(X[:rows])).reshape(rows, -1)
                    return {i: phi[i] for i in range(rows)}, "shap LinearExplainer"
                _, vals, _ = self.peer_direct(case, "treeshap-int", bg, rows)
                return {i: v[0] for i, v in vals.items()}, "shap TreeExplainer (interventional)"
            except pb.Unavailable:
                pass
        for method in ("treeshap-int", "exact"):
            if self.has(method) and not self.skip(case, method):
                run = self.gb_runner(case, method, None, bg)
                try:
                    return {r: v[0] for r, v in run(rows, os.cpu_count())[1].items()}, f"glassbox {method}"
                except pb.Unavailable:
                    continue
        return None, None

    def accuracy(self, cases, methods):
        a = self.a
        rows = []
        for case in cases:
            need = [m for m in methods if (case.name, m) in self.results]
            if not need:
                continue
            ref, ref_name = self.reference(case, a.background, max(self.max_rows(case, need), 1))
            for method in need:
                t = self.results[(case.name, method)]
                rows.append(self.acc_row(case, method, a.samples if method in ("kernelshap", "permutation")
                                         else "-", a.background, t.gb_values, t.peer_values, ref, ref_name))
            if "kernelshap" in need and not a.quick and 2 ** case.M - 2 > a.samples:
                # a large budget on a small background, so that shap finishes in seconds
                bg, budget, n = a.large_background, a.large_samples, a.large_rows
                gbr = self.gb_runner(case, "kernelshap", budget, bg)
                pr = self.peer_runner(case, "kernelshap", budget, bg)
                gv = gbr(n, os.cpu_count())[1] if gbr else None
                pv = pr(n)[1] if pr else None
                lref, lname = self.reference(case, bg, n)
                rows.append(self.acc_row(case, "kernelshap", budget, bg, gv, pv, lref, lname))
        print("\nAccuracy: largest |error| over the rows every side explained and every feature, "
              "divided by the range of the model's output over the data")
        pb.print_table(["case", "method", "budget", "background", "rows", "glassbox vs exact", "shap vs exact",
                        "glassbox vs shap", "exact reference"], rows)

    def max_rows(self, case, methods):
        """Rows the exact reference must cover: every row a peer explained, else
        glassbox's first 50."""
        n = 0
        for m in methods:
            t = self.results[(case.name, m)]
            if t.peer_values:
                n = max(n, 1 + max(t.peer_values))
            elif t.gb_values:
                n = max(n, min(len(t.gb_values), 50))
        return min(n, case.n)

    def acc_row(self, case, method, budget, bg, gv, pv, ref, ref_name):
        """Errors over the rows every available side explained (the same rows for each figure)."""
        vec = lambda v: np.asarray(v[0] if isinstance(v, tuple) else v)
        sides = [x for x in (gv, pv, ref) if x]
        common = sorted(set.intersection(*(set(x) for x in sides))) if sides else []

        def err(x, y):
            if not x or not y or not common:
                return "-"
            d = max(float(np.max(np.abs(vec(x[r]) - vec(y[r])))) for r in common)
            return f"{d / case.out_range:.1e}"
        return [case.name, method, budget, bg, len(common), err(gv, ref), err(pv, ref), err(gv, pv),
                ref_name or "none available"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    pb.common_args(ap)
    ap.add_argument("--cases", default=None,
                    help="comma-separated (default diabetes/xgboost,breast_cancer/xgboost,diabetes/linear)")
    ap.add_argument("--methods", default=",".join(ALL_METHODS))
    ap.add_argument("--samples", type=int, default=2048, help="budget of kernelshap and permutation")
    ap.add_argument("--background", type=int, default=100)
    ap.add_argument("--large-samples", type=int, default=16384, help="kernelshap budget of the accuracy check")
    ap.add_argument("--large-background", type=int, default=20)
    ap.add_argument("--large-rows", type=int, default=3)
    a = ap.parse_args()
    a.repeats = a.repeats or (1 if a.quick else 3)
    a.target_gb, a.target_peer, a.peer_max_rows = (0.15, 0.4, 5) if a.quick else (0.4, 1.5, 40)
    if a.cases is None:
        a.cases = "diabetes/xgboost" if a.quick else "diabetes/xgboost,breast_cancer/xgboost,diabetes/linear"
    methods = [m for m in a.methods.split(",") if m]
    bad = [m for m in methods if m not in ALL_METHODS]
    if bad:
        sys.exit(f"unknown method(s) {bad} (known: {', '.join(ALL_METHODS)})")
    try:
        b = Bench(a)
    except pb.Unavailable as e:
        sys.exit(str(e))
    cases = pb.make_cases(a.cases.split(","))
    print(f"machine: {pb.machine()}")
    print("cases: " + "; ".join(f"{c.name} ({c.M} features, {c.n} rows, output range {c.out_range:.4g})"
                                for c in cases))
    missing = [m for m in methods if not b.has(m)]
    if missing:
        print(f"this glassbox has no method {', '.join(missing)}: its side is left blank")
    b.speed(cases, methods)
    b.accuracy(cases, methods)


if __name__ == "__main__":
    main()
