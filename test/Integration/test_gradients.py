"""Gradients of every differentiable lp op (`lp-opt --lp-differentiate`),
checked against central finite differences of independent float64 numpy
references written here (never against LP).

Each test builds an f64 model whose loss is a sum of terms
`reduce_sum(op(params...) * R)`, with R a fixed random input
(`lp.role = "input"`) and every float operand of the op a parameter, runs

    lp-opt model.mlir --lp-differentiate -o grad.mlir
    lp-run grad.mlir --function main_grad --data inputs.npz --params inputs.npz --output-dir out

and compares every `out/<param>.grad.npy` with the central difference
`(L(p + h e_i) - L(p - h e_i)) / 2h` of the numpy loss, element by element
(h = 1e-6). Several independent cases share one model (one lp-opt and one
lp-run call per test); each term records the parameters it depends on, so
the finite differences only re-evaluate those terms.

Tolerance: norm-wise relative error ||g_lp - g_fd|| / ||g_fd|| <= 1e-6 per
parameter. With h = 1e-6 the truncation error of the central difference is
~h^2 |f'''| ~ 1e-12 and the rounding error ~2^-52 |L| / h ~ 1e-9, so a
correct rule lands around 1e-9..1e-10, and any wrong term of a rule (a
missing broadcast reduction, a wrong constant, the other GELU formula)
shows up as 1e-3 or more. The forward loss must also match the numpy loss
(rtol 1e-12).

Inputs are kept away from kinks and domain edges: relu inputs have
|x| >= 0.1, max-pool / reduce_max inputs are distinct values at least 0.03
apart (no ties, and a +-h perturbation cannot change the argmax), log and
sqrt inputs lie in [0.5, 3].

Also: tied weights (an embedding table reused, transposed, as the output
projection), a chain (linear, layer_norm, gelu, linear, cross_entropy),
the tie rules of max pooling / reduce_max (test_max_ties.py; every tied position
gets the gradient; checked exactly, since finite differences are
meaningless at a tie), a parameter that does not reach the loss (zero
gradient and a warning), and lp-opt's errors (no gradient rule, non-scalar
result, no result).
"""

from __future__ import annotations

import math
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from numpy_refs import ref_conv2d, ref_log_softmax, ref_pool2d, ref_softmax  # noqa: E402
from lp_testing import REPO_ROOT, Model, mlir_float, run_lp
from grad_checks import *  # noqa: F401,F403  (harness, references, data)


# ---------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------


def test_linear(rng, tmp_path):
    g = GradModel(rng)
    cases = [  # x shape, W shape, bias
        ((4, 5), (5, 3), True),
        ((4, 5), (5, 3), False),
        ((2, 3, 4), (4, 2), True),  # batch dims: W and b gradients sum over them
        ((6,), (6, 2), True),  # rank-1 input
        ((2, 2, 1, 3), (3, 1), True),  # rank 4, N = 1
    ]
    for i, (xs, ws, has_b) in enumerate(cases):
        ops = [g.param(f"x{i}", randn(rng, xs)), g.param(f"w{i}", randn(rng, ws))]
        deps = [f"x{i}", f"w{i}"]
        if has_b:
            ops.append(g.param(f"b{i}", randn(rng, ws[1:])))
            deps.append(f"b{i}")
        out = g.op("lp.linear", ops, xs[:-1] + ws[1:])
        g.term(out, deps, ref_linear)
    g.check(tmp_path)


def test_matmul(rng, tmp_path):
    g = GradModel(rng)
    cases = [((3, 4), (4, 5)), ((2, 3, 4), (2, 4, 2)), ((2, 2, 3, 4), (2, 2, 4, 3)), ((2, 3, 1), (2, 1, 4))]
    for i, (a_s, b_s) in enumerate(cases):
        a, b = g.param(f"a{i}", randn(rng, a_s)), g.param(f"b{i}", randn(rng, b_s))
        out = g.op("lp.matmul", [a, b], a_s[:-1] + b_s[-1:])
        g.term(out, [f"a{i}", f"b{i}"], np.matmul)
    g.check(tmp_path)


CONV_CASES = [  # x shape, filter shape, stride, padding, bias
    ((2, 3, 6, 6), (4, 3, 3, 3), (2, 2), (1, 1), True),
    ((1, 2, 7, 6), (3, 2, 3, 2), (2, 2), (1, 1), True),  # odd size: last row/col not reached
    ((2, 2, 5, 6), (2, 2, 2, 3), (1, 2), (2, 0), False),
    ((1, 2, 4, 5), (3, 2, 4, 5), (1, 1), (0, 0), True),  # kernel = input size
    ((1, 3, 4, 4), (2, 3, 1, 1), (2, 2), (0, 0), False),  # 1x1 kernel, stride 2
    ((1, 2, 7, 6), (3, 2, 2, 3), (2, 3), (0, 0), True),  # stride = kernel: windows tile the input
]


def test_conv2d(rng, tmp_path):
    g = GradModel(rng)
    for i, (xs, ws, stride, padding, has_b) in enumerate(CONV_CASES):
        ops = [g.param(f"x{i}", randn(rng, xs)), g.param(f"w{i}", randn(rng, ws, 0.5))]
        deps = [f"x{i}", f"w{i}"]
        if has_b:
            ops.append(g.param(f"b{i}", randn(rng, ws[:1])))
            deps.append(f"b{i}")
        shape = ref_conv2d(np.zeros(xs), np.zeros(ws), None, stride, padding).shape
        attrs = (
            f"{{stride = array<i64: {stride[0]}, {stride[1]}>, "
            f"padding = array<i64: {padding[0]}, {padding[1]}>}}"
        )
        out = g.op("lp.conv2d", ops, shape, attrs)

        def ref(x, w, b=None, stride=stride, padding=padding):
            return ref_conv2d(x, w, b, stride, padding)

        g.term(out, deps, ref)
    g.check(tmp_path)


POOL_CASES = [  # kind, x shape, kernel, stride, padding
    ("max", (2, 2, 6, 6), (3, 3), (2, 2), (1, 1)),
    ("max", (1, 2, 5, 7), (2, 3), (1, 2), (1, 0)),  # overlapping windows
    ("max", (1, 1, 4, 4), (2, 2), None, None),
    ("max", (2, 3, 7, 8), (2, 3), None, None),  # windows tile it but the last row/cols
    ("avg", (2, 2, 6, 6), (3, 3), (2, 2), (1, 1)),  # padding counted in the divisor
    ("avg", (1, 2, 5, 7), (2, 3), (1, 2), (1, 1)),
    ("avg", (1, 1, 4, 6), (2, 2), None, None),
    ("avg", (1, 2, 9, 5), (3, 2), None, None),  # the last column in no window
]


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool2d(rng, tmp_path, kind):
    g = GradModel(rng)
    for i, (k, xs, kernel, stride, padding) in enumerate(POOL_CASES):
        if k != kind:
            continue
        parts = [f"kernel = array<i64: {kernel[0]}, {kernel[1]}>"]
        if stride:
            parts.append(f"stride = array<i64: {stride[0]}, {stride[1]}>")
        if padding:
            parts.append(f"padding = array<i64: {padding[0]}, {padding[1]}>")
        st, pd = stride or kernel, padding or (0, 0)
        x = distinct(rng, xs) if kind == "max" else randn(rng, xs)
        shape = ref_pool2d(x, kernel, st, pd, kind).shape
        out = g.op(f"lp.{kind}_pool2d", [g.param(f"x{i}", x)], shape, "{" + ", ".join(parts) + "}")

        def ref(x, kernel=kernel, st=st, pd=pd):
            return ref_pool2d(x, kernel, st, pd, kind)

        g.term(out, [f"x{i}"], ref)
    g.check(tmp_path)


# ---------------------------------------------------------------------------
# Elementwise
# ---------------------------------------------------------------------------

BROADCAST_SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),  # rank-changing
    ((4,), (3, 4)),
    ((2, 1, 4), (3, 1)),  # both sides stretched, rank-changing
    ((3, 1), (1, 4)),  # size-1 dims on both sides
    ((2, 3), ()),  # rank 0
    ((), (2, 3)),
    ((1,), (2, 3)),
    ((2, 1, 3), (2, 4, 3)),  # size-1 dim, same rank
    ((2, 1), (2, 1)),  # size-1 dims, nothing stretched
]

BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}


@pytest.mark.parametrize("op", list(BINARY))
def test_binary_broadcast(rng, tmp_path, op):
    g = GradModel(rng)
    for i, (sa, sb) in enumerate(BROADCAST_SHAPES):
        a = randn(rng, sa, 2.0)
        b = away_from_zero(rng, sb, 0.5, 2.0) if op == "div" else randn(rng, sb, 2.0)
        va, vb = g.param(f"a{i}", a), g.param(f"b{i}", b)
        shape = np.broadcast_shapes(sa, sb)
        g.term(g.op(f"lp.{op}", [va, vb], shape), [f"a{i}", f"b{i}"], BINARY[op])
    # One parameter reaching both operands (x op x*x): both operand
    # gradients accumulate into it.
    x = g.param("x_both", away_from_zero(rng, (3, 2), 0.5, 2.0))
    xx = g.op("lp.mul", [x, x], (3, 2))
    g.term(g.op(f"lp.{op}", [x, xx], (3, 2)), ["x_both"], lambda x: BINARY[op](x, x * x))
    g.check(tmp_path)


UNARY = {  # name -> (attrs, data, reference)
    "relu": ("", lambda r, s: away_from_zero(r, s), lambda x: np.maximum(x, 0.0)),
    "gelu": ("", lambda r, s: randn(r, s, 1.5), lambda x: ref_gelu(x, "none")),
    "gelu_tanh": (
        "{approximate = #lp<gelu_approximation tanh>}",
        lambda r, s: randn(r, s, 1.5),
        lambda x: ref_gelu(x, "tanh"),
    ),
    "tanh": ("", lambda r, s: randn(r, s, 1.5), np.tanh),
    "sigmoid": ("", lambda r, s: randn(r, s, 2.0), ref_sigmoid),
    "exp": ("", lambda r, s: randn(r, s), np.exp),
    "log": ("", lambda r, s: r.uniform(0.5, 3.0, s), np.log),
    "sqrt": ("", lambda r, s: r.uniform(0.5, 3.0, s), np.sqrt),
}


@pytest.mark.parametrize("name", list(UNARY))
def test_unary(rng, tmp_path, name):
    attrs, data, ref = UNARY[name]
    opname = "lp.gelu" if name.startswith("gelu") else f"lp.{name}"
    g = GradModel(rng)
    for i, shape in enumerate([(), (7,), (3, 4), (2, 3, 2)]):
        x = g.param(f"x{i}", data(rng, shape))
        g.term(g.op(opname, [x], shape, attrs), [f"x{i}"], ref)
    g.check(tmp_path)


# ---------------------------------------------------------------------------
# Softmax, log-softmax, layer norm
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["softmax", "log_softmax"])
def test_softmax_like(rng, tmp_path, kind):
    ref_fn = ref_softmax if kind == "softmax" else ref_log_softmax
    g = GradModel(rng)
    for i, (shape, axis) in enumerate([((3, 5), -1), ((3, 5), 0), ((2, 3, 4), -2), ((2, 3, 4), 1), ((6,), -1), ((3, 1), 1)]):
        x = g.param(f"x{i}", randn(rng, shape, 2.0))
        out = g.op(f"lp.{kind}", [x], shape, f"{{axis = {axis} : i64}}")
        g.term(out, [f"x{i}"], lambda x, axis=axis: ref_fn(x, axis))
    g.check(tmp_path)


def test_layer_norm(rng, tmp_path):
    g = GradModel(rng)
    cases = [  # x shape, axis (None: default -1), epsilon (None: default 1e-5)
        ((3, 6), None, None),
        ((2, 3, 4), -1, 1e-3),
        ((2, 3, 4), -2, None),  # normalise over the last two dims
        ((2, 3, 4), -2, 0.5),  # large eps: its term in the gradient matters
        ((3, 4), 0, None),  # the whole tensor
        ((2, 3, 4), 1, None),  # positive axis
    ]
    for i, (xs, axis, eps) in enumerate(cases):
        ax = -1 if axis is None else axis
        ns = xs[ax % len(xs) :]
        ops = [
            g.param(f"x{i}", randn(rng, xs, 1.5, 0.5)),
            g.param(f"gamma{i}", randn(rng, ns, 0.5, 1.0)),
            g.param(f"beta{i}", randn(rng, ns)),
        ]
        attrs = []
        if axis is not None:
            attrs.append(f"axis = {axis} : i64")
        if eps is not None:
            attrs.append(f"epsilon = {mlir_float(eps)} : f64")
        out = g.op("lp.layer_norm", ops, xs, "{" + ", ".join(attrs) + "}" if attrs else "")
        e = 1e-5 if eps is None else eps
        g.term(out, [f"x{i}", f"gamma{i}", f"beta{i}"], lambda x, gm, bt, ax=ax, e=e: ref_layer_norm(x, gm, bt, ax, e))
    g.check(tmp_path)


# ---------------------------------------------------------------------------
# Reductions, shapes
# ---------------------------------------------------------------------------

REDUCE_CASES = [  # shape, axes, keepdims
    ((3, 4), [1], False),
    ((3, 4), [1], True),
    ((2, 3, 4), [0, 2], False),
    ((2, 3, 4), [-1, 0], True),
    ((2, 3, 4), [0, 1, 2], False),  # to rank 0
    ((2, 3, 4), [-2], True),
]


@pytest.mark.parametrize("kind", ["sum", "mean", "max"])
def test_reduce(rng, tmp_path, kind):
    fn = {"sum": np.sum, "mean": np.mean, "max": np.max}[kind]
    g = GradModel(rng)
    for i, (shape, axes, keep) in enumerate(REDUCE_CASES):
        x = distinct(rng, shape) if kind == "max" else randn(rng, shape)
        ax = tuple(a % len(shape) for a in axes)
        out_shape = fn(x, axis=ax, keepdims=keep).shape
        out = g.op(f"lp.reduce_{kind}", [g.param(f"x{i}", x)], out_shape, axes_attr(axes, keep))
        g.term(out, [f"x{i}"], lambda x, ax=ax, keep=keep: fn(x, axis=ax, keepdims=keep))
    g.check(tmp_path)


def test_reshape_transpose_broadcast(rng, tmp_path):
    g = GradModel(rng)
    for i, (src, dst) in enumerate([((2, 3, 4), (4, 6)), ((6,), (2, 1, 3)), ((2, 3), (6, 1)), ((1, 1), ())]):
        x = g.param(f"r{i}", randn(rng, src))
        g.term(g.op("lp.reshape", [x], dst), [f"r{i}"], lambda x, dst=dst: x.reshape(dst))
    for i, (shape, perm) in enumerate([((2, 3, 4), (2, 0, 1)), ((3, 5), (1, 0)), ((2, 3, 4, 2), (0, 3, 1, 2))]):
        x = g.param(f"t{i}", randn(rng, shape))
        out_shape = tuple(shape[p] for p in perm)
        attrs = f"{{permutation = array<i64: {', '.join(map(str, perm))}>}}"
        g.term(g.op("lp.transpose", [x], out_shape, attrs), [f"t{i}"], lambda x, perm=perm: np.transpose(x, perm))
    for i, (src, dst) in enumerate([((4, 1), (3, 4, 8)), ((), (2, 3)), ((3, 1, 5), (2, 3, 4, 5)), ((1,), (4,))]):
        x = g.param(f"b{i}", randn(rng, src))
        g.term(g.op("lp.broadcast", [x], dst), [f"b{i}"], lambda x, dst=dst: np.broadcast_to(x, dst))
    g.check(tmp_path)


def test_embedding(rng, tmp_path):
    g = GradModel(rng)
    # Repeated indices: their rows' gradients accumulate; row 4 is never used.
    ids = np.array([[0, 3, 1], [3, 3, 5]], np.int64)
    ids1 = np.array([2, 0, 2, 5], np.int64)
    table = g.param("table", randn(rng, (6, 4)))
    for k, idx in enumerate([ids, ids1]):
        vi = g.input(f"ids{k}", idx)
        out = g.op("lp.embedding", [vi, table], idx.shape + (4,))
        g.term(out, ["table"], lambda t, idx=idx: t[idx])
    res = g.check(tmp_path)
    assert np.all(res["table"][4] == 0.0), "an unused row of the table got a gradient"


def test_tied_embedding(rng, tmp_path):
    """One table used for the lookup and, transposed, as the output
    projection (tied weights): both rules accumulate into it."""
    g = GradModel(rng)
    ids = np.array([[1, 4, 1], [0, 2, 4]], np.int64)
    table = g.param("table", randn(rng, (5, 4)))
    e = g.op("lp.embedding", [g.input("ids", ids), table], (2, 3, 4))
    h = g.op("lp.tanh", [e], (2, 3, 4))
    tt = g.op("lp.transpose", [table], (4, 5), "{permutation = array<i64: 1, 0>}")
    z = g.op("lp.linear", [h, tt], (2, 3, 5))
    g.term(z, ["table"], lambda t: np.tanh(t[ids]) @ t.T)
    g.check(tmp_path)


def test_losses(rng, tmp_path):
    g = GradModel(rng)
    labels = np.array([0, 3, 1, 3, 2], np.int64)
    z = g.param("logits", randn(rng, (5, 4), 2.0))
    y = g.input("labels", labels, role="label")
    g.term(g.op("lp.cross_entropy", [z, y], ()), ["logits"], lambda z: ref_cross_entropy(z, labels))
    p, t = g.param("pred", randn(rng, (3, 4))), g.param("target", randn(rng, (3, 4)))
    g.term(g.op("lp.mse_loss", [p, t], ()), ["pred", "target"], lambda p, t: np.mean((p - t) ** 2))
    g.check(tmp_path)


# ---------------------------------------------------------------------------
# Chains, unused parameters
# ---------------------------------------------------------------------------


def test_mlp_chain(rng, tmp_path):
    """x -> linear -> layer_norm -> gelu -> linear -> cross_entropy, plus a
    weighted sum of the logits (so the logits' gradient is not only CE's)."""
    g = GradModel(rng)
    n, d, hdim, c = 6, 5, 8, 3
    x = g.input("x", randn(rng, (n, d)))
    labels = rng.integers(0, c, n)
    y = g.input("y", labels, role="label")
    w1 = g.param("fc1.w", randn(rng, (d, hdim), 0.5))
    b1 = g.param("fc1.b", randn(rng, (hdim,), 0.1))
    gm = g.param("ln.gamma", randn(rng, (hdim,), 0.2, 1.0))
    bt = g.param("ln.beta", randn(rng, (hdim,), 0.1))
    w2 = g.param("fc2.w", randn(rng, (hdim, c), 0.5))
    b2 = g.param("fc2.b", randn(rng, (c,), 0.1))
    h = g.op("lp.linear", [x, w1, b1], (n, hdim))
    h = g.op("lp.layer_norm", [h, gm, bt], (n, hdim))
    h = g.op("lp.gelu", [h], (n, hdim))
    z = g.op("lp.linear", [h, w2, b2], (n, c))
    xv = g.fixed["x"]

    def logits(w1, b1, gm, bt, w2, b2):
        h = ref_layer_norm(xv @ w1 + b1, gm, bt, -1, 1e-5)
        return ref_gelu(h, "none") @ w2 + b2

    deps = ["fc1.w", "fc1.b", "ln.gamma", "ln.beta", "fc2.w", "fc2.b"]
    g.term(g.op("lp.cross_entropy", [z, y], ()), deps, lambda *p: ref_cross_entropy(logits(*p), labels))
    g.term(z, deps, logits)
    g.check(tmp_path)


def test_unused_param_gets_zero_gradient_and_warning(rng, tmp_path):
    g = GradModel(rng)
    w = g.param("w", randn(rng, (3, 2)))
    g.param("unused", randn(rng, (4,)))
    g.term(g.op("lp.tanh", [w], (3, 2)), ["w"], np.tanh)
    res = g.check(tmp_path)
    assert res["unused"].shape == (4,) and np.all(res["unused"] == 0.0)
    err = g.lp_opt_stderr
    assert "warning" in err and "'unused'" in err and "does not affect the loss" in err, err


DIFF_ERRORS = {
    "no_rule": (
        "(%x: tensor<3xf64> {lp.name = \"x\", lp.role = \"param\"}, %d: tensor<3xf64> {lp.name = \"d\", lp.role = \"input\"})"
        " -> (tensor<f64> {lp.name = \"loss\"}) {\n"
        "  %g = lp.relu_grad %x, %d : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>\n"
        "  %s = lp.reduce_sum %g {axes = array<i64: 0>} : (tensor<3xf64>) -> tensor<f64>\n"
        "  return %s : tensor<f64>\n}\n",
        r"2:\d+: error: 'lp.relu_grad' op has no gradient rule",
    ),
    "not_scalar": (
        "(%x: tensor<3xf64> {lp.name = \"x\", lp.role = \"param\"}) -> (tensor<3xf64> {lp.name = \"loss\"}) {\n"
        "  %t = lp.tanh %x : (tensor<3xf64>) -> tensor<3xf64>\n"
        "  return %t : tensor<3xf64>\n}\n",
        r"error: result #0 is not a scalar float loss",
    ),
    "no_loss": (
        "(%x: tensor<3xf64> {lp.name = \"x\", lp.role = \"param\"}) {\n  return\n}\n",
        r"error: model returns no loss",
    ),
}


@pytest.mark.parametrize("case", list(DIFF_ERRORS))
def test_differentiate_errors(tmp_path, case):
    body, pattern = DIFF_ERRORS[case]
    model = tmp_path / "bad.mlir"
    model.write_text("func.func @main" + body)
    proc = run_lp_opt([model, "--lp-differentiate", "-o", tmp_path / "out.mlir"])
    assert proc.returncode == 1, f"exit {proc.returncode}\n{proc.stderr}"
    assert re.search(pattern, proc.stderr), proc.stderr
    assert "Stack dump" not in proc.stderr and "PLEASE submit" not in proc.stderr, proc.stderr
