"""lp.ModelBuilder (python/lp/builder.py, python/src/ModelBuilder.cpp):
models built op by op, each op checked by the dialect's verifier as it is
made; built models round-trip through MLIR text, train like the same model
read from a file (the digits MLP against the numpy loop), weigh several
losses, and compute a small CNN's loss as numpy does."""

from __future__ import annotations

import numpy as np
import pytest

import lp
from conftest import REPO_ROOT
from mixed_mlp import init_mlp, sgd_losses
from test_api import batches


def digits_mlp(b: lp.ModelBuilder):
    """examples/digits_mlp.mlir, built."""
    x, y = b.input("x", (64, 64)), b.label("y", (64,))
    h = x
    for name, fin, fout in (("fc1", 64, 128), ("fc2", 128, 128), ("fc3", 128, 10)):
        with b.layer(name):
            h = b.linear(h, b.param(f"{name}.w", (fin, fout), init="glorot_uniform"), b.param(f"{name}.b", (fout,)))
            if name != "fc3":
                h = b.relu(h)
    return h, y


def test_built_model_round_trips_and_trains_like_numpy(digits, tmp_path):
    b = lp.ModelBuilder("digits_mlp")
    logits, y = digits_mlp(b)
    model = b.build({"loss": b.cross_entropy(logits, y)})
    assert lp.parse(model.mlir).mlir == model.mlir
    assert model.mlir.count('lp.layer = "fc2"') == 4  # its two params, linear and relu
    params = init_mlp(11)
    np.savez(tmp_path / "init.npz", **params)
    step = lp.compile(model, optimizer="sgd", lr=0.1, momentum=0.9, params=tmp_path / "init.npz")
    got = [float(step(batch)["loss"]) for batch in batches(digits, 8)]
    d = np.load(digits)
    ref, _ = sgd_losses(params, d["x"], d["y"], 8, 0.1, 0.9, low=None)
    np.testing.assert_allclose(got, ref, rtol=1e-4)


def test_ops_are_verified_as_they_are_built():
    b = lp.ModelBuilder("bad")
    x, w = b.input("x", (4, 8)), b.param("w", (7, 3))
    with pytest.raises(lp.Error) as e:
        b.linear(x, w)  # the line the error names
    text = str(e.value)
    assert text.startswith("lp.linear: the dialect rejects this op"), text
    assert "input inner dimension 8 does not match weight rows 7" in text, text
    assert "test_builder.py:" in text, text
    # The builder goes on: the bad op was not added.
    ok = b.linear(x, b.param("w2", (8, 3)))
    assert ok.shape == (4, 3)
    with pytest.raises(ValueError, match="already has an argument named 'x'"):
        b.input("x", (4, 8))
    with pytest.raises(TypeError, match="operands must be values of this builder"):
        lp.ModelBuilder("other").relu(x)


def test_function_errors_at_build():
    b = lp.ModelBuilder("two")
    x, y = b.input("x", (4, 3)), b.label("y", (4,))
    loss = b.cross_entropy(x, y)
    with pytest.raises(lp.Error, match="'lp.loss_weights' has 1 entries but the function has 2 results|loss_weights"):
        b.build({"a": loss, "b": b.mse_loss(x, x)}, loss_weights=[1.0])


def test_several_weighted_losses(rng, tmp_path):
    b = lp.ModelBuilder("two_heads")
    x, y, t = b.input("x", (16, 5)), b.label("y", (16,)), b.input("t", (16, 2))
    w1, w2 = b.param("w1", (5, 3), init="glorot_uniform"), b.param("w2", (5, 2), init="glorot_uniform")
    model = b.build({"cls": b.cross_entropy(b.linear(x, w1), y), "reg": b.mse_loss(b.linear(x, w2), t)},
                    loss_weights=[1.0, 0.25])
    p = {"w1": rng.standard_normal((5, 3)).astype(np.float32), "w2": rng.standard_normal((5, 2)).astype(np.float32)}
    np.savez(tmp_path / "p.npz", **p)
    step = lp.compile(model, lr=0.01, params=tmp_path / "p.npz")  # the first loss precedes the update
    batch = {"x": rng.standard_normal((16, 5)).astype(np.float32), "y": rng.integers(0, 3, 16),
             "t": rng.standard_normal((16, 2)).astype(np.float32)}
    out = step(batch)
    x64 = batch["x"].astype(np.float64)
    z = x64 @ p["w1"]
    z = z - z.max(axis=1, keepdims=True)
    cls = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(16), batch["y"]])
    reg = np.mean((x64 @ p["w2"] - batch["t"]) ** 2)
    np.testing.assert_allclose(out["cls"], cls, rtol=1e-5)
    np.testing.assert_allclose(out["reg"], reg, rtol=1e-5)
    np.testing.assert_allclose(out["loss.total"], cls + 0.25 * reg, rtol=1e-5)


def test_small_cnn_loss_matches_numpy(rng, tmp_path):
    b = lp.ModelBuilder("cnn")
    x, y = b.input("x", (2, 1, 6, 6)), b.label("y", (2,))
    with b.layer("conv"):
        h = b.conv2d(x, b.param("conv.w", (4, 1, 3, 3)), b.param("conv.b", (4,)), padding=(1, 1))
        h = b.max_pool2d(b.relu(h), (2, 2))
    assert h.shape == (2, 4, 3, 3)
    logits = b.linear(b.reshape(h, (2, 36)), b.param("fc.w", (36, 5)))
    model = b.build(b.cross_entropy(logits, y))
    p = {"conv.w": rng.standard_normal((4, 1, 3, 3)).astype(np.float32),
         "conv.b": rng.standard_normal(4).astype(np.float32),
         "fc.w": rng.standard_normal((36, 5)).astype(np.float32)}
    np.savez(tmp_path / "p.npz", **p)
    step = lp.compile(model, lr=0.01, params=tmp_path / "p.npz")  # the first loss precedes the update
    batch = {"x": rng.standard_normal((2, 1, 6, 6)).astype(np.float32), "y": np.array([1, 4])}
    got = float(step(batch)["loss"])
    xp = np.pad(batch["x"].astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    conv = np.zeros((2, 4, 6, 6))
    for i in range(6):
        for j in range(6):
            conv[:, :, i, j] = np.einsum("ncij,fcij->nf", xp[:, :, i:i + 3, j:j + 3], p["conv.w"]) + p["conv.b"]
    pooled = np.maximum(conv, 0).reshape(2, 4, 3, 2, 3, 2).max(axis=(3, 5))
    z = pooled.reshape(2, 36) @ p["fc.w"]
    z = z - z.max(axis=1, keepdims=True)
    ref = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(2), batch["y"]])
    np.testing.assert_allclose(got, ref, rtol=1e-5)


def test_builder_misuse_is_an_error_not_a_crash():
    b = lp.ModelBuilder("m")
    x = b.input("x", (4, 8))
    with pytest.raises(lp.Error, match="invalid attributes"):
        b.param("bad\nname", (8, 2))
    w = b.param("w", (8, 2))  # the failed argument left nothing behind
    # An op attribute of the wrong kind.
    with pytest.raises(lp.Error, match="lp.conv2d: the dialect rejects this op"):
        b._native.op("lp.conv2d", [x.number, w.number], "tensor<4x2xf32>", "{stride = 3 : i64}", "t.py", 1)
    model = b.build({"out": b.linear(x, w)})
    assert model.mlir.count("lp.name") == 3  # x, w and the result: the failed param is not there
    with pytest.raises(lp.Error, match="the model is finished"):
        b._native.type_of(x.number)
    with pytest.raises(lp.Error, match="the model is finished"):
        b.relu(x)
