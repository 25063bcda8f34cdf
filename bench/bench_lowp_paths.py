#!/usr/bin/env python3
"""LP's two low-precision product paths against its f32 step, interleaved.

    python3 bench/bench_lowp_paths.py --workloads large_mlp --rounds 5
    python3 bench/bench_lowp_paths.py --out docs/bench/...md

On a CPU without native bf16 products, LP either widens the operands of
every product on every call (`--lowp-products=native`: the runtime's
lp_gemm_bf16) or once per step in the compiled step
(`--lowp-products=widened`, what `auto` picks there). This script runs,
per workload, `rounds` rounds of [f32, bf16 widened, bf16 native] one after
the other (the same weights, batches and SGD as bench_train_step.py), so
that a slow phase of a shared machine hits every regime alike, and reports
per regime the median and the minimum over the rounds of each run's median
step time, and the ratio to f32 of both. The report names the CPU, its
flags and the kernels LP chose.
"""

import argparse
import os
import statistics
import sys
import tempfile

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)

import lp_runner  # noqa: E402
import machine  # noqa: E402
import workloads as wl  # noqa: E402

REGIMES = {
    "f32": [],
    "bf16 widened once per step": ["--precision=bf16", "--lowp-products=widened"],
    "bf16 widened per call (native path)": ["--precision=bf16", "--lowp-products=native"],
}
STEPS = {"digits_mlp": 200, "image_cnn": 30, "char_lm": 20, "large_mlp": 8}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workloads", default=",".join(wl.NAMES))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lp-run", default=os.path.join(wl.REPO, "build", "bin", "lp-run"))
    p.add_argument("--out")
    args = p.parse_args(argv)
    lines = ["# LP's low-precision product paths against its f32 step", "",
             f"`python3 bench/bench_lowp_paths.py {' '.join(argv)}`".replace(" `", "`"), ""]
    model, cores = machine.cpu_info()
    lines += [f"CPU: {model}, {cores} cores; lp-run: as built"]
    lines += ["", "| workload | regime | median of rounds (ms) | min of rounds (ms) "
              "| median / f32 | min / f32 |", "|---|---|---|---|---|---|"]
    kernels = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.workloads.split(","):
            w = wl.make(name, tmp, args.seed)
            params = wl.init_params(w, args.seed)
            data, init = wl.write_lp_inputs(w, params, tmp)
            steps = STEPS.get(name, 20)
            per_round = {r: [] for r in REGIMES}
            for _ in range(args.rounds):
                for regime, extra in REGIMES.items():
                    r = lp_runner.train(args.lp_run, w, data, init, steps, 0.01, 0.9, tmp,
                                        extra_args=extra)
                    # The first step (warm-up) is left out.
                    per_round[regime].append(statistics.median(r.step_ms[1:]))
                    if _ == 0 and regime != "f32":
                        kernels += [f"{name}, {regime}: {k}" for k in r.contractions
                                    if k.startswith(("cpu:", "kernel:", "16-bit"))]
            f32_med = statistics.median(per_round["f32"])
            f32_min = min(per_round["f32"])
            for regime, ms in per_round.items():
                med, lo = statistics.median(ms), min(ms)
                row = (f"| {name} | {regime} | {med:.3f} | {lo:.3f} | "
                       f"{med / f32_med:.2f}x | {lo / f32_min:.2f}x |")
                lines.append(row)
                print(row, flush=True)
    lines += ["", "Kernels and paths (lp-run --verbose, first round):", ""]
    lines += [f"    {k}" for k in kernels]
    machine.emit_report(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
