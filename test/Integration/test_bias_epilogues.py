"""A product's bias inside the library call (lp-linalg-to-blas's epilogues:
`lp_sgemm_bias`, docs/Performance.md "Epilogues"), checked on the gradient
function of `loss = sum(act(x W + b) * R)` with act = ReLU or the square
(`lp-opt --lp-differentiate`, where the forward product's buffer is the
step's own and the bias add updates it in place): the loss and the
gradients of W and b on every contraction library and size class, with and
without the per-thread split, against float64 numpy. The report names the
oneDNN kernels that added a bias, and a NaN in a product still reaches the
loss through the ReLU (the activation stays in generated code, because
oneDNN's ReLU post-op maps NaN to 0).
"""

from __future__ import annotations

import numpy as np
import pytest

from grad_checks import run_lp_opt
from lp_testing import Model, run_lp
from test_contractions import LIBRARIES, report, skip_without_onednn

# name: (rows of x, inputs, outputs): small, mid and large products.
CASES = {"small": (8, 16, 8), "mid": (300, 128, 200), "large": (512, 1024, 520)}


def case_model(rng, rows, k, n, relu, nan=False):
    """The model and its float64 references {output: value}."""
    x = rng.standard_normal((rows, k)).astype(np.float32)
    if nan:
        x[2, 3] = np.nan
    r = rng.standard_normal((rows, n)).astype(np.float32)
    w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    m = Model()
    xv, rv = m.arg("x", x, attrs='lp.role = "input"'), m.arg("r", r, attrs='lp.role = "input"')
    wv, bv = m.arg("w", w, attrs='lp.role = "param"'), m.arg("b", b, attrs='lp.role = "param"')
    h = m.op("lp.linear", [xv, wv, bv], (rows, n), "f32")
    # act = ReLU, or the square (whose gradient reads the pre-activation,
    # so that the product is kept, and the bias added to it in place).
    h = m.op("lp.relu", [h], (rows, n), "f32") if relu else m.op("lp.mul", [h, h], (rows, n), "f32")
    p = m.op("lp.mul", [h, rv], (rows, n), "f32")
    m.ret(m.op("lp.reduce_sum", [p], (), "f32", "{axes = array<i64: 0, 1>}"), "loss")
    x64, r64, w64 = x.astype(np.float64), r.astype(np.float64), w.astype(np.float64)
    pre = x64 @ w64 + b.astype(np.float64)
    act = np.maximum(pre, 0.0) if relu else pre * pre  # NaN stays NaN
    # PyTorch's threshold_backward: 0 where relu's result <= 0 (a NaN passes).
    dpre = np.where(act <= 0, 0.0, r64) if relu else 2 * pre * r64
    return m, {"loss": (act * r64).sum(), "w.grad": x64.T @ dpre, "b.grad": dpre.sum(axis=0)}


def run_grad(m, directory, extra):
    model, data = m.write(directory)
    grad = directory / "grad.mlir"
    proc = run_lp_opt([model, "--lp-differentiate", "-o", grad])
    assert proc.returncode == 0, proc.stderr
    # The forward product of the gradient function takes the epilogue.
    lowered = run_lp_opt([grad, "--lp-lower-to-llvm"])
    assert lowered.returncode == 0, lowered.stderr
    assert "llvm.call @lp_sgemm_bias" in lowered.stdout
    out = directory / "out"
    proc = run_lp([grad, "--function=main_grad", f"--data={data}", f"--params={data}", f"--output-dir={out}",
                   "--verbose", *extra])
    assert proc.returncode == 0, proc.stderr
    return {name: np.load(out / f"{name}.npy") for name in ("loss", "w.grad", "b.grad")}, proc.stdout


@pytest.mark.parametrize("library", LIBRARIES)
def test_bias_epilogue_matches_numpy(rng, tmp_path, library):
    skip_without_onednn(library, tmp_path)
    for name, (rows, k, n) in CASES.items():
        for relu in (False, True):
            m, want = case_model(rng, rows, k, n, relu)
            for parallel in ("1", "0"):
                got, _ = run_grad(m, tmp_path / f"{name}{relu}{parallel}",
                                  [f"--contraction={library}", f"--parallel={parallel}"])
                for out, ref in want.items():
                    # f32 sums of k (or rows) terms: a norm-wise relative error.
                    err = np.linalg.norm(np.ravel(got[out] - ref)) / np.linalg.norm(np.ravel(ref))
                    assert err < 1e-5, f"{out} of {name} (relu {relu}, {library}, parallel {parallel}): {err:.2e}"


def test_report_names_the_bias_kernels(rng, tmp_path):
    skip_without_onednn("onednn", tmp_path)
    for name in ("small", "mid"):
        m, _ = case_model(rng, *CASES[name], relu=True)
        _, stdout = run_grad(m, tmp_path / name, ["--contraction=onednn"])
        kernels = [line for line in report(stdout)["lines"] if line.startswith("kernel: ")]
        assert any(line.startswith(f"kernel: {name}: onednn") and line.endswith("(+bias)") for line in kernels), kernels


@pytest.mark.parametrize("library", LIBRARIES)
def test_nan_reaches_the_loss_through_relu(rng, tmp_path, library):
    """lp.relu propagates NaN (as torch.relu does); oneDNN's ReLU post-op
    would make the loss finite."""
    skip_without_onednn(library, tmp_path)
    for name, (rows, k, n) in CASES.items():
        m, want = case_model(rng, rows, k, n, relu=True, nan=True)
        got, _ = run_grad(m, tmp_path / name, [f"--contraction={library}"])
        assert np.isnan(want["loss"]) and np.isnan(got["loss"]), f"{name} ({library}): loss {got['loss']}"
        for out in ("w.grad", "b.grad"):
            np.testing.assert_array_equal(np.isnan(got[out]), np.isnan(want[out]), err_msg=f"{out} of {name}")
