"""lp.fake_quant and its straight-through gradient, run through lp-run,
against an independent numpy re-implementation of PyTorch's CPU kernels
(fake_quantize_per_tensor/per_channel_affine and their cachemask backward),
bit for bit.

The reference (ref_fake_quant) follows PyTorch's kernel in float32: the
reciprocal of the scale in f32, x * inv rounded half to even (np.round),
the integer zero point added after rounding, clamped, (q - zp) * scale. It
is checked against torch itself on finite inputs when torch is installed.
Inputs include exact .5 ties (x = (k + 1/2) * s with s a power of two),
values far outside the range, NaN and +-inf; LP keeps NaN and saturates
+-inf where PyTorch's x86 kernel sends all three to quant_min through an
undefined float-to-int64 conversion (docs/Quantization.md), so the
comparison with torch leaves them out.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from lp_testing import Model

F32 = np.float32


def ref_rounded(x, scale, zero_point, qmin, qmax, axis=None):
    """(q, zp, s) as PyTorch's kernels compute them in float32: the zero
    point rounded half to even and clamped, q = round(x * (1/s)) + zp not
    yet clamped, zp and s shaped to broadcast along `axis`."""
    x = np.asarray(x, F32)
    s = np.asarray(scale, F32)
    zp = np.clip(np.round(np.asarray(zero_point, F32)), qmin, qmax).astype(F32)
    if axis is not None:
        shape = [1] * x.ndim
        shape[axis] = -1
        s, zp = s.reshape(shape), zp.reshape(shape)
    inv = (F32(1.0) / s).astype(F32)
    with np.errstate(invalid="ignore", over="ignore"):
        q = (np.round((x * inv).astype(F32)) + zp).astype(F32)
    return q, zp, s


def ref_fake_quant(x, scale, zero_point, qmin, qmax, axis=None):
    """(out, mask) as PyTorch computes them, in float32."""
    q, zp, s = ref_rounded(x, scale, zero_point, qmin, qmax, axis)
    with np.errstate(invalid="ignore", over="ignore"):
        out = ((np.clip(q, F32(qmin), F32(qmax)) - zp) * s).astype(F32)
        mask = (q >= qmin) & (q <= qmax)
    return out, mask


def special_inputs(rng, shape, s):
    """Random values over twice the range, exact ties, NaN and +-inf."""
    x = (rng.standard_normal(shape) * 200 * s).astype(F32)
    flat = x.reshape(-1)
    k = rng.integers(-140, 140, size=flat.size // 3)
    flat[: k.size] = ((k + 0.5) * s).astype(F32)  # exact .5 ties
    flat[-4:] = [np.nan, np.inf, -np.inf, -0.0]
    return x


CASES = [  # name, shape, qmin, qmax, axis
    ("int8", (6, 40), -128, 127, None),
    ("uint8_affine", (5, 33), 0, 255, None),
    ("int8_narrow", (4, 17), -127, 127, None),
    ("int4", (3, 50), -8, 7, None),
    ("uint4", (3, 50), 0, 15, None),
    ("int2", (2, 30), -2, 1, None),
    ("per_channel_axis0", (8, 24), -128, 127, 0),
    ("per_channel_axis1", (12, 6), -8, 7, 1),
    ("per_channel_nchw", (2, 4, 3, 3), -127, 127, 1),
]


def qparams(rng, name, qmin, qmax, channels):
    """Power-of-two scales (so that ties are exact) and zero points, one
    per channel or a scalar; the affine case has a non-integral zero point
    (PyTorch's learnable variant rounds it half to even)."""
    shape = () if channels is None else (channels,)
    s = (2.0 ** rng.integers(-6, 0, size=shape)).astype(F32)
    if qmin == 0:
        zp = rng.integers(qmin + 1, qmax, size=shape).astype(F32)
        if name == "uint8_affine":
            zp = np.asarray(zp + 0.5, F32)  # a tie: rounds to even
    else:
        zp = np.zeros(shape, F32)
    return s, zp


def build(rng):
    m, expected = Model(), {}
    for name, shape, qmin, qmax, axis in CASES:
        channels = None if axis is None else shape[axis]
        s, zp = qparams(rng, name, qmin, qmax, channels)
        x = special_inputs(rng, shape, float(s.min()))
        dy = rng.standard_normal(shape).astype(F32)
        attrs = f"quant_min = {qmin} : i64, quant_max = {qmax} : i64"
        if axis is not None:
            attrs += f", axis = {axis} : i64"
        ax, asc, azp, ady = (m.arg(f"{name}_x", x), m.arg(f"{name}_s", s),
                             m.arg(f"{name}_zp", zp), m.arg(f"{name}_dy", dy))
        m.ret(m.op("lp.fake_quant", [ax, asc, azp], shape, "f32", "{" + attrs + "}"), f"{name}_y")
        m.ret(m.op("lp.fake_quant_grad", [ax, asc, azp, ady], shape, "f32", "{" + attrs + "}"),
              f"{name}_dx")
        out, mask = ref_fake_quant(x, s, zp, qmin, qmax, axis)
        expected[f"{name}_y"] = out
        expected[f"{name}_dx"] = np.where(mask, dy, F32(0))
        expected[f"{name}_inputs"] = (x, s, zp, qmin, qmax, axis)
    return m, expected


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    rng = np.random.default_rng(20)
    m, expected = build(rng)
    return m.run(tmp_path_factory.mktemp("fq")), expected


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_forward_bit_exact(run, case):
    out, expected = run
    got, want = out[f"{case}_y"], expected[f"{case}_y"]
    assert got.tobytes() == want.tobytes(), np.argwhere(got.view(np.uint32) != want.view(np.uint32))[:5]


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_ste_gradient_bit_exact(run, case):
    out, expected = run
    got, want = out[f"{case}_dx"], expected[f"{case}_dx"]
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_special_values(run, case):
    """NaN stays NaN (and gets no gradient), +-inf saturate to the range's
    ends, ties went to even grid points (all on the reference's side)."""
    out, expected = run
    x, s, zp, qmin, qmax, axis = expected[f"{case}_inputs"]
    y = out[f"{case}_y"].reshape(-1)
    assert np.isnan(y[-4]) and out[f"{case}_dx"].reshape(-1)[-4] == 0
    assert np.isfinite(y[-3]) and np.isfinite(y[-2]) and y[-3] > 0 > y[-2]


def test_reference_matches_torch():
    """The numpy reference against PyTorch's own kernels on finite inputs
    (forward and the mask through autograd)."""
    torch = pytest.importorskip("torch", reason="torch is not installed: the numpy reference "
                                "is checked against PyTorch only where it is")
    rng = np.random.default_rng(3)
    for name, shape, qmin, qmax, axis in CASES:
        channels = None if axis is None else shape[axis]
        s, zp = qparams(rng, name, qmin, qmax, channels)
        zp = np.round(zp)  # torch's non-learnable kernels take integer zero points
        x = special_inputs(rng, shape, float(s.min()))
        x.reshape(-1)[-4:] = 0.0  # finite inputs only
        tx = torch.tensor(x, requires_grad=True)
        if axis is None:
            ty = torch.fake_quantize_per_tensor_affine(tx, float(s), int(zp), qmin, qmax)
        else:
            ty = torch.fake_quantize_per_channel_affine(
                tx, torch.tensor(s), torch.tensor(zp, dtype=torch.int32), axis, qmin, qmax)
        ty.backward(torch.ones_like(ty))
        out, mask = ref_fake_quant(x, s, zp, qmin, qmax, axis)
        assert ty.detach().numpy().tobytes() == out.tobytes(), name
        assert np.array_equal(tx.grad.numpy() != 0, mask), name


QAT_MODEL = """func.func @qat(%x: tensor<8x6xf32> {lp.role = "input", lp.name = "x"},
                %y: tensor<8x3xf32> {lp.role = "label", lp.name = "y"},
                %w: tensor<6x3xf32> {lp.role = "param", lp.name = "w"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %s = arith.constant dense<[0.125, 0.0625, 0.25]> : tensor<3xf32>
  %z = arith.constant dense<[0.0, 1.0, -2.0]> : tensor<3xf32>
  %wq = lp.fake_quant %w, %s, %z {quant_min = -8 : i64, quant_max = 7 : i64, axis = 1 : i64}
      : (tensor<6x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<6x3xf32>
  %p = lp.matmul %x, %wq : (tensor<8x6xf32>, tensor<6x3xf32>) -> tensor<8x3xf32>
  %l = lp.mse_loss %p, %y : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
"""


def test_qat_train_step_uses_the_straight_through_gradient(tmp_path):
    """One SGD step of a model whose int4 per-channel weights are fake
    quantized: the loss is that of the quantized weights, and the update
    is the gradient with respect to them, masked where a weight is clipped
    (the straight-through estimator), against numpy in float64."""
    from lp_testing import run_lp

    rng = np.random.default_rng(5)
    x = rng.standard_normal((8, 6)).astype(F32)
    y = rng.standard_normal((8, 3)).astype(F32)
    w = (rng.standard_normal((6, 3)) * 0.8).astype(F32)  # some beyond the int4 range
    s = np.array([0.125, 0.0625, 0.25], F32)
    z = np.array([0.0, 1.0, -2.0], F32)
    wq, mask = ref_fake_quant(w, s, z, -8, 7, axis=1)
    assert 0 < mask.sum() < mask.size, "the case must clip some weights and keep others"
    (tmp_path / "qat.mlir").write_text(QAT_MODEL)
    # 16 examples: the first step (no shuffling) takes the first 8.
    np.savez(tmp_path / "data.npz", x=np.concatenate([x, -x]), y=np.concatenate([y, y]))
    np.savez(tmp_path / "init.npz", w=w)
    lr = 0.5
    proc = run_lp([tmp_path / "qat.mlir", "--train", f"--data={tmp_path / 'data.npz'}",
                   f"--params={tmp_path / 'init.npz'}", "--steps=1", "--no-shuffle", f"--lr={lr}",
                   "--log-every=1", f"--output-dir={tmp_path / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    p = x.astype(np.float64) @ wq.astype(np.float64)
    loss = np.mean((p - y) ** 2)
    logged = float(re.search(r"loss[ =:]+([0-9.eE+-]+)", proc.stdout).group(1))
    assert abs(logged - loss) <= 1e-5 * max(1.0, loss), (logged, loss, proc.stdout)
    grad_wq = x.T.astype(np.float64) @ (2.0 * (p - y) / p.size)
    want = w - lr * np.where(mask, grad_wq, 0.0)
    got = np.load(tmp_path / "out" / "w.npy")
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert np.array_equal(got[~mask], w[~mask]), "clipped weights must get no gradient"


def ref_lsq_grads(x, scale, zero_point, qmin, qmax, grad_factor, dy, axis):
    """PyTorch's learnable fake quantization backward
    (_fake_quantize_learnable_per_channel_affine): dx, and the scale and
    zero-point gradients summed per channel, in float64 from the f32 terms."""
    shape = [1] * x.ndim
    shape[axis] = -1
    s = np.asarray(scale, F32).reshape(shape)
    zp = np.clip(np.round(np.asarray(zero_point, F32)), qmin, qmax).astype(F32).reshape(shape)
    xs = (x * (F32(1.0) / s).astype(F32)).astype(F32)
    r = np.round(xs)
    q = (r + zp).astype(F32)
    lo, hi = q < qmin, q > qmax
    mid = ~(lo | hi)
    dx = np.where(mid, dy, F32(0))
    ds = np.where(lo, (qmin - zp) * dy, np.where(hi, (qmax - zp) * dy, (r - xs) * dy)).astype(np.float64)
    dz = np.where(mid, 0.0, -s * dy).astype(np.float64)
    other = tuple(d for d in range(x.ndim) if d != axis)
    return dx, ds.sum(axis=other) * grad_factor, dz.sum(axis=other) * grad_factor


LSQ_MODEL = """func.func @lsq(%x: tensor<8x6xf32> {lp.role = "input", lp.name = "x"},
                %y: tensor<8x3xf32> {lp.role = "label", lp.name = "y"},
                %w: tensor<6x3xf32> {lp.role = "param", lp.name = "w"},
                %s: tensor<3xf32> {lp.role = "param", lp.name = "s"},
                %z: tensor<3xf32> {lp.role = "param", lp.name = "z"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %wq = lp.fake_quant %w, %s, %z {quant_min = 0 : i64, quant_max = 15 : i64, axis = 1 : i64,
                                   learnable, grad_factor = 0.5 : f64}
      : (tensor<6x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<6x3xf32>
  %p = lp.matmul %x, %wq : (tensor<8x6xf32>, tensor<6x3xf32>) -> tensor<8x3xf32>
  %l = lp.mse_loss %p, %y : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
"""


def test_learned_scale_and_zero_point(tmp_path):
    """`learnable`: one SGD step moves the weights by the straight-through
    gradient and the per-channel scale and zero point by PyTorch's LSQ
    gradients times grad_factor (ref_lsq_grads, checked against torch
    below), against float64 numpy."""
    from lp_testing import run_lp

    rng = np.random.default_rng(9)
    x = rng.standard_normal((8, 6)).astype(F32)
    y = rng.standard_normal((8, 3)).astype(F32)
    w = (rng.standard_normal((6, 3)) * 0.6).astype(F32)
    s = np.array([0.05, 0.08, 0.11], F32)
    z = np.array([7.0, 8.4, 5.5], F32)  # 8.4 rounds to 8, 5.5 to 6 (even)
    (tmp_path / "lsq.mlir").write_text(LSQ_MODEL)
    np.savez(tmp_path / "data.npz", x=np.concatenate([x, -x]), y=np.concatenate([y, y]))
    np.savez(tmp_path / "init.npz", w=w, s=s, z=z)
    lr = 0.25
    proc = run_lp([tmp_path / "lsq.mlir", "--train", f"--data={tmp_path / 'data.npz'}",
                   f"--params={tmp_path / 'init.npz'}", "--steps=1", "--no-shuffle", f"--lr={lr}",
                   f"--output-dir={tmp_path / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    wq, mask = ref_fake_quant(w, s, z, 0, 15, axis=1)
    assert 0 < mask.sum() < mask.size
    p = x.astype(np.float64) @ wq.astype(np.float64)
    dwq = (x.T.astype(np.float64) @ (2.0 * (p - y) / p.size)).astype(F32)
    dx, ds, dz = ref_lsq_grads(w, s, z, 0, 15, 0.5, dwq, axis=1)
    out = {k: np.load(tmp_path / "out" / f"{k}.npy") for k in ("w", "s", "z")}
    np.testing.assert_allclose(out["w"], w - lr * dx.astype(np.float64), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out["s"], s - lr * ds, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out["z"], z - lr * dz, rtol=1e-5, atol=1e-6)
    assert np.any(out["s"] != s) and np.any(out["z"] != z), "the range did not learn"


def test_lsq_reference_matches_torch():
    torch = pytest.importorskip("torch", reason="torch is not installed: the numpy LSQ reference "
                                "is checked against PyTorch only where it is")
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((40, 5)) * 2).astype(F32)
    dy = rng.standard_normal((40, 5)).astype(F32)
    s = (0.05 + rng.random(5) * 0.1).astype(F32)
    z = (rng.integers(0, 30, 5) + rng.random(5)).astype(F32)
    tx, ts, tz = (torch.tensor(v, requires_grad=True) for v in (x, s, z))
    ty = torch._fake_quantize_learnable_per_channel_affine(tx, ts, tz, 1, 0, 255, 0.7)
    ty.backward(torch.tensor(dy))
    dx, ds, dz = ref_lsq_grads(x, s, z, 0, 255, 0.7, dy, axis=1)
    assert np.array_equal(tx.grad.numpy(), dx)
    np.testing.assert_allclose(ts.grad.numpy(), ds, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tz.grad.numpy(), dz, rtol=1e-5, atol=1e-5)
