"""The package `lp` (python/lp, python/src/LpModule.cpp): models read and
verified by the dialect's code with located errors, the digits MLP's
training step compiled and run on NumPy batches against the float32 numpy
loop of test/helpers/mixed_mlp.py, parameters as views that see every
update, eval, save/load in lp-run's checkpoint format, and the errors of
bad batches."""

from __future__ import annotations

import time

import numpy as np
import pytest

import lp
from conftest import REPO_ROOT
from mixed_mlp import init_mlp, sgd_losses

DIGITS_MLP = REPO_ROOT / "examples" / "digits_mlp.mlir"


def batches(path, steps, batch=64):
    d = np.load(path)
    x, y = d["x"], d["y"]
    per_epoch = x.shape[0] // batch
    for i in range(steps):
        first = (i % per_epoch) * batch
        yield {"x": x[first:first + batch], "y": y[first:first + batch]}


def test_model_text_round_trips():
    model = lp.load(DIGITS_MLP)
    again = lp.parse(model.mlir, "again.mlir")
    assert again.mlir == model.mlir
    assert "lp.linear" in model.mlir


def test_invalid_model_is_a_located_error():
    text = DIGITS_MLP.read_text().replace("tensor<64x128xf32>, tensor<128xf32>) -> tensor<64x128xf32>",
                                          "tensor<64x128xf32>, tensor<128xf32>) -> tensor<64x127xf32>", 1)
    with pytest.raises(lp.Error, match=r"bad\.mlir:19:\d+: error: .*"):
        lp.parse(text, "bad.mlir")
    with pytest.raises(FileNotFoundError):
        lp.load(REPO_ROOT / "no-such-model.mlir")


def test_digits_mlp_trains_like_numpy(digits, tmp_path):
    params = init_mlp(7)
    np.savez(tmp_path / "init.npz", **params)
    step = lp.compile(lp.load(DIGITS_MLP), optimizer="sgd", lr=0.1, momentum=0.9, params=tmp_path / "init.npz")
    got = [float(step(b)["loss"]) for b in batches(digits, 12)]
    d = np.load(digits)
    ref, final = sgd_losses(params, d["x"], d["y"], 12, 0.1, 0.9, low=None)
    np.testing.assert_allclose(got, ref, rtol=1e-4)
    assert abs(got[0] - ref[0]) <= 1e-5 * abs(ref[0])
    for name, value in final.items():
        np.testing.assert_allclose(step.params[name], value, rtol=1e-4, atol=1e-6, err_msg=name)


def test_params_are_views_that_see_updates(digits):
    step = lp.compile(lp.load(DIGITS_MLP), optimizer="sgd", lr=0.1, seed=3)
    w = step.params["fc1.w"]
    before = w.copy()
    step(next(batches(digits, 1)))
    assert not np.array_equal(w, before), "the view did not see the step's update"
    # Writing through the view is what the next step reads.
    w[:] = 0
    step.params["fc2.w"][:] = 0
    loss = float(step(next(batches(digits, 1)))["loss"])
    np.testing.assert_allclose(loss, np.log(10.0), rtol=0.2)


def test_eval_save_and_load(digits, tmp_path):
    step = lp.compile(lp.load(DIGITS_MLP), optimizer="adam", lr=1e-3, seed=1)
    for b in batches(digits, 3):
        step(b)
    first = next(batches(digits, 1))
    out = step.eval(first)
    assert set(out) >= {"loss"}
    step.save(tmp_path / "ck.npz")
    saved = dict(np.load(tmp_path / "ck.npz"))
    assert int(saved["step"]) == 3 and "fc1.w.adam.m" in saved
    other = lp.compile(lp.load(DIGITS_MLP), optimizer="adam", lr=1e-3, seed=2)
    other.load(tmp_path / "ck.npz")
    for name in saved:
        np.testing.assert_array_equal(other.state[name], saved[name], err_msg=name)
    np.testing.assert_array_equal(other.eval(first)["loss"], out["loss"])


def test_bad_batches_are_errors(digits):
    step = lp.compile(lp.load(DIGITS_MLP), lr=0.1)
    b = next(batches(digits, 1))
    with pytest.raises(lp.Error, match=r"the batch has no 'y'"):
        step({"x": b["x"]})
    with pytest.raises(lp.Error, match=r"batch 'x': shape \[32, 64\] does not match the model's \[64, 64\]"):
        step({"x": b["x"][:32], "y": b["y"]})
    with pytest.raises(lp.Error, match=r"batch 'x': dtype float64 does not match the model's float32"):
        step({"x": b["x"].astype(np.float64), "y": b["y"]})
    with pytest.raises(lp.Error, match=r"batch 'y': value 10 at flat index 0 is outside \[0, 10\)"):
        step({"x": b["x"], "y": np.full(64, 10, np.int64)})
    with pytest.raises(lp.Error, match=r"the batch has 'z', which is not an input or label"):
        step({"x": b["x"], "y": b["y"], "z": b["y"]})


def test_compile_errors():
    model = lp.load(DIGITS_MLP)
    with pytest.raises(ValueError, match="unknown compile option 'learning_rate'"):
        lp.compile(model, learning_rate=0.1)
    with pytest.raises(lp.Error, match="compute-type must be bf16, f16 or f32, got 'f8'"):
        lp.compile(model, precision="f8")
    with pytest.raises(TypeError, match="lp.compile takes an lp.Model"):
        lp.compile("model.mlir")


def test_bf16_step_reports_its_precision(digits):
    step = lp.compile(lp.load(DIGITS_MLP), precision="bf16", lr=0.1, seed=0)
    loss = float(step(next(batches(digits, 1)))["loss"])
    assert np.isfinite(loss)
    assert "precision report: @digits_mlp_train_step" in step.precision_report
    assert step.params["fc1.w"].dtype == np.float32  # f32 master weights


def test_ir_after_each_stage(digits):
    step = lp.compile(lp.load(DIGITS_MLP), lr=0.1, keep_ir=True)
    ir = step.ir
    assert list(ir) == ["model", "train_step", "linalg", "bufferized", "llvm"]
    assert "lp.linear" in ir["model"] and "func.func @digits_mlp_train_step" in ir["train_step"]
    assert "linalg.matmul" in ir["linalg"] and "tensor<" in ir["linalg"]
    assert "memref.alloc" in ir["bufferized"]
    assert "llvm.func @digits_mlp_train_step" in ir["llvm"] and "linalg." not in ir["llvm"]
    # The stages run one at a time give the step the pipeline gives.
    plain = lp.compile(lp.load(DIGITS_MLP), lr=0.1)
    assert plain.ir == {}
    b = next(batches(digits, 1))
    np.testing.assert_array_equal(step(b)["loss"], plain(b)["loss"])


def test_device(digits):
    model = lp.load(DIGITS_MLP)
    with pytest.raises(ValueError, match="device must be 'cpu' or 'cuda', got 'tpu'"):
        lp.compile(model, device="tpu")
    try:
        step = lp.compile(model, device="cuda", lr=0.1, seed=4)
    except lp.Error as e:
        # No driver or no GPU here: the runtime's reason, as lp-run gives it.
        assert str(e).startswith("device='cuda': no"), str(e)
        pytest.skip(f"no GPU to run on ({e}); the error was checked")
    cpu = lp.compile(model, lr=0.1, seed=4)
    b = next(batches(digits, 1))
    np.testing.assert_allclose(step(b)["loss"], cpu(b)["loss"], rtol=1e-5)


def test_quantization_option(digits):
    model = lp.load(DIGITS_MLP)
    step = lp.compile(model, lr=0.1, quantization={"weights": "int8", "activations": "int8"})
    assert {"fc1.w.fq.min", "fc1.w.fq.max", "fc2.input.fq.min"} <= set(step.state)
    assert np.isfinite(float(step(next(batches(digits, 1)))["loss"]))
    with pytest.raises(lp.Error, match="lp-fake-quant: weights must be int8, int4 or none, got 'int9'"):
        lp.compile(model, quantization="weights=int9")
    with pytest.raises(ValueError, match="quantization or fake_quant, not both"):
        lp.compile(model, quantization="on", fake_quant="on")


def counter_model():
    """A model with state its forward pass updates (docs/ModelFormat.md)."""
    b = lp.ModelBuilder("counter")
    x, y = b.input("x", (8, 4)), b.label("y", (8,))
    w = b.param("w", (4, 3), init="glorot_uniform")
    calls = b.state("calls", ())
    return b.build({"loss": b.cross_entropy(b.matmul(x, w), y), "calls": calls + b.constant(1.0)})


def test_eval_leaves_state_alone():
    step = lp.compile(counter_model(), lr=0.1)
    batch = {"x": np.ones((8, 4), np.float32), "y": np.zeros(8, np.int64)}
    step(batch)
    assert float(step.state["calls"]) == 1.0
    step.eval(batch)
    step.eval(batch)
    assert float(step.state["calls"]) == 1.0  # as lp-run's evaluation and PyTorch's eval mode
    step(batch)
    assert float(step.state["calls"]) == 2.0


def test_batches_read_only_and_0d(digits):
    step = lp.compile(lp.load(REPO_ROOT / "examples" / "char_lm.mlir"), lr=0.01)
    d = dict(np.load(REPO_ROOT / "examples" / "data" / "chars_train.npz"))
    tokens = d["tokens"][:16].copy()
    tokens.setflags(write=False)
    batch = {"tokens": tokens, "y": d["y"][:16].reshape(-1), "causal_mask": d["causal_mask"],
             "attn_scale": np.float32(d["attn_scale"])}  # a 0-d scalar, through the converting path
    first = float(step(batch)["loss"])
    assert first == pytest.approx(np.log(96), rel=0.1)


def test_option_types_are_named():
    model = lp.load(DIGITS_MLP)
    with pytest.raises(TypeError, match="compile option 'lr' must be a number, got <class 'str'>"):
        lp.compile(model, lr="0.1")
    with pytest.raises(TypeError, match="compile option 'optimizer' must be a string"):
        lp.compile(model, optimizer=3)


def test_bf16_batches_and_parameters():
    ml_dtypes = pytest.importorskip("ml_dtypes", reason="ml_dtypes gives NumPy a bfloat16")
    b = lp.ModelBuilder("bf16_in")
    x, y = b.input("x", (4, 3), "bf16"), b.label("y", (4,))
    w = b.param("w", (3, 2), init="ones", dtype="bf16")
    model = b.build({"loss": b.cross_entropy(b.cast(b.matmul(x, w), "f32"), y)})
    step = lp.compile(model, lr=0.5, master_weights=False, precision="bf16")
    assert step.params["w"].dtype == ml_dtypes.bfloat16
    xb = np.array([[1, 2, 3], [0, 1, 0], [2, 0, 1], [1, 1, 1]], ml_dtypes.bfloat16)
    yb = np.array([0, 1, 0, 1])
    loss = float(step({"x": xb, "y": yb})["loss"])
    # Both classes' logits are equal with w all ones: log(2).
    assert loss == pytest.approx(np.log(2), rel=1e-3)
    assert not np.all(step.params["w"].astype(np.float32) == 1)  # updated through the view


def test_any_array_layout_and_fresh_results(digits):
    """Arrays go to the runtime as they are when they can (C order, the
    model's dtype) and are converted otherwise (Fortran order, a slice with
    steps): every form gives the same loss. Each call's
    results are new, writable arrays of the signature's dtype and shape."""
    d = np.load(digits)
    x, y = d["x"][:64], d["y"][:64]
    losses = []
    strided = np.repeat(x, 2, axis=0)[::2]
    assert not strided.flags.c_contiguous
    for xs, ys in [(x, y), (np.asfortranarray(x), y), (strided, np.repeat(y, 2)[::2])]:
        step = lp.compile(lp.load(DIGITS_MLP), optimizer="sgd", lr=0.1, seed=5)
        out = step({"x": xs, "y": ys})
        losses.append(out["loss"])
    for loss in losses:
        assert loss.dtype == np.float32 and loss.shape == () and loss.flags.writeable
        assert loss == losses[0]
    first = step({"x": x, "y": y})
    second = step({"x": x, "y": y})
    assert first["loss"] is not second["loss"] and first["loss"] != second["loss"]
    # The runtime's own time for the call (what lp-run times as a step)
    # is part of the call's.
    t = time.perf_counter()
    step({"x": x, "y": y})
    wall_ms = (time.perf_counter() - t) * 1e3
    assert 0 < step._session.last_call_ms <= wall_ms
