"""lp.fit and lp.evaluate (python/lp/fit.py): batches cut from whole
arrays as lp-run cuts them (the digits MLP's losses against the numpy
loop), held-out loss and accuracy against numpy on the trained weights,
fixed arrays bound whole (the char LM's mask), and the loss-curve PNG."""

from __future__ import annotations

import os
import struct
import subprocess
import zlib

import numpy as np
import pytest

import lp
from conftest import REPO_ROOT
from mixed_mlp import init_mlp, sgd_losses

DIGITS_MLP = REPO_ROOT / "examples" / "digits_mlp.mlir"
LP_RUN = os.environ.get("LP_RUN") or str(REPO_ROOT / "build" / "bin" / "lp-run")


def forward_numpy(p, x):
    h = x.astype(np.float64)
    for name in ("fc1", "fc2", "fc3"):
        h = h @ p[f"{name}.w"] + p[f"{name}.b"]
        if name != "fc3":
            h = np.maximum(h, 0)
    return h


def test_fit_trains_evaluates_and_plots(digits, tmp_path):
    params = init_mlp(5)
    step = lp.compile(lp.load(DIGITS_MLP), optimizer="sgd", lr=0.1, momentum=0.9, params=params)
    d = dict(np.load(digits))
    test = dict(np.load(REPO_ROOT / "examples" / "data" / "digits_test.npz"))
    png = tmp_path / "loss.png"
    history = lp.fit(step, d, 30, eval_data=test, eval_every=10, shuffle=False, progress=False, plot=str(png))
    ref, _ = sgd_losses(params, d["x"], d["y"], 30, 0.1, 0.9, low=None)
    np.testing.assert_allclose(history["loss"], ref, rtol=1e-4)
    assert history["eval_step"] == [10, 20, 30]
    # The last evaluation against numpy on the trained weights, over the
    # whole batches of the held-out set.
    p = {k: np.asarray(v, np.float64) for k, v in step.params.items()}
    n = test["x"].shape[0] // 64 * 64
    z = forward_numpy(p, test["x"][:n])
    z -= z.max(axis=1, keepdims=True)
    loss = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(n), test["y"][:n]])
    last = history["eval"][-1]
    np.testing.assert_allclose(last["loss"], loss, rtol=1e-4)
    assert last["accuracy"] == pytest.approx(np.mean(z.argmax(axis=1) == test["y"][:n]), abs=1.5 / n)
    # A valid PNG of the default size with the curve drawn.
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (640, 400)
    idat = data.index(b"IDAT")
    size = struct.unpack(">I", data[idat - 4:idat])[0]
    raw = zlib.decompress(data[idat + 4:idat + 4 + size])
    assert len(raw) == height * (1 + 3 * width)
    assert raw.count(b"\x00\x00\x00") > width  # axes and curve


def test_fit_binds_whole_arrays_and_reshapes_labels(tmp_path):
    """The char LM's mask and scale bound whole, its [B, T] labels reshaped
    to [B*T]: the losses of lp-run --no-shuffle on the same data."""
    model = REPO_ROOT / "examples" / "char_lm.mlir"
    data = REPO_ROOT / "examples" / "data" / "chars_train.npz"
    step = lp.compile(lp.load(model), optimizer="adam", lr=1e-3)
    history = lp.fit(step, dict(np.load(data)), 3, shuffle=False, progress=False)
    log = tmp_path / "losses.txt"
    proc = subprocess.run([LP_RUN, str(model), "--train", f"--data={data}", "--steps=3", "--no-shuffle",
                           "--optimizer=adam", "--lr=1e-3", f"--loss-log={log}", "--log-every=0"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    ref = [float(line.split()[-1]) for line in log.read_text().splitlines()]
    np.testing.assert_allclose(history["loss"], ref, rtol=1e-6)


def test_fit_shuffles_by_seed(digits):
    d = dict(np.load(digits))

    def losses(shuffle, seed):
        step = lp.compile(lp.load(DIGITS_MLP), lr=0.1, seed=0)
        return lp.fit(step, d, 5, shuffle=shuffle, seed=seed, progress=False)["loss"]

    assert losses(True, 1) == losses(True, 1)
    assert losses(True, 1) != losses(True, 2) and losses(True, 1) != losses(False, 1)


def test_fit_errors(digits):
    step = lp.compile(lp.load(DIGITS_MLP), lr=0.1)
    d = dict(np.load(digits))
    with pytest.raises(lp.Error, match="the data has no 'y'"):
        lp.fit(step, {"x": d["x"]}, 1, progress=False)
    with pytest.raises(lp.Error, match="fewer than one batch of 64"):
        lp.fit(step, {"x": d["x"][:10], "y": d["y"][:10]}, 1, progress=False)
    with pytest.raises(lp.Error, match="different numbers of examples"):
        lp.fit(step, {"x": d["x"][:200], "y": d["y"][:100]}, 1, progress=False)
