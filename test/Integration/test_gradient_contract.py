"""The staged train step: gradient transforms, skipped steps, model state.

The test-only transforms of test/lib (lp-opt only) stand in for loss
scaling: lp-test-scale-seeds multiplies the backward seeds by a factor,
lp-test-unscale-gradients divides the gradients by it, skips the update
when one is not finite, counts skips in the state slot
`test.skipped_steps` and returns `test.found_inf`. Steps are compiled ahead
of time (lp-opt | lp-translate | cc) and trained by lp-exec.

* test_power_of_two_scaling_is_exact: seeds x 1024 and gradients / 1024
  change no bit (powers of two): the loss log and the checkpoint equal the
  plain step's, which matches the float32 numpy SGD loop of test_training.
* test_skipped_steps_match_numpy_adam: a batch with an infinity makes its
  steps' gradients non-finite; those steps apply no update (parameters and
  moments unchanged), `step` counts every iteration, `adam.t` only applied
  ones, the trainer reports the skips and goes on; the parameters equal a
  float64 numpy Adam that skips the same batches.
* test_resume_is_bit_identical: 6 steps, or 3 and a resume for 3 more, give
  the same checkpoint, with every registered slot (adam.t, the moments, the
  transform's counter) in it.
* test_model_state_counts_calls: a model whose `state` argument counts its
  calls: lp-run's checkpoint holds the count, eval does not advance it, and
  a resume continues it.
"""

from __future__ import annotations

import re

import numpy as np

from aot import build_shared_object, run_lp_exec
from linear_classifier import MODEL as LINEAR, batch_of, gradients
from lp_testing import run_lp
from test_training import DIGITS_MLP, digits_data, init_mlp, numpy_sgd_losses, read_log  # noqa: F401

SCALE = ["--lp-build-gradients", "--lp-test-scale-seeds=factor=1024", "--lp-test-unscale-gradients=factor=1024"]



def test_power_of_two_scaling_is_exact(digits_data, tmp_path):
    steps, sgd = 12, "--lp-apply-optimizer=optimizer=sgd lr=0.1 momentum=0.9"
    (tmp_path / "plain").mkdir()
    (tmp_path / "scaled").mkdir()
    plain = build_shared_object(DIGITS_MLP, tmp_path / "plain", ["--lp-build-gradients", sgd], "inplace-results=1")
    scaled = build_shared_object(DIGITS_MLP, tmp_path / "scaled", [*SCALE, sgd], "inplace-results=1")
    params = init_mlp(7)
    np.savez(tmp_path / "init.npz", **params)
    runs = {}
    for name, so in (("plain", plain), ("scaled", scaled)):
        log, ck = tmp_path / f"{name}.txt", tmp_path / f"{name}.npz"
        proc = run_lp_exec([so, "--train", f"--data={digits_data}", "--no-shuffle", f"--params={tmp_path / 'init.npz'}",
                            f"--steps={steps}", f"--loss-log={log}", f"--checkpoint={ck}", "--log-every=0"])
        assert proc.returncode == 0, proc.stderr
        assert "skipped" not in proc.stdout, proc.stdout
        runs[name] = (log.read_text(), dict(np.load(ck)))
    assert runs["scaled"][0] == runs["plain"][0]
    plain_ck, scaled_ck = runs["plain"][1], runs["scaled"][1]
    assert set(scaled_ck) == set(plain_ck) | {"test.skipped_steps"}
    for k, v in plain_ck.items():
        assert scaled_ck[k].tobytes() == v.tobytes(), k
    assert int(scaled_ck["test.skipped_steps"]) == 0 and int(scaled_ck["step"]) == steps
    data = np.load(digits_data)
    ref, _ = numpy_sgd_losses(params, data["x"], data["y"], steps, 0.1, 0.9)
    got = np.array([v[0] for _, v in read_log(tmp_path / "plain.txt")])
    np.testing.assert_allclose(got, ref, rtol=1e-4)


def linear_step(rng, tmp_path, apply, bad_batch):
    """The LINEAR model's step with the test transforms and `apply`
    compiled ahead of time, and train.npz: 4 batches of 8, batch
    `bad_batch` holding an infinity. Returns (step.so, x, y)."""
    model = tmp_path / "lin.mlir"
    model.write_text(LINEAR)
    so = build_shared_object(model, tmp_path, [*SCALE, apply], "inplace-results=1")
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = rng.integers(0, 3, 32).astype(np.int64)
    x[bad_batch * 8 + 3, 2] = np.inf
    np.savez(tmp_path / "train.npz", x=x, y=y)
    return so, x, y


def numpy_adam(params, x, y, steps, lr, b1, b2, eps):
    """float64 Adam (PyTorch's formulas) on softmax cross-entropy; a step
    whose gradients are not finite applies nothing and does not count."""
    p = {k: v.astype(np.float64) for k, v in params.items()}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v2 = {k: np.zeros_like(v) for k, v in p.items()}
    t = skipped = 0
    for i in range(steps):
        g = gradients(p, *batch_of(x, y, i))
        if not all(np.isfinite(gv).all() for gv in g.values()):
            skipped += 1
            continue
        t += 1
        for k in p:
            m[k] = b1 * m[k] + (1 - b1) * g[k]
            v2[k] = b2 * v2[k] + (1 - b2) * g[k] ** 2
            p[k] -= lr / (1 - b1**t) * m[k] / (np.sqrt(v2[k]) / np.sqrt(1 - b2**t) + eps)
    return p, m, v2, t, skipped


def test_skipped_steps_match_numpy_adam(rng, tmp_path):
    so, x, y = linear_step(rng, tmp_path, "--lp-apply-optimizer=optimizer=adam lr=0.05", bad_batch=1)
    g = np.random.default_rng(5)
    params = {"w": g.uniform(-0.8, 0.8, (4, 3)).astype(np.float32), "b": g.uniform(-0.1, 0.1, 3).astype(np.float32)}
    np.savez(tmp_path / "init.npz", **params)
    steps = 8  # two epochs of 4 batches: batch 1 is bad at steps 2 and 6
    proc = run_lp_exec([so, "--train", f"--data={tmp_path / 'train.npz'}", "--no-shuffle",
                        f"--params={tmp_path / 'init.npz'}", f"--steps={steps}", "--log-every=1",
                        f"--checkpoint={tmp_path / 'ck.npz'}"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.findall(r"step (\d+)  skipped", proc.stdout) == ["2", "6"], proc.stdout
    assert "skipped 2 of 8 steps" in proc.stdout, proc.stdout
    ck = dict(np.load(tmp_path / "ck.npz"))
    p, m, v, t, skipped = numpy_adam(params, x, y, steps, 0.05, 0.9, 0.999, 1e-8)
    assert (t, skipped) == (6, 2)
    assert int(ck["step"]) == 8 and int(ck["adam.t"]) == 6 and int(ck["test.skipped_steps"]) == 2
    for k in ("w", "b"):
        np.testing.assert_allclose(ck[k], p[k], rtol=1e-5, atol=1e-6, err_msg=k)
        np.testing.assert_allclose(ck[f"{k}.adam.m"], m[k], rtol=1e-4, atol=1e-7, err_msg=f"{k}.adam.m")
        np.testing.assert_allclose(ck[f"{k}.adam.v"], v[k], rtol=1e-4, atol=1e-9, err_msg=f"{k}.adam.v")

    # A skipped step changes no bit: one more step on data made of the bad
    # batch only.
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.concatenate([x[8:16]] * 2), y=np.concatenate([y[8:16]] * 2))
    proc = run_lp_exec([so, "--train", f"--data={bad}", f"--resume={tmp_path / 'ck.npz'}", "--steps=9",
                        "--log-every=0", f"--checkpoint={tmp_path / 'after.npz'}"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after = dict(np.load(tmp_path / "after.npz"))
    for k, v0 in ck.items():
        if k in ("step", "test.skipped_steps"):
            assert int(after[k]) == int(v0) + 1, k
        else:
            assert after[k].tobytes() == v0.tobytes(), k


def test_resume_is_bit_identical(rng, tmp_path):
    so, _, _ = linear_step(rng, tmp_path, "--lp-apply-optimizer=optimizer=adamw lr=0.02 weight-decay=0.1",
                           bad_batch=2)
    common = [so, "--train", f"--data={tmp_path / 'train.npz'}", "--seed=4", "--log-every=0"]
    for args in (["--steps=6", f"--checkpoint={tmp_path / 'full.npz'}"],
                 ["--steps=3", f"--checkpoint={tmp_path / 'half.npz'}"],
                 ["--steps=6", f"--resume={tmp_path / 'half.npz'}", f"--checkpoint={tmp_path / 'resumed.npz'}"]):
        proc = run_lp_exec([*common, *args])
        assert proc.returncode == 0, proc.stdout + proc.stderr
    full, resumed = dict(np.load(tmp_path / "full.npz")), dict(np.load(tmp_path / "resumed.npz"))
    assert set(full) == {"w", "b", "step", "adam.t", "w.adam.m", "w.adam.v", "b.adam.m", "b.adam.v",
                         "test.skipped_steps"}
    assert sorted(full) == sorted(resumed)
    for k in full:
        assert full[k].tobytes() == resumed[k].tobytes(), k
    assert int(full["step"]) == 6 and int(full["adam.t"]) + int(full["test.skipped_steps"]) == 6


COUNTER = """
func.func @counter(%x: tensor<8x4xf32> {lp.role = "input", lp.name = "x"},
                   %y: tensor<8xi64> {lp.role = "label", lp.name = "y"},
                   %w: tensor<4x3xf32> {lp.role = "param", lp.name = "w", lp.init = "glorot_uniform"},
                   %calls: tensor<f32> {lp.role = "state", lp.name = "calls"})
    -> (tensor<f32> {lp.name = "loss"}, tensor<f32> {lp.name = "calls"}) {
  %h = lp.matmul %x, %w : (tensor<8x4xf32>, tensor<4x3xf32>) -> tensor<8x3xf32>
  %l = lp.cross_entropy %h, %y : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %c = lp.add %calls, %one : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %l, %c : tensor<f32>, tensor<f32>
}
"""


def test_model_state_counts_calls(rng, tmp_path):
    model = tmp_path / "counter.mlir"
    model.write_text(COUNTER)
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = rng.integers(0, 3, 32).astype(np.int64)
    np.savez(tmp_path / "train.npz", x=x, y=y)
    common = [model, "--train", f"--data={tmp_path / 'train.npz'}", "--log-every=0", "--optimizer=adam"]
    proc = run_lp([*common, "--steps=5", f"--eval-data={tmp_path / 'train.npz'}", f"--checkpoint={tmp_path / 'a.npz'}",
                   f"--loss-log={tmp_path / 'log.txt'}"])
    assert proc.returncode == 0, proc.stderr
    ck = dict(np.load(tmp_path / "a.npz"))
    # 5 training calls; the 4 eval batches do not count.
    assert ck["calls"].dtype == np.float32 and float(ck["calls"]) == 5.0
    assert int(ck["step"]) == 5 and int(ck["adam.t"]) == 5
    # The loss log has the loss and the total, not the state.
    assert all(len(v) == 2 for _, v in read_log(tmp_path / "log.txt"))
    proc = run_lp([*common, "--steps=8", f"--resume={tmp_path / 'a.npz'}", f"--checkpoint={tmp_path / 'b.npz'}"])
    assert proc.returncode == 0, proc.stderr
    assert float(np.load(tmp_path / "b.npz")["calls"]) == 8.0
