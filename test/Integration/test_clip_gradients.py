"""Gradient clipping inside the compiled step (lp-clip-gradients, a gradient
transform of phase clip), against float64 numpy over 20 steps.

* --clip-grad-norm: PyTorch's clip_grad_norm_: the global 2-norm of all
  gradients, every gradient times min(max_norm / (norm + 1e-6), 1).
* --clip-grad-value: clip_grad_value_: every element clamped to [-v, v].
SGD with momentum on a linear softmax classifier; the max norm is below the
typical gradient norm, so most steps clip (the test checks that they do).
"""

from __future__ import annotations

import numpy as np
import pytest

from linear_classifier import MODEL, batch_of, gradients
from lp_testing import run_lp



def reference(params, x, y, steps, lr, momentum, max_norm=None, max_value=None):
    p = {k: v.astype(np.float64) for k, v in params.items()}
    buf = {k: np.zeros_like(v) for k, v in p.items()}
    clipped = 0
    for i in range(steps):
        g = gradients(p, *batch_of(x, y, i))
        if max_norm is not None:
            norm = np.sqrt(sum((v**2).sum() for v in g.values()))
            coef = min(max_norm / (norm + 1e-6), 1.0)
            clipped += coef < 1.0
            g = {k: v * coef for k, v in g.items()}
        if max_value is not None:
            clipped += any((np.abs(v) > max_value).any() for v in g.values())
            g = {k: np.clip(v, -max_value, max_value) for k, v in g.items()}
        for k in p:
            buf[k] = momentum * buf[k] + g[k] if i else g[k]
            p[k] -= lr * buf[k]
    return p, clipped


@pytest.mark.parametrize("flag, kw", [("--clip-grad-norm=0.3", {"max_norm": 0.3}),
                                      ("--clip-grad-value=0.05", {"max_value": 0.05})])
def test_clipping_matches_numpy(rng, tmp_path, flag, kw):
    model = tmp_path / "lin.mlir"
    model.write_text(MODEL)
    x = (2.0 * rng.standard_normal((32, 4))).astype(np.float32)
    y = rng.integers(0, 3, 32).astype(np.int64)
    np.savez(tmp_path / "train.npz", x=x, y=y)
    params = {"w": rng.uniform(-0.8, 0.8, (4, 3)).astype(np.float32), "b": np.zeros(3, np.float32)}
    np.savez(tmp_path / "init.npz", **params)
    steps = 20
    proc = run_lp([model, "--train", f"--data={tmp_path / 'train.npz'}", f"--params={tmp_path / 'init.npz'}",
                   "--no-shuffle", f"--steps={steps}", "--lr=0.5", "--momentum=0.9", flag, "--log-every=0",
                   f"--checkpoint={tmp_path / 'ck.npz'}"])
    assert proc.returncode == 0, proc.stderr
    ck = np.load(tmp_path / "ck.npz")
    want, clipped = reference(params, x, y, steps, 0.5, 0.9, **kw)
    assert clipped >= steps // 2, f"only {clipped} of {steps} steps clip: the test would not see clipping"
    for k in ("w", "b"):
        np.testing.assert_allclose(ck[k], want[k], rtol=1e-5, atol=1e-6, err_msg=k)
    # Without clipping the parameters differ: the option changed the step.
    unclipped, _ = reference(params, x, y, steps, 0.5, 0.9)
    assert np.abs(unclipped["w"] - want["w"]).max() > 1e-3


def test_clip_options_are_exclusive(tmp_path):
    model = tmp_path / "lin.mlir"
    model.write_text(MODEL)
    np.savez(tmp_path / "d.npz", x=np.zeros((16, 4), np.float32), y=np.zeros(16, np.int64))
    proc = run_lp([model, "--train", f"--data={tmp_path / 'd.npz'}", "--steps=1",
                   "--clip-grad-norm=1", "--clip-grad-value=1"])
    assert proc.returncode == 1
    assert "needs exactly one of max-norm and max-value" in proc.stderr, proc.stderr
