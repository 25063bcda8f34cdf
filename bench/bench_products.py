#!/usr/bin/env python3
"""f32 products through each contraction path of LP, side by side with
PyTorch's, on the shapes of the benchmark workloads (issue 17).

    python3 bench/bench_products.py [--lp-run build/bin/lp-run] [--steps 20] [--out report.md]

For each shape (m, k, n) it trains the model `loss = sum(x @ w)` (x an
[m, k] input, w a [k, n] parameter) for `--steps` steps with lp-run, once
per contraction path: `--contraction=openblas`, `--contraction=onednn`,
`auto` (the runtime's ISA-class policy) and the generated code
(`--matmul=vector`). A step is two products of the shape's size, x @ w and
the weight gradient x^T @ dY, plus an elementwise update: 4 m k n
floating-point operations. PyTorch runs the same step (`(x @ w).sum()`,
backward, SGD) in the same process for reference. Reported: the median
ms per step (lp-run --step-times: the compiled call only) and GFLOP/s, and
the CPU, its flags, the library versions and the kernels each run chose
(lp-run --verbose).

`--gradients both` makes the step also compute the data gradient
dY @ w^T (the input passes through a parameter added to it), the three
products of a layer: 6 m k n flops. Next to LP, `onednn_products.cpp`
(built here with g++ against Debian's libdnnl) times oneDNN's own matmul
primitive on the same products, created once and called in a loop: the
library's throughput that LP's products are measured against (issue 17:
f32 at 90 %, bf16 at 70 % of it). Its column is the sum of the products'
medians, without the update; the last column is LP auto's share of it.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import onednn_reference

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# name: (m, k, n) -- the large MLP's three products (batch 256), the char
# LM's per-token projections and attention products, the digits MLP's.
SHAPES = {
    "large_mlp 256x1024x4096": (256, 1024, 4096),
    "large_mlp 256x4096x4096": (256, 4096, 4096),
    "large_mlp 256x4096x1024": (256, 4096, 1024),
    "char_lm 2048x128x512": (2048, 128, 512),
    "char_lm 2048x512x128": (2048, 512, 128),
    "attention 64x64x64": (64, 64, 64),
    "digits 64x64x128": (64, 64, 128),
}
PATHS = [("auto", []), ("openblas", ["--contraction=openblas"]), ("onednn", ["--contraction=onednn"]),
         ("vector", ["--matmul=vector"])]
REPORT = ("cpu: ", "openblas: ", "onednn: ", "contractions (", "kernel: ")


def model_text(m, k, n, t="f32", both=False):
    # With both gradients the product reads x + b (b a parameter of x's
    # shape), so the step computes dY @ w^T for b's gradient.
    b_arg = (f""",
                %b: tensor<{m}x{k}x{t}> {{lp.role = "param", lp.name = "b", lp.init = "zeros"}}""" if both else "")
    h = "%h" if both else "%x"
    add = f"  %h = lp.add %x, %b : (tensor<{m}x{k}x{t}>, tensor<{m}x{k}x{t}>) -> tensor<{m}x{k}x{t}>\n" if both else ""
    return f"""func.func @prod(%x: tensor<{m}x{k}x{t}> {{lp.role = "input", lp.name = "x"}},
                %w: tensor<{k}x{n}x{t}> {{lp.role = "param", lp.name = "w", lp.init = "glorot_uniform"}}{b_arg})
    -> (tensor<{t}> {{lp.name = "loss"}}) {{
{add}  %y = lp.matmul {h}, %w : (tensor<{m}x{k}x{t}>, tensor<{k}x{n}x{t}>) -> tensor<{m}x{n}x{t}>
  %l = lp.reduce_sum %y {{axes = array<i64: 0, 1>}} : (tensor<{m}x{n}x{t}>) -> tensor<{t}>
  return %l : tensor<{t}>
}}
"""


def lp_step_ms(lp_run, tmp, m, k, n, steps, extra, dtype="f32", both=False):
    model = os.path.join(tmp, f"p{m}_{k}_{n}_{dtype}{'_both' if both else ''}.mlir")
    data = os.path.join(tmp, f"p{m}_{k}_{n}_{dtype}.npz")
    times = os.path.join(tmp, "times.txt")
    with open(model, "w") as f:
        f.write(model_text(m, k, n, dtype, both))
    x = np.random.default_rng(0).standard_normal((2 * m, k)).astype(np.float32)
    if dtype == "bf16":
        import ml_dtypes
        x = x.astype(ml_dtypes.bfloat16)
    np.savez(data, x=x)
    if os.path.exists(times):
        os.remove(times)
    cmd = [lp_run, model, "--train", f"--data={data}", f"--steps={steps}", "--log-every=0", "--lr=1e-6",
           f"--step-times={times}", "--verbose", *extra]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"lp-run failed: {' '.join(cmd)}\n{r.stderr}")
    ms = [float(v) for v in open(times).read().split()]
    report = [line for line in r.stdout.splitlines() if line.startswith(REPORT)]
    return statistics.median(ms[2:] if len(ms) > 4 else ms), report


def torch_step_ms(m, k, n, steps, dtype="f32", both=False):
    import torch

    t = torch.bfloat16 if dtype == "bf16" else torch.float32
    x = torch.randn(m, k, dtype=t)
    w = torch.randn(k, n, dtype=t, requires_grad=True)
    b = torch.zeros(m, k, dtype=t, requires_grad=True)
    opt = torch.optim.SGD([w, b] if both else [w], lr=1e-6)
    ms = []
    for _ in range(steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        ((x + b if both else x) @ w).sum().backward()
        opt.step()
        ms.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ms[2:]), f"torch {torch.__version__}, {torch.get_num_threads()} threads"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lp-run", default=os.path.join(REPO, "build", "bin", "lp-run"))
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--shapes", help="comma-separated names (default: all)")
    ap.add_argument("--dtype", choices=("f32", "bf16"), default="f32",
                    help="element type of x and w (bf16: lp_gemm_bf16, against PyTorch's bf16 "
                    "products, which run on oneDNN)")
    ap.add_argument("--gradients", choices=("weight", "both"), default="weight",
                    help="the step's gradients: the weight's (x @ w and x^T @ dY, 4 m k n flops) or "
                    "also the data gradient (dY @ w^T, 6 m k n flops)")
    ap.add_argument("--no-onednn", action="store_true", help="skip oneDNN's own products (the reference)")
    ap.add_argument("--out")
    args = ap.parse_args()
    both = args.gradients == "both"
    ref_tool = None if args.no_onednn else onednn_reference.build_tool()
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
    names = args.shapes.split(",") if args.shapes else list(SHAPES)
    fl = 6 if both else 4
    paths = [p for p in PATHS if args.dtype == "f32" or p[0] != "vector"]
    lines = [f"# {args.dtype} products by contraction path ({time.strftime('%Y-%m-%d')})", "",
             f"`python3 bench/bench_products.py --steps {args.steps} --dtype {args.dtype} --gradients {args.gradients}`; "
             f"a step is x @ w, x^T @ dY{', dY @ w^T' if both else ''} ({fl} m k n flops) and the update; "
             f"ms per step is the median, GFLOP/s = {fl} m k n / time.", ""]
    header = ("| shape (m x k x n) | " + " | ".join(p for p, _ in paths) + (" | torch" if have_torch else "")
              + (" | oneDNN alone | auto / oneDNN |" if ref_tool else " |"))
    rows, reports, torch_note = [], {}, ""
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            m, k, n = SHAPES[name]
            flops = float(fl) * m * k * n
            cells, auto_ms = [], None
            for path, extra in paths:
                ms, report = lp_step_ms(args.lp_run, tmp, m, k, n, args.steps, extra, args.dtype, both)
                reports[(name, path)] = report
                auto_ms = ms if path == "auto" else auto_ms
                cells.append(f"{ms:.3f} ms ({flops / ms * 1e-6:.0f})")
            if have_torch:
                ms, torch_note = torch_step_ms(m, k, n, args.steps, args.dtype, both)
                cells.append(f"{ms:.3f} ms ({flops / ms * 1e-6:.0f})")
            if ref_tool:
                products = onednn_reference.time_products(ref_tool, args.dtype, m, k, n, args.steps)
                ms = sum(products[p][0] for p in (("forward", "data_gradient", "weight_gradient") if both
                                                  else ("forward", "weight_gradient")))
                reports[(name, "onednn alone")] = [f"{p}: {v[1]}" for p, v in products.items()]
                cells.append(f"{ms:.3f} ms ({flops / ms * 1e-6:.0f})")
                cells.append(f"{ms / auto_ms * 100:.0f} %")
            rows.append(f"| {name} | " + " | ".join(cells) + " |")
            print(rows[-1], flush=True)
    lines += [header, "|---" * (len(paths) + 1 + have_torch + 2 * bool(ref_tool)) + "|", *rows, "",
              "Cells: ms per step (GFLOP/s)." + (f" PyTorch: {torch_note}." if have_torch else ""), "",
              "What each run chose (lp-run --verbose, first shape; kernels per shape below):", ""]
    first = names[0]
    lines += [f"    {line}" for line in reports[(first, "auto")] if not line.startswith("kernel: ")]
    for name in names:
        chose = []
        for path, _ in paths:
            kernels = [line[len("kernel: "):] for line in reports[(name, path)] if line.startswith("kernel: ")]
            chose.append(f"{path}: {', '.join(kernels) if kernels else 'OpenBLAS' if path != 'vector' else 'generated'}")
        if (name, "onednn alone") in reports:
            chose.append("oneDNN alone: " + ", ".join(reports[(name, "onednn alone")]))
        lines.append(f"- {name}: " + "; ".join(chose))
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
