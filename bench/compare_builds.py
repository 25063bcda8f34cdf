#!/usr/bin/env python3
"""Compare two LP builds on the train-step benchmark, interleaved.

    python3 bench/compare_builds.py --before OLD/bin/lp-run --after build/bin/lp-run \\
        [--runs 5] [--out report.md] [-- extra bench_train_step.py options]

Runs bench/bench_train_step.py alternately with each lp-run (before, after,
before, after, ...) `--runs` times each, in one process on one machine, and
reports per workload and LP row (`lp`, `lp (matmul=vector)`) the median of
the runs' ms/step for each build and their ratio. The peers (JAX, PyTorch)
run every time as the benchmark does; their rows are not compared.
Exit status: 0, or 1 when a benchmark run fails.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_once(lp_run, extra):
    cmd = [sys.executable, os.path.join(HERE, "bench_train_step.py"), "--lp-run", lp_run, *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"benchmark failed: {' '.join(cmd)}")
    times, workload = {}, None
    for line in proc.stdout.splitlines():
        m = re.match(r"## (\w+):", line)
        if m:
            workload = m.group(1)
        m = re.match(r"(lp(?: \((?:matmul|contraction|conv)=\w+\))?): ([0-9.]+) ms/step", line)
        if m and workload:
            times[(workload, m.group(1))] = float(m.group(2))
    return times, proc.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="lp-run of the commit before")
    ap.add_argument("--after", required=True, help="lp-run of the commit after")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out")
    ap.add_argument("extra", nargs="*", help="options passed to bench_train_step.py (after --)")
    args = ap.parse_args()
    runs = {"before": [], "after": []}
    header = None
    for i in range(args.runs):
        for which in ("before", "after"):
            times, text = run_once(getattr(args, which), args.extra)
            header = header or "\n".join(text.splitlines()[:6])
            runs[which].append(times)
            print(f"run {i + 1} {which}: " + ", ".join(f"{w}/{r} {t:.3f}" for (w, r), t in sorted(times.items())),
                  flush=True)
    keys = sorted(set().union(*(t.keys() for t in runs["before"] + runs["after"])))
    lines = [f"# LP before/after: {args.runs} interleaved runs each", "", "```", header, "```", "",
             f"before: `{args.before}`  ", f"after: `{args.after}`  ",
             f"command: `python3 bench/compare_builds.py --before {args.before} --after {args.after} "
             f"--runs {args.runs}" + (" -- " + " ".join(args.extra) if args.extra else "") + "`", "",
             "| workload | LP row | before median ms | after median ms | after/before | before runs | after runs |",
             "|---|---|---|---|---|---|---|"]
    for key in keys:
        b = [t[key] for t in runs["before"] if key in t]
        a = [t[key] for t in runs["after"] if key in t]
        if not a or not b:
            continue
        mb, ma = statistics.median(b), statistics.median(a)
        lines.append(f"| {key[0]} | {key[1]} | {mb:.3f} | {ma:.3f} | {ma / mb:.3f} | "
                     f"{' '.join(f'{x:.3f}' for x in b)} | {' '.join(f'{x:.3f}' for x in a)} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
