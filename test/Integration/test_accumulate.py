"""Gradient accumulation (lp-run --accumulate=N, lp-build-gradients
accumulate) against the independent numpy model of the digits MLP
(test/helpers/mixed_mlp.py), which runs each of the N micro-batches with
seed 1/N and sums their float32 gradients in order, as PyTorch's
`(loss / N).backward()` per micro-batch and one `optimizer.step()`:

* test_accumulation_matches_model: f32 and bf16, N = 4 micro-batches of 64
  (a step reads 256 examples), 6 SGD steps with momentum: every logged loss
  (the micro-batches' mean) agrees to 1e-5 and the final f32 master weights
  to 2e-5; in f32 the result also differs from 6 steps on single batches
  (the test sees the accumulation) and matches the mathematically equal
  step on one batch of 256 examples to float32 rounding.
* test_accumulation_with_loss_scaling: f16 with dynamic loss scaling and
  N = 2: the scale is updated once per step (the growth interval counts
  steps, not micro-batches).
* test_char_lm_mask_passed_whole: the char LM's attention mask and scale
  (arrays of the argument's own shape in the data) are read whole by every
  micro-batch, not sliced: one SGD step (no momentum) on two accumulated
  micro-batches moves the parameters by the mean of the moves of one step
  on each micro-batch alone (the update is linear in the gradient; float32
  rounding apart).
* test_step_checkpoints: `--checkpoint=ck{step}.npz --checkpoint-every=1`
  keeps every step's checkpoint.
* test_accumulate_errors: accumulate < 1 and a model with nothing to
  slice (its only input rank 0) are located errors, not crashes.
"""

from __future__ import annotations

import numpy as np
import pytest

from lp_testing import run_lp
from mixed_mlp import LOW, sgd_losses
from mlp_runs import DATA, DIGITS_MLP, digits_train, train_mlp

STEPS, LR, MOMENTUM, N = 6, 0.1, 0.9, 4


def train(tmp_path, *extra, steps=STEPS):
    return train_mlp(tmp_path, 777, steps, LR, MOMENTUM, *extra)


@pytest.mark.parametrize("precision", ["f32", "bf16"])
def test_accumulation_matches_model(tmp_path, precision):
    params, proc, got, out = train(tmp_path, f"--accumulate={N}", f"--precision={precision}")
    assert f"accumulate={N}" in proc.stdout and "batch 256" in proc.stdout, proc.stdout
    x, y = digits_train()
    want, final = sgd_losses(params, x, y, STEPS, LR, MOMENTUM, LOW[precision], accumulate=N)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    for k, v in final.items():
        np.testing.assert_allclose(out[k], v, rtol=0, atol=2e-5, err_msg=k)
    if precision == "f32":
        single, _ = sgd_losses(params, x, y, STEPS, LR, MOMENTUM, None)
        assert np.max(np.abs(np.array(single) - np.array(want))) > 1e-3, "accumulation is not visible"
        whole, _ = sgd_losses(params, x, y, STEPS, LR, MOMENTUM, None, batch=64 * N)
        np.testing.assert_allclose(got, whole, rtol=1e-5)


def test_accumulation_with_loss_scaling(tmp_path):
    _, proc, _, out = train(tmp_path, "--accumulate=2", "--precision=f16", "--loss-scale=dynamic",
                            "--growth-interval=3", steps=6)
    # No overflow at this scale: two growths after 3 and 6 steps (4 and 8
    # if it counted micro-batches).
    assert "skipped 0" in proc.stdout, proc.stdout
    assert float(out["loss_scale"]) == 65536.0 * 4 and int(out["loss_scale.growth"]) == 0


NO_BATCH = """
func.func @m(%x: tensor<f32> {lp.role = "input", lp.name = "x"},
             %w: tensor<f32> {lp.role = "param", lp.name = "w", lp.init = "ones"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %l = lp.mul %x, %w : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %l : tensor<f32>
}
"""


def test_accumulate_errors(tmp_path):
    proc = run_lp([DIGITS_MLP, "--train", f"--data={DATA / 'digits_train.npz'}", "--steps=1", "--accumulate=0"])
    assert proc.returncode == 1 and "accumulate must be >= 1, got 0" in proc.stderr, proc.stderr
    model = tmp_path / "m.mlir"
    model.write_text(NO_BATCH)
    np.savez(tmp_path / "d.npz", x=np.ones(4, np.float32))
    proc = run_lp([model, "--train", f"--data={tmp_path / 'd.npz'}", "--steps=1", "--accumulate=2"])
    assert proc.returncode == 1, proc.stderr
    assert "m.mlir:2:1: error: lp-build-gradients: accumulate=2 has no batch argument to slice" in proc.stderr, \
        proc.stderr
    assert "Stack dump" not in proc.stderr


def test_char_lm_mask_passed_whole(tmp_path):
    d = dict(np.load(DATA / "chars_train.npz"))
    model = DATA.parent / "char_lm.mlir"
    halves = {"a": slice(0, 16), "b": slice(16, 32), "ab": slice(0, 32)}
    out = {}
    for name, rows in halves.items():
        np.savez(tmp_path / f"{name}.npz", **{k: (v[rows] if v.ndim == 2 and v.shape[0] == d["y"].shape[0] else v)
                                            for k, v in d.items()})
        ck = tmp_path / f"{name}_ck.npz"
        args = [model, "--train", f"--data={tmp_path / f'{name}.npz'}", "--steps=1", "--no-shuffle", "--lr=0.5",
                "--momentum=0", "--seed=7", f"--checkpoint={ck}"]
        if name == "ab":
            args.append("--accumulate=2")
        proc = run_lp(args)
        assert proc.returncode == 0, proc.stderr
        out[name] = dict(np.load(ck))
    init = tmp_path / "init.npz"
    proc = run_lp([model, "--train", f"--data={tmp_path / 'a.npz'}", "--steps=0", "--seed=7", f"--checkpoint={init}"])
    assert proc.returncode == 0, proc.stderr
    p0 = dict(np.load(init))
    moved = 0
    for k, v in p0.items():
        if k == "step":
            continue
        want = v.astype(np.float64) + ((out["a"][k] - v) + (out["b"][k] - v)) / 2.0
        np.testing.assert_allclose(out["ab"][k], want, rtol=1e-4, atol=1e-6, err_msg=k)
        moved += int(np.any(out["ab"][k] != v))
    assert moved > 10, "the step moved almost nothing"


def test_step_checkpoints(tmp_path):
    proc = run_lp([DIGITS_MLP, "--train", f"--data={DATA / 'digits_train.npz'}", "--steps=3", "--checkpoint-every=1",
                   f"--checkpoint={tmp_path / 'ck{step}.npz'}"])
    assert proc.returncode == 0, proc.stderr
    for s in (1, 2, 3):
        assert int(np.load(tmp_path / f"ck{s}.npz")["step"]) == s
