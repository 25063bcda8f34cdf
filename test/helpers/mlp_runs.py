"""Training the digits MLP with lp-run from numpy initial weights, for the
tests that compare it with the numpy model of test/helpers/mixed_mlp.py."""

from __future__ import annotations

import numpy as np

from lp_testing import REPO_ROOT, run_lp
from mixed_mlp import init_mlp

DATA = REPO_ROOT / "examples" / "data"
DIGITS_MLP = REPO_ROOT / "examples" / "digits_mlp.mlir"


def train_mlp(tmp_path, seed, steps, lr, momentum, *extra, store=np.float32):
    """(initial float32 params, the lp-run process, the logged losses, the
    final checkpoint) of `steps` SGD steps on batches in order; the initial
    parameters are given to lp-run in `store`'s type."""
    params = init_mlp(seed)
    np.savez(tmp_path / "init.npz", **{k: v.astype(store) for k, v in params.items()})
    log, ck = tmp_path / "losses.txt", tmp_path / "ck.npz"
    proc = run_lp([DIGITS_MLP, "--train", f"--data={DATA / 'digits_train.npz'}", "--no-shuffle",
                   f"--lr={lr}", f"--momentum={momentum}", f"--params={tmp_path / 'init.npz'}",
                   f"--steps={steps}", f"--loss-log={log}", f"--checkpoint={ck}", "--log-every=1", *extra])
    assert proc.returncode == 0, proc.stderr
    losses = [float(line.split()[1]) for line in log.read_text().splitlines()]
    return params, proc, losses, dict(np.load(ck))


def digits_train():
    d = np.load(DATA / "digits_train.npz")
    return d["x"], d["y"]
