"""The issue-16 anchor: the example digits CNN trained by lp-run with the
PyTorch anchor's settings (SGD, momentum 0.9, lr 0.05, batch 64) keeps its
loss within 1e-4 relative of a float64 numpy CNN (test/helpers/digits_cnn.py,
written from the ops' definitions, no PyTorch) over the first 30 steps,
from the same initial weights and batches. The real digits put tied
maxima in the pooling windows (flat background after ReLU), which LP's
gradients once multiplied by the number of ties; the test checks that the
batches meet such ties. The full 30-epoch run next to PyTorch itself:
scripts/pytorch_anchor.py (docs/Training.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from digits_cnn import glorot_init, sgd_losses
from lp_testing import REPO_ROOT
from test_training import digits_data, read_log, run_ok  # noqa: F401

STEPS = 30


@pytest.mark.parametrize("matmul", ["blas", "vector"])
def test_digits_cnn_matches_float64_reference(digits_data, tmp_path, matmul):
    data = np.load(digits_data.parent / "digits_cnn_train.npz")
    params = glorot_init(16)
    np.savez(tmp_path / "init.npz", **params)
    log = tmp_path / "losses.txt"
    run_ok([REPO_ROOT / "examples" / "digits_cnn.mlir", "--train", f"--data={digits_data.parent / 'digits_cnn_train.npz'}",
            "--no-shuffle", "--optimizer=sgd", "--lr=0.05", "--momentum=0.9", f"--params={tmp_path / 'init.npz'}",
            f"--steps={STEPS}", f"--loss-log={log}", "--log-every=0", f"--matmul={matmul}"])
    got = np.array([v[0] for _, v in read_log(log)])
    want, ties = sgd_losses(params, data["x"], data["y"], STEPS, 0.05, 0.9)
    want = np.array(want)
    assert ties > 0, "the batches have no tied pooling windows: the test would not see the tie rule"
    assert want[-1] < 0.6 * want[0], f"the reference does not learn: {want[0]} -> {want[-1]}"
    rel = np.abs(got - want) / np.abs(want)
    assert rel.max() <= 1e-4, f"step {rel.argmax() + 1}: lp {got[rel.argmax()]} vs float64 {want[rel.argmax()]} (rel {rel.max():.2e})"


def test_reference_gradients_match_finite_differences(rng):
    """The float64 reference's backward pass against central differences of
    its own forward pass, at random entries of every parameter (random
    biases, so that no pooling window is tied and the loss is smooth)."""
    from digits_cnn import loss_and_grads

    params = {k: v.astype(np.float64) + 0.05 * rng.standard_normal(v.shape) for k, v in glorot_init(3).items()}
    x = rng.standard_normal((4, 1, 8, 8))
    y = rng.integers(0, 10, 4)
    _, grads, _ = loss_and_grads(params, x, y)
    h = 1e-6
    for name, value in params.items():
        for _ in range(3):
            idx = tuple(int(rng.integers(0, s)) for s in value.shape)
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[name][idx] += h
            minus[name][idx] -= h
            fd = (loss_and_grads(plus, x, y)[0] - loss_and_grads(minus, x, y)[0]) / (2 * h)
            assert abs(grads[name][idx] - fd) <= 1e-6 * max(1.0, abs(fd)), (name, idx, grads[name][idx], fd)


def test_reference_pool_gradient_goes_to_the_first_maximum():
    """A tied 2x2 window sends its gradient to its first maximum in
    row-major order, once (PyTorch's max_pool2d rule)."""
    from digits_cnn import pool_backward, pool_forward

    x = np.array([[[[1.0, 3.0], [3.0, 0.0]]]])
    out, arg = pool_forward(x)
    dx = pool_backward(np.array([[[[2.0]]]]), arg, x.shape)
    np.testing.assert_array_equal(out, [[[[3.0]]]])
    np.testing.assert_array_equal(dx, [[[[0.0, 2.0], [0.0, 0.0]]]])
