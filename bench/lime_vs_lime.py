#!/usr/bin/python3
"""LIME: glassbox against the lime library (LimeTabularExplainer), side by side.

Both sides run lime's defaults on the raw margin of the same model: quartile
discretisation fitted on every data row, kernel width 0.75*sqrt(M), 5000
samples, all features kept (lime's automatic selection then takes the highest
weights).  It prints rows/s and model evaluations/s of each side (medians of
alternating runs; glassbox on one thread and on all cores), the speed-up, and
glassbox's evaluations/s relative to plain prediction (`glassbox predict`).

LIME is random, so agreement is judged against lime's own run-to-run spread:
for glassbox vs lime (seed 0), and for lime seed 1 vs lime seed 0, it prints
the mean Spearman correlation of the weights, how many of lime's five largest
weights the other run also ranks in its top five, how often their signs
agree, and each side's mean weighted R².

    /usr/bin/python3 bench/lime_vs_lime.py [--quick] [--glassbox PATH] [--peers DIR]"""
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

TOP = 5


def gb_runner(gb, case, data, samples, seed):
    if gb is None or not gb.has("lime"):
        return None
    argv = ["explain", "--data", data, "--model", case.model, "--target", "target", "--method", "lime", "--stats",
            "--samples", str(samples), "--num-features", str(case.M), "--seed", str(seed)]

    def run(rows, threads):
        dt, out, evals = gb.run(argv + ["--rows", pb.rows_spec(rows), "--threads", str(threads)], cpu=threads == 1)
        return dt, pb.parse_values(out, case.M), evals
    return run


def peer_runner(peers, case, samples, seed):
    if peers is None:
        return None
    argv = ["--data", case.data, "--target", "target", "--model", case.model, "--num-samples", str(samples),
            "--seed", str(seed), "--per-row-seed"]

    def run(rows, first=0):
        dt, out, evals = peers.script("lime_ref", argv + ["--rows", pb.rows_spec(rows, first)])
        return dt, pb.parse_peer_values(out, case.M), evals
    return run


def weights(v):
    """parsed glassbox or peer values -> (weights, r2)."""
    w, rest = v[0], v[-1]
    if isinstance(rest, dict):  # glassbox: extras
        return w, rest.get("r2", float("nan"))
    return w, rest[2]  # harness: intercept, local_pred, score


def agreement(a, b):
    """Mean over the common rows of: Spearman correlation, top-5 overlap (b's top
    five by |weight|), sign agreement on b's top five; and both mean R²."""
    from scipy.stats import spearmanr
    common = sorted(set(a) & set(b))
    rho, over, sign, ra, rb = [], [], [], [], []
    for r in common:
        wa, r2a = weights(a[r])
        wb, r2b = weights(b[r])
        rho.append(spearmanr(wa, wb).correlation)
        ta = set(np.argsort(-np.abs(wa))[:TOP])
        tb = np.argsort(-np.abs(wb))[:TOP]
        over.append(len(ta & set(tb)) / TOP)
        sign.append(np.mean(np.sign(wa[tb]) == np.sign(wb[tb])))
        ra.append(r2a)
        rb.append(r2b)
    m = lambda x: float(np.nanmean(x)) if x else float("nan")
    return len(common), m(rho), m(over), m(sign), m(ra), m(rb)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    pb.common_args(ap)
    ap.add_argument("--cases", default=None,
                    help="comma-separated (default diabetes/xgboost,breast_cancer/xgboost,diabetes/linear)")
    ap.add_argument("--samples", type=int, default=5000)
    ap.add_argument("--accuracy-rows", type=int, default=20)
    a = ap.parse_args()
    a.repeats = a.repeats or (1 if a.quick else 3)
    target_gb, target_peer, peer_max = (0.15, 0.4, 10) if a.quick else (0.4, 1.5, 60)
    if a.cases is None:
        a.cases = "diabetes/xgboost" if a.quick else "diabetes/xgboost,breast_cancer/xgboost,diabetes/linear"
    if a.quick:
        a.accuracy_rows = min(a.accuracy_rows, 5)
    try:
        gb = pb.Glassbox(a.glassbox)
    except pb.Unavailable as e:
        print(f"glassbox unavailable: {e}")
        gb = None
    try:
        peers = pb.Peers(a.peers)
        peers.lime()
    except pb.Unavailable as e:
        print(f"peers unavailable: {e}")
        peers = None
    cases = pb.make_cases(a.cases.split(","))
    print(f"machine: {pb.machine()}")
    if gb is not None and not gb.has("lime"):
        print("this glassbox has no method lime: its side is left blank")

    speed, acc, notes = [], [], []
    for case in cases:
        raw = pb.predict_rate(gb, case) if gb else None
        path, n = case.replicated_file(pb.TIMING_ROWS, f"x{pb.TIMING_ROWS}")
        t = pb.time_pair(gb_runner(gb, case, path, a.samples, a.seed), peer_runner(peers, case, a.samples, a.seed),
                         n, a.repeats, target_gb, target_peer, peer_max, case.n)
        g, gall, p = t.gb_rate(), t.gb_rate_all(), t.peer_rate()
        ge = g * a.samples if g else None
        speed.append([case.name, case.M, a.samples, pb.fmt_rate(g), pb.fmt_rate(gall),
                      pb.fmt_rate(p) if p else "n/a", pb.fmt_ratio(g / p) if g and p else "-", pb.fmt_rate(ge),
                      pb.fmt_rate(p * a.samples) if p else "-", f"{ge / raw:.2f}" if ge and raw else "-"])
        for side, err in (("glassbox", t.gb_error), ("peer", t.peer_error)):
            if err:
                notes.append(f"note: {case.name}: {side} not run: {err}")
        if t.peer_evals and t.gb_evals and abs(t.peer_evals - t.gb_evals) > 0.5:
            notes.append(f"note: {case.name}: model evaluations per row: glassbox {t.gb_evals:.0f}, "
                         f"lime {t.peer_evals:.0f}")
        print(f"  done {case.name}", file=sys.stderr, flush=True)

        # agreement on the original data (the timing runs read a replicated copy)
        k = a.accuracy_rows
        gr = gb_runner(gb, case, case.data, a.samples, a.seed)
        p0 = peer_runner(peers, case, a.samples, a.seed)
        p1 = peer_runner(peers, case, a.samples, a.seed + 1000)
        gv = gr(k, os.cpu_count())[1] if gr and not t.gb_error else None
        v0 = p0(k)[1] if p0 and not t.peer_error else None
        v1 = p1(k)[1] if p1 and not t.peer_error else None
        for label, x, y in (("glassbox vs lime", gv, v0), ("lime seed+1000 vs seed", v1, v0)):
            if x and y:
                nr, rho, over, sign, r2x, r2y = agreement(x, y)
                acc.append([case.name, label, nr, f"{rho:.3f}", f"{over:.2f}", f"{sign:.2f}", f"{r2x:.3f}",
                            f"{r2y:.3f}"])

    print(f"\nSpeed: lime's defaults, {a.samples} samples, all features; medians of {a.repeats} alternating runs."
          f"\nRates on one thread from CPU time (glassbox: the whole command; lime: the explain_instance calls); "
          f"'all cores': glassbox's wall time.\n'vs predict': glassbox's evaluations/s over its plain "
          f"prediction rate.")
    pb.print_table(["case", "M", "evals/row", "glassbox rows/s", "(all cores)", "lime rows/s", "speed-up",
                    "glassbox evals/s", "lime evals/s", "vs predict"], speed)
    for n in notes:
        print("  " + n)
    print(f"\nAgreement (mean over rows): Spearman of the weights; share of the second run's top {TOP} "
          f"|weights| also in the first's top {TOP}; sign agreement on those; mean R² of each run")
    pb.print_table(["case", "comparison", "rows", "spearman", f"top-{TOP} overlap", "signs", "R² first",
                    "R² second"], acc)


if __name__ == "__main__":
    main()
