#!/usr/bin/python3
"""csv_vs_pandas.py: loading a 1,000,000 x 20 numeric CSV file, glassbox's
reader (bench/load_time, gb_dataset_read_csv) against pandas.read_csv (C
engine, its defaults), side by side.

Each round runs both sides once, in fresh processes, alternating which goes
first; the figures are medians over the rounds.  Time is the load alone,
measured inside each process (interpreter and library start-up excluded).
Memory is the peak resident set during the load minus the resident set
before it, against the raw doubles (rows x columns x 8 bytes); the goal is
glassbox at least as fast as pandas and at most 1.3x the raw doubles.

The file (random normals written with 10 significant digits, about 250 MB)
is generated once into --workdir and reused.  Not a test: prints figures
and ratios, asserts nothing.

  /usr/bin/python3 bench/csv_vs_pandas.py --load-time build/bench/load_time [--rows N] [--rounds R]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_rounds  # noqa: E402

PANDAS_SIDE = load_rounds.python_side("import pandas as pd", "pd.read_csv(sys.argv[1])", "x.shape[0]", "x.shape[1]")


def make_file(path, rows, cols):
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(1)
    print(f"# writing {path}: {rows} x {cols} random normals, 10 significant digits", flush=True)
    with open(path + ".tmp", "w") as f:
        f.write(",".join(f"x{j}" for j in range(cols)) + "\n")
        step = 100000
        for at in range(0, rows, step):
            block = pd.DataFrame(rng.normal(size=(min(step, rows - at), cols)))
            block.to_csv(f, header=False, index=False, float_format="%.10g")
    os.rename(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--cols", type=int, default=20)
    a = load_rounds.parse_args(ap)
    path = load_rounds.input_file(a, f"numeric_{a.rows}x{a.cols}.csv", lambda p: make_file(p, a.rows, a.cols))
    raw_kb = a.rows * a.cols * 8 / 1024
    sides = {"glassbox": [a.load_time, "csv", path], "pandas": [sys.executable, "-c", PANDAS_SIDE, path]}
    med = load_rounds.median_rounds("csv_vs_pandas", sides, a.rounds, a.rows, "read {n} rows")
    mb = os.path.getsize(path) / 1e6
    print(f"CSV load, {a.rows} x {a.cols} numeric ({mb:.0f} MB), median of {a.rounds} alternating rounds")
    print(f"{'side':10} {'wall s':>8} {'CPU s':>8} {'MB/s':>8} {'memory MB':>10} {'x raw doubles':>14}")
    for k in sides:
        t, c, m = med[k]
        print(f"{k:10} {t:8.3f} {c:8.3f} {mb / t:8.1f} {m / 1024:10.1f} {m / raw_kb:14.2f}")
    (tg, cg, mg), (tp, cp, _) = med["glassbox"], med["pandas"]
    print(f"glassbox time / pandas time: wall {tg / tp:.2f}, CPU {cg / cp:.2f} "
          f"(goal <= 1.00: {'met' if tg <= tp and cg <= cp else 'missed'})")
    print(f"glassbox memory / raw doubles: {mg / raw_kb:.2f} (goal <= 1.30: {'met' if mg <= 1.3 * raw_kb else 'missed'})")


if __name__ == "__main__":
    main()
