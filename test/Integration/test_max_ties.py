"""Gradients at tied maxima follow PyTorch.

max_pool2d routes each window's gradient to one position, its first maximum
in row-major order; reduce_max splits the gradient evenly among the tied
positions (torch.amax, JAX); a NaN is the maximum and takes the gradient.
The references below implement those rules in float64 numpy, independently
of LP. Ties are common on real data (flat background after ReLU), so the
large cases use small integers, where most windows are tied, on the
parallel kernels and with --parallel=0.
"""

from __future__ import annotations

import numpy as np
import pytest

from grad_checks import F64, INPUT, PARAM, axes_attr, gradient_of
from lp_testing import Model


def pool_grad_ref(x, dy, k, s, p):
    """d sum(dy * max_pool2d(x)) / dx: each window's dy to its first
    maximum (row-major; a NaN is the maximum; padding never wins)."""
    n, c, h, w = x.shape
    oh, ow = dy.shape[2:]
    dx = np.zeros(x.shape)
    for i in range(oh):
        for j in range(ow):
            h0, w0 = i * s - p, j * s - p
            rows = [r for r in range(h0, h0 + k) if 0 <= r < h]
            cols = [q for q in range(w0, w0 + k) if 0 <= q < w]
            win = x[:, :, rows][:, :, :, cols].reshape(n, c, -1).astype(np.float64)
            with np.errstate(invalid="ignore"):
                m = win.max(axis=2, keepdims=True)
                hit = (win == m) | (np.isnan(win) & np.isnan(m))
            first = hit.argmax(axis=2)
            for a in range(n):
                for b in range(c):
                    r, q = divmod(int(first[a, b]), len(cols))
                    dx[a, b, rows[r], cols[q]] += dy[a, b, i, j]
    return dx


def reduce_max_grad_ref(x, dy, axes):
    x = x.astype(np.float64)
    with np.errstate(invalid="ignore"):
        m = x.max(axis=axes, keepdims=True)
        hit = (x == m) | (np.isnan(x) & np.isnan(m))
    count = hit.sum(axis=axes, keepdims=True)
    return np.where(hit, np.expand_dims(dy, axes) / count, 0.0)


def test_pool_of_a_flat_plane_sends_one_gradient(tmp_path):
    """The issue's minimal case: x = 0, loss = sum(max_pool2d(x + b)):
    d loss / d b = 1 (4 before: every tied position took it)."""
    m = Model()
    x = m.arg("x", np.zeros((1, 1, 2, 2)), attrs=INPUT)
    b = m.arg("b", np.zeros((1, 1, 1, 1)), attrs=PARAM)
    xb = m.op("lp.add", [x, b], (1, 1, 2, 2), F64)
    pool = m.op("lp.max_pool2d", [xb], (1, 1, 1, 1), F64, "{kernel = array<i64: 2, 2>}")
    m.ret(m.op("lp.reduce_sum", [pool], (), F64, axes_attr([0, 1, 2, 3])), "loss")
    np.testing.assert_array_equal(gradient_of(m, tmp_path, "b"), np.ones((1, 1, 1, 1)))


def test_documented_tie_rules(tmp_path):
    m = Model()
    x = np.array([[[[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, -1.0, -1.0]]]])  # [1, 1, 2, 4]
    vx = m.arg("x", x, attrs=PARAM)
    pool = m.op("lp.max_pool2d", [vx], (1, 1, 1, 2), F64, "{kernel = array<i64: 2, 2>}")
    r1 = m.arg("r1", np.array([[[[2.0, -5.0]]]]), attrs=INPUT)
    s1 = m.op("lp.reduce_sum", [m.op("lp.mul", [pool, r1], pool.shape, F64)], (), F64, axes_attr([0, 1, 2, 3]))
    red = m.op("lp.reduce_max", [vx], (), F64, axes_attr([0, 1, 2, 3]))
    s2 = m.op("lp.mul", [red, m.arg("r2", np.array(6.0), attrs=INPUT)], (), F64)
    m.ret(m.op("lp.add", [s1, s2], (), F64), "loss")
    want = np.zeros_like(x)
    want[0, 0, 0, 1] += 2.0  # window [[1, 3], [3, 2]]: its first 3
    want[0, 0, 0, 2] += -5.0  # window [[3, 0], [-1, -1]]
    for pos in [(0, 0, 0, 1), (0, 0, 0, 2), (0, 0, 1, 0)]:  # 3 three times: 6 / 3 each
        want[pos] += 2.0
    np.testing.assert_array_equal(gradient_of(m, tmp_path, "x"), want)


def test_nan_is_the_maximum(tmp_path):
    m = Model()
    x = np.array([[1.0, np.nan, 5.0], [2.0, 2.0, -1.0]])
    vx = m.arg("x", x, attrs=PARAM)
    red = m.op("lp.reduce_max", [vx], (2,), F64, axes_attr([1]))
    m.ret(m.op("lp.reduce_sum", [red], (), F64, axes_attr([0])), "loss")
    got = gradient_of(m, tmp_path, "x")
    np.testing.assert_array_equal(got, [[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]])


@pytest.mark.parametrize("k, s, p", [(2, 2, 0), (3, 2, 1), (3, 1, 1)])
def test_tied_windows_on_every_lowering(rng, tmp_path, k, s, p):
    """Small integers: most windows are tied. 8x8x32x32 is at the parallel
    kernels' threshold, so both the split kernels and --parallel=0 run."""
    x = rng.integers(-1, 2, (8, 8, 32, 32)).astype(np.float32)
    x[0, 0, 0, :6] = np.nan  # NaN windows take the gradient
    oh = (32 + 2 * p - k) // s + 1
    dy = rng.standard_normal((8, 8, oh, oh)).astype(np.float32)
    m = Model(function="k")
    xv, dyv = m.arg("x", x), m.arg("dy", dy)
    attrs = f"{{kernel = array<i64: {k}, {k}>, stride = array<i64: {s}, {s}>, padding = array<i64: {p}, {p}>}}"
    m.ret(m.op("lp.max_pool2d_grad", [xv, dyv], x.shape, "f32", attrs), "dx")
    ref = pool_grad_ref(x, dy.astype(np.float64), k, s, p)
    for args in ([], ["--parallel=0"]):
        got = m.run(tmp_path / ("seq" if args else "par"), extra_args=args)["dx"]
        np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-6, err_msg=str(args))


def test_tied_rows_of_reduce_max(rng, tmp_path):
    x = rng.integers(0, 3, (512, 600)).astype(np.float32)  # ~200 ties per row
    x[5, 7] = np.nan
    dy = rng.standard_normal(512).astype(np.float32)
    m = Model(function="k")
    m.ret(m.op("lp.reduce_max_grad", [m.arg("x", x), m.arg("dy", dy)], x.shape, "f32",
               "{axes = array<i64: 1>}"), "dx")
    ref = reduce_max_grad_ref(x, dy.astype(np.float64), 1)
    for args in ([], ["--parallel=0"]):
        got = m.run(tmp_path / ("seq" if args else "par"), extra_args=args)["dx"]
        np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-7, err_msg=str(args))
