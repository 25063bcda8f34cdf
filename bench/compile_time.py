#!/usr/bin/env python3
"""Compile time of the char LM train step against model depth.

    python3 bench/compile_time.py                     # blocks 2 12 24 48
    python3 bench/compile_time.py --blocks 2,12 --repeats 3 --out compile.md

For each depth, generates the char LM of bench/workloads.py (d_model 128,
4 heads, seq 64, batch 32, vocab 96, MLP 4x) with that many blocks and
times:
  lp-opt   MODEL --lp-build-train-step="optimizer=sgd momentum=0.9"
           --lp-lower-to-llvm -o /dev/null          (process wall time)
  lp-run   MODEL --train --steps 0 ...              (its `compile: pipeline
           X s, jit Y s` line when it prints one, and the process wall time:
           parse, train-step build, lowering, JIT, no step)
Each is the median of --repeats runs. Seconds per block should stay flat
if compile time grows linearly with depth. Exit status 1 if a tool fails.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)

import lp_runner  # noqa: E402
import workloads as wl  # noqa: E402

import numpy as np  # noqa: E402


def timed(cmd, timeout):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-10:])
        raise RuntimeError(f"exit {r.returncode}: {' '.join(cmd)}\n{tail}")
    return wall, r.stdout + r.stderr


def count_ops(path):
    with open(path) as f:
        return sum(1 for line in f if " = lp." in line)


def measure(args, blocks, tmp):
    model = os.path.join(tmp, f"char_lm_{blocks}.mlir")
    wl.char_lm_mlir(model, blocks)
    data = os.path.join(tmp, "char_lm_data.npz")
    if not os.path.exists(data):
        np.savez(data, **wl.char_lm_examples(2, 0), **wl.char_lm_fixed())
    opt_cmd = [args.lp_opt, model,
               "--lp-build-train-step=optimizer=sgd momentum=0.9",
               "--lp-lower-to-llvm", "-o", os.devnull]
    run_cmd = [args.lp_run, model, "--train", f"--data={data}", "--steps=0",
               "--optimizer=sgd", "--momentum=0.9", "--log-every=0"]
    opt_s, run_s, pipe_s, jit_s = [], [], [], []
    for _ in range(args.repeats):
        wall, _ = timed(opt_cmd, args.timeout)
        opt_s.append(wall)
        wall, text = timed(run_cmd, args.timeout)
        run_s.append(wall)
        p, j = lp_runner.parse_compile_line(text)
        if p is not None:
            pipe_s.append(p)
            jit_s.append(j)
    med = statistics.median
    return {"blocks": blocks, "ops": count_ops(model), "lp_opt": med(opt_s),
            "lp_run": med(run_s), "pipeline": med(pipe_s) if pipe_s else None,
            "jit": med(jit_s) if jit_s else None}


def fmt(v, digits=2):
    return "n/a" if v is None else f"{v:.{digits}f}"


def table(results):
    lines = ["| blocks | lp ops | lp-opt s | lp-opt s/block | lp-run pipeline s | "
             "lp-run jit s | lp-run process s | lp-run s/block |",
             "|" + "---|" * 8]
    for r in results:
        b = r["blocks"]
        lines.append(
            f"| {b} | {r['ops']} | {fmt(r['lp_opt'])} | {fmt(r['lp_opt'] / b, 3)} | "
            f"{fmt(r['pipeline'])} | {fmt(r['jit'])} | {fmt(r['lp_run'])} | "
            f"{fmt(r['lp_run'] / b, 3)} |")
    return lines


def main(argv):
    p = argparse.ArgumentParser(description="Train-step compile time vs depth.")
    p.add_argument("--blocks", default="2,12,24,48",
                   help="comma-separated depths (default 2,12,24,48)")
    p.add_argument("--repeats", type=int, default=1,
                   help="runs per depth, median reported (default 1)")
    p.add_argument("--lp-opt", default=os.path.join(wl.REPO, "build", "bin", "lp-opt"))
    p.add_argument("--lp-run", default=os.path.join(wl.REPO, "build", "bin", "lp-run"))
    p.add_argument("--timeout", type=float, default=1800,
                   help="seconds per tool run (default 1800)")
    p.add_argument("--out", help="also write the table (markdown) here")
    args = p.parse_args(argv)
    try:
        depths = [int(b) for b in args.blocks.split(",") if b.strip()]
    except ValueError:
        p.error(f"--blocks wants comma-separated integers, got '{args.blocks}'")
    if not depths or min(depths) < 1 or args.repeats < 1:
        p.error("--blocks must be positive and --repeats at least 1")
    for tool in (args.lp_opt, args.lp_run):
        if not os.access(tool, os.X_OK):
            sys.stderr.write(f"error: {tool} is not an executable; build LP first\n")
            return 2

    c = wl.CHAR_LM
    head = (f"# Char LM train-step compile time (d_model {c['d_model']}, "
            f"{c['heads']} heads, seq {c['seq']}, batch {c['batch']}, vocab "
            f"{c['vocab']}, MLP {c['mlp_ratio']}x; sgd momentum 0.9; median of "
            f"{args.repeats})")
    print(head, flush=True)
    tmp = tempfile.mkdtemp(prefix="lp-compile-")
    results, status = [], 0
    try:
        for blocks in depths:
            try:
                r = measure(args, blocks, tmp)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                print(f"blocks {blocks}: FAILED: {e}", flush=True)
                status = 1
                continue
            results.append(r)
            print(f"blocks {blocks}: lp-opt {r['lp_opt']:.2f} s, lp-run "
                  f"{r['lp_run']:.2f} s", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    lines = [head, ""] + table(results)
    if results and results[0]["pipeline"] is None:
        lines.append("\nlp-run printed no `compile:` line; its column is the "
                     "whole process (--steps 0).")
    print("\n" + "\n".join(lines[2:]))
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"wrote {args.out}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
