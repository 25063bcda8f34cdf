#!/usr/bin/env python3
"""Time LP's quantization-aware train steps against its f32 steps, next to
PyTorch's QAT against PyTorch's f32, in the same run.

    python3 bench/bench_qat.py                       # digits_mlp, image_cnn, char_lm
    python3 bench/bench_qat.py --quick --workloads digits_mlp --out r.md

The workloads, initial weights, batches and SGD (momentum 0.9) of
bench/bench_train_step.py:

    lp f32             lp-run --train
    lp QAT int8        lp-run --train --fake-quant=on (int8 weights per
                       output channel, int8 activations, moving-average
                       observers updated every step)
    lp QAT W4A8        --fake-quant=weights=int4
    torch f32          PyTorch eager
    torch QAT int8     PyTorch eager with its default QAT fake quantization
                       (FusedMovingAvgObsFakeQuantize for the inputs and
                       weights of every product, as get_default_qat_qconfig
                       ("x86") makes; MLP and CNN only)

LP's time per regime is the fastest of --processes lp-run processes
(default 3, interleaved by regime), each the median of its steps: on the
2-core machines of docs/ a process's step time settles at one of a few
levels (0.10 or 0.20 ms for the same digits MLP step), by where its
buffers land, so one process per regime compares levels, not steps.
PyTorch runs once per regime, in-process.

The goal (issue 20): LP's QAT int8 step at most 1.5x LP's f32 step on each
workload. Exit status 0 when met everywhere, 1 otherwise, 2 without torch.
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)

import bench_train_step as bts  # noqa: E402
import lp_runner  # noqa: E402
import machine  # noqa: E402
import workloads as wl  # noqa: E402

LP_REGIMES = {"lp f32": [], "lp QAT int8": ["--fake-quant=on"],
              "lp QAT W4A8": ["--fake-quant=weights=int4"]}
GOAL = 1.5


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workloads", default="digits_mlp,image_cnn,char_lm")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--processes", type=int, default=3,
                   help="lp-run processes per LP regime (the fastest one's median counts)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--lp-run", default=os.path.join(os.path.dirname(BENCH), "build", "bin", "lp-run"))
    p.add_argument("--out")
    args = p.parse_args(argv)
    try:
        import torch
        import models_torch
    except ImportError:
        print("bench_qat: torch is not installed (pip install torch)", file=sys.stderr)
        return 2
    lines = ["# Quantization-aware training step time", "",
             f"`python3 bench/bench_qat.py {' '.join(argv)}`".replace(" `", "`"), ""]
    try:
        import jax
        lines += machine.describe(torch, jax)
    except ImportError:
        model, cores = machine.cpu_info()
        lines += [f"CPU: {model}, {cores} cores; torch {torch.__version__} (threads {torch.get_num_threads()})"]
    lines += [""]
    rows, verdict, kernels = [], True, []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.workloads.split(","):
            warmup, steps, repeats = (bts.QUICK if args.quick else bts.DEFAULTS)[name]
            total = warmup + steps * repeats
            w = wl.make(name, tmp, args.seed)
            params = wl.init_params(w, args.seed)
            data, init = wl.write_lp_inputs(w, params, tmp)
            times, lp_ms = {}, {}
            # Processes interleaved by regime; each regime's time is the
            # fastest process's median (a process's step times settle at
            # one of a few levels, by where its buffers land).
            for _ in range(args.processes):
                for regime, extra in LP_REGIMES.items():
                    time.sleep(bts.SETTLE_S)
                    try:
                        r = lp_runner.train(args.lp_run, w, data, init, total, args.lr, args.momentum, tmp,
                                            extra_args=extra)
                        times[regime] = r.step_ms
                        if regime == "lp QAT int8" and not any(k.startswith(name + ":") for k in kernels):
                            kernels += [f"{name}: {line}" for line in r.contractions]
                        lp_ms.setdefault(regime, []).append(
                            statistics.median(bts.repeat_medians(r.step_ms, warmup, steps, repeats)))
                    except lp_runner.LpError as e:
                        times[regime] = str(e).splitlines()[0]
            peers = {"torch f32": False, "torch QAT int8": True}
            for regime, qat in peers.items():
                if qat and w.kind not in ("mlp_ce", "cnn_ce"):
                    times[regime] = "n/a (bench/models_torch.py has QAT for the MLP and CNN only)"
                    continue
                time.sleep(bts.SETTLE_S)
                try:
                    _, secs = models_torch.run(w, params, args.lr, args.momentum, total, time.perf_counter,
                                               qat=qat)
                    times[regime] = [s * 1e3 for s in secs]
                except Exception as e:  # reported in the table
                    times[regime] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
                gc.collect()
            ms = {k: statistics.median(bts.repeat_medians(v, warmup, steps, repeats))
                  for k, v in times.items() if isinstance(v, list)}
            ms.update({k: min(v) for k, v in lp_ms.items() if isinstance(times.get(k), list)})
            goal = "-"
            if "lp f32" in ms and "lp QAT int8" in ms:
                ratio = ms["lp QAT int8"] / ms["lp f32"]
                ok = ratio <= GOAL
                verdict &= ok
                goal = f"lp QAT int8 / lp f32 = {ratio:.2f}x: {'met' if ok else 'MISSED'} (<= {GOAL}x)"
                if "torch f32" in ms and "torch QAT int8" in ms:
                    goal += f"; torch QAT int8 / torch f32 = {ms['torch QAT int8'] / ms['torch f32']:.2f}x"
            else:
                verdict = False
            for regime, v in times.items():
                rows.append((name, regime, f"{ms[regime]:.3f}" if regime in ms
                             else v if v.startswith("n/a") else f"FAILED: {v}"))
            rows.append((name, "goal", goal))
            print("\n".join(f"{a} | {b} | {c}" for a, b, c in rows[-len(times) - 1:]), flush=True)
    lines += ["| workload | framework | ms/step (median) |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += ["", "Kernels LP chose (lp QAT int8, lp-run --verbose):", ""] + [f"    {k}" for k in kernels]
    machine.emit_report(lines, args.out)
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
