"""--eval-data with two cross-entropy heads (issue 19, point 8): each head's
accuracy is its own logits' argmax against its own labels, computed here
in numpy from the same parameters. (Before, the first head's logits were
compared with the last label argument.) One head keeps the `logits` name
and the one-accuracy output line."""

from __future__ import annotations

import re

import numpy as np

from lp_testing import Model, run_lp

B, N = 4, 10  # batch, held-out examples (the last batch is partial)


def two_heads(tmp_path):
    m = Model()
    x = m.arg("x", shape=(B, 3), elem="f32", attrs='lp.role = "input"')
    ya = m.arg("ya", shape=(B,), elem="i64", attrs='lp.role = "label"')
    yb = m.arg("yb", shape=(B,), elem="i64", attrs='lp.role = "label"')
    wa = m.arg("wa", shape=(3, 4), elem="f32", attrs='lp.role = "param", lp.init = "zeros"')
    wb = m.arg("wb", shape=(3, 2), elem="f32", attrs='lp.role = "param", lp.init = "zeros"')
    la = m.op("lp.matmul", [x, wa], (B, 4), "f32")
    lb = m.op("lp.matmul", [x, wb], (B, 2), "f32")
    m.ret(m.op("lp.cross_entropy", [la, ya], (), "f32"), "loss_a")
    m.ret(m.op("lp.cross_entropy", [lb, yb], (), "f32"), "loss_b")
    model, _ = m.write(tmp_path)
    return model


def test_each_head_against_its_own_labels(tmp_path, rng):
    model = two_heads(tmp_path)
    x = rng.standard_normal((N, 3)).astype(np.float32)
    ya = rng.integers(0, 4, N).astype(np.int64)
    yb = rng.integers(0, 2, N).astype(np.int64)
    params = {"wa": rng.standard_normal((3, 4)).astype(np.float32),
              "wb": rng.standard_normal((3, 2)).astype(np.float32)}
    np.savez(tmp_path / "data.npz", x=x, ya=ya, yb=yb)
    np.savez(tmp_path / "params.npz", **params)
    proc = run_lp([model, "--train", f"--data={tmp_path / 'data.npz'}",
                   f"--eval-data={tmp_path / 'data.npz'}", f"--params={tmp_path / 'params.npz'}",
                   "--steps=0", "--log-every=0"])
    assert proc.returncode == 0, proc.stderr
    want = {"ya": np.sum(np.argmax(x @ params["wa"], 1) == ya),
            "yb": np.sum(np.argmax(x @ params["wb"], 1) == yb)}
    line = next(l for l in proc.stdout.splitlines() if l.startswith("eval:"))
    for label, correct in want.items():
        assert re.search(rf"accuracy {label} [0-9.]+ \({correct}/{N}\)", line), line
    # The data make the two heads' counts differ from the old pairing
    # (head a's logits against yb), so the test tells the rules apart.
    wrong = np.sum(np.argmax(x @ params["wa"], 1) == yb)
    assert wrong != want["ya"] or want["ya"] != want["yb"]


def test_reserved_head_name(tmp_path):
    m = Model()
    x = m.arg("x", shape=(B, 3), elem="f32", attrs='lp.role = "input"')
    y = m.arg("y", shape=(B,), elem="i64", attrs='lp.role = "label"')
    m.ret(m.op("lp.cross_entropy", [x, y], (), "f32"), "logits.y")
    model, _ = m.write(tmp_path)
    np.savez(tmp_path / "d.npz", x=np.zeros((8, 3), np.float32), y=np.zeros(8, np.int64))
    proc = run_lp([model, "--train", f"--data={tmp_path / 'd.npz'}", "--steps=1"])
    assert proc.returncode == 1
    assert "is named 'logits.y', a name" in proc.stderr and "each cross-entropy head's logits" \
        in proc.stderr, proc.stderr


def test_one_head_whose_labels_are_not_the_last_label(tmp_path, rng):
    """One cross-entropy head reading `y`, then a float label `t` of an MSE
    loss: the accuracy is the head's against `y` (it was computed against
    the last label argument)."""
    m = Model()
    x = m.arg("x", shape=(B, 3), elem="f32", attrs='lp.role = "input"')
    y = m.arg("y", shape=(B,), elem="i64", attrs='lp.role = "label"')
    t = m.arg("t", shape=(B, 3), elem="f32", attrs='lp.role = "label"')
    w = m.arg("w", shape=(3, 3), elem="f32", attrs='lp.role = "param", lp.init = "zeros"')
    h = m.op("lp.matmul", [x, w], (B, 3), "f32")
    m.ret(m.op("lp.cross_entropy", [h, y], (), "f32"), "ce")
    m.ret(m.op("lp.mse_loss", [h, t], (), "f32"), "mse")
    model, _ = m.write(tmp_path)
    xs = rng.standard_normal((N, 3)).astype(np.float32)
    ys = rng.integers(0, 3, N).astype(np.int64)
    ts = rng.standard_normal((N, 3)).astype(np.float32)
    wv = rng.standard_normal((3, 3)).astype(np.float32)
    np.savez(tmp_path / "d.npz", x=xs, y=ys, t=ts)
    np.savez(tmp_path / "p.npz", w=wv)
    proc = run_lp([model, "--train", f"--data={tmp_path / 'd.npz'}", f"--eval-data={tmp_path / 'd.npz'}",
                   f"--params={tmp_path / 'p.npz'}", "--steps=0", "--log-every=0"])
    assert proc.returncode == 0, proc.stderr
    correct = np.sum(np.argmax(xs @ wv, 1) == ys)
    line = next(l for l in proc.stdout.splitlines() if l.startswith("eval:"))
    assert re.search(rf", accuracy [0-9.]+ \({correct}/{N}\)$", line), line
