#!/usr/bin/env python3
"""Time LP's compiled train step against JAX and PyTorch on the same work.

    python3 bench/bench_train_step.py                 # all workloads
    python3 bench/bench_train_step.py --quick         # a few steps each
    python3 bench/bench_train_step.py --workloads digits_mlp,char_lm \\
        --repeats 5 --steps 50 --out results.md

For each workload (bench/workloads.py) every framework trains the same
model from the same initial weights on the same batches in the same order
with SGD, momentum 0.9 (PyTorch's update): LP through `lp-run --train`,
JAX as one jitted value_and_grad + update step, PyTorch eager and
torch.compile. LP runs once per f32 matmul lowering in --lp-matmul
(`lp-run --matmul`, default blas,vector): `lp` is the BLAS run, the row the
LP/peer ratios use, `lp (matmul=vector)` LP's generated code. Each framework
runs warm-up + repeats * steps steps; a repeat's time is the median of its
steps, the reported time the median of the repeats. Two checks make sure the
times compare equal work: the first losses of every peer must match LP's,
and so must one forward loss computed with "probe" weights large enough that
every part of the model matters (--rtol; by default 1e-4, 1e-3 for
large_mlp); the other LP lowerings are checked the same way against the
peers. A mismatch, or a failed LP, JAX or eager PyTorch run, makes the exit
status 1 (a failed torch.compile is reported, not fatal); missing jax or
torch, or no lp-run: exit status 2. See bench/README.md.
"""

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)

import lp_runner  # noqa: E402
import workloads as wl  # noqa: E402

# (warm-up steps, timed steps per repeat, repeats)
DEFAULTS = {"digits_mlp": (20, 100, 5), "large_mlp": (3, 10, 3),
            "char_lm": (5, 20, 3), "image_cnn": (5, 20, 3)}
QUICK = {"digits_mlp": (5, 20, 2), "large_mlp": (1, 3, 1),
         "char_lm": (2, 3, 1), "image_cnn": (2, 3, 1)}
CHECK_STEPS = 3
SETTLE_S = 1.0  # idle seconds before each workload
# lp-run --matmul, and blas with one library forced (lp-run --contraction)
# and the im2col convolutions (lp-run --conv=im2col) instead of the library's
MATMUL_LOWERINGS = ("blas", "vector", "loops", "blas:openblas", "blas:onednn", "blas:im2col")


def import_peers():
    """jax and torch, or a clear message and exit status 2."""
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    missing = []
    try:
        import jax
    except ImportError:
        missing.append("jax")
    try:
        import torch
    except ImportError:
        missing.append("torch")
    if missing:
        sys.stderr.write(
            f"error: the benchmark needs {' and '.join(missing)} (a "
            f"benchmark-only dependency): pip install {' '.join(missing)}\n")
        sys.exit(2)
    return jax, torch


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="LP train step vs JAX and PyTorch (ms/step).")
    p.add_argument("--char-lm-size", metavar="D,H,T,B",
                   help="char LM d_model, heads, sequence length and batch "
                        "(default 128,4,64,32, issue 8's sizes)")
    p.add_argument("--workloads", default=",".join(wl.NAMES),
                   help=f"comma-separated (default {','.join(wl.NAMES)})")
    p.add_argument("--quick", action="store_true",
                   help="few steps, one or two repeats, small matmul probe")
    p.add_argument("--steps", type=int, help="timed steps per repeat")
    p.add_argument("--warmup", type=int, help="warm-up steps (not timed)")
    p.add_argument("--repeats", type=int, help="repeats (median reported)")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rtol", type=float,
                   help="relative tolerance of both loss checks (default: the "
                   "workload's, 1e-4; large_mlp 1e-3)")
    p.add_argument("--lp-run", default=os.path.join(wl.REPO, "build", "bin", "lp-run"))
    p.add_argument("--lp-timeout", type=float, default=3600,
                   help="seconds before an lp-run is abandoned (default 3600)")
    p.add_argument("--lp-matmul", default="blas,vector", metavar="LIST",
                   help="comma-separated f32 matmul lowerings to run LP with, "
                   "one row each (lp-run --matmul: blas, vector, loops; "
                   "blas:openblas and blas:onednn force lp-run --contraction, "
                   "blas:im2col lp-run --conv=im2col; "
                   "default blas,vector)")
    p.add_argument("--no-compile", action="store_true", help="skip torch.compile")
    p.add_argument("--no-model-check", action="store_true",
                   help="skip the forward-loss check with probe weights")
    p.add_argument("--matmul-size", type=int,
                   help="n of the n^3 matmul probe (default 4096, --quick 2048)")
    p.add_argument("--out", help="also write the report (markdown) here")
    p.add_argument("--keep-tmp", action="store_true",
                   help="keep the generated models and data")
    args = p.parse_args(argv)
    if args.char_lm_size:
        try:
            d, h, t, b = (int(v) for v in args.char_lm_size.split(","))
        except ValueError:
            p.error(f"--char-lm-size: want four integers D,H,T,B, got "
                    f"{args.char_lm_size!r}")
        if min(d, h, t, b) < 1 or d % h:
            p.error(f"--char-lm-size: need positive sizes and heads dividing "
                    f"d_model, got {args.char_lm_size!r}")
        wl.CHAR_LM.update(d_model=d, heads=h, seq=t, batch=b)
    args.workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = [w for w in args.workloads if w not in wl.NAMES]
    if unknown or not args.workloads:
        p.error(f"unknown workload(s) {', '.join(unknown)}; "
                f"known: {', '.join(wl.NAMES)}")
    matmul = [m.strip() for m in args.lp_matmul.split(",") if m.strip()]
    bad = [m for m in matmul if m not in MATMUL_LOWERINGS]
    if bad or not matmul or len(set(matmul)) != len(matmul):
        p.error(f"--lp-matmul: {', '.join(bad) or args.lp_matmul!r}; give "
                f"distinct ones of {', '.join(MATMUL_LOWERINGS)}")
    # BLAS first: the first LP row is the reference of the LP/peer ratios.
    args.lp_matmul = sorted(matmul, key=lambda m: m != "blas")
    for name, least in (("steps", 1), ("warmup", 0), ("repeats", 1)):
        v = getattr(args, name)
        if v is not None and v < least:
            p.error(f"--{name} must be at least {least}")
    return args


def plan(args, name):
    warmup, steps, repeats = (QUICK if args.quick else DEFAULTS)[name]
    return (args.warmup if args.warmup is not None else warmup,
            args.steps or steps, args.repeats or repeats)


def repeat_medians(step_ms, warmup, steps, repeats):
    """The median ms of each repeat's chunk of steps after the warm-up."""
    return [statistics.median(step_ms[warmup + r * steps:warmup + (r + 1) * steps])
            for r in range(repeats)]


def lp_framework(matmul):
    """The table's name of LP run with this matmul lowering."""
    if matmul == "blas:im2col":
        return "lp (conv=im2col)"
    if matmul.startswith("blas:"):
        return f"lp (contraction={matmul[5:]})"
    return "lp" if matmul == "blas" else f"lp (matmul={matmul})"


def lp_args(args, matmul):
    """lp-run's --matmul flag (none for blas on an lp-run without it), and
    --contraction for blas:<library>."""
    lowering, _, library = matmul.partition(":")
    flags = [f"--matmul={lowering}"] if lp_runner.has_matmul(args.lp_run) else []
    if library == "im2col":
        return flags + ["--conv=im2col"]
    return flags + ([f"--contraction={library}"] if library else [])


def first_line(error):
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0] if text else ''}"


class Row:
    """One framework on one workload."""

    def __init__(self, workload, framework, matmul=None):
        self.workload, self.framework = workload, framework
        self.matmul = matmul    # LP rows: lp-run --matmul; None for peers
        self.ms = None          # median of the repeat medians
        self.repeats = []       # each repeat's median ms
        self.losses = []        # loss of every step
        self.startup = ""       # compile / first-step seconds, as text
        self.error = None
        self.fwd = None         # forward loss with the probe weights
        self.check = ""         # first losses vs LP
        self.fwd_check = ""     # forward loss vs LP
        self.mismatch = False
        self.rtol = None
        self.against = "LP"     # what the checks compared with

    def set_times(self, step_ms, plan_):
        self.repeats = repeat_medians(step_ms, *plan_)
        self.ms = statistics.median(self.repeats)


def run_lp(args, w, data, init, plan_, tmp, out, matmul):
    row = Row(w.name, lp_framework(matmul), matmul)
    try:
        r = lp_runner.train(args.lp_run, w, data, init, sum_steps(plan_),
                            args.lr, args.momentum, tmp, args.lp_timeout,
                            lp_args(args, matmul))
    except lp_runner.LpError as e:
        row.error = str(e).splitlines()[0]
        out(f"{row.framework}: FAILED: {e}")
        return row
    row.losses = r.losses
    row.set_times(r.step_ms, plan_)
    if r.pipeline_s is not None:
        row.startup = (f"{r.pipeline_s + r.jit_s:.2f} (pipeline "
                       f"{r.pipeline_s:.2f} + jit {r.jit_s:.2f})")
    else:
        row.startup = f"{r.wall_s - sum(r.step_ms) / 1e3:.2f} (process - steps)"
    out(f"{row.framework}: {row.ms:.3f} ms/step; timing: {r.method}")
    out(f"    {r.command}")
    for line in r.contractions:  # the CPU, libraries and kernels chosen
        out(f"    {line}")
    return row


def run_peer(framework, fn, w, plan_, out):
    row = Row(w.name, framework)
    try:
        losses, secs = fn(sum_steps(plan_), time.perf_counter)
    except Exception as e:  # reported in the table and below it
        row.error = first_line(e)
        out(f"{framework}: FAILED: {row.error}")
        return row
    row.losses = losses
    row.set_times([s * 1e3 for s in secs], plan_)
    row.startup = f"{secs[0]:.2f} (1st step)"
    out(f"{framework}: {row.ms:.3f} ms/step")
    return row


def sum_steps(plan_):
    warmup, steps, repeats = plan_
    return warmup + steps * repeats


def model_check(args, w, tmp, lp_rows, peer_rows, out):
    """Forward loss on batch 0 with probe weights, LP (each matmul lowering)
    and each peer."""
    import models_jax
    import models_torch
    probe = wl.probe_params(w, args.seed)
    batch = w.get_batch(0)
    data, params = wl.write_probe_inputs(w, probe, tmp)
    for row in lp_rows:
        try:
            row.fwd = lp_runner.forward_loss(
                args.lp_run, w.model, data, params,
                os.path.join(tmp, f"{w.name}_probe_out_{row.matmul}"),
                args.lp_timeout, lp_args(args, row.matmul))
        except lp_runner.LpError as e:
            out(f"model check: {row.framework} FAILED: {e}")
            row.error = row.error or f"forward check: {str(e).splitlines()[0]}"
    if all(row.fwd is None for row in lp_rows):
        return
    values = {}
    for framework, fn in (("jax.jit", models_jax.forward_loss),
                          ("torch eager", models_torch.forward_loss)):
        try:
            values[framework] = fn(w, probe, batch)
        except Exception as e:
            out(f"model check: {framework} FAILED: {first_line(e)}")
    values["torch.compile"] = values.get("torch eager")  # the same model code
    for row in peer_rows:
        row.fwd = values.get(row.framework)
    out("model check (forward loss, batch 0, probe weights): " + "; ".join(
        f"{r.framework} {r.fwd:.7g}" for r in lp_rows + peer_rows[:2]
        if r.fwd is not None))


def _rel(ref, x):
    return abs(ref - x) / max(abs(ref), 1e-12)


def check_against(refs, row, rtol):
    """The row's first losses and forward loss against each of refs'; keeps
    the largest relative difference."""
    suffix = "" if row.against == "LP" else f" vs {row.against}"
    rels = []
    for ref in refs:
        n = min(CHECK_STEPS, len(ref.losses), len(row.losses))
        if n:
            rels.append(max(_rel(a, b) for a, b in
                            zip(ref.losses[:n], row.losses[:n])))
    if rels:
        rel = max(rels)
        row.mismatch |= rel > rtol
        row.check = f"{'MISMATCH' if rel > rtol else 'ok'} {rel:.1e}{suffix}"
    row.rtol = rtol
    rels = [_rel(ref.fwd, row.fwd) for ref in refs
            if ref.fwd is not None and row.fwd is not None]
    if rels:
        rel = max(rels)
        row.mismatch |= rel > rtol
        row.fwd_check = f"{'MISMATCH' if rel > rtol else 'ok'} {rel:.1e}{suffix}"


def run_workload(args, name, tmp, out):
    import models_jax
    import models_torch
    plan_ = plan(args, name)
    w = wl.make(name, tmp, args.seed)
    params = wl.init_params(w, args.seed)
    out(f"\n## {name}: {plan_[0]} warm-up + {plan_[2]} x {plan_[1]} timed "
        f"steps, batch {w.batch}, {w.n_batches} batches cycled ({w.data_note})")
    data, init = wl.write_lp_inputs(w, params, tmp)
    lp_rows = [run_lp(args, w, data, init, plan_, tmp, out, matmul)
               for matmul in args.lp_matmul]
    lr, mom = args.lr, args.momentum
    peers = [
        ("jax.jit", lambda n, t: models_jax.run(w, params, lr, mom, n, t)),
        ("torch eager", lambda n, t: models_torch.run(w, params, lr, mom, n, t)),
    ]
    if not args.no_compile:
        peers.append(("torch.compile", lambda n, t: models_torch.run(
            w, params, lr, mom, n, t, compile=True)))
    peer_rows = []
    for framework, fn in peers:
        peer_rows.append(run_peer(framework, fn, w, plan_, out))
        gc.collect()
    if not args.no_model_check:
        model_check(args, w, tmp, lp_rows, peer_rows, out)
    rtol = args.rtol if args.rtol is not None else w.rtol
    # The peers against the first LP row (blas); LP's other lowerings against
    # the peers, which do not share LP's model code.
    for row in peer_rows:
        check_against(lp_rows[:1], row, rtol)
    for row in lp_rows[1:]:
        row.against = "peers"
        check_against(peer_rows, row, rtol)
    rows = lp_rows + peer_rows
    out("first losses: " + "; ".join(
        f"{r.framework} " + " ".join(f"{v:.7g}" for v in r.losses[:CHECK_STEPS])
        for r in rows if r.losses))
    return w, rows


def table(rows, flops):
    lines = ["| workload | framework | ms/step | repeats min..max | LP/peer | "
             "GFLOP/s | startup s | first losses vs LP | fwd check vs LP |",
             "|" + "---|" * 9]
    lp_ms = {}
    for r in rows:  # the first LP row of each workload: blas when run
        if r.matmul is not None:
            lp_ms.setdefault(r.workload, r.ms)
    for r in rows:
        if r.ms is None:
            lines.append(f"| {r.workload} | {r.framework} | n/a | | | | | "
                         f"FAILED: {r.error} | |")
            continue
        ratio = ""
        if r.matmul is None and lp_ms.get(r.workload):
            ratio = f"{lp_ms[r.workload] / r.ms:.3g}"
        gf = ""
        if flops.get(r.workload):
            gf = f"{flops[r.workload] / (r.ms / 1e3) / 1e9:.1f}"
        lines.append(f"| {r.workload} | {r.framework} | {r.ms:.3f} | "
                     f"{min(r.repeats):.3f}..{max(r.repeats):.3f} | {ratio} | "
                     f"{gf} | {r.startup} | {r.check} | {r.fwd_check} |")
    return lines


def generated_vs_blas(rows):
    """Each workload's ms/step of LP's other matmul lowerings divided by the
    BLAS row's, as one line; None when there is nothing to compare."""
    blas = {r.workload: r.ms for r in rows if r.matmul == "blas" and r.ms}
    ratios = {}
    for r in rows:
        if r.matmul not in (None, "blas") and r.ms and blas.get(r.workload):
            ratios.setdefault(r.workload, []).append(
                f"{r.matmul} {r.ms / blas[r.workload]:.3g}")
    if not ratios:
        return None
    return ("generated matmul path vs BLAS (lp (matmul=X) ms / lp ms, > 1: "
            "slower than BLAS): " + "; ".join(
                f"{name} {', '.join(v)}" for name, v in ratios.items()))


def verdict(rows, args, out):
    """Prints failures and mismatches loudly; returns the exit status."""
    status = 0
    for r in rows:
        if r.framework == "torch.compile" and r.error:
            out(f"\ntorch.compile failed on {r.workload} (not fatal): {r.error}")
    mismatched = [r for r in rows if r.mismatch]
    if mismatched:
        out("\n!!! LOSSES DIFFER: " + ", ".join(
            f"{r.workload}/{r.framework} from {r.against} (rtol {r.rtol:g}: "
            f"first losses {r.check or 'n/a'}, fwd {r.fwd_check or 'n/a'})"
            for r in mismatched)
            + " -- these timings do not compare the same work !!!")
        status = 1
    failed = [r for r in rows if r.error and r.framework != "torch.compile"]
    if failed:
        out("\n!!! FAILED: " + "; ".join(f"{r.workload}/{r.framework}: {r.error}"
                                         for r in failed))
        status = 1
    return status


def main(argv):
    args = parse_args(argv)
    jax, torch = import_peers()
    if not os.access(args.lp_run, os.X_OK):
        sys.stderr.write(f"error: {args.lp_run} is not an executable; build LP "
                         f"first (bash scripts/run-tests.sh) or pass --lp-run\n")
        return 2
    if args.lp_matmul != ["blas"] and not lp_runner.has_matmul(args.lp_run):
        sys.stderr.write(f"error: {args.lp_run} has no --matmul; rebuild LP or "
                         f"pass --lp-matmul blas\n")
        return 2
    import machine

    report = []

    def out(line=""):
        print(line, flush=True)
        report.append(line)

    out("# LP train-step benchmark")
    for line in machine.describe(torch, jax):
        out(line)
    load = os.getloadavg()
    out(f"load average at start: {' '.join(f'{v:.2f}' for v in load)}")
    if load[0] > 0.5:
        out(f"WARNING: the machine is busy (1-minute load {load[0]:.2f}); "
            f"timings on {os.cpu_count()} cores will be unreliable")
    if not lp_runner.has_step_times(args.lp_run):
        out("note: this lp-run has no --step-times; LP step times come from "
            "its per-step progress lines (see bench/README.md)")
    n = args.matmul_size or (2048 if args.quick else 4096)
    peak = machine.matmul_gflops(torch, jax, n, 2 if args.quick else 3)
    out(f"f32 matmul {n}x{n}x{n} (2n^3 flops, median of "
        f"{2 if args.quick else 3}, default threads): " + ", ".join(
            f"{k} {v:.1f} GFLOP/s" for k, v in peak.items()))

    tmp = tempfile.mkdtemp(prefix="lp-bench-")
    rows, flops, notes = [], {}, []
    try:
        for name in args.workloads:
            # An idle second first: the thread pools that the matmul probe
            # and the previous workload's peers started in this process
            # (OpenBLAS, OpenMP, XLA) spin for a while after their last
            # task, on the cores the next lp-run needs (a digits MLP run
            # right after the probe measured 0.24 instead of 0.11 ms/step).
            time.sleep(SETTLE_S)
            w, wrows = run_workload(args, name, tmp, out)
            rows += wrows
            if name == "large_mlp":
                flops[name] = w.flops_per_step
                notes.append(
                    f"GFLOP/s ({name}): {w.flops_note} = "
                    f"{w.flops_per_step / 1e9:.2f} GFLOP per step, divided by "
                    f"the step time; compare the matmul probe above")
    finally:
        if args.keep_tmp:
            out(f"\nkept generated models and data in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    out(f"\nload average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    out("\n## Results (ms/step: median over repeats of each repeat's median "
        "step; LP/peer = LP ms / peer ms, > 1: LP slower; LP is the `lp` "
        "(BLAS) row; the `lp (matmul=...)` rows are checked against the "
        "peers)\n")
    for line in table(rows, flops):
        out(line)
    line = generated_vs_blas(rows)
    if line:
        out("\n" + line)
    for note in notes:
        out("\n" + note)
    status = verdict(rows, args, out)
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(report) + "\n")
        print(f"wrote {args.out}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
