"""lp-fake-quant inside the train step (lp-run --fake-quant), against a
numpy re-implementation of PyTorch-style QAT of the same MLP: observers
updated by every forward call, qparams from them, fake quantization of
the inputs and weights of both layers, the straight-through estimator,
SGD, and the phases (calibrate, freeze-after).

The reference computes in float32 like LP (the observers and fake
quantization bit for bit, test_observers.py and test_fake_quant.py); the
products sum in another order, so parameters are compared to a relative
1e-4 and observer state to 1e-5.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from lp_testing import run_lp
from test_fake_quant import ref_fake_quant
from test_observers import ref_aminmax, ref_observe, ref_qparams

F32 = np.float32

MLP = """func.func @mlp(%x: tensor<8x6xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<8xi64> {lp.role = "label", lp.name = "y"},
               %w1: tensor<6x5xf32> {lp.role = "param", lp.name = "fc1.w"},
               %b1: tensor<5xf32> {lp.role = "param", lp.name = "fc1.b"},
               %w2: tensor<5x3xf32> {lp.role = "param", lp.name = "fc2.w"},
               %b2: tensor<3xf32> {lp.role = "param", lp.name = "fc2.b"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w1, %b1 {lp.layer = "fc1"} : (tensor<8x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<8x5xf32>
  %a = lp.relu %h {lp.layer = "fc1"} : (tensor<8x5xf32>) -> tensor<8x5xf32>
  %o = lp.linear %a, %w2, %b2 {lp.layer = "fc2"} : (tensor<8x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = lp.cross_entropy %o, %y : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
"""


class Quantizer:
    """One observed (or current-range) fake quantizer of the reference."""

    def __init__(self, axis, qmin, qmax, symmetric, observed, c):
        self.axis, self.qmin, self.qmax, self.sym, self.observed, self.c = (
            axis, qmin, qmax, symmetric, observed, c)
        self.mn = self.mx = None

    def __call__(self, v, observing, quantizing):
        lo, hi = ref_aminmax(v, self.axis)
        if self.observed:
            if self.mn is None:  # the empty range LP starts from
                self.mn, self.mx = np.ones_like(lo), -np.ones_like(hi)
            if observing:
                self.mn, self.mx = ref_observe(lo, hi, self.mn, self.mx, self.c)
            lo, hi = self.mn, self.mx
        s, z = ref_qparams(lo, hi, self.qmin, self.qmax, self.sym)
        if not quantizing:
            return v, np.ones(v.shape, bool)
        return ref_fake_quant(v, s, z, self.qmin, self.qmax, self.axis)


def reference(params, x_all, y_all, steps, lr, *, wbits=8, abits=8, calibrate=0, freeze=0,
              weight_range="observer", c=0.01, asym=False, per_tensor=False):
    """Trains the MLP for `steps` SGD steps with fake quantization as
    lp-fake-quant's options say; returns the parameters and observers."""
    w1, b1, w2, b2 = (params[k].astype(F32).copy() for k in ("fc1.w", "fc1.b", "fc2.w", "fc2.b"))
    wq = dict(qmin=-(1 << (wbits - 1)), qmax=(1 << (wbits - 1)) - 1, symmetric=True,
              observed=weight_range == "observer", c=c)
    aq = dict(qmin=-(1 << (abits - 1)), qmax=(1 << (abits - 1)) - 1, symmetric=asym,
              observed=True, c=c)
    qx, qa = Quantizer(None, **aq), Quantizer(None, **aq)
    waxis = None if per_tensor else 1
    qw1, qw2 = Quantizer(waxis, **wq), Quantizer(waxis, **wq)
    for t in range(steps):
        first = (t % (len(x_all) // 8)) * 8
        x, y = x_all[first:first + 8], y_all[first:first + 8]
        observing = freeze <= 0 or t < freeze
        quantizing = t >= calibrate
        xq, _ = qx(x, observing, quantizing)
        w1q, m1 = qw1(w1, observing, quantizing)
        h = (xq @ w1q + b1).astype(F32)
        a = np.maximum(h, F32(0))
        aq_, ma = qa(a, observing, quantizing)
        w2q, m2 = qw2(w2, observing, quantizing)
        o = (aq_.astype(np.float64) @ w2q + b2)
        p = np.exp(o - o.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        do = (p - np.eye(3)[y]) / len(y)
        dw2 = (aq_.T.astype(np.float64) @ do) * m2
        db2 = do.sum(0)
        da = (do @ w2q.T.astype(np.float64)) * ma * (h > 0)
        dw1 = (xq.T.astype(np.float64) @ da) * m1
        db1 = da.sum(0)
        w1, b1, w2, b2 = ((v - lr * g).astype(F32) for v, g in ((w1, dw1), (b1, db1), (w2, dw2), (b2, db2)))
    state = {"fc1.w": w1, "fc1.b": b1, "fc2.w": w2, "fc2.b": b2}
    if calibrate or freeze:  # the phases' step counter
        state["fq.steps"] = F32(steps)
    for name, q in (("x", qx), ("fc2.input", qa), ("fc1.w", qw1), ("fc2.w", qw2)):
        if q.observed:
            state[f"{name}.fq.min"], state[f"{name}.fq.max"] = q.mn, q.mx
    return state


def data(rng):
    x = (rng.standard_normal((16, 6)) * 1.5).astype(F32)
    y = rng.integers(0, 3, 16).astype(np.int64)
    params = {"fc1.w": (rng.standard_normal((6, 5)) * 0.5).astype(F32),
              "fc1.b": (rng.standard_normal(5) * 0.1).astype(F32),
              "fc2.w": (rng.standard_normal((5, 3)) * 0.5).astype(F32),
              "fc2.b": np.zeros(3, F32)}
    return x, y, params


def train(tmp_path, fake_quant, steps, lr, extra=()):
    rng = np.random.default_rng(12)
    x, y, params = data(rng)
    (tmp_path / "mlp.mlir").write_text(MLP)
    np.savez(tmp_path / "data.npz", x=x, y=y)
    np.savez(tmp_path / "init.npz", **params)
    proc = run_lp([tmp_path / "mlp.mlir", "--train", f"--data={tmp_path / 'data.npz'}",
                   f"--params={tmp_path / 'init.npz'}", f"--steps={steps}", "--no-shuffle",
                   f"--lr={lr}", f"--fake-quant={fake_quant}", f"--checkpoint={tmp_path / 'ck.npz'}",
                   *extra])
    assert proc.returncode == 0, proc.stderr
    assert f"fake-quant={fake_quant}" in proc.stdout, proc.stdout
    return dict(np.load(tmp_path / "ck.npz")), (params, x, y)


def compare(got, want):
    for k, v in want.items():
        assert k in got, (k, sorted(got))
        tol = 1e-4 if k.endswith(("w", "b")) else 1e-5
        np.testing.assert_allclose(got[k], v, rtol=tol, atol=tol, err_msg=k)


# Steps: QAT is chaotic at the grid's resolution (an ulp of difference in
# a sum can move a value to the next int4 step, and the next steps follow
# that), so the coarsest case runs fewer steps.
@pytest.mark.parametrize("options,kw,steps", [
    ("on", {}, 6),
    ("weights=int4 activations=int8", {"wbits": 4}, 6),
    ("weights=int4 activations=int4 weight-range=current", {"wbits": 4, "abits": 4,
                                                            "weight_range": "current"}, 3),
    ("calibrate=2 freeze-after=4 averaging-constant=0.5", {"calibrate": 2, "freeze": 4, "c": 0.5}, 6),
    ("observer=min-max activation-scheme=symmetric granularity=per-tensor", {"c": None, "asym": True,
                                                                             "per_tensor": True}, 6),
])
def test_qat_steps_match_numpy(tmp_path, options, kw, steps):
    lr = 0.5
    got, (params, x, y) = train(tmp_path, options, steps, lr)
    want = reference(params, x, y, steps, lr, **kw)
    compare(got, want)
    # The run quantized something: the result differs from float training.
    plain = reference(params, x, y, steps, lr, calibrate=steps)
    assert not np.allclose(got["fc1.w"], plain["fc1.w"], rtol=1e-4, atol=1e-4)
    if kw.get("weight_range") == "current":
        assert "fc1.w.fq.min" not in got


def test_frozen_ranges_stay(tmp_path):
    """After freeze-after steps the observers keep their ranges while the
    weights go on training."""
    got3, _ = train(tmp_path, "freeze-after=3", 3, 0.5)
    got6, _ = train(tmp_path, "freeze-after=3", 6, 0.5)
    for k in ("x.fq.min", "x.fq.max", "fc1.w.fq.min", "fc2.input.fq.max"):
        assert np.array_equal(got3[k], got6[k]), k
    assert not np.array_equal(got3["fc1.w"], got6["fc1.w"])


def test_resume_continues_the_phases(tmp_path):
    """The step counter and observers are checkpointed: 3 + 3 resumed
    steps equal 6 uninterrupted ones."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    whole, _ = train(tmp_path / "a", "calibrate=2 freeze-after=4", 6, 0.5)
    train(tmp_path / "b", "calibrate=2 freeze-after=4", 3, 0.5)
    b = tmp_path / "b"
    (b / "ck.npz").rename(b / "ck3.npz")
    proc = run_lp([b / "mlp.mlir", "--train", f"--data={b / 'data.npz'}", f"--resume={b / 'ck3.npz'}",
                   "--steps=6", "--no-shuffle", "--lr=0.5", "--fake-quant=calibrate=2 freeze-after=4",
                   f"--checkpoint={b / 'ck.npz'}"])
    assert proc.returncode == 0, proc.stderr
    resumed = dict(np.load(b / "ck.npz"))
    assert resumed["fq.steps"] == 6
    for k, v in whole.items():
        assert np.array_equal(resumed[k], v), k


def test_bad_fake_quant_option_is_an_error(tmp_path):
    (tmp_path / "mlp.mlir").write_text(MLP)
    rng = np.random.default_rng(1)
    x, y, _ = data(rng)
    np.savez(tmp_path / "data.npz", x=x, y=y)
    proc = run_lp([tmp_path / "mlp.mlir", "--train", f"--data={tmp_path / 'data.npz'}", "--steps=1",
                   "--fake-quant=weights=int9"])
    assert proc.returncode == 1, proc
    assert "mlp.mlir:1:1: error: lp-fake-quant: weights must be int8, int4 or none, got 'int9'" in proc.stderr
    proc = run_lp([tmp_path / "mlp.mlir", "--train", f"--data={tmp_path / 'data.npz'}", "--steps=1",
                   "--fake-quant=on", "--precision-override=layer:fc7=int4"])
    assert proc.returncode == 1, proc
    assert "precision override 'layer:fc7=int4' matches no 'lp.layer' of a lowp op of @mlp" in proc.stderr


def test_bf16_operands_are_refused(tmp_path):
    """lp-fake-quant works on f32 values; a product the model itself
    computes in bf16 gets a located error naming the operand."""
    model = MLP.replace(
        "  %h = lp.linear %x, %w1, %b1",
        "  %xb = lp.cast %x : (tensor<8x6xf32>) -> tensor<8x6xbf16>\n"
        "  %wb = lp.cast %w1 : (tensor<6x5xf32>) -> tensor<6x5xbf16>\n"
        "  %bb = lp.cast %b1 : (tensor<5xf32>) -> tensor<5xbf16>\n"
        "  %hb = lp.linear %xb, %wb, %bb {lp.layer = \"fc1\"} : (tensor<8x6xbf16>, tensor<6x5xbf16>, "
        "tensor<5xbf16>) -> tensor<8x5xbf16>\n"
        "  %h = lp.cast %hb : (tensor<8x5xbf16>) -> tensor<8x5xf32>\n"
        "  %unused = lp.linear %x, %w1, %b1")
    (tmp_path / "m.mlir").write_text(model)
    rng = np.random.default_rng(1)
    x, y, _ = data(rng)
    np.savez(tmp_path / "data.npz", x=x, y=y)
    proc = run_lp([tmp_path / "m.mlir", "--train", f"--data={tmp_path / 'data.npz'}", "--steps=1",
                   "--fake-quant=on"])
    assert proc.returncode == 1, proc
    assert ("m.mlir:11:9: error: lp-fake-quant: operand #0 is 'tensor<8x6xbf16>'; fake quantization "
            "works on f32 (run lp-fake-quant before lp-autocast)") in proc.stderr, proc.stderr


def test_post_training_weight_only_evaluation(tmp_path):
    """`--steps 0` evaluates a checkpoint as it is: with
    --fake-quant='activations=none weight-range=current' that is weight-only
    post-training quantization of the trained f32 weights (each rounded to
    the int8 grid of its own per-channel range), against numpy."""
    got, (params, x, y) = train(tmp_path, "weights=none activations=none", 4, 0.5)
    trained = {k: got[k] for k in params}
    np.savez(tmp_path / "trained.npz", **trained)
    np.savez(tmp_path / "eval.npz", x=x, y=y)
    proc = run_lp([tmp_path / "mlp.mlir", "--train", f"--data={tmp_path / 'data.npz'}",
                   f"--params={tmp_path / 'trained.npz'}", "--steps=0", f"--eval-data={tmp_path / 'eval.npz'}",
                   "--fake-quant=activations=none weight-range=current"])
    assert proc.returncode == 0, proc.stderr
    assert "--steps 0: no training" in proc.stdout, proc.stdout
    loss = float(re.search(r"eval: 16 examples, loss ([0-9.eE+-]+)", proc.stdout).group(1))
    q = {}
    for k in ("fc1.w", "fc2.w"):
        w = trained[k]
        lo, hi = ref_aminmax(w, 1)
        s, z = ref_qparams(lo, hi, -128, 127, True)
        q[k] = ref_fake_quant(w, s, z, -128, 127, axis=1)[0]

    def cross_entropy(w1, w2):
        h = np.maximum(x.astype(np.float64) @ w1 + trained["fc1.b"], 0)
        o = h @ w2 + trained["fc2.b"]
        o = o - o.max(axis=1, keepdims=True)
        return -(o[np.arange(16), y] - np.log(np.exp(o).sum(axis=1))).mean()

    ce = cross_entropy(q["fc1.w"], q["fc2.w"])
    assert abs(loss - ce) <= 1e-5 * max(1, ce), (loss, ce)
    # Rounding the weights changed the loss (the check can tell the two apart).
    plain = cross_entropy(trained["fc1.w"], trained["fc2.w"])
    assert abs(plain - ce) > 1e-5 * max(1, ce)


LEARNED = """func.func @lin(%x: tensor<8x6xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<8x3xf32> {lp.role = "label", lp.name = "y"},
               %w: tensor<6x3xf32> {lp.role = "param", lp.name = "w"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %p = lp.matmul %x, %w {lp.layer = "fc"} : (tensor<8x6xf32>, tensor<6x3xf32>) -> tensor<8x3xf32>
  %l = lp.mse_loss %p, %y : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
"""


def test_learned_weight_range(tmp_path):
    """weight-range=learned: the scale is the current range's times
    exp(a), `a` (w.fq.log_scale, zeros) trained by LSQ's gradient with
    grad_factor 1/sqrt(elements per channel * quant_max); one SGD step
    against numpy (ref_lsq_grads, checked against torch in
    test_fake_quant.py)."""
    from test_fake_quant import ref_lsq_grads

    rng = np.random.default_rng(21)
    x = rng.standard_normal((8, 6)).astype(F32)
    y = rng.standard_normal((8, 3)).astype(F32)
    w = (rng.standard_normal((6, 3)) * 0.7).astype(F32)
    (tmp_path / "lin.mlir").write_text(LEARNED)
    np.savez(tmp_path / "data.npz", x=np.concatenate([x, -x]), y=np.concatenate([y, y]))
    np.savez(tmp_path / "init.npz", w=w)
    lr = 0.3
    proc = run_lp([tmp_path / "lin.mlir", "--train", f"--data={tmp_path / 'data.npz'}",
                   f"--params={tmp_path / 'init.npz'}", "--steps=1", "--no-shuffle", f"--lr={lr}",
                   "--fake-quant=weights=int4 activations=none weight-range=learned",
                   f"--checkpoint={tmp_path / 'ck.npz'}"])
    assert proc.returncode == 0, proc.stderr
    got = dict(np.load(tmp_path / "ck.npz"))
    lo, hi = ref_aminmax(w, 1)
    s, z = ref_qparams(lo, hi, -8, 7, True)
    wq, mask = ref_fake_quant(w, s, z, -8, 7, axis=1)
    p = x.astype(np.float64) @ wq.astype(np.float64)
    dwq = (x.T.astype(np.float64) @ (2.0 * (p - y) / p.size)).astype(F32)
    gf = 1.0 / np.sqrt(6 * 7)
    dx, ds, _ = ref_lsq_grads(w, s, z, -8, 7, gf, dwq, axis=1)
    np.testing.assert_allclose(got["w"], w - lr * dx.astype(np.float64), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got["w.fq.log_scale"], -lr * ds * s.astype(np.float64), rtol=1e-4, atol=1e-7)
    assert np.any(got["w.fq.log_scale"] != 0), "the range did not learn"
