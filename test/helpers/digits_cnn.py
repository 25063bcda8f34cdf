"""The example digits CNN (examples/digits_cnn.mlir) in float64 numpy,
forward and backward, written from the ops' definitions: conv 3x3 pad 1
(1 -> 16) + ReLU + max-pool 2x2 -> conv 3x3 pad 1 (16 -> 32) + ReLU +
max-pool 2x2 -> flatten [N, 128] -> linear 128 -> 10 -> mean softmax
cross entropy. Max pooling routes each window's gradient to its first
maximum in row-major order (PyTorch's rule), so tied windows (flat
background after ReLU) get it once.

`sgd_losses` trains it with PyTorch's SGD (momentum, no dampening) on
consecutive batches (lp-run --no-shuffle) and returns the loss before each
step: the reference the anchor test and scripts/pytorch_anchor.py use.
"""

from __future__ import annotations

import numpy as np

PARAMS = [("conv1.w", (16, 1, 3, 3)), ("conv1.b", (16,)), ("conv2.w", (32, 16, 3, 3)), ("conv2.b", (32,)),
          ("fc.w", (128, 10)), ("fc.b", (10,))]


def glorot_init(seed):
    """Glorot-uniform weights (conv fan_in = C*KH*KW, fan_out = F*KH*KW),
    zero biases, as the model's lp.init asks (values drawn by numpy)."""
    g = np.random.default_rng(seed)
    params = {}
    for name, shape in PARAMS:
        if name.endswith(".b"):
            params[name] = np.zeros(shape, np.float32)
            continue
        if len(shape) == 4:
            f, c, kh, kw = shape
            fan_in, fan_out = c * kh * kw, f * kh * kw
        else:
            fan_in, fan_out = shape
        a = np.sqrt(6.0 / (fan_in + fan_out))
        params[name] = g.uniform(-a, a, shape).astype(np.float32)
    return params


def _windows(xp, kh, kw, oh, ow):
    """[N, C, OH, OW, KH, KW] view of the padded input's windows."""
    n, c = xp.shape[:2]
    s = xp.strides
    return np.lib.stride_tricks.as_strided(xp, (n, c, oh, ow, kh, kw), (s[0], s[1], s[2], s[3], s[2], s[3]))


def conv_forward(x, w, b):
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.einsum("nchwkl,fckl->nfhw", _windows(xp, 3, 3, h, wd), w) + b[None, :, None, None]
    return out, xp


def conv_backward(dout, xp, w):
    n, f, h, wd = dout.shape
    dw = np.einsum("nfhw,nchwkl->fckl", dout, _windows(xp, 3, 3, h, wd))
    db = dout.sum(axis=(0, 2, 3))
    dxp = np.zeros_like(xp)
    for k in range(3):
        for l in range(3):
            dxp[:, :, k:k + h, l:l + wd] += np.einsum("nfhw,fc->nchw", dout, w[:, :, k, l])
    return dxp[:, :, 1:-1, 1:-1], dw, db


def pool_forward(x):
    """2x2 max pool; returns the output and each window's first argmax."""
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    arg = win.argmax(axis=-1)  # the first maximum in row-major order
    return np.take_along_axis(win, arg[..., None], -1)[..., 0], arg


def pool_backward(dout, arg, shape):
    n, c, h, w = shape
    dwin = np.zeros((n, c, h // 2, w // 2, 4))
    np.put_along_axis(dwin, arg[..., None], dout[..., None], -1)
    return dwin.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(shape)


def tied_windows(x):
    """The number of 2x2 pooling windows whose maximum occurs twice or more."""
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    return int(((win == win.max(axis=-1, keepdims=True)).sum(axis=-1) > 1).sum())


def loss_and_grads(p, x, y):
    """Mean cross entropy and its gradients, float64."""
    p = {k: v.astype(np.float64) for k, v in p.items()}
    x = x.astype(np.float64)
    c1, xp1 = conv_forward(x, p["conv1.w"], p["conv1.b"])
    r1 = np.maximum(c1, 0)
    p1, a1 = pool_forward(r1)
    c2, xp2 = conv_forward(p1, p["conv2.w"], p["conv2.b"])
    r2 = np.maximum(c2, 0)
    p2, a2 = pool_forward(r2)
    flat = p2.reshape(len(x), -1)
    z = flat @ p["fc.w"] + p["fc.b"]
    zmax = z.max(axis=1, keepdims=True)
    e = np.exp(z - zmax)
    s = e.sum(axis=1, keepdims=True)
    n = len(y)
    loss = float(np.mean(zmax[:, 0] + np.log(s[:, 0]) - z[np.arange(n), y]))
    dz = e / s
    dz[np.arange(n), y] -= 1
    dz /= n
    g = {"fc.w": flat.T @ dz, "fc.b": dz.sum(axis=0)}
    dp2 = (dz @ p["fc.w"].T).reshape(p2.shape)
    dc2 = pool_backward(dp2, a2, r2.shape) * (c2 > 0)
    dp1, g["conv2.w"], g["conv2.b"] = conv_backward(dc2, xp2, p["conv2.w"])
    dc1 = pool_backward(dp1, a1, r1.shape) * (c1 > 0)
    _, g["conv1.w"], g["conv1.b"] = conv_backward(dc1, xp1, p["conv1.w"])
    return loss, g, tied_windows(r1) + tied_windows(r2)


def sgd_losses(params, x, y, steps, lr, momentum, batch=64):
    """PyTorch's SGD with momentum on consecutive batches (the remainder of
    each epoch dropped, as lp-run --no-shuffle); the loss before each step
    and the number of tied pooling windows met."""
    p = {k: v.astype(np.float64) for k, v in params.items()}
    buf, losses, ties = {}, [], 0
    per_epoch = len(x) // batch
    for i in range(steps):
        first = (i % per_epoch) * batch
        loss, g, t = loss_and_grads(p, x[first:first + batch], y[first:first + batch])
        losses.append(loss)
        ties += t
        for k in p:
            buf[k] = g[k].copy() if k not in buf else momentum * buf[k] + g[k]
            p[k] = p[k] - lr * buf[k]
    return losses, ties
