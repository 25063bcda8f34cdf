#!/usr/bin/env python3
"""Accuracy of LP's mixed-precision regimes against f32, and the updates a
naive low-precision loop loses (issue 18's accuracy goal).

    python3 bench/precision_accuracy.py                 # 5 seeds, MLP, CNN, char LM
    python3 bench/precision_accuracy.py --seeds 2 --models mlp --out r.md

For each model (the digits MLP and CNN of examples/, trained on
examples/data/digits*_train.npz and evaluated on the held-out
digits*_test.npz) and each seed, every regime trains with `lp-run --train
--seed=S` from the same initial weights on the same batches (the seed fixes
both), SGD with momentum 0.9 and lr 0.05, and is paired with the f32 run of
that seed:

    bf16          --precision=bf16
    f16+dynamic   --precision=f16 --loss-scale=dynamic
    mixed         --precision=bf16 with the last layer in f32
                  (--precision-override=layer:<head>=f32)
    naive f16     --precision=f16 --master-weights=false (parameters,
                  gradients and momentum stored in f16; for comparison)

Reported per regime: mean and standard deviation over seeds of the per-seed
differences of held-out accuracy (points) and cross-entropy (% of f32's).
The goal: within 0.3 points and 2 % for bf16, f16+dynamic and mixed.

The character LM (examples/char_lm.mlir) trains on an English corpus of at
least 1 MB available offline, Debian's `fortunes` package (--corpus; its
files concatenated in name order, the first 90 % of the characters for
training, the last 10 % held out), with Adam (lr 0.003) for the same steps
in f32, bf16 and f16 + dynamic scaling, 2 seeds (--lm-seeds): the goal is a
held-out loss within 1 % of f32's.

Updates lost to rounding (naive f16 and f32 master weights, first seed's
initial weights, batches in order as in the PyTorch loop):
the share of (element, step) pairs whose update `lr * buf` (computed in
f32 from the momentum buffer as stored) is nonzero but leaves the stored
parameter unchanged, read from a checkpoint per step (`--checkpoint-every=1
--checkpoint=ck{step}.npz`). Next to it, the same count for PyTorch's naive
loop (`model.half()`, torch.optim.SGD on f16 parameters) on the same model,
initial weights and batches, when torch is installed.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)

import machine  # noqa: E402

MODELS = {
    "mlp": ("digits_mlp.mlir", "digits", "fc3", 1000),
    "cnn": ("digits_cnn.mlir", "digits_cnn", "fc", 600),
}
# The character LM (examples/char_lm.mlir) on an English corpus of at least
# 1 MB: Debian's `fortunes` package (quotations and literature excerpts),
# its files (but ascii-art) concatenated in name order, first 90 % of the characters for
# training and the last 10 % held out; Adam, its held-out loss compared.
LM = ("char_lm.mlir", "head", 1000)
LM_OPTIMIZER = ["--optimizer=adam", "--lr=0.003"]
CORPUS = "/usr/share/games/fortunes"
REGIMES = {
    "bf16": ["--precision=bf16"],
    "f16+dynamic": ["--precision=f16", "--loss-scale=dynamic"],
    "mixed": ["--precision=bf16", "--precision-override=layer:{head}=f32"],
    "naive f16": ["--precision=f16", "--master-weights=false"],
}
LR, MOMENTUM = 0.05, 0.9
LM_REGIMES = {k: REGIMES[k] for k in ("bf16", "f16+dynamic")}
EVAL = re.compile(r"eval: \d+ examples, loss ([0-9.eE+-]+).*accuracy ([0-9.]+)")


def data_path(data):
    """examples/data/<data>, or a path as it is."""
    return data if os.path.isabs(data) else os.path.join(REPO, "examples", "data", data)


def lp_train(args, model, data, steps, seed, extra, tmp, optimizer=None, loss=None):
    """Trains `model` (under examples/, or a path) on `data`_train.npz and
    returns the held-out (loss, accuracy) of lp-run's eval line: the
    weighted total, or the loss named `loss` of a model of several."""
    cmd = [args.lp_run, os.path.join(REPO, "examples", model), "--train",
           f"--data={data_path(data + '_train.npz')}", f"--eval-data={data_path(data + '_test.npz')}",
           f"--steps={steps}", f"--seed={seed}",
           *(optimizer or [f"--lr={LR}", f"--momentum={MOMENTUM}"]), "--log-every=0", *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
    if proc.returncode != 0:
        sys.exit(f"lp-run failed: {' '.join(cmd)}\n{proc.stderr}")
    m = EVAL.search(proc.stdout)
    named = re.search(rf"[;,] {re.escape(loss)} ([0-9.eE+-]+)", m.group(0)) if m and loss else m
    if not named:
        sys.exit(f"no eval line{f' with loss {loss}' if loss else ''} in lp-run's output:\n{proc.stdout}")
    return float(named.group(1)), float(m.group(2))


def as_f32(a):
    """A checkpoint array as float32 (bfloat16 comes back as raw records)."""
    if a.dtype.kind == "V":
        import ml_dtypes
        a = a.view(ml_dtypes.bfloat16)
    return a.astype(np.float32)


def lost_fraction(ck, steps):
    """Share of (element, step) updates lr * buf != 0 that left the stored
    parameter unchanged, from checkpoints ck(1) .. ck(steps)."""
    lost = moved = 0
    prev = dict(np.load(ck(1)))
    for s in range(2, steps + 1):
        cur = dict(np.load(ck(s)))
        for name, buf in cur.items():
            if not name.endswith(".sgd.momentum"):
                continue
            p = name[: -len(".sgd.momentum")]
            update = np.float32(LR) * as_f32(buf)
            nonzero = update != 0
            unchanged = as_f32(cur[p]) == as_f32(prev[p])
            moved += int(nonzero.sum())
            lost += int((nonzero & unchanged).sum())
        prev = cur
    return lost / max(moved, 1)


def lp_lost(args, model, data, steps, seed, extra, tmp):
    d = tempfile.mkdtemp(dir=tmp)
    lp_train(args, model, data, steps, seed,
             [*extra, "--no-shuffle", "--checkpoint-every=1", f"--checkpoint={os.path.join(d, 'ck{step}.npz')}"],
             tmp)
    return lost_fraction(lambda s: os.path.join(d, f"ck{s}.npz"), steps), d


def torch_lost(name, init_ck, data, steps):
    """PyTorch's naive f16 loop from LP's initial weights (f32, rounded by
    .half()), batches in order; None without torch."""
    try:
        import torch
        import models_torch
    except ImportError:
        return None
    d = np.load(os.path.join(REPO, "examples", "data", data + "_train.npz"))
    x, y = torch.from_numpy(d["x"]).half(), torch.from_numpy(d["y"].astype(np.int64))
    init = dict(np.load(init_ck))
    params = {k: torch.tensor(as_f32(v)).half().requires_grad_() for k, v in init.items()
              if not k.endswith(".sgd.momentum") and k != "step"}
    kind = "mlp_ce" if name == "mlp" else "cnn_ce"
    loss_fn = models_torch.loss_fn(kind)
    opt = torch.optim.SGD(list(params.values()), lr=LR, momentum=MOMENTUM)
    batch = 64
    per_epoch = x.shape[0] // batch
    lost = moved = 0
    for s in range(steps):
        i = (s % per_epoch) * batch
        before = {k: v.detach().clone() for k, v in params.items()}
        opt.zero_grad(set_to_none=True)
        loss_fn(params, {"x": x[i:i + batch], "y": y[i:i + batch]}).float().backward()
        opt.step()
        if s == 0:
            continue
        for k, v in params.items():
            update = LR * opt.state[v]["momentum_buffer"].float()
            nonzero = update != 0
            moved += int(nonzero.sum())
            lost += int((nonzero & (v.detach() == before[k])).sum())
    return lost / max(moved, 1)


def corpus_data(corpus, tmp):
    """The LM's training and held-out windows from `corpus` (a directory of
    text files); the path prefix of the two .npz files and a description."""
    sys.path.insert(0, os.path.join(REPO, "scripts"))
    import export_data as ed
    # fortune's data files (not its .dat indexes and .u8 links), without
    # the one of pictures drawn in characters.
    files = sorted(f for f in os.listdir(corpus)
                   if os.path.isfile(os.path.join(corpus, f)) and "." not in f and f != "ascii-art")
    text = "".join(open(os.path.join(corpus, f), encoding="utf-8", errors="replace").read() for f in files)
    if len(text) < 1 << 20:
        sys.exit(f"{corpus}: {len(text)} characters, fewer than 1 MB "
                 "(apt-get install fortunes provides /usr/share/games/fortunes)")
    tokens = ed.encode(text)
    n_train = int(0.9 * len(tokens))
    prefix = os.path.join(tmp, "corpus")
    for name, stream in (("train", tokens[:n_train]), ("test", tokens[n_train:])):
        t = ed.LM_SEQ
        n = (len(stream) - 1) // t
        np.savez(f"{prefix}_{name}.npz", tokens=stream[:n * t].reshape(n, t),
                 y=stream[1:n * t + 1].reshape(n, t), causal_mask=ed.causal_mask(t),
                 attn_scale=np.array(1.0 / np.sqrt(ed.LM_D_HEAD), np.float32))
    return prefix, (f"{corpus}: {len(files)} files, {len(text) / 1e6:.2f} M characters, "
                    f"first 90 % for training, last 10 % held out, windows of {ed.LM_SEQ}")


def lm_rows(args, tmp):
    """Held-out loss of the char LM per regime against f32, per seed."""
    model, _, default_steps = LM
    steps = args.lm_steps or default_steps
    prefix, what = corpus_data(args.corpus, tmp)
    results = {}
    for seed in range(args.lm_seeds):
        results.setdefault("f32", []).append(lp_train(args, model, prefix, steps, seed, [], tmp, LM_OPTIMIZER))
        for regime, extra in LM_REGIMES.items():
            results.setdefault(regime, []).append(
                lp_train(args, model, prefix, steps, seed, extra, tmp, LM_OPTIMIZER))
    lines = [f"## char LM ({model}, {steps} steps, Adam lr 0.003, {args.lm_seeds} seeds)", "", what, "",
             "| regime | held-out loss (mean) | Δ held-out loss, % | goal |", "|---|---|---|---|"]
    ok_all = True
    for regime, runs in results.items():
        d = [100 * (c / b - 1) for (c, _), (b, _) in zip(runs, results["f32"])]
        goal = ""
        if regime != "f32":
            ok = abs(statistics.mean(d)) <= 1.0
            ok_all &= ok
            goal = "met" if ok else "MISSED"
        lines.append(f"| {regime} | {statistics.mean(c for c, _ in runs):.4f} | {summary(d)} | {goal} |")
    return lines + [""], ok_all


def summary(diffs):
    if len(diffs) < 2:
        return f"{diffs[0]:+.3f}"
    return f"{statistics.mean(diffs):+.3f} ± {statistics.stdev(diffs):.3f}"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--models", default="mlp,cnn,lm")
    p.add_argument("--steps", type=int, help="steps per run (default: 1000 MLP, 600 CNN)")
    p.add_argument("--lp-run", default=os.path.join(REPO, "build", "bin", "lp-run"))
    p.add_argument("--corpus", default=CORPUS, help="directory of English text for the char LM")
    p.add_argument("--lm-seeds", type=int, default=2)
    p.add_argument("--lm-steps", type=int, help=f"char LM steps (default {LM[2]})")
    p.add_argument("--out", help="also write the report (markdown) here")
    args = p.parse_args(argv)
    lines = [f"# Mixed-precision accuracy ({args.seeds} seeds)", "",
             f"`python3 bench/precision_accuracy.py {' '.join(argv)}`".replace(" `", "`"), "",
             f"CPU: {machine.cpu_info()[0]}; SGD momentum {MOMENTUM}, lr {LR}", ""]
    verdict = True
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            if name == "lm":
                lm, ok = lm_rows(args, tmp)
                lines += lm
                verdict &= ok
                print("\n".join(lm), flush=True)
                continue
            model, data, head, default_steps = MODELS[name]
            steps = args.steps or default_steps
            rows, results = [], {}
            for seed in range(args.seeds):
                base = lp_train(args, model, data, steps, seed, [], tmp)
                results.setdefault("f32", []).append(base)
                for regime, extra in REGIMES.items():
                    extra = [e.format(head=head) for e in extra]
                    results.setdefault(regime, []).append(lp_train(args, model, data, steps, seed, extra, tmp))
            lines += [f"## {name} ({model}, {steps} steps)", "",
                      "| regime | accuracy (mean) | Δ accuracy, points | Δ cross-entropy, % | goal |",
                      "|---|---|---|---|---|"]
            for regime, runs in results.items():
                acc = [100 * a for _, a in runs]
                dacc = [100 * (a - b) for (_, a), (_, b) in zip(runs, results["f32"])]
                dce = [100 * (c / b - 1) for (c, _), (b, _) in zip(runs, results["f32"])]
                goal = ""
                if regime in ("bf16", "f16+dynamic", "mixed"):
                    ok = abs(statistics.mean(dacc)) <= 0.3 and statistics.mean(dce) <= 2.0
                    verdict &= ok
                    goal = "met" if ok else "MISSED"
                lines.append(f"| {regime} | {statistics.mean(acc):.2f} | {summary(dacc)} | {summary(dce)} | {goal} |")
            # Updates lost: naive f16 against f32 master weights (seed 0).
            naive, d = lp_lost(args, model, data, steps, 0, ["--precision=f16", "--master-weights=false"], tmp)
            master, _ = lp_lost(args, model, data, steps, 0, ["--precision=f16"], tmp)
            init = os.path.join(tmp, f"{name}_init.npz")
            lp_train(args, model, data, 0, 0, [f"--checkpoint={init}"], tmp)
            torch_frac = torch_lost(name, init, data, steps)
            lines += ["", "Updates lost to rounding (seed 0, every step after the first):", "",
                      f"- LP naive f16 (parameters stored in f16): {100 * naive:.1f} %",
                      f"- LP f16 with f32 master weights: {100 * master:.2f} %",
                      f"- PyTorch naive f16 (same init and batches): "
                      + (f"{100 * torch_frac:.1f} %" if torch_frac is not None else "torch not installed"), ""]
            print("\n".join(lines[-12:]), flush=True)
    machine.emit_report(lines, args.out)
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
