"""A numpy model of the digits MLP (examples/digits_mlp.mlir) trained under
LP's autocast, written from the policy's definition (docs/MixedPrecision.md),
not from LP's output: inputs, weights and biases rounded once per step to the
low type (ml_dtypes bfloat16 / numpy float16, round to nearest even); each
product accumulated in float32 (exact products of low-precision values,
float32 sums), the bias added in float32 and the result rounded once; ReLU on
the low values; the logits widened to float32 for the cross entropy. The
backward pass mirrors it: the logits' gradient rounded to the low type (the
cast's gradient rule), every product and bias gradient rounded once, the
parameter gradients widened to float32 and applied by SGD with momentum to
float32 master weights. `low=None` is the plain float32 loop.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

LOW = {"bf16": ml_dtypes.bfloat16, "f16": np.float16, "f32": None}
SIZES = [("fc1", 64, 128), ("fc2", 128, 128), ("fc3", 128, 10)]


def init_mlp(seed):
    """Glorot-uniform weights and small random biases, float32."""
    g = np.random.default_rng(seed)
    params = {}
    for name, fin, fout in SIZES:
        a = np.sqrt(6.0 / (fin + fout))
        params[f"{name}.w"] = g.uniform(-a, a, (fin, fout)).astype(np.float32)
        params[f"{name}.b"] = (0.05 * g.standard_normal(fout)).astype(np.float32)
    return params


def rounder(low):
    """Rounds float32 values once to `low` and back (exact), or nothing."""
    if low is None:
        return lambda a: np.asarray(a, np.float32)
    return lambda a: np.asarray(a, np.float32).astype(low).astype(np.float32)


def loss_and_grads(p, x, y, low, f32_layers=(), seed=1.0):
    """Loss and f32 gradients of one batch; layers named in `f32_layers`
    compute in float32 (a hybrid layer override): their weights and results
    are not rounded, and the gradient that leaves them for a low layer is
    rounded by the cast between them. `seed` is d(total)/d(loss) (1/N for
    one of N accumulated micro-batches)."""
    r = {name: rounder(None if name in f32_layers else low) for name, _, _ in SIZES}
    q = {f"{n}.{k}": r[n](p[f"{n}.{k}"]) for n, _, _ in SIZES for k in "wb"}
    xh = r["fc1"](x)
    h1 = r["fc1"](xh @ q["fc1.w"] + q["fc1.b"])
    a1 = np.maximum(h1, 0)
    h2 = r["fc2"](a1 @ q["fc2.w"] + q["fc2.b"])
    a2 = np.maximum(h2, 0)
    z = r["fc3"](a2 @ q["fc3.w"] + q["fc3.b"])
    n = z.shape[0]
    zmax = z.max(axis=1, keepdims=True)
    e = np.exp(z - zmax)
    s = e.sum(axis=1, keepdims=True)
    loss = np.mean(zmax[:, 0] + np.log(s[:, 0]) - z[np.arange(n), y])
    dz = e / s
    dz[np.arange(n), y] -= 1
    dz = r["fc3"]((dz * np.float32(np.float32(seed) / np.float32(n))).astype(np.float32))
    g = {"fc3.w": r["fc3"](a2.T @ dz), "fc3.b": r["fc3"](dz.sum(axis=0))}
    dh2 = r["fc2"](r["fc3"](dz @ q["fc3.w"].T)) * (h2 > 0)
    g["fc2.w"], g["fc2.b"] = r["fc2"](a1.T @ dh2), r["fc2"](dh2.sum(axis=0))
    dh1 = r["fc1"](r["fc2"](dh2 @ q["fc2.w"].T)) * (h1 > 0)
    g["fc1.w"], g["fc1.b"] = r["fc1"](xh.T @ dh1), r["fc1"](dh1.sum(axis=0))
    return float(loss), g


def sgd_losses(params, x, y, steps, lr, momentum, low, batch=64, f32_layers=(), accumulate=1, store=None):
    """Losses of `steps` SGD steps on batches taken in order (lp-run
    --no-shuffle) and the final float32 parameters. With `accumulate` = N a
    step reads N micro-batches of `batch` examples, runs each with seed 1/N
    and sums their float32 gradients in order (PyTorch's `(loss /
    N).backward()` per micro-batch, one `step()`); its loss is their mean.
    `store` (a low type) is the naive loop without master weights: the
    parameters, their gradients and the momentum buffers are stored in it,
    each update computed in float32 and rounded once, the buffer read back
    as stored."""
    keep = rounder(store)
    p = {k: keep(v) for k, v in params.items()}
    buf = {}
    per_epoch = x.shape[0] // (batch * accumulate)
    losses = []
    for i in range(steps):
        total, g = 0.0, {}
        for m in range(accumulate):
            first = ((i % per_epoch) * accumulate + m) * batch
            loss, gm = loss_and_grads(p, x[first : first + batch], y[first : first + batch], low, f32_layers,
                                      seed=1.0 / accumulate)
            total += loss / accumulate
            g = gm if not g else {k: (g[k] + gm[k]).astype(np.float32) for k in g}
        loss = total
        losses.append(loss)
        for k in p:
            buf[k] = keep(g[k].copy() if k not in buf else np.float32(momentum) * buf[k] + g[k])
            p[k] = keep(p[k] - np.float32(lr) * buf[k])
    return losses, p
