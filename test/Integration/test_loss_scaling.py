"""Loss scaling (lp-loss-scaling through lp-run --loss-scale) against an
independent numpy model of PyTorch GradScaler's rules (../shared/DESIGN.md
section 3: scale in f32, growth when tracker + 1 == interval, a growth to
inf not applied but the tracker reset, backoff without a floor, the check on
the still-scaled gradients, the step skipped on overflow):

* test_gradscaler_trace: a one-parameter model whose gradient is the batch
  value times the scale; scripted batches of finite values, inf and NaN are
  run one step at a time (--resume from the previous checkpoint), and after
  every step (scale, tracker, skipped) equals the numpy model, including a
  growth to inf (scale 2^127) and a backoff into f32 subnormals (2^-124 to
  2^-130); Adam's parameter and state are bit-identical across a skipped
  step and its count does not advance. This also checks that the scale
  and tracker are checkpointed and resumed.
* test_f16_resume_is_bit_identical: the digits MLP in f16 with dynamic
  scaling (growth every 5 steps, so it overflows and backs off), 24 steps
  against 12 + 12 resumed: identical checkpoints, byte for byte, and some
  steps skipped.
* test_static_scaling_skips_overflow: a static scale skips an overflowing
  step and keeps its scale.
* test_loss_scaling_errors: bad options exit 1 with a message.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from lp_testing import REPO_ROOT, run_lp

DATA = REPO_ROOT / "examples" / "data"
TRACE = """
func.func @trace(%x: tensor<1x1xf32> {lp.role = "input", lp.name = "x"},
                 %w: tensor<1xf32> {lp.role = "param", lp.name = "w", lp.init = "ones"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %p = lp.mul %x, %w : (tensor<1x1xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0, 1>} : (tensor<1x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
"""


def gradscaler(xs, scale, interval, growth=2.0, backoff=0.5):
    """PyTorch GradScaler's update, written from its documented rules: the
    gradient of sum(x * w) is x times the scale, in f32."""
    s, t, out = np.float32(scale), 0, []
    for x in xs:
        with np.errstate(over="ignore", invalid="ignore"):
            found = not np.isfinite(np.float32(x) * s)
        if found:
            s, t = np.float32(s * np.float32(backoff)), 0
        elif t + 1 == interval:
            with np.errstate(over="ignore"):
                g = np.float32(s * np.float32(growth))
            s, t = (g if np.isfinite(g) else s), 0
        else:
            t += 1
        out.append((s, t, found))
    return out


@pytest.mark.parametrize(
    "xs, scale, interval",
    [
        ([1, 1, 1, np.inf, 1, np.nan, 1, 1, 1, -np.inf, 1], 4.0, 2),
        ([1, 1, np.inf, 1], 2.0**127, 1),  # growth to inf is not applied
        ([np.inf] * 6 + [1], 2.0**-124, 3),  # backoff into subnormals
    ],
    ids=["mixed", "growth-to-inf", "backoff-subnormal"],
)
def test_gradscaler_trace(tmp_path, xs, scale, interval):
    model = tmp_path / "trace.mlir"
    model.write_text(TRACE)
    data = tmp_path / "x.npz"
    np.savez(data, x=np.array(xs, np.float32).reshape(-1, 1))
    ck = tmp_path / "ck.npz"
    want = gradscaler(xs, scale, interval)
    before = {"w": np.ones(1, np.float32), "w.adam.m": np.zeros(1, np.float32),
              "w.adam.v": np.zeros(1, np.float32), "adam.t": np.array(0)}
    for step, (s, t, found) in enumerate(want, start=1):
        args = [model, "--train", f"--data={data}", "--no-shuffle", f"--steps={step}", "--optimizer=adam",
                "--lr=0.01", "--loss-scale=dynamic", f"--init-scale={scale!r}", f"--growth-interval={interval}",
                f"--checkpoint={ck}", "--log-every=0"]
        if step > 1:
            args.append(f"--resume={ck}")
        proc = run_lp(args)
        assert proc.returncode == 0, proc.stderr
        got = dict(np.load(ck))
        assert got["loss_scale"].dtype == np.float32
        assert (got["loss_scale"].tobytes(), int(got["loss_scale.growth"])) == (np.float32(s).tobytes(), t), (
            f"step {step}: LP scale {got['loss_scale']!r} tracker {got['loss_scale.growth']}, "
            f"GradScaler {s!r} {t}")
        assert (f"step {step}  skipped" in proc.stdout) == found, proc.stdout
        if found:
            for k in ("w", "w.adam.m", "w.adam.v", "adam.t"):
                assert got[k].tobytes() == before[k].tobytes(), f"step {step} changed {k}"
        else:
            assert got["w"].tobytes() != before["w"].tobytes(), f"step {step} applied no update"
            assert int(got["adam.t"]) == int(before["adam.t"]) + 1
        before = got


def f16_run(tmp_path, name, steps, resume=None):
    ck = tmp_path / f"{name}.npz"
    args = [REPO_ROOT / "examples" / "digits_mlp.mlir", "--train", f"--data={DATA / 'digits_train.npz'}",
            "--precision=f16", "--loss-scale=dynamic", "--growth-interval=5", "--optimizer=adam", "--lr=0.003",
            "--seed=3", f"--steps={steps}", f"--checkpoint={ck}", "--log-every=1"]
    if resume:
        args.append(f"--resume={resume}")
    proc = run_lp(args)
    assert proc.returncode == 0, proc.stderr
    return ck, proc


def test_f16_resume_is_bit_identical(tmp_path):
    full, proc = f16_run(tmp_path, "full", 24)
    assert "skipped" in proc.stdout and re.search(r"scale \d+", proc.stdout), proc.stdout
    half, _ = f16_run(tmp_path, "half", 12)
    resumed, _ = f16_run(tmp_path, "half", 24, resume=half)
    a, b = dict(np.load(full)), dict(np.load(resumed))
    assert set(a) == set(b) and {"loss_scale", "loss_scale.growth"} <= set(a)
    for k in a:
        assert a[k].tobytes() == b[k].tobytes(), k


def test_static_scaling_skips_overflow(tmp_path):
    model = tmp_path / "trace.mlir"
    model.write_text(TRACE)
    data = tmp_path / "x.npz"
    np.savez(data, x=np.array([[1], [1e30], [1]], np.float32))  # 1e30 * 2^10 is finite; 1e30 * 2^100 is not
    ck = tmp_path / "ck.npz"
    proc = run_lp([model, "--train", f"--data={data}", "--no-shuffle", "--steps=3", "--loss-scale=static",
                   "--init-scale=1.2676506002282294e30", "--lr=0.1", f"--checkpoint={ck}", "--log-every=0"])
    assert proc.returncode == 0, proc.stderr
    assert "step 2  skipped" in proc.stdout and "skipped 1 of 3 steps" in proc.stdout, proc.stdout
    got = dict(np.load(ck))
    assert "loss_scale" not in got
    # Two applied SGD steps of gradient 1 (unscaled exactly: the scale is 2^100).
    assert got["w"].tobytes() == np.float32(np.float32(1 - np.float32(0.1)) - np.float32(0.1)).tobytes()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--loss-scale=sometimes"], "loss-scale must be none, static or dynamic, got 'sometimes'"),
        (["--loss-scale=dynamic", "--init-scale=0"], "init-scale must be a finite number > 0"),
        (["--loss-scale=dynamic", "--growth-factor=1"], "growth-factor must be a finite number > 1"),
        (["--loss-scale=dynamic", "--backoff-factor=1"], "backoff-factor must lie in (0, 1)"),
        (["--loss-scale=dynamic", "--growth-interval=0"], "growth-interval must be >= 1"),
        (["--loss-scale=dynamic", "--min-scale=8", "--max-scale=4"], "min-scale must not exceed max-scale"),
    ],
)
def test_loss_scaling_errors(tmp_path, args, message):
    proc = run_lp([REPO_ROOT / "examples" / "digits_mlp.mlir", "--train", f"--data={DATA / 'digits_train.npz'}",
                   "--steps=1", *args])
    assert proc.returncode == 1, proc.stderr
    assert message in proc.stderr, proc.stderr
    assert "Stack dump" not in proc.stderr


NORM = """
func.func @norm(%x: tensor<1x3xf32> {lp.role = "input", lp.name = "x"},
                %w: tensor<3xf32> {lp.role = "param", lp.name = "w", lp.init = "ones"},
                %b: tensor<f32> {lp.role = "param", lp.name = "b", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %p = lp.mul %x, %w : (tensor<1x3xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  %s = lp.reduce_sum %p {axes = array<i64: 0, 1>} : (tensor<1x3xf32>) -> tensor<f32>
  %l = lp.add %s, %b : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %l : tensor<f32>
}
"""


@pytest.mark.parametrize("clip", [None, 1.0])
def test_grad_norm_is_unscaled_and_pre_clip(tmp_path, clip):
    """The step returns the global norm of the unscaled gradients (d/dw = x,
    d/db = 1) before clipping, and lp-run prints it; with clipping, the
    update uses the clipped gradient (numpy float64 reference)."""
    model = tmp_path / "norm.mlir"
    model.write_text(NORM)
    xs = np.random.default_rng(5).normal(size=(3, 1, 3)).astype(np.float32) * 4
    xs[2, 0, 1] = np.inf
    np.savez(tmp_path / "x.npz", x=xs.reshape(3, 3))
    args = [model, "--train", f"--data={tmp_path / 'x.npz'}", "--no-shuffle", "--steps=3",
            "--loss-scale=dynamic", "--init-scale=1024", "--lr=0.25", f"--checkpoint={tmp_path / 'ck.npz'}",
            "--log-every=1"]
    if clip:
        args.append(f"--clip-grad-norm={clip}")
    proc = run_lp(args)
    assert proc.returncode == 0, proc.stderr
    got = [float(v) for v in re.findall(r"grad_norm (\S+)", proc.stdout)]
    want = [np.sqrt(np.sum(x.astype(np.float64) ** 2) + 1.0) for x in xs]
    assert len(got) == 3, proc.stdout
    np.testing.assert_allclose(got[:2], want[:2], rtol=1e-6)
    assert got[2] == np.inf and "step 3  skipped" in proc.stdout, proc.stdout
    w, b = np.ones(3), 0.0
    for x, n in zip(xs[:2], want[:2]):
        c = min(1.0, clip / (n + 1e-6)) if clip else 1.0
        w, b = w - 0.25 * c * x[0], b - 0.25 * c
    ck = dict(np.load(tmp_path / "ck.npz"))
    np.testing.assert_allclose(ck["w"], w, rtol=1e-6)
    np.testing.assert_allclose(ck["b"], b, rtol=1e-6, atol=1e-7)
