"""The trainer's bookkeeping for a step that keeps its state on a GPU
(parameters and optimizer state resident across steps; host arrays brought
up to date where they are read, announced where they are written), run on
the CPU: LP_STEP_ON_COPIES=1 makes a CPU step run on copies of its arrays
exactly as a GPU step runs on device memory (docs/Gpu.md). A missing
synchronization shows as a stale checkpoint, output, loss-scale line,
pruned weight or evaluation; so every run must match the ordinary run
bit for bit."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from lp_testing import run_lp

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"

REGIMES = {
    "sgd-momentum-checkpoints": ["digits_mlp.mlir", "--data", DATA / "digits_train.npz", "--momentum", "0.9",
                                 "--checkpoint-every", "4"],
    "bf16-dynamic-scale": ["digits_mlp.mlir", "--data", DATA / "digits_train.npz", "--precision", "bf16",
                           "--loss-scale", "dynamic", "--growth-interval", "3"],
    "pruning": ["digits_mlp.mlir", "--data", DATA / "digits_train.npz",
                "--prune=sparsity=0.5,begin=2,end=8,every=2"],
    "int8-qat-observers": ["digits_mlp.mlir", "--data", DATA / "digits_train.npz",
                           "--fake-quant=weights=int8 activations=int8"],
    "cnn-adam": ["digits_cnn.mlir", "--data", DATA / "digits_cnn_train.npz", "--optimizer", "adam"],
}


def train(tmp_path, args, tag, copies):
    out = tmp_path / tag
    out.mkdir()
    model, *rest = args
    proc = run_lp([ROOT / "examples" / model, "--train", "--steps", "12", "--log-every", "3", "--seed", "2",
                   "--checkpoint", out / "ck.npz", "--output-dir", out / "params", *rest],
                  env={"LP_STEP_ON_COPIES": "1"} if copies else None)
    assert proc.returncode == 0, proc.stderr
    # Rates, times and the output folder differ; everything else must not.
    text = re.sub(r"\d+ examples/s|[\d.]+ ms\b|[\d.]+ s\b|median [\d.]+", "", proc.stdout.replace(str(out), "OUT"))
    return text, out


def arrays(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("regime", sorted(REGIMES))
def test_state_kept_on_copies_trains_identically(tmp_path, regime):
    plain_text, plain = train(tmp_path, REGIMES[regime], "plain", False)
    copies_text, copies = train(tmp_path, REGIMES[regime], "copies", True)
    assert copies_text == plain_text
    checkpoints = sorted(p.name for p in plain.iterdir() if p.suffix == ".npz")
    assert checkpoints and checkpoints == sorted(p.name for p in copies.iterdir() if p.suffix == ".npz")
    for name in checkpoints:
        a, b = arrays(plain / name), arrays(copies / name)
        assert a.keys() == b.keys()
        for k in a:
            np.testing.assert_array_equal(b[k], a[k], err_msg=f"{name}: {k}")
    for p in sorted((plain / "params").iterdir()):
        np.testing.assert_array_equal(np.load(copies / "params" / p.name), np.load(p), err_msg=p.name)
