"""A model with repeated blocks trains like its float64 numpy reference.

lp-lower-to-llvm outlines the runs of repeated blocks (lp-outline-blocks:
forward, backward and optimizer update of `blk0`, `blk1`, ... each become
one shared function) before lowering; this checks that the compiled step
still computes the same losses and parameters as a plain numpy loop, with
one block that differs from the others (relu instead of tanh: not shared)
and parameters of a block used again outside it.
"""

from __future__ import annotations

import subprocess

import numpy as np

from lp_testing import Model
from test_training import lp_opt_path, read_log, run_ok

B, D, H, C = 6, 4, 5, 3  # batch, width, hidden, classes
ACTS = ("tanh", "tanh", "tanh", "relu")  # blk3 differs


def build_model(rng):
    """h <- h + act(h w1 + b1) w2 per block, then logits = h wh; CE loss."""
    m = Model(function="res")
    params = {}
    x = m.arg("x", shape=(B, D), elem="f32", attrs='lp.role = "input"')
    y = m.arg("y", shape=(B,), elem="i64", attrs='lp.role = "label"')
    h = x
    for i, act in enumerate(ACTS):
        p = {f"blk{i}.w1": rng.standard_normal((D, H)) * 0.5, f"blk{i}.b1": rng.standard_normal(H) * 0.1,
             f"blk{i}.w2": rng.standard_normal((H, D)) * 0.5}
        p = {k: v.astype(np.float32) for k, v in p.items()}
        params.update(p)
        v = {k: m.arg(k, a, attrs='lp.role = "param"') for k, a in p.items()}
        u = m.op("lp.linear", [h, v[f"blk{i}.w1"], v[f"blk{i}.b1"]], (B, H), "f32", f'{{lp.layer = "blk{i}.fc1"}}')
        a = m.op(f"lp.{act}", [u], (B, H), "f32", f'{{lp.layer = "blk{i}.act"}}')
        o = m.op("lp.linear", [a, v[f"blk{i}.w2"]], (B, D), "f32", f'{{lp.layer = "blk{i}.fc2"}}')
        h = m.op("lp.add", [h, o], (B, D), "f32", f'{{lp.layer = "blk{i}.res"}}')
    params["head.w"] = (rng.standard_normal((D, C)) * 0.5).astype(np.float32)
    wh = m.arg("head.w", params["head.w"], attrs='lp.role = "param"')
    z = m.op("lp.linear", [h, wh], (B, C), "f32", '{lp.layer = "head"}')
    m.ret(m.op("lp.cross_entropy", [z, y], (), "f32", '{lp.layer = "loss"}'), "loss")
    return m.text(), params


def loss_and_grads(p, x, y):
    """float64 forward and backward of build_model."""
    p = {k: v.astype(np.float64) for k, v in p.items()}
    h = x.astype(np.float64)
    saved = []
    for i, act in enumerate(ACTS):
        u = h @ p[f"blk{i}.w1"] + p[f"blk{i}.b1"]
        a = np.tanh(u) if act == "tanh" else np.maximum(u, 0)
        saved.append((h, u, a))
        h = h + a @ p[f"blk{i}.w2"]
    z = h @ p["head.w"]
    zm = z.max(axis=1, keepdims=True)
    e = np.exp(z - zm)
    n = x.shape[0]
    loss = np.mean(zm[:, 0] + np.log(e.sum(axis=1)) - z[np.arange(n), y])
    dz = e / e.sum(axis=1, keepdims=True)
    dz[np.arange(n), y] -= 1
    dz /= n
    g = {"head.w": h.T @ dz}
    dh = dz @ p["head.w"].T
    for i in reversed(range(len(ACTS))):
        hin, u, a = saved[i]
        g[f"blk{i}.w2"] = a.T @ dh
        da = dh @ p[f"blk{i}.w2"].T
        du = da * (1 - a**2) if ACTS[i] == "tanh" else da * (u > 0)
        g[f"blk{i}.w1"] = hin.T @ du
        g[f"blk{i}.b1"] = du.sum(axis=0)
        dh = dh + du @ p[f"blk{i}.w1"].T
    return loss, g


def test_repeated_blocks_train_like_numpy(rng, tmp_path):
    text, params = build_model(rng)
    model = tmp_path / "res.mlir"
    model.write_text(text)

    # The lowered step calls shared block functions (so the numerics below
    # are those of the outlined code).
    proc = subprocess.run([lp_opt_path(), model, "--lp-build-train-step=optimizer=sgd momentum=0.9",
                           "--lp-outline-blocks"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("call @block_blkN(") == 9, "forward of blk0-2 in model, step and eval"
    assert proc.stdout.count("func.func private @block_") >= 3, proc.stdout

    steps, lr, momentum = 6, 0.1, 0.9
    x = rng.standard_normal((2 * B, D)).astype(np.float32)
    y = rng.integers(0, C, 2 * B)
    np.savez(tmp_path / "train.npz", x=x, y=y)
    np.savez(tmp_path / "init.npz", **params)
    log, ck = tmp_path / "losses.txt", tmp_path / "ck.npz"
    run_ok([model, "--train", f"--data={tmp_path / 'train.npz'}", f"--params={tmp_path / 'init.npz'}",
            "--no-shuffle", "--optimizer=sgd", f"--lr={lr}", f"--momentum={momentum}", f"--steps={steps}",
            f"--loss-log={log}", f"--checkpoint={ck}", "--log-every=0"])

    p = {k: v.astype(np.float64) for k, v in params.items()}
    buf = {k: np.zeros_like(v) for k, v in p.items()}
    want = []
    for s in range(steps):
        first = (s % 2) * B
        loss, g = loss_and_grads(p, x[first:first + B], y[first:first + B])
        want.append(loss)
        for k in p:
            buf[k] = momentum * buf[k] + g[k]
            p[k] = p[k] - lr * buf[k]
    assert want[-1] < want[0], "the reference does not learn"
    got = [vals[0] for _, vals in read_log(log)]
    np.testing.assert_allclose(got, want, rtol=2e-5)
    out = np.load(ck)
    for k, v in p.items():
        np.testing.assert_allclose(out[k], v, rtol=1e-4, atol=1e-5, err_msg=k)
        assert not np.array_equal(out[k], params[k]), f"{k} was not updated"


def test_outline_blocks_can_be_disabled(rng, tmp_path):
    """outline-blocks=0 lowers every instance inline (no block function)."""
    text, _ = build_model(rng)
    model = tmp_path / "res.mlir"
    model.write_text(text)
    for flag, present in (("", True), ("=outline-blocks=0", False)):
        proc = subprocess.run([lp_opt_path(), model, "--lp-build-train-step", f"--lp-lower-to-llvm{flag}"],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert ("llvm.func @block_blkN" in proc.stdout) == present, flag
