"""Knowledge distillation (examples/distill_mlp.mlir): the distillation
loss against numpy in float64 (Hinton's KL divergence at temperature T,
times T^2, PyTorch's kl_div(..., reduction="batchmean")), a teacher
compiled alongside as read-only state that training leaves bit for bit
unchanged, and a teacher checkpoint given as initial values that does not
set the student's step count."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from lp_testing import run_lp

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "examples" / "distill_mlp.mlir"
F32 = np.float32
T = 4.0


def teacher_params(rng):
    return {"conv1.w": (rng.standard_normal((16, 1, 3, 3)) * 0.5).astype(F32),
            "conv1.b": (rng.standard_normal(16) * 0.1).astype(F32),
            "conv2.w": (rng.standard_normal((32, 16, 3, 3)) * 0.15).astype(F32),
            "conv2.b": (rng.standard_normal(32) * 0.1).astype(F32),
            "fc.w": (rng.standard_normal((128, 10)) * 0.3).astype(F32),
            "fc.b": np.zeros(10, F32)}


def student_params(rng):
    return {"student.fc1.w": (rng.standard_normal((64, 16)) * 0.3).astype(F32),
            "student.fc1.b": np.zeros(16, F32),
            "student.fc2.w": (rng.standard_normal((16, 10)) * 0.5).astype(F32),
            "student.fc2.b": np.zeros(10, F32)}


def conv3x3(x, w, b):
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((n, w.shape[0], h, wd))
    for i in range(3):
        for j in range(3):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + h, j:j + wd], w[:, :, i, j])
    return out + b[None, :, None, None]


def pool2(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def reference_losses(p, x, y):
    p = {k: v.astype(np.float64) for k, v in p.items()}
    h = pool2(np.maximum(conv3x3(x.astype(np.float64), p["conv1.w"], p["conv1.b"]), 0))
    h = pool2(np.maximum(conv3x3(h, p["conv2.w"], p["conv2.b"]), 0))
    t = h.reshape(len(x), -1) @ p["fc.w"] + p["fc.b"]
    a = np.maximum(x.reshape(len(x), -1) @ p["student.fc1.w"] + p["student.fc1.b"], 0)
    s = a @ p["student.fc2.w"] + p["student.fc2.b"]
    ce = -log_softmax(s)[np.arange(len(y)), y].mean()
    lt, ls = log_softmax(t / T), log_softmax(s / T)
    kd = (np.exp(lt) * (lt - ls)).sum() / len(x) * T * T
    return ce, kd


def random_model_and_data(tmp_path, seed, examples):
    """Teacher and student weights in params.npz, `examples` random images
    and labels in batch.npz."""
    rng = np.random.default_rng(seed)
    params = {**teacher_params(rng), **student_params(rng)}
    x = rng.random((examples, 1, 8, 8)).astype(F32)
    y = rng.integers(0, 10, examples).astype(np.int64)
    np.savez(tmp_path / "batch.npz", x=x, y=y)
    np.savez(tmp_path / "params.npz", **params)
    return params, x, y


def test_distillation_loss_matches_numpy(tmp_path):
    params, x, y = random_model_and_data(tmp_path, 3, 64)
    proc = run_lp([MODEL, f"--data={tmp_path / 'batch.npz'}", f"--params={tmp_path / 'params.npz'}",
                   f"--output-dir={tmp_path / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    ce, kd = reference_losses(params, x, y)
    assert kd > 0.05, "the teacher and student must disagree for the test to mean something"
    np.testing.assert_allclose(np.load(tmp_path / "out" / "ce.npy"), ce, rtol=2e-5)
    np.testing.assert_allclose(np.load(tmp_path / "out" / "kd.npy"), kd, rtol=2e-5)


def test_teacher_stays_frozen_and_step_count_starts_at_zero(tmp_path):
    """Training reads the teacher from a checkpoint of the teacher's own
    training (with its step count and momentum buffers); the teacher's
    weights come out unchanged, the student's move, and the run takes all
    its steps (the teacher's step count is not the student's)."""
    rng = np.random.default_rng(4)
    teacher = teacher_params(rng)
    ck = {**teacher, "step": np.array(600, np.int64),
          **{f"{k}.sgd.momentum": np.zeros_like(v) for k, v in teacher.items()}}
    np.savez(tmp_path / "teacher.npz", **ck)
    x = rng.random((192, 1, 8, 8)).astype(F32)
    y = rng.integers(0, 10, 192).astype(np.int64)
    np.savez(tmp_path / "train.npz", x=x, y=y)
    common = [MODEL, "--train", f"--data={tmp_path / 'train.npz'}", f"--params={tmp_path / 'teacher.npz'}",
              "--lr=0.1"]
    proc = run_lp([*common, "--steps=0", f"--checkpoint={tmp_path / 'init.npz'}"])
    assert proc.returncode == 0, proc.stderr
    proc = run_lp([*common, "--steps=5", f"--checkpoint={tmp_path / 'out.npz'}"])
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"steps 0\.\.5", proc.stdout), proc.stdout
    out = dict(np.load(tmp_path / "out.npz"))
    assert int(out["step"]) == 5
    for k, v in teacher.items():
        assert np.array_equal(out[k], v), k
    assert "conv1.w.sgd.momentum" not in out
    init = dict(np.load(tmp_path / "init.npz"))
    for k in student_params(rng):
        assert not np.array_equal(out[k], init[k]), k


def test_eval_reports_each_loss(tmp_path):
    """A model of several losses reports each one's held-out mean next to
    the weighted total: a distilled student's cross entropy is its own
    loss. Two full batches of 64 count; the partial third does not."""
    params, x, y = random_model_and_data(tmp_path, 5, 160)
    proc = run_lp([MODEL, "--train", "--steps=0", f"--data={tmp_path / 'batch.npz'}",
                   f"--eval-data={tmp_path / 'batch.npz'}", f"--params={tmp_path / 'params.npz'}"])
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"eval: 160 examples, loss ([0-9.]+) \(mean over 2 full batches; ce ([0-9.]+), kd ([0-9.]+)\)",
                  proc.stdout)
    assert m, proc.stdout
    total, ce, kd = map(float, m.groups())
    ref = np.mean([reference_losses(params, x[i:i + 64], y[i:i + 64]) for i in (0, 64)], axis=0)
    np.testing.assert_allclose([ce, kd], ref, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(total, 0.5 * ref[0] + 0.5 * ref[1], rtol=2e-5, atol=2e-6)


def test_single_loss_eval_line_unchanged(tmp_path):
    """A model of one loss keeps the eval line it had: no per-loss list."""
    rng = np.random.default_rng(6)
    x = rng.random((96, 1, 8, 8)).astype(F32)
    y = rng.integers(0, 10, 96).astype(np.int64)
    np.savez(tmp_path / "eval.npz", x=x, y=y)
    proc = run_lp([REPO / "examples" / "digits_cnn.mlir", "--train", "--steps=0",
                   f"--data={tmp_path / 'eval.npz'}", f"--eval-data={tmp_path / 'eval.npz'}"])
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"loss [0-9.]+ \(mean over 1 full batches\), accuracy", proc.stdout), proc.stdout
