#!/usr/bin/python3
"""explorer_latency.py: how long the explorer takes to show its first screen
on a large file, and how long a key takes to reach the screen while a job
(predicting every row) runs on the worker, and when it is idle.  Not a
test: prints figures and their ratio to the goals (first screen: 2 s; a
key: 100 ms, below which a reply feels immediate), asserts nothing.

  /usr/bin/python3 bench/explorer_latency.py --glassbox ./glassbox [--rows N] [--rounds R]

The explorer runs on a pseudo-terminal of 120x40 (TERM=xterm-256color)
that this script reads directly, so times have microsecond resolution: a
launch ends when the screen shows the data table's row 36, a key ends when
the bytes the explorer writes in reply contain the text it brings up ('?'
opens the help screen, 'q' closes it back to the table).  The data are
the diabetes sample's rows repeated to --rows (default 1,000,000),
generated once into $TMPDIR/glassbox-bench.  Medians over the rounds.
"""
import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def make_data(path, rows):
    src = open(os.path.join(HERE, "..", "samples", "diabetes", "data.csv")).read().splitlines()
    with open(path + ".tmp", "w") as f:
        f.write(src[0] + "\n")
        body = src[1:]
        for i in range(rows):
            f.write(body[i % len(body)] + "\n")
    os.rename(path + ".tmp", path)


class Term:
    def __init__(self, argv):
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update(TERM="xterm-256color", LC_ALL="C.UTF-8")
            os.execv(argv[0], argv)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.pid, self.fd, self.buf = pid, fd, b""

    def wait_for(self, needles, timeout=120.0):
        """Reads until one of needles appears in what arrived since the
        call; returns the time it arrived."""
        self.buf = b""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            r, _, _ = select.select([self.fd], [], [], 0.5)
            if r:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                t = time.perf_counter()
                self.buf += chunk
                if any(n in self.buf for n in needles):
                    return t
        sys.exit(f"explorer_latency: timed out waiting for {needles}")

    def drain(self, quiet=0.3):
        """Reads what the explorer writes by itself for `quiet` seconds: a
        running job redraws its progress bar; returns whether it wrote."""
        wrote, end = False, time.perf_counter() + quiet
        while True:
            left = end - time.perf_counter()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return wrote
            try:
                wrote |= bool(os.read(self.fd, 65536))
            except OSError:
                return wrote

    def close(self):
        os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--glassbox", default="./glassbox")
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keys", type=int, default=10, help="key pairs per round")
    ap.add_argument("--workdir", default=os.environ.get("TMPDIR", "/tmp") + "/glassbox-bench")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    data = os.path.join(a.workdir, f"diabetes_{a.rows}.csv")
    if not os.path.exists(data):
        make_data(data, a.rows)
    model = os.path.join(HERE, "..", "samples", "diabetes", "xgboost.json")
    launch, busy, idle = [], [], []
    for _ in range(a.rounds):
        t0 = time.perf_counter()
        term = Term([os.path.abspath(a.glassbox), "--data", data, "--model", model])
        launch.append(term.wait_for([b" rows x "]) - t0)
        for _k in range(a.keys):
            for key, needle in ((b"?", [b"everywhere", b"Everywhere"]), (b"q", [b"prediction"])):
                running = term.drain()
                t0 = time.perf_counter()
                os.write(term.fd, key)
                t1 = term.wait_for(needle)
                (busy if running else idle).append(t1 - t0)
        term.close()
    mb = os.path.getsize(data) / 1e6
    print(f"explorer latency, {a.rows} rows ({mb:.0f} MB CSV), 120x40 pseudo-terminal")
    lm = statistics.median(launch)
    print(f"launch to first screen: {lm * 1000:.0f} ms (median of {len(launch)}), {lm / 2:.2f}x the 2 s goal")
    for name, v in (("while the job runs", busy), ("with the worker idle", idle)):
        if not v:
            print(f"key to screen, {name}: no key fell there")
            continue
        m = statistics.median(v)
        print(f"key to screen, {name}: {m * 1000:.1f} ms (median of {len(v)} keys, max {max(v) * 1000:.1f}), "
              f"{m / 0.1:.2f}x the 100 ms goal")


if __name__ == "__main__":
    main()
