#!/usr/bin/env python3
"""The digits CNN trained by lp-run and by PyTorch with the anchor's
settings, side by side (issue 16's parity check):

    python3 scripts/pytorch_anchor.py [--lp-run build/bin/lp-run] [--epochs 30] [--seed 16]

examples/digits_cnn.mlir, SGD (momentum 0.9, lr 0.05), batch 64, the
training set in order (lp-run --no-shuffle: 22 full batches per epoch, the
remainder dropped), the same Glorot-uniform initial weights for both. It
prints the loss of each epoch's last step for LP and PyTorch, the largest
relative difference of LP's and PyTorch's losses from a float64 numpy
CNN over the first 30 steps (test/helpers/digits_cnn.py, the reference of
test_digits_cnn_anchor.py), and both held-out accuracies. Needs PyTorch
(pip install torch); the test suite does not.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "test", "helpers"))

from digits_cnn import glorot_init, sgd_losses  # noqa: E402

LR, MOMENTUM, BATCH, COMPARED = 0.05, 0.9, 64, 30


def torch_run(params, x, y, xt, yt, steps):
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    p = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    opt = torch.optim.SGD(p.values(), lr=LR, momentum=MOMENTUM)

    def logits(xb):
        h = F.max_pool2d(F.relu(F.conv2d(xb, p["conv1.w"], p["conv1.b"], padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, p["conv2.w"], p["conv2.b"], padding=1)), 2)
        return h.flatten(1) @ p["fc.w"] + p["fc.b"]

    per_epoch = len(x) // BATCH
    losses = []
    for i in range(steps):
        first = (i % per_epoch) * BATCH
        xb, yb = torch.tensor(x[first:first + BATCH]), torch.tensor(y[first:first + BATCH])
        loss = F.cross_entropy(logits(xb), yb)
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = (logits(torch.tensor(xt)).argmax(1).numpy() == yt).mean()
    return np.array(losses), acc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lp-run", default=os.path.join(REPO, "build", "bin", "lp-run"))
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=16, help="numpy seed of the initial weights")
    args = ap.parse_args()
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.exit("pytorch_anchor.py needs PyTorch: pip install torch")
    subprocess.run([sys.executable, os.path.join(REPO, "scripts", "export_data.py")], check=True,
                   stdout=subprocess.DEVNULL)
    data = os.path.join(REPO, "examples", "data")
    train, test = np.load(os.path.join(data, "digits_cnn_train.npz")), np.load(os.path.join(data, "digits_cnn_test.npz"))
    per_epoch = len(train["x"]) // BATCH
    steps = args.epochs * per_epoch
    params = glorot_init(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        np.savez(os.path.join(tmp, "init.npz"), **params)
        log = os.path.join(tmp, "losses.txt")
        cmd = [args.lp_run, os.path.join(REPO, "examples", "digits_cnn.mlir"), "--train",
               f"--data={os.path.join(data, 'digits_cnn_train.npz')}",
               f"--eval-data={os.path.join(data, 'digits_cnn_test.npz')}", "--no-shuffle", "--optimizer=sgd",
               f"--lr={LR}", f"--momentum={MOMENTUM}", f"--params={os.path.join(tmp, 'init.npz')}",
               f"--steps={steps}", f"--loss-log={log}", "--log-every=0"]
        print("$", " ".join(cmd))
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        lp = np.array([float(line.split()[1]) for line in open(log)])
    lp_acc = float(re.search(r"accuracy ([0-9.]+)", out).group(1))
    pt, pt_acc = torch_run(params, train["x"], train["y"], test["x"], test["y"], steps)
    ref, _ = sgd_losses(params, train["x"], train["y"], COMPARED, LR, MOMENTUM)
    ref = np.array(ref)
    print(f"{'epoch':>5} {'LP loss':>10} {'PyTorch loss':>13}")
    for e in range(1, args.epochs + 1):
        s = e * per_epoch - 1
        print(f"{e:5d} {lp[s]:10.6f} {pt[s]:13.6f}")
    n = min(COMPARED, steps)
    print(f"first {n} steps, max |loss - float64| / float64: LP {np.max(np.abs(lp[:n] - ref[:n]) / ref[:n]):.2e}, "
          f"PyTorch {np.max(np.abs(pt[:n] - ref[:n]) / ref[:n]):.2e}")
    print(f"held-out accuracy: LP {lp_acc:.4f}, PyTorch {pt_acc:.4f}")


if __name__ == "__main__":
    main()
