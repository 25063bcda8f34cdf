"""f32 convolutions and both gradients on every lowering path, against
float64 numpy: `--conv=library` (the default: the runtime's direct
convolutions, oneDNN's kernels), the same with LP_CONVOLUTION=loops (the
runtime's plain loops, what runs without oneDNN) and `--conv=im2col`.

The model is `loss = reduce_sum(conv2d(x, w, b) * G)` with x, w and b
parameters, differentiated by lp-opt --lp-differentiate; the references
are the convolution's definition in float64: dW[f,c,kh,kw] = sum G[n,f,oh,ow]
xp[n,c,oh*s+kh,ow*s+kw], dx the same products scattered back (then
unpadded), db the sum of G. The cases cover strides, asymmetric padding,
kernels as large as the input, 1x1 kernels, sizes whose last rows no window
reaches, and padding of at least the kernel size (the input gradient then
stays on im2col: the library form needs padding below the kernel).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from grad_checks import run_lp_opt
from lp_testing import Model, run_lp

CASES = [  # x shape, filter shape, stride, padding
    ((2, 3, 6, 6), (4, 3, 3, 3), (2, 2), (1, 1)),
    ((1, 2, 7, 6), (3, 2, 3, 2), (2, 2), (1, 1)),  # last row/column not reached
    ((1, 2, 8, 8), (3, 2, 3, 3), (2, 2), (0, 0)),  # no window reaches the last row
    ((2, 2, 5, 6), (2, 2, 2, 3), (1, 2), (1, 0)),
    ((1, 2, 4, 5), (3, 2, 4, 5), (1, 1), (0, 0)),  # kernel = input size
    ((1, 3, 4, 4), (2, 3, 1, 1), (2, 2), (0, 0)),  # 1x1 kernel, stride 2
    ((2, 16, 9, 9), (8, 16, 3, 3), (1, 1), (1, 1)),
    ((1, 2, 5, 5), (2, 2, 2, 2), (1, 1), (2, 2)),  # padding >= kernel size
    ((1, 1, 13, 11), (4, 1, 7, 7), (2, 3), (3, 3)),  # 7x7, unequal strides, one channel
    ((1, 2, 7, 6), (3, 2, 2, 3), (2, 3), (0, 0)),  # stride = kernel: windows tile the input
]
PATHS = {"library": (["--conv=library"], None), "loops": (["--conv=library"], {"LP_CONVOLUTION": "loops"}),
         "im2col": (["--conv=im2col"], None)}


def conv_ref(x, w, b, s, p):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    oh, ow = (h + 2 * p[0] - kh) // s[0] + 1, (wd + 2 * p[1] - kw) // s[1] + 1
    y = np.zeros((n, f, oh, ow))
    for i in range(kh):
        for j in range(kw):
            win = xp[:, :, i:i + s[0] * oh:s[0], j:j + s[1] * ow:s[1]]
            y += np.einsum("nchw,fc->nfhw", win, w[:, :, i, j])
    return y + b[None, :, None, None], xp


def grads_ref(x, w, g, s, p):
    _, xp = conv_ref(x, w, np.zeros(w.shape[0]), s, p)
    f, _, kh, kw = w.shape
    oh, ow = g.shape[2:]
    dw = np.zeros(w.shape)
    dxp = np.zeros(xp.shape)
    for i in range(kh):
        for j in range(kw):
            win = (slice(None), slice(None), slice(i, i + s[0] * oh, s[0]), slice(j, j + s[1] * ow, s[1]))
            dw[:, :, i, j] = np.einsum("nfhw,nchw->fc", g, xp[win])
            dxp[win] += np.einsum("nfhw,fc->nchw", g, w[:, :, i, j])
    dx = dxp[:, :, p[0]:p[0] + x.shape[2], p[1]:p[1] + x.shape[3]]
    return dx, dw, g.sum(axis=(0, 2, 3))


@pytest.fixture(scope="module")
def grad_model(tmp_path_factory):
    rng = np.random.default_rng(11)
    tmp = tmp_path_factory.mktemp("conv")
    m, want = Model(), {}
    for i, (xs, ws, s, p) in enumerate(CASES):
        x = rng.standard_normal(xs).astype(np.float32)
        w = (0.5 * rng.standard_normal(ws)).astype(np.float32)
        b = rng.standard_normal(ws[:1]).astype(np.float32)
        y, _ = conv_ref(x.astype(np.float64), w.astype(np.float64), b.astype(np.float64), s, p)
        g = rng.standard_normal(y.shape).astype(np.float32)
        vx = m.arg(f"x{i}", x, attrs='lp.role = "param"')
        vw = m.arg(f"w{i}", w, attrs='lp.role = "param"')
        vb = m.arg(f"b{i}", b, attrs='lp.role = "param"')
        vg = m.arg(f"G{i}", g, attrs='lp.role = "input"')
        attrs = f"{{stride = array<i64: {s[0]}, {s[1]}>, padding = array<i64: {p[0]}, {p[1]}>}}"
        out = m.op("lp.conv2d", [vx, vw, vb], y.shape, "f32", attrs)
        prod = m.op("lp.mul", [out, vg], y.shape, "f32")
        term = m.op("lp.reduce_sum", [prod], (), "f32", "{axes = array<i64: 0, 1, 2, 3>}")
        total = term if i == 0 else m.op("lp.add", [total, term], (), "f32")
        dx, dw, db = grads_ref(x.astype(np.float64), w.astype(np.float64), g.astype(np.float64), s, p)
        want.update({f"x{i}": dx, f"w{i}": dw, f"b{i}": db})
        want[f"y{i}"] = float((y * g).sum())
    m.ret(total, "loss")
    model, data = m.write(tmp)
    grad = tmp / "grad.mlir"
    proc = run_lp_opt([model, "--lp-differentiate", "-o", grad])
    assert proc.returncode == 0, proc.stderr
    loss = sum(want.pop(f"y{i}") for i in range(len(CASES)))
    return grad, data, want, loss


@pytest.mark.parametrize("path", list(PATHS))
def test_conv_gradients_match_float64(grad_model, tmp_path, path):
    grad, data, want, loss = grad_model
    args, env = PATHS[path]
    out = tmp_path / "out"
    proc = run_lp([grad, "--function", "main_grad", f"--data={data}", f"--params={data}", f"--output-dir={out}",
                   "--verbose", *args], env=env)
    assert proc.returncode == 0, proc.stderr
    got_loss = float(np.load(out / "loss.npy"))
    assert abs(got_loss - loss) <= 1e-5 * max(1.0, abs(loss)), (got_loss, loss)
    for name, ref in want.items():
        got = np.load(out / f"{name}.grad.npy").astype(np.float64)
        # f32 sums of up to a few hundred N(0,1)-sized products.
        err = np.abs(got - ref).max() / max(1.0, np.abs(ref).max())
        assert err <= 2e-5, f"{name} ({path}): relative error {err:.2e}"
    kernels = re.findall(r"^kernel: conv (\w+ ?\w*): (\S+)", proc.stdout, re.M)
    if path == "im2col":
        assert not kernels, proc.stdout
    else:
        kinds = {k for k, _ in kernels}
        assert {"forward", "filter gradient", "input gradient"} <= kinds, proc.stdout
        runners = {r for _, r in kernels}
        if path == "loops":
            assert runners == {"loops"}, proc.stdout
        elif "onednn" in proc.stdout and "onednn: not loaded" not in proc.stdout:
            assert runners == {"onednn"}, proc.stdout  # never the loops when oneDNN is there


def test_lowering_marks_the_library_convolutions(tmp_path):
    """The library form is three generics with their library_call; with
    padding >= the kernel size the input gradient keeps im2col."""
    m = Model()
    x = m.arg("x", np.zeros((1, 2, 5, 5), np.float32), attrs='lp.role = "param"')
    w = m.arg("w", np.zeros((3, 2, 3, 3), np.float32), attrs='lp.role = "param"')
    y = m.op("lp.conv2d", [x, w], (1, 3, 3, 3), "f32", "{stride = array<i64: 1, 1>, padding = array<i64: 0, 0>}")
    m.ret(m.op("lp.reduce_sum", [y], (), "f32", "{axes = array<i64: 0, 1, 2, 3>}"), "loss")
    model, _ = m.write(tmp_path)
    lowered = run_lp_opt([model, "--lp-differentiate", "--convert-lp-to-linalg=conv-library=1"])
    assert lowered.returncode == 0, lowered.stderr
    calls = re.findall(r'library_call = "(\w+)"', lowered.stdout)
    assert sorted(set(calls)) == ["lp_conv2d_f32", "lp_conv2d_grad_filter_f32", "lp_conv2d_grad_input_f32"], calls
    plain = run_lp_opt([model, "--lp-differentiate", "--convert-lp-to-linalg"])
    assert "library_call" not in plain.stdout
