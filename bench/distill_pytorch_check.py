#!/usr/bin/env python3
"""Distillation on the digits, re-implemented in PyTorch: why no student meets
issue 20's distillation goal (docs/Quantization.md, "Distillation: why the
goal is not met on the digits").

    python3 bench/distill_pytorch_check.py [--seeds 10] [--only NAME,...]

The teachers are LP's: per seed, lp-run trains examples/digits_cnn.mlir
(600 steps, SGD lr 0.05, momentum 0.9, as bench/qat_accuracy.py does) and
this script reads its checkpoint. The students (MLP 64-H-10, Glorot-uniform
weights, zero biases, batches of 64 from a shuffled epoch, SGD momentum 0.9)
train in PyTorch, alone and distilled on the same seed, initial weights and
batches; each experiment prints the per-seed accuracies (teacher / alone /
distilled), the mean gap and the share of it that distillation recovers
(mean and standard deviation over the seeds with a gap, and the ratio of
the mean gain to the mean gap). KD is Hinton's: PyTorch's
kl_div(log_softmax(s/T), log_softmax(t/T), "batchmean", log_target=True) *
T^2, weighted with the cross entropy.

Experiments (--only picks some): well-trained students of 8, 6, 5 units
(lr 0.01, 3000 steps), T = 1 and pure KD at T = 2, an ensemble of five
CNNs as the teacher, a 64-64-10 MLP as a teacher assistant, students with
2- and 3-bit weights, sub-pixel shifts of each batch seen by both
(function matching), out-of-fold teacher logits (five CNNs trained by
lp-run on four fifths of the images each give the logits of the fifth,
precomputed into the data), and "fits": a student trained on the held-out images
as well, whose accuracy on them says whether its size can reach the
teacher's.
"""

import argparse
import os
import statistics
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(REPO, "examples", "data")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import precision_accuracy as pa  # noqa: E402


class Digits:
    def __init__(self):
        train = np.load(os.path.join(DATA, "digits_cnn_train.npz"))
        test = np.load(os.path.join(DATA, "digits_cnn_test.npz"))
        self.x, self.y = torch.tensor(train["x"]), torch.tensor(train["y"])
        self.xt, self.yt = torch.tensor(test["x"]), torch.tensor(test["y"])


def lp_teacher(args, seed, tmp, data="digits_cnn", name="teacher"):
    """The digits CNN trained by lp-run on `seed` (on `data`_train.npz, as
    bench/qat_accuracy.py trains it); its forward in PyTorch."""
    ck = os.path.join(tmp, f"{name}{seed}.npz")
    if not os.path.exists(ck):
        pa.lp_train(args, "digits_cnn.mlir", data, 600, seed, [f"--checkpoint={ck}"], tmp)
    w = {k: torch.tensor(v) for k, v in np.load(ck).items()}

    def forward(x):
        h = F.max_pool2d(F.relu(F.conv2d(x, w["conv1.w"], w["conv1.b"], padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, w["conv2.w"], w["conv2.b"], padding=1)), 2)
        return h.reshape(len(x), -1) @ w["fc.w"] + w["fc.b"]
    return forward


def out_of_fold_logits(args, d, seed, tmp, folds=5):
    """Each training image's logits from a CNN that lp-run trained on the
    other folds only: soft targets as uncertain as on unseen images."""
    parts = np.array_split(np.random.default_rng(1000 + seed).permutation(len(d.x)), folds)
    logits = torch.zeros(len(d.x), 10)
    for k, part in enumerate(parts):
        rest = np.concatenate([q for j, q in enumerate(parts) if j != k])
        data = os.path.join(tmp, f"data{seed}_fold{k}")
        np.savez(data + "_train.npz", x=d.x.numpy()[rest], y=d.y.numpy()[rest])
        np.savez(data + "_test.npz", x=d.xt.numpy(), y=d.yt.numpy())
        with torch.no_grad():
            logits[torch.tensor(part)] = lp_teacher(args, seed, tmp, data, f"fold{k}_")(d.x[torch.tensor(part)])
    return logits


def fake_quant(w, bits):
    """Symmetric per-output-channel fake quantization, straight-through."""
    q = 2 ** (bits - 1) - 1
    s = (w.detach().abs().amax(0, keepdim=True) / q).clamp_min(2 ** -23)
    return w + (torch.round(w / s).clamp(-q, q) * s - w).detach()


def subpixel_shift(x, gen, pixels=0.5):
    """Each image moved by a random offset of up to `pixels` on each axis (bilinear)."""
    n = len(x)
    t = (torch.rand(n, 2, generator=gen) * 2 - 1) * pixels * 2 / x.shape[-1]
    one, zero = torch.ones(n), torch.zeros(n)
    theta = torch.stack([torch.stack([one, zero, t[:, 0]], 1), torch.stack([zero, one, t[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def train_student(d, seed, hidden, steps, lr, teacher=None, T=4.0, w_ce=1.0, w_kd=0.0, bits=0,
                  shift=False, train_set=None, teacher_logits=None):
    """Held-out accuracy (%) of an MLP 64-hidden-10 trained from `seed`."""
    gen = torch.Generator().manual_seed(seed)

    def glorot(i, o):
        a = (6 / (i + o)) ** 0.5
        return ((torch.rand(i, o, generator=gen) * 2 - 1) * a).requires_grad_()
    w1, w2 = glorot(64, hidden), glorot(hidden, 10)
    b1, b2 = torch.zeros(hidden, requires_grad=True), torch.zeros(10, requires_grad=True)
    opt = torch.optim.SGD([w1, b1, w2, b2], lr=lr, momentum=0.9)
    xs, ys = train_set or (d.x, d.y)

    def logits(x):
        q1, q2 = (fake_quant(w1, bits), fake_quant(w2, bits)) if bits else (w1, w2)
        return F.relu(x.reshape(len(x), -1) @ q1 + b1) @ q2 + b2
    perm, pos = torch.randperm(len(xs), generator=gen), 0
    for _ in range(steps):
        if pos + 64 > len(xs):
            perm, pos = torch.randperm(len(xs), generator=gen), 0
        idx = perm[pos:pos + 64]
        pos += 64
        x, y = xs[idx], ys[idx]
        if shift:
            x = subpixel_shift(x, gen)
        s = logits(x)
        loss = w_ce * F.cross_entropy(s, y)
        if w_kd:
            with torch.no_grad():
                t = teacher(x) if teacher_logits is None else teacher_logits[idx]
            loss = loss + w_kd * T * T * F.kl_div(F.log_softmax(s / T, 1), F.log_softmax(t / T, 1),
                                                  reduction="batchmean", log_target=True)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return 100 * (logits(d.xt).argmax(1) == d.yt).float().mean().item()


def accuracy(d, f):
    with torch.no_grad():
        return 100 * (f(d.xt).argmax(1) == d.yt).float().mean().item()


def assistant(d, seed):
    """A 64-64-10 MLP trained alone (lr 0.01, 3000 steps), as a teacher."""
    torch.manual_seed(100 + seed)
    m = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    gen = torch.Generator().manual_seed(100 + seed)
    for _ in range(3000):
        idx = torch.randint(0, len(d.x), (64,), generator=gen)
        loss = F.cross_entropy(m(d.x[idx]), d.y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return m


WELL = dict(steps=3000, lr=0.01)
EXPERIMENTS = {
    # name: (student hidden units, common settings, distilled-only settings, teacher kind)
    "H8 well-trained": (8, WELL, dict(w_ce=0.5, w_kd=0.5), "cnn"),
    "H6 well-trained": (6, WELL, dict(w_ce=0.5, w_kd=0.5), "cnn"),
    "H5 well-trained": (5, WELL, dict(w_ce=0.5, w_kd=0.5), "cnn"),
    "H6 T=1": (6, WELL, dict(w_ce=0.5, w_kd=0.5, T=1.0), "cnn"),
    "H6 pure KD T=2": (6, WELL, dict(w_ce=0.0, w_kd=1.0, T=2.0), "cnn"),
    "H6 ensemble of 5 CNNs": (6, WELL, dict(w_ce=0.5, w_kd=0.5), "ensemble"),
    "H5 assistant 64-64-10": (5, WELL, dict(w_ce=0.5, w_kd=0.5), "assistant"),
    "H16 3-bit weights": (16, dict(WELL, bits=3), dict(w_ce=0.5, w_kd=0.5), "cnn"),
    "H32 2-bit weights": (32, dict(WELL, bits=2), dict(w_ce=0.5, w_kd=0.5), "cnn"),
    "H6 sub-pixel shifts": (6, WELL, dict(w_ce=0.5, w_kd=0.5, shift=True), "cnn"),
    "H5 out-of-fold logits": (5, WELL, dict(w_ce=0.5, w_kd=0.5), "out-of-fold"),
    "H8 out-of-fold logits at lr 0.05 for 1000 steps": (8, dict(steps=1000, lr=0.05), dict(w_ce=0.5, w_kd=0.5),
                                                         "out-of-fold"),
}


def summarize(name, rows):
    gap = [t - a for t, a, _ in rows]
    gain = [dd - a for _, a, dd in rows]
    shares = [100 * (dd - a) / (t - a) for t, a, dd in rows if t > a]
    spread = f" ± {statistics.stdev(shares):.0f}" if len(shares) > 1 else ""
    share = f"{statistics.mean(shares):.0f}{spread} % over {len(shares)} seeds" if shares else "n/a"
    print("  " + " ".join(f"{t:.1f}/{a:.1f}/{dd:.1f}" for t, a, dd in rows))
    print(f"{name}: gap {statistics.mean(gap):.2f} points, recovered {share}, "
          f"ratio of means {100 * statistics.mean(gain) / statistics.mean(gap):.0f} %", flush=True)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--only", help="comma-separated experiment names (default all, and fits)")
    p.add_argument("--lp-run", default=os.path.join(REPO, "build", "bin", "lp-run"))
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    d = Digits()
    names = args.only.split(",") if args.only else [*EXPERIMENTS, "fits"]
    unknown = [n for n in names if n not in EXPERIMENTS and n != "fits"]
    if unknown:
        p.error(f"unknown experiment(s) {unknown}; known: {', '.join([*EXPERIMENTS, 'fits'])}")
    with tempfile.TemporaryDirectory() as tmp:
        teachers = {s: lp_teacher(args, s, tmp) for s in range(max(args.seeds, 5))}
        for name in names:
            if name == "fits":
                both = (torch.cat([d.x, d.xt]), torch.cat([d.y, d.yt]))
                for hidden in (5, 6):
                    fit = [train_student(d, s, hidden, 6000, 0.01, train_set=both) for s in range(args.seeds)]
                    teacher_mean = statistics.mean(accuracy(d, teachers[s]) for s in range(args.seeds))
                    print(f"fits: 64-{hidden}-10 trained on the held-out images as well: "
                          f"{statistics.mean(fit):.2f} % on them (teachers {teacher_mean:.2f} %)", flush=True)
                continue
            hidden, common, kd, kind = EXPERIMENTS[name]
            rows = []
            for s in range(args.seeds):
                if kind == "ensemble":
                    members = [teachers[(s + k) % len(teachers)] for k in range(5)]

                    def teacher(x, members=members):
                        return sum(m(x) for m in members) / len(members)
                elif kind == "assistant":
                    teacher = assistant(d, s)
                else:
                    teacher = teachers[s]
                if kind == "out-of-fold":
                    kd = dict(kd, teacher_logits=out_of_fold_logits(args, d, s, tmp))
                alone = train_student(d, s, hidden, **common)
                distilled = train_student(d, s, hidden, teacher=teacher, **common, **kd)
                rows.append((accuracy(d, teacher), alone, distilled))
            summarize(name, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
