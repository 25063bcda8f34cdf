"""Kernels split over threads (lp-parallelize-kernels) compute the same values.

Large ops (at least 262144 points, outer loop parallel) run as OpenMP loops
over row chunks. Each chunk computes its rows exactly as the sequential
kernel does, so results must match numpy's float64 reference to f32
accuracy and be bit-identical to `--parallel=0`; odd row counts (chunks of
different sizes) and a column reduction (not split) are included.
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
    par = m.run(tmp_path / "par")
    seq = m.run(tmp_path / "seq", extra_args=["--parallel=0"])
    g = gelu_tanh(x)
    e = np.exp(g - g.max(axis=1, keepdims=True))
    want = {"softmax": e / e.sum(axis=1, keepdims=True), "colsum": g.sum(axis=0)}
    for k, v in want.items():
        np.testing.assert_allclose(par[k], v, rtol=2e-5, atol=1e-6 * np.abs(v).max(), err_msg=k)
        np.testing.assert_array_equal(par[k], seq[k], err_msg=f"{k}: parallel differs from sequential")
