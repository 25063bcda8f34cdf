#!/usr/bin/env python3
"""The Python package's per-step overhead: the same training step run by
`lp-run --train` and by a Python loop calling `lp.compile(...)`'s step on
NumPy batches, side by side in one run (docs/Python.md, "Measured").

Both run SGD with momentum on the same batches in order (lp-run
--no-shuffle); lp-run's time per step is its --step-times (the compiled
call) and its own step time (binding, the call and copying state back:
the median and the mean it prints); the Python time is the wall time of
`step(batch)`. Between two processes, this VM's run-to-run spread
(several %) hides a 1 % difference, so the overhead is also measured on
each step itself: the Python call's time minus the runtime's own time for
that call (`Session.last_call_ms`: binding, the compiled step, copying
state back, what lp-run times as a step), as a share of lp-run's median
step. Each figure is the median over the repeats (both run back to back,
alternated), after warm-up steps. Needs the build's Python package
(PYTHONPATH=build/python) and lp-run.

    PYTHONPATH=build/python python3 bench/bench_python.py
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

import lp

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "examples" / "data"


def digits_batches(steps):
    d = np.load(DATA / "digits_train.npz")
    x, y = d["x"], d["y"]
    per = x.shape[0] // 64
    return [{"x": x[64 * (i % per):64 * (i % per + 1)], "y": y[64 * (i % per):64 * (i % per + 1)]}
            for i in range(steps)]


def chars_batches(steps):
    d = np.load(DATA / "chars_train.npz")
    per = d["tokens"].shape[0] // 16
    out = []
    for i in range(steps):
        rows = slice(16 * (i % per), 16 * (i % per + 1))
        out.append({"tokens": d["tokens"][rows], "y": d["y"][rows].reshape(-1),
                    "causal_mask": d["causal_mask"], "attn_scale": d["attn_scale"]})
    return out


WORKLOADS = {
    "digits_mlp": (ROOT / "examples" / "digits_mlp.mlir", DATA / "digits_train.npz", digits_batches),
    "char_lm": (ROOT / "examples" / "char_lm.mlir", DATA / "chars_train.npz", chars_batches),
}


def python_ms(model, batches, warmup):
    step = lp.compile(lp.load(model), optimizer="sgd", lr=0.01, momentum=0.9)
    for b in batches[:warmup]:
        step(b)
    times, added = [], []
    for b in batches[warmup:]:
        t = time.perf_counter()
        step(b)
        ms = (time.perf_counter() - t) * 1e3
        times.append(ms)
        # What the Python call adds to this very step: its time around the
        # runtime's call minus the call's own (binding, the compiled step,
        # copying state back: what lp-run times as a step).
        added.append(ms - step._session.last_call_ms)
    return float(np.median(times)), float(np.mean(times)), float(np.median(added))


def lp_run_ms(lp_run, model, data, steps, tmp):
    times = Path(tmp) / "times.txt"
    proc = subprocess.run([lp_run, str(model), "--train", f"--data={data}", f"--steps={steps}", "--no-shuffle",
                           "--optimizer=sgd", "--lr=0.01", "--momentum=0.9", "--log-every=0",
                           f"--step-times={times}"], capture_output=True, text=True, check=True)
    m = re.search(r"([0-9.]+) ms/step after the first, median ([0-9.]+)", proc.stdout)
    call = np.loadtxt(times)[1:]
    return float(np.median(call)), float(m.group(2)), float(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lp-run", default=str(ROOT / "build" / "bin" / "lp-run"))
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workloads", default="digits_mlp,char_lm")
    args = ap.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    print(f"CPU: {cpu}, {os.cpu_count()} logical CPUs; python {platform.python_version()}, numpy {np.__version__}")
    print("| workload | lp-run call ms (median) | lp-run step ms (median) | lp-run mean | "
          "Python step() ms (median) | Python mean | Python / lp-run (medians; range over repeats) | "
          "Python / lp-run (means) | added by the Python call, us (median) | added / lp-run step |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in args.workloads.split(","):
        model, data, make = WORKLOADS[name]
        steps = args.steps if name == "digits_mlp" else max(args.steps // 10, 100)
        batches = make(steps + args.warmup)
        runs = []
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(args.repeats):  # alternated, so that drift hits both
                runs.append((lp_run_ms(args.lp_run, model, data, steps + args.warmup, tmp),
                             python_ms(model, batches, args.warmup)))
        call = np.median([r[0][0] for r in runs])
        run_med = np.median([r[0][1] for r in runs])
        run_mean = np.median([r[0][2] for r in runs])
        py_med = np.median([r[1][0] for r in runs])
        py_mean = np.median([r[1][1] for r in runs])
        # Each repeat runs both back to back: its ratio is paired, and the
        # median of the paired ratios is the figure the goal reads.
        ratios = [r[1][0] / r[0][1] for r in runs]
        added = np.median([r[1][2] for r in runs])
        print(f"| {name} | {call:.4f} | {run_med:.4f} | {run_mean:.4f} | {py_med:.4f} | {py_mean:.4f} | "
              f"{np.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f}) | {py_mean / run_mean:.3f} | "
              f"{added * 1e3:.1f} | {100 * added / run_med:.2f} % |")


if __name__ == "__main__":
    main()
