"""Kernels split over threads (lp-parallelize-kernels) compute the same values.

Large ops (at least 262144 points, outer loop parallel) run as OpenMP loops
over row chunks. Each chunk computes its rows exactly as the sequential
kernel does, so results must match numpy's float64 reference to f32
accuracy and be bit-identical to `--parallel=0`; odd row counts (chunks of
different sizes) and a column reduction (not split) are included. How many
chunks is decided when the step runs (the OpenMP thread count), so the same
compiled code is run with OMP_NUM_THREADS 1, 3 and 5 as well.
"""

from __future__ import annotations

import numpy as np
import pytest

from lp_testing import Model

ROWS = (1024, 1023, 2049)  # even, odd and uneven chunk splits


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def build(rng, rows, cols=384):
    m = Model(function="k")
    x = rng.standard_normal((rows, cols)).astype(np.float32) * np.float32(3)
    xv = m.arg("x", x)
    g = m.op("lp.gelu", [xv], (rows, cols), "f32", "{approximate = #lp<gelu_approximation tanh>}")
    s = m.op("lp.softmax", [g], (rows, cols), "f32", "{axis = -1 : i64}")
    m.ret(s, "softmax")
    m.ret(m.op("lp.reduce_sum", [g], (cols,), "f32", "{axes = array<i64: 0>, keepdims = false}"), "colsum")
    return m, x.astype(np.float64)


@pytest.mark.parametrize("rows", ROWS)
def test_parallel_kernels_match_numpy_and_sequential(rng, rows, tmp_path):
    m, x = build(rng, rows)
    seq = m.run(tmp_path / "seq", extra_args=["--parallel=0"])
    g = gelu_tanh(x)
    e = np.exp(g - g.max(axis=1, keepdims=True))
    want = {"softmax": e / e.sum(axis=1, keepdims=True), "colsum": g.sum(axis=0)}
    for threads in (None, "1", "3", "5"):
        par = m.run(tmp_path / f"par{threads}", env={"OMP_NUM_THREADS": threads} if threads else None)
        for k, v in want.items():
            label = f"{k}, OMP_NUM_THREADS={threads or 'unset'}"
            np.testing.assert_allclose(par[k], v, rtol=2e-5, atol=1e-6 * np.abs(v).max(), err_msg=label)
            np.testing.assert_array_equal(par[k], seq[k], err_msg=f"{label}: parallel differs from sequential")


def conv_grad_input_ref(dy, w, x_shape, stride, pad):
    """d(sum(dy * conv2d(x, w)))/dx in float64: each output position adds
    its gradient times the filter back onto the window it read."""
    n, c, h, wd = x_shape
    _, _, kh, kw = w.shape
    oh, ow = dy.shape[2:]
    dx = np.zeros((n, c, h + 2 * pad, wd + 2 * pad))
    for i in range(kh):
        for j in range(kw):
            dx[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += np.einsum(
                "nfyx,fc->ncyx", dy, w[:, :, i, j])
    return dx[:, :, pad:pad + h, pad:pad + wd]


def test_window_gradients_split_over_threads(rng, tmp_path):
    """Window gradients compute each input position from its index
    (linalg.index) and read the output gradient by position; split into
    row chunks, each chunk must see its rows' global index. Sizes are at or
    above the 2^18-point threshold: max_pool2d_grad over 8x8x32x32 with a
    2x2 window (2^18 points), conv2d_grad_input over 8x8x32x32 with a 3x3
    window, stride 2, padding 1."""
    m = Model(function="k")
    x = rng.standard_normal((8, 8, 32, 32)).astype(np.float32)  # no ties
    dy = rng.standard_normal((8, 8, 16, 16)).astype(np.float32)
    xv, dyv = m.arg("x", x), m.arg("dy", dy)
    m.ret(m.op("lp.max_pool2d_grad", [xv, dyv], x.shape, "f32",
               "{kernel = array<i64: 2, 2>}"), "pool_dx")
    w = rng.standard_normal((8, 8, 3, 3)).astype(np.float32)
    m.ret(m.op("lp.conv2d_grad_input", [dyv, m.arg("w", w)], x.shape, "f32",
               "{stride = array<i64: 2, 2>, padding = array<i64: 1, 1>}"), "conv_dx")
    par = m.run(tmp_path / "par")
    seq = m.run(tmp_path / "seq", extra_args=["--parallel=0"])
    win = x.astype(np.float64).reshape(8, 8, 16, 2, 16, 2)
    at_max = win == win.max(axis=(3, 5), keepdims=True)
    pool_ref = (at_max * dy.astype(np.float64)[:, :, :, None, :, None]).reshape(x.shape)
    conv_ref = conv_grad_input_ref(dy.astype(np.float64), w.astype(np.float64), x.shape, 2, 1)
    for name, ref in (("pool_dx", pool_ref), ("conv_dx", conv_ref)):
        np.testing.assert_allclose(par[name], ref, rtol=1e-5, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(seq[name], ref, rtol=1e-5, atol=1e-5, err_msg=f"{name} (--parallel=0)")
