"""--maximize (PyTorch's maximize: the update follows -grad) for SGD with
momentum and for Adam, against float64 numpy over 20 steps on the linear
classifier; lp-run prints the optimizer settings it builds the step with.
"""

from __future__ import annotations

import numpy as np
import pytest

from linear_classifier import MODEL, batch_of, gradients
from lp_testing import run_lp


def reference(opt, params, x, y, steps, lr):
    p = {k: v.astype(np.float64) for k, v in params.items()}
    s1 = {k: np.zeros_like(v) for k, v in p.items()}
    s2 = {k: np.zeros_like(v) for k, v in p.items()}
    for i in range(steps):
        g = {k: -v for k, v in gradients(p, *batch_of(x, y, i)).items()}  # maximize
        for k in p:
            if opt == "sgd":
                s1[k] = 0.9 * s1[k] + g[k]
                p[k] -= lr * s1[k]
            else:
                t = i + 1
                s1[k] = 0.9 * s1[k] + 0.1 * g[k]
                s2[k] = 0.999 * s2[k] + 0.001 * g[k] ** 2
                p[k] -= lr / (1 - 0.9**t) * s1[k] / (np.sqrt(s2[k]) / np.sqrt(1 - 0.999**t) + 1e-8)
    return p


@pytest.mark.parametrize("opt, flags", [("sgd", ["--optimizer=sgd", "--momentum=0.9", "--lr=0.05"]),
                                        ("adam", ["--optimizer=adam", "--lr=0.01"])])
def test_maximize_matches_numpy(rng, tmp_path, opt, flags):
    model = tmp_path / "lin.mlir"
    model.write_text(MODEL)
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = rng.integers(0, 3, 32).astype(np.int64)
    np.savez(tmp_path / "train.npz", x=x, y=y)
    params = {"w": rng.uniform(-0.5, 0.5, (4, 3)).astype(np.float32), "b": np.zeros(3, np.float32)}
    np.savez(tmp_path / "init.npz", **params)
    proc = run_lp([model, "--train", f"--data={tmp_path / 'train.npz'}", f"--params={tmp_path / 'init.npz'}",
                   "--no-shuffle", "--steps=20", "--maximize", *flags, "--log-every=0",
                   f"--checkpoint={tmp_path / 'ck.npz'}"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"optimizer: {opt} lr="), proc.stdout
    assert " maximize " in proc.stdout.splitlines()[0], proc.stdout
    ck = np.load(tmp_path / "ck.npz")
    lr = 0.05 if opt == "sgd" else 0.01
    want = reference(opt, params, x, y, 20, lr)
    for k in ("w", "b"):
        np.testing.assert_allclose(ck[k], want[k], rtol=2e-5, atol=2e-6, err_msg=k)
    # The loss grows: the step ascends.
    assert np.abs(want["w"] - params["w"]).max() > 1e-2


def test_defaults_are_printed(tmp_path):
    model = tmp_path / "lin.mlir"
    model.write_text(MODEL)
    np.savez(tmp_path / "d.npz", x=np.zeros((16, 4), np.float32), y=np.zeros(16, np.int64))
    proc = run_lp([model, "--train", f"--data={tmp_path / 'd.npz'}", "--steps=1", "--optimizer=adamw",
                   "--log-every=0"])
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first == ("optimizer: adamw lr=0.01 beta1=0.9 beta2=0.999 eps=1e-08 weight-decay=0 "
                     "lr-schedule=constant"), first
