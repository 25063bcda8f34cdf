"""Learning-rate schedules computed inside the step from `step`.

The model's loss is sum(w * x) with x = [1, 0, 0, 0] in every batch, so
plain SGD moves w[0] by exactly -lr_i at step i and the loss log gives the
learning rate each step used: lr_i = loss_i - loss_{i+1}. It is compared
with PyTorch's documented formulas (LinearLR, CosineAnnealingLR in closed
form, StepLR) evaluated in float64 and rounded to float32, over 20 steps;
a resume continues the schedule from the checkpoint's `step`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lp_testing import run_lp

MODEL = """
func.func @probe(%x: tensor<1x4xf32> {lp.role = "input", lp.name = "x"},
                 %w: tensor<4xf32> {lp.role = "param", lp.name = "w", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %p = lp.mul %x, %w : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0, 1>} : (tensor<1x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
"""

LR = 0.5


def pytorch_lr(kind, i):
    if kind == "constant":
        return LR
    if kind == "linear-warmup":  # LinearLR(start_factor=0.25, total_iters=6)
        return LR * (0.25 + 0.75 * min(i, 6) / 6)
    if kind == "cosine":  # CosineAnnealingLR(T_max=15, eta_min=0.05)
        return 0.05 + (LR - 0.05) * (1 + math.cos(math.pi * i / 15)) / 2
    return LR * 0.5 ** (i // 4)  # StepLR(step_size=4, gamma=0.5)


FLAGS = {"constant": [], "linear-warmup": ["--warmup-steps=6", "--warmup-start-factor=0.25"],
         "cosine": ["--lr-total-steps=15", "--min-lr=0.05"], "step": ["--lr-step-size=4", "--lr-gamma=0.5"]}


def run(tmp_path, kind, steps, extra=(), tag=""):
    model = tmp_path / "probe.mlir"
    model.write_text(MODEL)
    np.savez(tmp_path / "d.npz", x=np.tile(np.array([[1.0, 0, 0, 0]], np.float32), (4, 1)))
    log = tmp_path / f"{kind}{tag}.txt"
    proc = run_lp([model, "--train", f"--data={tmp_path / 'd.npz'}", f"--steps={steps}", f"--lr={LR}",
                   f"--lr-schedule={kind}", *FLAGS[kind], "--log-every=0", f"--loss-log={log}", *extra])
    assert proc.returncode == 0, proc.stderr
    return np.array([float(line.split()[1]) for line in log.read_text().splitlines()])


@pytest.mark.parametrize("kind", list(FLAGS))
def test_schedule_matches_pytorch_formulas(tmp_path, kind):
    losses = run(tmp_path, kind, 21)
    used = losses[:-1] - losses[1:]  # lr of steps 0..19
    want = np.array([np.float32(pytorch_lr(kind, i)) for i in range(20)], np.float64)
    # w[0] is a float32 sum of the rates: its rounding bounds the recovery.
    np.testing.assert_allclose(used, want, rtol=0, atol=4e-6 * max(1, abs(losses).max()))
    if kind != "constant":
        assert np.ptp(want) > 0.1, "the schedule does not vary: the test would not see it"


def test_resume_continues_the_schedule(tmp_path):
    full = run(tmp_path, "cosine", 12, tag="full")
    ck = tmp_path / "ck.npz"
    run(tmp_path, "cosine", 5, [f"--checkpoint={ck}"], tag="resumed")
    resumed = run(tmp_path, "cosine", 12, [f"--resume={ck}"], tag="resumed")  # appends steps 6..12
    np.testing.assert_array_equal(resumed, full)


def test_bad_schedule_is_an_error(tmp_path):
    model = tmp_path / "probe.mlir"
    model.write_text(MODEL)
    np.savez(tmp_path / "d.npz", x=np.ones((4, 4), np.float32))
    for flags, message in ((["--lr-schedule=exp"], "unknown learning-rate schedule 'exp'"),
                           (["--lr-schedule=cosine"], "the cosine schedule needs total-steps > 0")):
        proc = run_lp([model, "--train", f"--data={tmp_path / 'd.npz'}", "--steps=1", *flags])
        assert proc.returncode == 1 and message in proc.stderr, proc.stderr
