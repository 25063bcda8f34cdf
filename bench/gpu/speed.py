#!/usr/bin/env python3
"""Issue 21's GPU speed goals, prepared here and run on the GPU machine.

LP's train steps against PyTorch's on the same device, model, batches,
initial weights and optimizer (SGD, momentum 0.9; PyTorch's fused SGD):
LP bf16 (f32 master weights, no loss scaling) against eager bf16
torch.autocast, LP f16 with dynamic loss scaling against eager f16
autocast with GradScaler, and both against torch.compile
(`max-autotune-no-cudagraphs` and `reduce-overhead`; compile time is
excluded from the step times and reported), on the large MLP and the
char LM (bench/workloads.py). LP's products run through cuBLASLt and
through the generated tensor-core path (`matmul=mma`), one row each.

    python3 bench/gpu/speed.py prepare             # here: gpu-check/speed/
    python3 bench/gpu/speed.py run --out $OUT      # on the GPU machine

`prepare` compiles each LP step ahead of time (lp-opt, lp-translate, cc;
about 5 MB); `run` makes the data and initial weights (the same seed) and
needs only lp-exec, the runtime, numpy and PyTorch (device tool:
carry=["gpu-check"], after bench/gpu/prepare.sh, which makes gpu-check/
and its lp-exec first). A dry run
of `run` elsewhere (`--device cpu --steps 3 --no-compile`) checks the
script: LP's rows then fail with the runtime's "no CUDA driver".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import workloads as wl  # noqa: E402

SPEED = REPO / "gpu-check" / "speed"
WORKLOADS = ("large_mlp", "char_lm")
LR, MOMENTUM, SEED = 0.01, 0.9, 0
# regime -> (lp-build-train-step options, PyTorch autocast)
REGIMES = {"bf16": ("precision=bf16", "bf16"),
           "f16 dynamic": ("precision=f16 loss-scale=dynamic", "f16")}
MATMULS = ("cublaslt", "mma")


def case_name(workload, regime, matmul):
    return f"{workload}_{regime.replace(' ', '_')}_{matmul}"


def prepare(args):
    build = Path(args.build)
    SPEED.mkdir(parents=True, exist_ok=True)
    manifest = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in WORKLOADS:
            w = wl.make(name, tmp, SEED)
            for regime, (options, _) in REGIMES.items():
                for matmul in MATMULS:
                    case = case_name(name, regime, matmul)
                    build_step = (f"--lp-build-train-step=optimizer=sgd lr={LR} momentum={MOMENTUM} {options}")
                    lower = (f"--lp-lower-to-nvvm=inplace-results chip={args.chip} "
                             f"toolkit={args.toolkit} matmul={matmul}")
                    obj = SPEED / f"{case}.o"
                    opt = subprocess.run([build / "bin" / "lp-opt", w.model, build_step, lower],
                                         capture_output=True, check=True)
                    subprocess.run([build / "bin" / "lp-translate", "--lp-to-object", "-o", obj],
                                   input=opt.stdout, check=True)
                    subprocess.run(["cc", "-shared", obj, "-o", SPEED / f"{case}.so"], check=True)
                    obj.unlink()
                    manifest.append({"case": case, "workload": name, "regime": regime, "matmul": matmul})
                    print(f"prepared {case}", flush=True)
    (SPEED / "manifest.json").write_text(json.dumps(manifest, indent=1))


def lp_ms(case, data, init, steps):
    """Median ms per step (binding, the call, the state kept on the device)
    of lp-exec's run, or the error's last line."""
    exe = REPO / "gpu-check" / "bin" / "lp-exec"
    env = dict(os.environ, LD_LIBRARY_PATH=str(REPO / "gpu-check" / "lib"))
    r = subprocess.run([exe, SPEED / f"{case}.so", "--train", f"--data={data}", f"--params={init}",
                        f"--steps={steps}", "--no-shuffle", "--log-every=0"],
                       capture_output=True, text=True, env=env)
    m = re.search(r"median ([0-9.]+)", r.stdout)
    if r.returncode != 0 or not m:
        lines = (r.stdout + r.stderr).strip().splitlines()
        return None, lines[-1] if lines else f"exit {r.returncode}"
    return float(m.group(1)), ""


def torch_ms(w, params, autocast, steps, device, compile_mode=None):
    """Median ms per step after the first (eager) or after the compiling
    steps (compile time reported apart)."""
    import torch
    import models_torch

    def timer():
        if device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter()
    _, secs = models_torch.run(w, params, LR, MOMENTUM, steps, timer, compile=compile_mode is not None,
                               autocast=autocast, device=device, compile_mode=compile_mode)
    warm = 3 if compile_mode else 1  # reduce-overhead records its graph on later steps
    return 1e3 * statistics.median(secs[warm:]), sum(secs[:warm])


def run(args):
    manifest = json.loads((SPEED / "manifest.json").read_text())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    import torch
    device_name = torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu (dry run)"
    lines = ["# LP against PyTorch on the GPU (bench/gpu/speed.py)", "",
             f"Device: {device_name}; torch {torch.__version__}; {args.steps} steps, median ms per step "
             "after warm-up; SGD momentum 0.9 (PyTorch: fused).", "",
             "| workload | regime | LP cuBLASLt | LP mma | torch eager | torch.compile max-autotune-no-cudagraphs "
             "(compile s) | torch.compile reduce-overhead (compile s) | best LP / eager | goal |",
             "|---|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for name in WORKLOADS:
            # The same model, batches and initial weights as `prepare`
            # compiled (made here: the large MLP's weights are 100 MB).
            w = wl.make(name, tmp, SEED)
            params = wl.init_params(w, SEED)
            data, init = wl.write_lp_inputs(w, params, tmp)
            for regime, (_, autocast) in REGIMES.items():
                lp = {}
                for matmul in MATMULS:
                    case = case_name(name, regime, matmul)
                    lp[matmul] = lp_ms(case, data, init, args.steps) if any(
                        c["case"] == case for c in manifest) else (None, "not prepared")
                eager, _ = torch_ms(w, params, autocast, args.steps, args.device)
                compiled = {}
                for mode in ("max-autotune-no-cudagraphs", "reduce-overhead"):
                    if args.no_compile:
                        compiled[mode] = "-"
                        continue
                    try:
                        ms, compile_s = torch_ms(w, params, autocast, args.steps, args.device, mode)
                        compiled[mode] = f"{ms:.3f} ({compile_s:.0f})"
                    except Exception as e:  # noqa: BLE001 - reported in the table
                        compiled[mode] = f"failed: {str(e).splitlines()[0][:60]}"
                cell = {m: f"{v[0]:.3f}" if v[0] is not None else f"failed: ...{v[1][-70:]}"
                        for m, v in lp.items()}
                best = min((v[0] for v in lp.values() if v[0] is not None), default=None)
                ratio = f"{best / eager:.2f}" if best else "-"
                goal = "<= 0.77 (1.3x faster), and <= torch.compile"
                lines.append(f"| {name} | {regime} | {cell['cublaslt']} | {cell['mma']} | {eager:.3f} | "
                             f"{compiled['max-autotune-no-cudagraphs']} | {compiled['reduce-overhead']} | "
                             f"{ratio} | {goal} |")
                print(lines[-1], flush=True)
    (out / "speed.md").write_text("\n".join(lines) + "\n")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="what", required=True)
    pp = sub.add_parser("prepare")
    pp.add_argument("--build", default=str(REPO / "build"))
    pp.add_argument("--chip", default="sm_90")
    pp.add_argument("--toolkit", default="/usr/local/cuda")
    pr = sub.add_parser("run")
    pr.add_argument("--out", default=os.environ.get("OUT", "/tmp/gpu-speed"))
    pr.add_argument("--steps", type=int, default=30)
    pr.add_argument("--device", default="cuda")
    pr.add_argument("--no-compile", action="store_true", help="leave torch.compile out (a dry run)")
    args = p.parse_args(argv)
    prepare(args) if args.what == "prepare" else run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
