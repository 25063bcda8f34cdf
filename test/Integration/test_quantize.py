"""Post-training quantization and the export of a QAT model (lp-run
--quantize, lp-quant-convert, lp.quantize / lp.dequantize / lp.pack_int4 /
lp.unpack_int4), against numpy: the codes, scales and zero points written
to the .npz are PyTorch's (test_observers.py's qparams, test_fake_quant.py's
rounding), int4 codes are packed low nibble first, f16 weights are numpy's
float16 rounding, and the converted model's held-out loss is a float64
forward pass of the dequantized weights.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from lp_testing import Model, run_lp
from test_fake_quant import ref_fake_quant, ref_rounded, special_inputs
from test_observers import ref_aminmax, ref_qparams
from test_qat_pass import MLP, data

F32 = np.float32


def ref_codes(x, s, zp, qmin, qmax, axis=None):
    """lp.quantize's i8 codes: lp.fake_quant's rounded, clamped q (NaN:
    the zero point), in float32 arithmetic."""
    q, zp, _ = ref_rounded(x, s, zp, qmin, qmax, axis)
    q = np.where(np.isnan(q), zp, np.clip(q, qmin, qmax))
    return q.astype(np.int8)


def unpack_int4(packed, count):
    """Nibbles low first, sign-extended (independent of LP's lowering)."""
    b = np.asarray(packed).view(np.uint8)
    nibbles = np.stack([b & 15, b >> 4], axis=1).reshape(-1)[:count].astype(np.int16)
    return np.where(nibbles > 7, nibbles - 16, nibbles).astype(np.int8)


# --- the ops, one call of a function ------------------------------------

OP_CASES = [  # name, shape, qmin, qmax, axis
    ("int8", (6, 40), -128, 127, None),
    ("int8_per_channel", (8, 24), -127, 127, 0),
    ("int4_odd", (3, 5), -8, 7, 1),
    ("int4_affine", (7, 9), -8, 7, None),
    ("int2", (2, 30), -2, 1, None),
]


@pytest.fixture(scope="module")
def ops(tmp_path_factory):
    rng = np.random.default_rng(31)
    m, expected = Model(), {}
    for name, shape, qmin, qmax, axis in OP_CASES:
        channels = () if axis is None else (shape[axis],)
        s = (2.0 ** rng.integers(-6, 0, size=channels)).astype(F32)
        # The affine case's zero points are ties (x.5): every op rounds
        # them half to even, as lp.fake_quant does.
        zp = (rng.integers(qmin + 1, qmax - 1, size=channels).astype(F32) + F32(0.5)
              if name.endswith("affine") else np.zeros(channels, F32))
        x = special_inputs(rng, shape, float(s.min()))
        attrs = f"quant_min = {qmin} : i64, quant_max = {qmax} : i64"
        if axis is not None:
            attrs += f", axis = {axis} : i64"
        ax, asc, azp = m.arg(f"{name}_x", x), m.arg(f"{name}_s", s), m.arg(f"{name}_zp", zp)
        q = m.op("lp.quantize", [ax, asc, azp], shape, "i8", "{" + attrs + "}")
        m.ret(q, f"{name}_q")
        if qmin >= -8 and qmax <= 7:
            n = int(np.prod(shape))
            p = m.op("lp.pack_int4", [q], ((n + 1) // 2,), "i8")
            m.ret(p, f"{name}_packed")
            q = m.op("lp.unpack_int4", [p], shape, "i8")
            m.ret(q, f"{name}_unpacked")
        m.ret(m.op("lp.dequantize", [q, asc, azp], shape, "f32", "{" + attrs + "}"), f"{name}_d")
        expected[name] = (x, s, zp, qmin, qmax, axis)
    return m.run(tmp_path_factory.mktemp("qops")), expected


@pytest.mark.parametrize("case", [c[0] for c in OP_CASES])
def test_codes_and_dequantize_bit_exact(ops, case):
    """Codes against numpy on .5 ties, values beyond the range, NaN and
    +-inf; dequantized codes are lp.fake_quant's values bit for bit (NaN,
    which has no code, dequantizes to 0)."""
    out, expected = ops
    x, s, zp, qmin, qmax, axis = expected[case]
    codes = ref_codes(x, s, zp, qmin, qmax, axis)
    assert out[f"{case}_q"].dtype == np.int8
    np.testing.assert_array_equal(out[f"{case}_q"], codes)
    flat = out[f"{case}_q"].reshape(-1)
    assert flat[-3] == qmax and flat[-2] == qmin  # +inf, -inf saturate
    fq = ref_fake_quant(x, s, zp, qmin, qmax, axis)[0]
    fq = np.where(np.isnan(fq), F32(0), fq)
    assert out[f"{case}_d"].tobytes() == fq.tobytes()


@pytest.mark.parametrize("case", [c[0] for c in OP_CASES if c[2] >= -8 and c[3] <= 7])
def test_int4_packing(ops, case):
    """Two codes per byte, low nibble first; an odd count leaves the last
    high nibble 0; unpacking gives the codes back."""
    out, expected = ops
    codes = ref_codes(*expected[case]).reshape(-1)
    packed = out[f"{case}_packed"]
    assert packed.shape == ((codes.size + 1) // 2,)
    np.testing.assert_array_equal(unpack_int4(packed, codes.size), codes)
    if codes.size % 2:
        assert packed.view(np.uint8)[-1] >> 4 == 0
    np.testing.assert_array_equal(out[f"{case}_unpacked"].reshape(-1), codes)


# --- lp-run --quantize on the MLP --------------------------------------


def setup(tmp_path, steps=6, fake_quant=None, extra=()):
    """The MLP trained for a few SGD steps (f32, or QAT with `fake_quant`;
    `extra`: more lp-run options)."""
    rng = np.random.default_rng(12)
    x, y, params = data(rng)
    (tmp_path / "mlp.mlir").write_text(MLP)
    np.savez(tmp_path / "data.npz", x=x, y=y)
    np.savez(tmp_path / "init.npz", **params)
    args = [tmp_path / "mlp.mlir", "--train", f"--data={tmp_path / 'data.npz'}",
            f"--params={tmp_path / 'init.npz'}", f"--steps={steps}", "--no-shuffle", "--lr=0.5",
            f"--checkpoint={tmp_path / 'ck.npz'}"]
    if fake_quant:
        args.append(f"--fake-quant={fake_quant}")
    proc = run_lp([*args, *extra])
    assert proc.returncode == 0, proc.stderr
    return dict(np.load(tmp_path / "ck.npz")), x, y


def quantize(tmp_path, *options):
    proc = run_lp([tmp_path / "mlp.mlir", f"--params={tmp_path / 'ck.npz'}",
                   f"--quantize={tmp_path / 'q.npz'}", f"--eval-data={tmp_path / 'data.npz'}",
                   *options])
    assert proc.returncode == 0, proc.stderr
    losses = {m.group(1): float(m.group(2)) for m in re.finditer(
        r"^(float|fake-quantized|quantized) model: +eval: 16 examples, loss ([0-9.eE+-]+)",
        proc.stdout, re.M)}
    assert set(losses) == {"float", "fake-quantized", "quantized"}, proc.stdout
    return dict(np.load(tmp_path / "q.npz")), losses, proc.stdout


def cross_entropy(x, y, w1, b1, w2, b2, act=lambda v, name: v):
    """The MLP's loss in float64; `act` fake-quantizes an activation."""
    h = np.maximum(act(x, "x").astype(np.float64) @ w1 + b1, 0)
    o = act(h.astype(F32), "fc2.input").astype(np.float64) @ w2 + b2
    o = o - o.max(axis=1, keepdims=True)
    return -(o[np.arange(len(y)), y] - np.log(np.exp(o).sum(axis=1))).mean()


def close(got, want):
    assert abs(got - want) <= 1e-5 * max(1, abs(want)), (got, want)


@pytest.mark.parametrize("bits", [8, 4])
def test_weight_only_ptq(tmp_path, bits):
    """Weight-only PTQ of an f32 checkpoint (current per-channel ranges):
    int8 codes or packed int4 with PyTorch's symmetric scales, biases as
    they are; the converted model's loss is numpy's on the dequantized
    weights and equals the fake-quantized model's; sizes are reported."""
    ck, x, y = setup(tmp_path)
    qmin, qmax = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    q, losses, out = quantize(tmp_path, f"--fake-quant=weights=int{bits} activations=none "
                              "weight-range=current")
    deq = {}
    for k in ("fc1.w", "fc2.w"):
        s, z = ref_qparams(*ref_aminmax(ck[k], 1), qmin, qmax, True)
        codes = ref_codes(ck[k], s, z, qmin, qmax, axis=1)
        if bits == 8:
            np.testing.assert_array_equal(q[f"{k}.int8"], codes)
        else:
            np.testing.assert_array_equal(unpack_int4(q[f"{k}.int4"], codes.size), codes.reshape(-1))
        assert q[f"{k}.scale"].tobytes() == s.tobytes() and not q[f"{k}.zero_point"].any()
        deq[k] = (codes.astype(F32) - z) * s
    for k in ("fc1.b", "fc2.b"):
        assert q[k].tobytes() == ck[k].tobytes()
    assert set(q) == {"fc1.b", "fc2.b", "fc1.w.scale", "fc1.w.zero_point", "fc2.w.scale",
                      "fc2.w.zero_point", f"fc1.w.int{bits}", f"fc2.w.int{bits}"}
    want = cross_entropy(x, y, deq["fc1.w"], ck["fc1.b"], deq["fc2.w"], ck["fc2.b"])
    close(losses["quantized"], want)
    assert losses["quantized"] == losses["fake-quantized"]
    close(losses["float"], cross_entropy(x, y, ck["fc1.w"], ck["fc1.b"], ck["fc2.w"], ck["fc2.b"]))
    assert abs(losses["float"] - want) > 1e-5  # the check tells them apart
    f32_bytes = sum(ck[k].nbytes for k in ("fc1.w", "fc1.b", "fc2.w", "fc2.b"))
    stored = sum(v.nbytes for v in q.values())
    assert f"{stored} bytes of arrays; the f32 parameters are {f32_bytes} bytes" in out, out


def test_f16_weights(tmp_path):
    """--f16-weights: each weight of a lowp op rounded to f16 (numpy's
    round to nearest even), biases in f32; the loss with f16 weights."""
    ck, x, y = setup(tmp_path)
    q, losses, _ = quantize(tmp_path, "--f16-weights")
    assert set(q) == {"fc1.w.f16", "fc1.b", "fc2.w.f16", "fc2.b"}
    for k in ("fc1.w", "fc2.w"):
        assert q[f"{k}.f16"].dtype == np.float16
        assert q[f"{k}.f16"].tobytes() == ck[k].astype(np.float16).tobytes()
    want = cross_entropy(x, y, ck["fc1.w"].astype(np.float16), ck["fc1.b"],
                         ck["fc2.w"].astype(np.float16), ck["fc2.b"])
    close(losses["quantized"], want)
    assert abs(losses["float"] - want) > 1e-7  # the check tells them apart


def test_static_activation_scales_from_calibration(tmp_path):
    """--calibrate-steps 2: min-max observers see two batches of the float
    model (in order, --no-shuffle); the static scales of x and of fc2's
    input are PyTorch's affine qparams of those ranges, and the converted
    model fake-quantizes both activations with them."""
    ck, x, y = setup(tmp_path)
    q, losses, out = quantize(tmp_path, "--fake-quant=observer=min-max weight-range=current",
                              "--calibrate-steps=2", f"--data={tmp_path / 'data.npz'}",
                              "--no-shuffle")
    assert "calibrate: 2 batches of 8" in out, out
    hidden = np.maximum(x @ ck["fc1.w"] + ck["fc1.b"], 0).astype(F32)
    scales = {}
    for name, v in (("x", x), ("fc2.input", hidden)):
        s, z = ref_qparams(v.min(), v.max(), -128, 127, False)
        np.testing.assert_allclose(q[f"{name}.scale"], s, rtol=1e-6)
        assert q[f"{name}.zero_point"] == z
        scales[name] = (q[f"{name}.scale"], q[f"{name}.zero_point"])
    deq = {}
    for k in ("fc1.w", "fc2.w"):
        s, z = ref_qparams(*ref_aminmax(ck[k], 1), -128, 127, True)
        deq[k] = (ref_codes(ck[k], s, z, -128, 127, axis=1).astype(F32) - z) * s

    def act(v, name):
        return ref_fake_quant(v, *scales[name], -128, 127)[0]

    want = cross_entropy(x, y, deq["fc1.w"], ck["fc1.b"], deq["fc2.w"], ck["fc2.b"], act)
    close(losses["quantized"], want)
    assert losses["quantized"] == losses["fake-quantized"]


def test_qat_export_keeps_the_frozen_ranges(tmp_path):
    """A QAT checkpoint (int4 weights observed by moving averages) converts
    with the ranges its observers hold, not recalibrated: codes from the
    checkpoint's `fc*.w.fq.min/max`, activation scales from `x.fq.*` and
    `fc2.input.fq.*`; the converted loss equals the fake-quantized one."""
    options = "weights=int4"
    ck, x, y = setup(tmp_path, steps=8, fake_quant=options)
    q, losses, _ = quantize(tmp_path, f"--fake-quant={options}")
    for k in ("fc1.w", "fc2.w"):
        s, z = ref_qparams(ck[f"{k}.fq.min"], ck[f"{k}.fq.max"], -8, 7, True)
        # The observer lags the weights: its range is not theirs.
        s_now, _ = ref_qparams(*ref_aminmax(ck[k], 1), -8, 7, True)
        assert not np.array_equal(s, s_now)
        codes = ref_codes(ck[k], s, z, -8, 7, axis=1)
        np.testing.assert_array_equal(unpack_int4(q[f"{k}.int4"], codes.size), codes.reshape(-1))
        assert q[f"{k}.scale"].tobytes() == s.tobytes()
    deq = {}
    for k in ("fc1.w", "fc2.w"):
        codes = unpack_int4(q[f"{k}.int4"], ck[k].size).reshape(ck[k].shape)
        deq[k] = (codes.astype(F32) - q[f"{k}.zero_point"]) * q[f"{k}.scale"]
    scales = {}
    for name in ("x", "fc2.input"):
        s, z = ref_qparams(ck[f"{name}.fq.min"], ck[f"{name}.fq.max"], -128, 127, False)
        assert q[f"{name}.scale"].tobytes() == s.tobytes() and q[f"{name}.zero_point"] == z
        scales[name] = (s, z)

    def act(v, name):
        return ref_fake_quant(v, *scales[name], -128, 127)[0]

    want = cross_entropy(x, y, deq["fc1.w"], ck["fc1.b"], deq["fc2.w"], ck["fc2.b"], act)
    close(losses["quantized"], want)
    assert losses["quantized"] == losses["fake-quantized"]


def test_learned_and_pruned_export(tmp_path):
    """A QAT run with learned ranges and pruning masks converts with its
    learned scales (the current range times exp(log_scale)) and its masks:
    masked weights are code 0."""
    options = "weights=int4 activations=none weight-range=learned"
    prune = "--prune=sparsity=0.5,begin=2"
    ck, _, _ = setup(tmp_path, fake_quant=options, extra=[prune])
    q, losses, _ = quantize(tmp_path, f"--fake-quant={options}", prune)
    for k in ("fc1.w", "fc2.w"):
        w = ck[k] * ck[f"{k}.prune.mask"]
        s, z = ref_qparams(*ref_aminmax(w, 1), -8, 7, True)
        s = (s * np.exp(ck[f"{k}.fq.log_scale"]).astype(F32)).astype(F32)
        assert np.any(ck[f"{k}.fq.log_scale"] != 0)
        np.testing.assert_allclose(q[f"{k}.scale"], s, rtol=1e-6)
        codes = ref_codes(w, q[f"{k}.scale"], z, -8, 7, axis=1)
        np.testing.assert_array_equal(unpack_int4(q[f"{k}.int4"], codes.size), codes.reshape(-1))
        assert np.all(codes[ck[f"{k}.prune.mask"] == 0] == 0)
    assert losses["quantized"] == losses["fake-quantized"]


UNNAMED = """func.func @m(%x: tensor<8x6xf32> {lp.role = "input"}, %y: tensor<8xi64> {lp.role = "label"},
             %w: tensor<6x3xf32> {lp.role = "param"}, %b: tensor<3xf32> {lp.role = "param"},
             %v: tensor<6x3xf32> {lp.role = "param"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w, %b {lp.layer = "a"} : (tensor<8x6xf32>, tensor<6x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %g = lp.linear %x, %v, %b {lp.layer = "b"} : (tensor<8x6xf32>, tensor<6x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %k = lp.linear %x, %w, %b {lp.layer = "c"} : (tensor<8x6xf32>, tensor<6x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %s = lp.add %h, %g : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<8x3xf32>
  %o = lp.add %s, %k : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<8x3xf32>
  %l = lp.cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
"""


def test_unnamed_and_shared_weights(tmp_path):
    """Arguments named by position (arg2, arg3, arg4) keep their names when
    others go, and a weight read with two specs (int8 in layers a and b,
    int4 in c) is stored twice: arg2 and arg2.2."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((16, 6)).astype(F32)
    y = rng.integers(0, 3, 16).astype(np.int64)
    p = {"arg2": rng.standard_normal((6, 3)).astype(F32), "arg3": rng.standard_normal(3).astype(F32),
         "arg4": rng.standard_normal((6, 3)).astype(F32)}
    (tmp_path / "mlp.mlir").write_text(UNNAMED)
    np.savez(tmp_path / "data.npz", arg0=x, arg1=y)
    np.savez(tmp_path / "ck.npz", **p)
    q, losses, _ = quantize(tmp_path, "--fake-quant=activations=none weight-range=current",
                            "--precision-override=layer:c=int4")
    assert set(q) == {"arg3", "arg2.int8", "arg2.scale", "arg2.zero_point", "arg4.int8", "arg4.scale",
                      "arg4.zero_point", "arg2.2.int4", "arg2.2.scale", "arg2.2.zero_point"}, sorted(q)
    assert q["arg3"].tobytes() == p["arg3"].tobytes()
    deq = {}
    for k, name, (qmin, qmax) in (("arg2", "arg2", (-128, 127)), ("arg4", "arg4", (-128, 127)),
                                  ("arg2", "arg2.2", (-8, 7))):
        s, z = ref_qparams(*ref_aminmax(p[k], 1), qmin, qmax, True)
        codes = ref_codes(p[k], s, z, qmin, qmax, axis=1)
        got = q.get(f"{name}.int8")
        if got is None:
            got = unpack_int4(q[f"{name}.int4"], codes.size).reshape(codes.shape)
        np.testing.assert_array_equal(got, codes)
        deq[name] = (codes.astype(F32) - z) * s
    xd = x.astype(np.float64)
    o = (xd @ deq["arg2"] + p["arg3"]) + (xd @ deq["arg4"] + p["arg3"]) + (xd @ deq["arg2.2"] + p["arg3"])
    o = o - o.max(axis=1, keepdims=True)
    want = -(o[np.arange(16), y] - np.log(np.exp(o).sum(axis=1))).mean()
    close(losses["quantized"], want)


def test_f16_weights_under_bf16_autocast(tmp_path):
    """--f16-weights with --precision bf16: the weights the autocast casts
    are found through the casts and stored as f16."""
    setup(tmp_path)
    q, _, _ = quantize(tmp_path, "--f16-weights", "--precision=bf16")
    assert set(q) == {"fc1.w.f16", "fc1.b", "fc2.w.f16", "fc2.b"}, sorted(q)


ERRORS = [
    ([], "--quantize needs --fake-quant (integer weights) or --f16-weights"),
    (["--fake-quant=on"], "has no 'x.fq.min': a fake-quantized model's ranges come from the "
     "checkpoint of its QAT run (the same --fake-quant options) or from calibration"),
    (["--fake-quant=on", "--calibrate-steps=2"], "--calibrate-steps needs --data"),
    (["--fake-quant=on", "--calibrate-steps=-1"], "--calibrate-steps must not be negative"),
    (["--f16-weights", "--calibrate-steps=2"], "--f16-weights alone has none"),
    (["--f16-weights", "--train"], "--quantize converts a trained model (--params); it does not "
     "train: drop --train"),
    (["--fake-quant=freeze-after=3", "--calibrate-steps=2"], "drop the phases (calibrate=, "
     "freeze-after=) from --fake-quant"),
]


@pytest.mark.parametrize("extra,message", ERRORS)
def test_errors(tmp_path, extra, message):
    setup(tmp_path, steps=1)
    proc = run_lp([tmp_path / "mlp.mlir", f"--params={tmp_path / 'ck.npz'}",
                   f"--quantize={tmp_path / 'q.npz'}", *extra])
    assert proc.returncode == 1 and message in proc.stderr, proc.stderr
    assert not (tmp_path / "q.npz").exists()


def test_needs_params(tmp_path):
    setup(tmp_path, steps=1)
    proc = run_lp([tmp_path / "mlp.mlir", f"--quantize={tmp_path / 'q.npz'}", "--f16-weights"])
    assert proc.returncode == 1 and "--quantize needs --params" in proc.stderr, proc.stderr


def test_missing_parameter(tmp_path):
    """A checkpoint without a parameter is refused, not initialised."""
    ck, _, _ = setup(tmp_path, steps=1)
    np.savez(tmp_path / "ck.npz", **{k: v for k, v in ck.items() if k != "fc2.b"})
    proc = run_lp([tmp_path / "mlp.mlir", f"--params={tmp_path / 'ck.npz'}",
                   f"--quantize={tmp_path / 'q.npz'}", "--f16-weights"])
    assert proc.returncode == 1, proc.stderr
    assert "ck.npz has no 'fc2.b': a trained model gives every parameter" in proc.stderr, proc.stderr


def test_non_finite_range(tmp_path):
    """An observer state that is not finite (a diverged QAT run) is
    refused before anything is written."""
    ck, _, _ = setup(tmp_path, steps=4, fake_quant="on")
    ck["x.fq.max"] = np.array(np.inf, F32)
    np.savez(tmp_path / "ck.npz", **ck)
    proc = run_lp([tmp_path / "mlp.mlir", f"--params={tmp_path / 'ck.npz'}",
                   f"--quantize={tmp_path / 'q.npz'}", "--fake-quant=on"])
    assert proc.returncode == 1, proc.stderr
    assert "'x.scale' would hold inf at element 0" in proc.stderr, proc.stderr
    assert not (tmp_path / "q.npz").exists()
