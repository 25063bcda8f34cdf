"""layer_norm of constant rows and rows with a large common offset.

The f32 mean sum/n is inexact; divided by sqrt(var + eps) with var ~ 0 the
error used to come out as garbage (+-1e-5 for rows of 7 equal values, 1.7e-3
for 768 x 0.7, 0.95 for 100 x (1e4 + 0.1)). With the corrected mean a
constant row normalises to exactly 0 (the output is beta, as PyTorch's),
forward and backward, and offset rows match float64 numpy.
"""

from __future__ import annotations

import numpy as np
import pytest

from grad_checks import F64, INPUT, PARAM, axes_attr, gradient_of
from lp_testing import Model


def ref_layer_norm(x, g, b, eps=1e-5):
    x = x.astype(np.float64)
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * g.astype(np.float64) + b.astype(np.float64)


CONSTANT_ROWS = [(7, -3.3), (7, 0.7), (768, 0.7), (100, 1e4 + 0.1), (4096, -123.456)]


@pytest.mark.parametrize("n, value", CONSTANT_ROWS)
def test_constant_rows_give_beta(rng, n, value):
    x = np.full((3, n), value, np.float32)
    g = rng.uniform(0.5, 1.5, n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    m = Model()
    out = m.op("lp.layer_norm", [m.arg("x", x), m.arg("g", g), m.arg("b", b)], x.shape, "f32")
    m.ret(out, "y")
    got = m.run()["y"]
    np.testing.assert_array_equal(got, np.broadcast_to(b, x.shape))


@pytest.mark.parametrize("n, offset", [(100, 1e4), (768, 1e4), (4096, 3.0), (4096, -2e3)])
def test_offset_rows_match_float64(rng, n, offset):
    x = (offset + 0.1 * rng.standard_normal((4, n))).astype(np.float32)
    g = rng.uniform(0.5, 1.5, n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    m = Model()
    m.ret(m.op("lp.layer_norm", [m.arg("x", x), m.arg("g", g), m.arg("b", b)], x.shape, "f32"), "y")
    got = m.run()["y"]
    ref = ref_layer_norm(x, g, b)
    # x's f32 values are the data: the reference normalises exactly those.
    # The deviations (~0.1) are known to ~ulp(offset) / 0.1 relative.
    tol = 4 * np.spacing(np.float32(abs(offset))) / 0.1 + 1e-5
    np.testing.assert_allclose(got, ref, rtol=0, atol=tol * 3)


def test_constant_row_gradient(rng, tmp_path):
    """d sum(r * layer_norm(x)) / dx for constant rows: xhat = 0, so dx =
    rstd * (r*g - mean(r*g)) with rstd = 1/sqrt(eps), in float64."""
    n = 7
    x = np.full((2, n), 0.7)
    g = rng.uniform(0.5, 1.5, n)
    r = rng.standard_normal((2, n))
    m = Model()
    vx = m.arg("x", x, attrs=PARAM)
    y = m.op("lp.layer_norm", [vx, m.arg("g", g, attrs=INPUT), m.arg("b", np.zeros(n), attrs=INPUT)], x.shape, F64)
    prod = m.op("lp.mul", [y, m.arg("r", r, attrs=INPUT)], x.shape, F64)
    m.ret(m.op("lp.reduce_sum", [prod], (), F64, axes_attr([0, 1])), "loss")
    got = gradient_of(m, tmp_path, "x")
    dxhat = r * g
    want = (dxhat - dxhat.mean(axis=-1, keepdims=True)) / np.sqrt(1e-5)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
