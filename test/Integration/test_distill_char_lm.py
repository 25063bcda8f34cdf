"""Distillation of a character LM (scripts/gen_char_lm.py --teacher-blocks):
the generated model's two losses, the student's cross entropy and Hinton's
KD loss at temperature T against a teacher LM compiled alongside, against
an independent numpy float64 forward of both transformers; the teacher's
weights are read-only state named as in its own checkpoint; a student and a
teacher whose heads differ in width are refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lp_testing import lp_run_path, run_lp

REPO = Path(__file__).resolve().parents[2]
GEN = REPO / "scripts" / "gen_char_lm.py"
B, S, V, DH = 2, 8, 12, 8
STUDENT = dict(blocks=1, d=8, heads=1, mlp=2)
TEACHER = dict(blocks=2, d=16, heads=2, mlp=3)
T = 3.0


def generate(path, *extra):
    return subprocess.run([sys.executable, GEN, "--batch", str(B), "--seq", str(S), "--vocab", str(V),
                           "--blocks", "1", "--d-model", "8", "--heads", "1", "--mlp-ratio", "2",
                           "--teacher-blocks", "2", "--teacher-d-model", "16", "--teacher-heads", "2",
                           "--teacher-mlp-ratio", "3", "--kd-temperature", str(T), *extra, "-o", path],
                          capture_output=True, text=True)


def lm_params(rng, cfg, prefix):
    d, f = cfg["d"], cfg["mlp"] * cfg["d"]
    p = {"tok_emb.w": (V, d), "pos_emb.w": (S, d), "ln_f.gamma": (d,), "ln_f.beta": (d,),
         "head.w": (d, V), "head.b": (V,)}
    for i in range(cfg["blocks"]):
        for ln in ("ln1", "ln2"):
            p[f"blk{i}.{ln}.gamma"], p[f"blk{i}.{ln}.beta"] = (d,), (d,)
        for n in "qkvo":
            p[f"blk{i}.attn.{n}.w"], p[f"blk{i}.attn.{n}.b"] = (d, d), (d,)
        p[f"blk{i}.mlp.fc1.w"], p[f"blk{i}.mlp.fc1.b"] = (d, f), (f,)
        p[f"blk{i}.mlp.fc2.w"], p[f"blk{i}.mlp.fc2.b"] = (f, d), (d,)
    out = {}
    for k, shape in p.items():
        v = rng.standard_normal(shape) * (0.5 if k.endswith(".w") else 0.2)
        if k.endswith("gamma"):
            v += 1.0
        out[prefix + k] = v.astype(np.float32)
    return out


def layer_norm(x, g, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-5) * g + b


def log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def forward(p, pre, cfg, tokens, mask, scale):
    """The pre-LN transformer of scripts/gen_char_lm.py's docstring, in float64."""
    w = {k[len(pre):]: v.astype(np.float64) for k, v in p.items() if k.startswith(pre)}
    d, h = cfg["d"], cfg["heads"]
    x = (w["tok_emb.w"][tokens] + w["pos_emb.w"]).reshape(B * S, d)
    for i in range(cfg["blocks"]):
        a = layer_norm(x, w[f"blk{i}.ln1.gamma"], w[f"blk{i}.ln1.beta"])
        q, k, v = (a @ w[f"blk{i}.attn.{n}.w"] + w[f"blk{i}.attn.{n}.b"] for n in "qkv")
        heads = lambda m: m.reshape(B, S, h, d // h).transpose(0, 2, 1, 3)
        s = heads(q) @ heads(k).transpose(0, 1, 3, 2) * scale + mask
        o = np.exp(log_softmax(s)) @ heads(v)
        o = o.transpose(0, 2, 1, 3).reshape(B * S, d)
        x = x + o @ w[f"blk{i}.attn.o.w"] + w[f"blk{i}.attn.o.b"]
        a = layer_norm(x, w[f"blk{i}.ln2.gamma"], w[f"blk{i}.ln2.beta"])
        f = a @ w[f"blk{i}.mlp.fc1.w"] + w[f"blk{i}.mlp.fc1.b"]
        f = 0.5 * f * (1 + np.tanh(np.sqrt(2 / np.pi) * (f + 0.044715 * f ** 3)))
        x = x + f @ w[f"blk{i}.mlp.fc2.w"] + w[f"blk{i}.mlp.fc2.b"]
    x = layer_norm(x, w["ln_f.gamma"], w["ln_f.beta"])
    return x @ w["head.w"] + w["head.b"]


def test_distilled_lm_losses_match_numpy(tmp_path):
    model = tmp_path / "distill_lm.mlir"
    proc = generate(model)
    assert proc.returncode == 0, proc.stderr
    text = model.read_text()
    assert 'lp.role = "state", lp.name = "blk1.mlp.fc2.w"' in text
    assert 'lp.role = "param", lp.name = "student.blk0.attn.q.w"' in text
    rng = np.random.default_rng(11)
    params = {**lm_params(rng, TEACHER, ""), **lm_params(rng, STUDENT, "student.")}
    tokens = rng.integers(0, V, (B, S)).astype(np.int64)
    y = rng.integers(0, V, B * S).astype(np.int64)
    mask = np.triu(np.full((S, S), -1e9, np.float32), 1)
    scale = np.array(1 / np.sqrt(DH), np.float32)
    np.savez(tmp_path / "batch.npz", tokens=tokens, y=y, causal_mask=mask, attn_scale=scale)
    np.savez(tmp_path / "params.npz", **params)
    proc = run_lp([model, f"--data={tmp_path / 'batch.npz'}", f"--params={tmp_path / 'params.npz'}",
                   f"--output-dir={tmp_path / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    t = forward(params, "", TEACHER, tokens, mask, float(scale))
    s = forward(params, "student.", STUDENT, tokens, mask, float(scale))
    ce = -log_softmax(s)[np.arange(B * S), y].mean()
    lt, ls = log_softmax(t / T), log_softmax(s / T)
    kd = (np.exp(lt) * (lt - ls)).sum() / (B * S) * T * T
    assert kd > 0.05, "the teacher and student must disagree for the test to mean something"
    np.testing.assert_allclose(np.load(tmp_path / "out" / "ce.npy"), ce, rtol=2e-5)
    np.testing.assert_allclose(np.load(tmp_path / "out" / "kd.npy"), kd, rtol=5e-5)


@pytest.mark.parametrize("extra, message", [
    (["--heads", "2"], "heads must have the same width"),
    (["--kd-temperature", "0"], "--kd-temperature must be positive"),
    (["--kd-weights", "1"], "--kd-weights takes two weights"),
    (["--teacher-blocks", "-1"], "--teacher-blocks must be at least 1"),
])
def test_bad_options_are_refused(tmp_path, extra, message):
    proc = generate(tmp_path / "bad.mlir", *extra)
    assert proc.returncode != 0
    assert message in proc.stderr, proc.stderr
    assert not (tmp_path / "bad.mlir").exists()


def test_small_and_large_floats_parse(tmp_path):
    """Weights and temperatures whose shortest form has no decimal point
    (1e-05) are written as MLIR floats (1.0e-05)."""
    model = tmp_path / "m.mlir"
    proc = generate(model, "--kd-weights", "1,0.00001", "--kd-temperature", "100000")
    assert proc.returncode == 0, proc.stderr
    text = model.read_text()
    assert "lp.loss_weights = [1.0, 1.0e-05]" in text
    assert "dense<1.0e-05>" in text
    lp_opt = Path(lp_run_path()).with_name("lp-opt")
    proc = subprocess.run([lp_opt, model], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
