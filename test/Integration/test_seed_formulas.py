"""The seed's quantization formulas, written with lp ops and run through
lp-run, against the formulas themselves in float64 (docs/Quantization.md,
"The seed's formulas"):

  linear:    q = round((x - xmin) / (xmax - xmin) * (2^n - 1))
  symmetric: q = round(x / (2 |xmax|) * (2^n - 1))

Linear is lp.fake_quant of x - xmin with scale (xmax - xmin) / (2^n - 1),
zero point 0 and range [0, 2^n - 1], plus xmin. Symmetric is
lp.fake_quant with scale 2 |xmax| / (2^n - 1), zero point 0 and range
[-2^(n-1), 2^(n-1) - 1]: PyTorch's symmetric scale, amax / ((qmax - qmin)
/ 2), is the same number, so lp.quant_params on lp.aminmax gives it too.
The one difference: the formula rounds x = +|xmax| to 2^(n-1) (127.5 ->
128), one past the signed range, where fake quantization clamps to
2^(n-1) - 1. LP computes in f32 with PyTorch's reciprocal multiply, so a
code may differ from the float64 formula where the formula's value lies
within f32 rounding of a .5 tie; the test allows exactly those.
"""

from __future__ import annotations

import numpy as np
import pytest

from lp_testing import Model, Value

F32 = np.float32


def near_tie(v, tol=1e-4):
    return np.abs(np.abs(v - np.floor(v)) - 0.5) < tol


@pytest.mark.parametrize("bits", [8, 4, 2])
def test_seed_formulas(tmp_path, bits):
    rng = np.random.default_rng(bits)
    n = 4096
    xmin, xmax = F32(-1.7), F32(2.9)
    x = rng.uniform(xmin, xmax, n).astype(F32)
    x[:2] = [xmin, xmax]
    amax = F32(np.abs(x).max())
    levels = F32(2**bits - 1)
    m = Model()
    vx = m.arg("x", x)
    vmin, vmax = m.arg("xmin", np.array(xmin)), m.arg("xmax", np.array(xmax))
    vlev = m.arg("levels", np.array(levels))
    vzero = m.arg("zero", np.array(F32(0)))
    vtwo = m.arg("two", np.array(F32(2)))
    # Linear: scale = (xmax - xmin) / levels; xmin + fq(x - xmin).
    width = m.op("lp.sub", [vmax, vmin], (), "f32")
    s_lin = m.op("lp.div", [width, vlev], (), "f32")
    shifted = m.op("lp.sub", [vx, vmin], (n,), "f32")
    fq = m.op("lp.fake_quant", [shifted, s_lin, vzero], (n,), "f32",
              f"{{quant_min = 0 : i64, quant_max = {2**bits - 1} : i64}}")
    m.ret(m.op("lp.add", [fq, vmin], (n,), "f32"), "linear")
    m.ret(s_lin, "linear_scale")
    # Symmetric: scale = 2 |xmax| / levels, with |xmax| the tensor's
    # max-abs; and the same scale from the observer ops.
    m.body.append(f"  %lo, %hi = lp.aminmax {vx.ssa} : ({vx.type}) -> (tensor<f32>, tensor<f32>)")
    lo, hi = Value("%lo", (), "f32"), Value("%hi", (), "f32")
    # The inputs make hi the max-abs (checked below).
    twice = m.op("lp.mul", [vtwo, hi], (), "f32")
    s_sym = m.op("lp.div", [twice, vlev], (), "f32")
    half = 2 ** (bits - 1)
    attrs = f"quant_min = {-half} : i64, quant_max = {half - 1} : i64"
    m.ret(m.op("lp.fake_quant", [vx, s_sym, vzero], (n,), "f32", "{" + attrs + "}"), "symmetric")
    m.ret(s_sym, "symmetric_scale")
    m.body.append(f"  %qs, %qz = lp.quant_params {lo.ssa}, {hi.ssa} {{{attrs}, symmetric}}"
                  " : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)")
    m.ret(Value("%qs", (), "f32"), "observer_scale")
    out = m.run(tmp_path)
    assert amax == x.max(), "the inputs must make xmax the max-abs"

    # Linear, against the formula in float64.
    x64, lo64, hi64 = x.astype(np.float64), float(xmin), float(xmax)
    t = (x64 - lo64) / (hi64 - lo64) * (2**bits - 1)
    q = np.round(t)
    s = float(out["linear_scale"])
    got_q = np.round((out["linear"].astype(np.float64) - lo64) / s)
    differ = got_q != q
    assert np.all(near_tie(t[differ])), (x[differ][:5], t[differ][:5])
    assert differ.mean() < 0.01
    np.testing.assert_allclose(out["linear"], lo64 + q * (hi64 - lo64) / (2**bits - 1),
                               atol=(hi64 - lo64) / (2**bits - 1) * 1.0001)
    # Symmetric, against the formula in float64: equal codes except at
    # +|xmax| (clamped) and near f32 ties.
    t = x64 / (2 * float(amax)) * (2**bits - 1)
    q = np.round(t)
    s = float(out["symmetric_scale"])
    got_q = np.round(out["symmetric"].astype(np.float64) / s)
    clamped = q == half
    assert clamped.sum() >= 1 and np.all(got_q[clamped] == half - 1)
    differ = (got_q != q) & ~clamped
    assert np.all(near_tie(t[differ])) and differ.mean() < 0.01
    # PyTorch's symmetric scale from the observer ops is the seed's scale.
    assert out["observer_scale"] == out["symmetric_scale"], (out["observer_scale"], out["symmetric_scale"])
