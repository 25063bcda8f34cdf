"""Large intermediate buffers kept across calls (runtime BufferCache.h).

A train step whose intermediates are several MiB (here a 512x1024 @
1024x1024 product: 2 and 4 MiB activations and gradients) takes its blocks
back from the runtime's cache from the second step on. Its losses are
checked against float64 numpy, and must be bit-identical with the cache
off (LP_BUFFER_CACHE=0): a reused block holds the previous step's values,
and every buffer the step reads must have been written first.
"""

from __future__ import annotations

import os

import numpy as np

from lp_testing import run_lp

M, K, N = 512, 1024, 1024
STEPS, LR = 4, 0.05

MODEL = f"""func.func @wide(%x: tensor<{M}x{K}xf32> {{lp.role = "input", lp.name = "x"}},
                %w: tensor<{K}x{N}xf32> {{lp.role = "param", lp.name = "w"}})
    -> (tensor<f32> {{lp.name = "loss"}}) {{
  %y = lp.matmul %x, %w : (tensor<{M}x{K}xf32>, tensor<{K}x{N}xf32>) -> tensor<{M}x{N}xf32>
  %r = lp.relu %y : (tensor<{M}x{N}xf32>) -> tensor<{M}x{N}xf32>
  %s = lp.mul %r, %r : (tensor<{M}x{N}xf32>, tensor<{M}x{N}xf32>) -> tensor<{M}x{N}xf32>
  %l = lp.reduce_mean %s {{axes = array<i64: 0, 1>}} : (tensor<{M}x{N}xf32>) -> tensor<f32>
  return %l : tensor<f32>
}}
"""


def numpy_losses(xs, w):
    """SGD on mean(relu(x @ w)^2) in float64, one batch per step."""
    w = w.astype(np.float64)
    losses = []
    for step in range(STEPS):
        x = xs[step % len(xs)].astype(np.float64)
        y = x @ w
        r = np.maximum(y, 0)
        losses.append(np.mean(r * r))
        dy = 2 * r / r.size
        w = w - LR * (x.T @ dy)
    return np.array(losses)


def test_cached_blocks_train_as_numpy_and_as_without_cache(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2 * M, K)).astype(np.float32)
    w = (rng.standard_normal((K, N)) / np.sqrt(K)).astype(np.float32)
    (tmp_path / "m.mlir").write_text(MODEL)
    np.savez(tmp_path / "data.npz", x=x)
    np.savez(tmp_path / "init.npz", w=w)
    logs = {}
    for cache in ("1", "0"):
        log = tmp_path / f"losses{cache}.txt"
        env = dict(os.environ, LP_BUFFER_CACHE=cache)
        proc = run_lp([str(tmp_path / "m.mlir"), "--train", f"--data={tmp_path / 'data.npz'}",
                       f"--params={tmp_path / 'init.npz'}", f"--steps={STEPS}", "--no-shuffle",
                       "--optimizer=sgd", f"--lr={LR}", "--log-every=0", f"--loss-log={log}"], env=env)
        assert proc.returncode == 0, proc.stderr
        logs[cache] = log.read_text()
    assert logs["1"] == logs["0"]
    got = np.array([float(line.split()[-1]) for line in logs["1"].split("\n") if line.strip()])
    want = numpy_losses(x.reshape(2, M, K), w)
    np.testing.assert_allclose(got, want, rtol=1e-4)
