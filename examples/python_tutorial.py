#!/usr/bin/env python3
"""docs/Python.md's tutorial: a PyTorch module trained by LP in bf16 with
dynamic loss scaling (or f16, f32), on the digits data, with its loss
curve.

    PYTHONPATH=build/python python3 examples/python_tutorial.py [--precision bf16|f16|f32]
        [--loss-scale dynamic|none] [--plot loss.png]

Needs PyTorch (pip install torch) for the module and its export; the
training itself is LP's.
"""

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

import lp


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(64, 128)
        self.fc2 = torch.nn.Linear(128, 128)
        self.fc3 = torch.nn.Linear(128, 10)

    def forward(self, x):
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--precision", default="bf16", choices=["bf16", "f16", "f32"])
    ap.add_argument("--loss-scale", default="dynamic", choices=["dynamic", "none"])
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--plot", default="loss.png")
    args = ap.parse_args()
    torch.manual_seed(0)
    train = dict(np.load("examples/data/digits_train.npz"))
    test = dict(np.load("examples/data/digits_test.npz"))

    net = MLP()
    x, y = torch.tensor(train["x"][:64]), torch.tensor(train["y"][:64])
    # The three lines that replace PyTorch's loop: export, compile, step.
    model = lp.from_torch(net, (x,), loss=F.cross_entropy, targets=(y,))
    scaling = {"loss_scale": args.loss_scale} if args.precision != "f32" else {}
    step = lp.compile(model, optimizer="sgd", lr=0.1, momentum=0.9, precision=args.precision, **scaling)

    print(step.precision_report)
    data = {"x": train["x"], "target": train["y"]}
    held_out = {"x": test["x"], "target": test["y"]}
    start = time.perf_counter()
    history = lp.fit(step, data, args.steps, eval_data=held_out, eval_every=100, plot=args.plot)
    seconds = time.perf_counter() - start
    last = history["eval"][-1]
    print(f"{args.precision}: held-out loss {last['loss']:.4f}, accuracy {100 * last['accuracy']:.2f} %, "
          f"{args.steps} steps in {seconds:.2f} s; loss curve in {args.plot}")
    if "loss_scale" in step.state:
        print(f"loss scale now {float(step.state['loss_scale']):g}; {history['skipped']} steps skipped")


if __name__ == "__main__":
    main()
