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
