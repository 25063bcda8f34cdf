"""Forward numerics of every lp op, run through lp-run (CPU JIT), against
independent float64 numpy references written here (never against LP).

Each test builds a small model (usually several ops of one kind, one lp-run
invocation), feeds it seeded random data plus edge cases, and compares.

Tolerances
----------
* f32, default: |got - ref| <= 1e-6 + 1e-5 * |ref| (rtol 1e-5, atol 1e-6).
* f32 add/sub/mul/div and the exact ops (relu, max-pool, reduce_max,
  reshape, transpose, embedding): bit-exact (0 ulp; relu ignores the sign
  of zero). One IEEE operation on f32 inputs, computed in float64 and
  rounded once to f32, is the correctly rounded f32 result.
* f32 transcendental ops (exp, log, tanh, sigmoid, gelu): the default
  rtol 1e-5 / atol 1e-6 holds (libm-accurate float math). The atol matters
  where f32 cannot carry the relative accuracy: results that underflow
  (exp(-100), sigmoid(-100) are ~1e-44) and GELU for x << 0, where
  1 + erf(x/sqrt 2) cancels (absolute error ~|x| * 2^-24).
* f32 layer_norm: rtol 1e-5, atol 1e-5. Dividing by sqrt(var + eps)
  amplifies the f32 rounding error of the mean (~sqrt(n) * 2^-24 * |x|) by
  up to 1/sqrt(eps) ~ 316 for low-variance rows.
* f32 sums (reduce_sum/mean, mse_loss, cross_entropy, linear, matmul,
  conv2d, avg_pool2d): rtol 1e-5 and atol = 2^-24 * n * max|term|, the f32
  accumulation error bound for n terms (results that cancel to ~0 cannot
  be checked relatively). It is ~1e-6 for most cases here and ~1e-4 for
  the 512-term contraction, where rtol * |result| is of the same size.
* f16 / bf16: the f64 reference is rounded once (nearest even) to the type
  and the result must be within 1 ulp of it (LP computes in f32 and rounds
  once, so it can land on either neighbour of a near-tie). Inputs are kept
  where f32 evaluation error stays far below half an f16 ulp (e.g. GELU on
  [-3, 3]); infinities and NaNs must match exactly. One exception:
  log_softmax also accepts an absolute error of C * 2^-24 (C = the axis
  size): `x - max - log(sum)` rounds the sum in f32, and for a dominant
  entry (result ~ -1e-5) that error exceeds half a bf16 ulp. PyTorch's
  formula has the same property; it is not a lowering bug.
* Max pooling, reduce_max, reshape, transpose, embedding and f32
  add/sub/mul/div are compared bit for bit in every type.

test_same_value_returned_twice and test_result_named_like_argument are
regression tests for lp-run bugs these tests found (both fixed since).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from numpy_refs import ref_conv2d, ref_log_softmax, ref_pool2d, ref_softmax  # noqa: E402
from lp_testing import (
    Model,
    assert_close,
    assert_ulp_close,
    mlir_float,
    numpy_dtype,
    round_to_format,
    run_single_op,
)

from op_checks import *  # noqa: F401,F403  (shared checks and references)


@pytest.mark.parametrize("elem", ALL)
def test_linear(rng, elem):
    m, expected, terms = Model(), {}, {}
    cases = [  # x shape, W shape, bias?
        ((4, 8), (8, 3), True),
        ((2, 3, 5), (5, 7), True),
        ((6,), (6, 4), False),  # rank-1 input
        ((3, 1), (1, 5), True),  # K = 1
        ((2, 2, 2, 3), (3, 2), False),  # rank 4 input
        ((4, 512), (512, 8), True),  # long contraction: accumulates in f32
    ]
    for i, (xs, ws, has_b) in enumerate(cases):
        x, w = randn(rng, xs, elem), randn(rng, ws, elem, scale=0.5)
        ops = [m.arg(f"x{i}", x), m.arg(f"w{i}", w)]
        ref = f64(x) @ f64(w)
        prods = np.abs(f64(x))[..., :, None] * np.abs(f64(w))
        if has_b:
            b = randn(rng, ws[1:], elem)
            ops.append(m.arg(f"b{i}", b))
            ref = ref + f64(b)
        m.ret(m.op("lp.linear", ops, ref.shape, elem), f"y{i}")
        expected[f"y{i}"] = ref
        terms[f"y{i}"] = (prods, ws[0] + 1)
    out = m.run()
    for name, ref in expected.items():
        p, n = terms[name]
        check(out, name, ref, elem, atol=sum_atol(p, n=n))


@pytest.mark.parametrize("elem", ALL)
@pytest.mark.parametrize("matmul", ["blas", "vector", "loops"])
def test_matmul(rng, elem, matmul):
    m, expected, atols = Model(), {}, {}
    cases = [
        ((5, 7), (7, 3)),
        ((4, 3, 6), (4, 6, 2)),
        ((2, 3, 4, 5), (2, 3, 5, 6)),  # two batch dims
        ((1, 1), (1, 1)),
        ((1, 9, 1), (1, 1, 4)),  # K = 1 (outer product)
        ((2, 3, 300), (2, 300, 2)),  # long contraction
    ]
    for i, (a_s, b_s) in enumerate(cases):
        a, b = randn(rng, a_s, elem), randn(rng, b_s, elem)
        ref = np.matmul(f64(a), f64(b))
        expected[f"c{i}"] = ref
        atols[f"c{i}"] = sum_atol(np.abs(f64(a)).max() * np.abs(f64(b)).max(), n=a_s[-1])
        m.ret(m.op("lp.matmul", [m.arg(f"a{i}", a), m.arg(f"b{i}", b)], ref.shape, elem), f"c{i}")
    out = m.run(extra_args=[f"--matmul={matmul}"])
    for name, ref in expected.items():
        check(out, name, ref, elem, atol=atols[name])


CONV_CASES = [  # x shape, filter shape, stride, padding, bias
    ((2, 3, 7, 7), (4, 3, 3, 3), None, None, True),  # defaults: stride 1, no padding
    ((2, 3, 9, 8), (4, 3, 3, 2), (2, 3), (0, 0), True),  # H, W not multiples of stride
    ((1, 4, 6, 6), (2, 4, 1, 1), (2, 2), None, False),  # 1x1 kernel
    ((1, 2, 4, 5), (3, 2, 4, 5), None, None, True),  # kernel = input size
    ((2, 3, 8, 8), (4, 3, 3, 3), (2, 2), (1, 1), True),
    ((1, 3, 9, 8), (4, 3, 2, 3), (2, 1), (0, 2), False),
    ((2, 2, 10, 7), (3, 2, 5, 3), (3, 2), (2, 1), True),
    ((1, 2, 4, 4), (3, 2, 4, 4), (1, 1), (1, 1), False),
    ((1, 1, 5, 6), (2, 1, 3, 2), (1, 3), (1, 2), True),
]


def conv_attrs(stride, padding):
    parts = []
    if stride is not None:
        parts.append(f"stride = array<i64: {stride[0]}, {stride[1]}>")
    if padding is not None:
        parts.append(f"padding = array<i64: {padding[0]}, {padding[1]}>")
    return "{" + ", ".join(parts) + "}" if parts else ""


def _conv_model(rng, elem, cases, extra_args=()):
    m, expected, atols = Model(), {}, {}
    for i, (xs, ws, stride, padding, has_b) in enumerate(cases):
        x, w = randn(rng, xs, elem), randn(rng, ws, elem, scale=0.5)
        ops = [m.arg(f"x{i}", x), m.arg(f"w{i}", w)]
        b = None
        if has_b:
            b = randn(rng, ws[:1], elem)
            ops.append(m.arg(f"b{i}", b))
        ref = ref_conv2d(x, w, b, stride or (1, 1), padding or (0, 0))
        expected[f"y{i}"] = ref
        n = ws[1] * ws[2] * ws[3] + 1
        atols[f"y{i}"] = sum_atol(np.abs(f64(x)).max() * np.abs(f64(w)).max(), n=n)
        m.ret(m.op("lp.conv2d", ops, ref.shape, elem, conv_attrs(stride, padding)), f"y{i}")
    out = m.run(extra_args=list(extra_args))
    for name, ref in expected.items():
        check(out, name, ref, elem, atol=atols[name])


@pytest.mark.parametrize("case", range(len(CONV_CASES)))
def test_conv2d_f32(rng, case):
    _conv_model(rng, "f32", [CONV_CASES[case]])


@pytest.mark.parametrize("products", ["native", "widened"])
@pytest.mark.parametrize("elem", LOWP)
def test_conv2d_lowp(rng, elem, products):
    """Both 16-bit product paths: the runtime's (im2col products) and
    operands widened once in the step (the f32 library convolution)."""
    _conv_model(rng, elem, CONV_CASES, [f"--lowp-products={products}"])


def _ref_conv2d_grads(x, w, dy, stride, padding):
    """float64 gradients of conv2d (no bias) with respect to its input and
    its filter, from the definition: each output position's window."""
    x, w, dy = f64(x), f64(w), f64(dy)
    n, c, h, wd = x.shape
    _, _, kh, kw = w.shape
    (sh, sw), (ph, pw) = stride, padding
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph : ph + h, pw : pw + wd] = x
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i in range(dy.shape[2]):
        for j in range(dy.shape[3]):
            win = (slice(None), slice(None), slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw))
            dxp[win] += np.einsum("nf,fckl->nckl", dy[:, :, i, j], w)
            dw += np.einsum("nckl,nf->fckl", xp[win], dy[:, :, i, j])
    return dxp[:, :, ph : ph + h, pw : pw + wd], dw


@pytest.mark.parametrize("products", ["native", "widened"])
@pytest.mark.parametrize("elem", LOWP)
def test_conv2d_gradients_lowp(rng, elem, products):
    """lp.conv2d_grad_input / conv2d_grad_filter on 16-bit operands (the
    backward pass of a bf16/f16 convolution) on both product paths, each
    within 1 ulp of the float64 gradient rounded once (results that cancel
    towards 0 within the f32 accumulation's bound, k 2^-22)."""
    m, expected, bounds = Model(), {}, {}
    for i, (xs, ws, stride, padding, _) in enumerate(CONV_CASES):
        stride, padding = stride or (1, 1), padding or (0, 0)
        x, w = randn(rng, xs, elem), randn(rng, ws, elem, scale=0.5)
        ys = ref_conv2d(x, w, None, stride, padding).shape
        dy = randn(rng, ys, elem)
        dx, dw = _ref_conv2d_grads(x, w, dy, stride, padding)
        attrs = "{" + f"stride = array<i64: {stride[0]}, {stride[1]}>, " \
            f"padding = array<i64: {padding[0]}, {padding[1]}>" + "}"
        a_dy, a_w, a_x = m.arg(f"dy{i}", dy), m.arg(f"w{i}", w), m.arg(f"x{i}", x)
        m.ret(m.op("lp.conv2d_grad_input", [a_dy, a_w], dx.shape, elem, attrs), f"dx{i}")
        m.ret(m.op("lp.conv2d_grad_filter", [a_x, a_dy], dw.shape, elem, attrs), f"dw{i}")
        expected[f"dx{i}"], expected[f"dw{i}"] = dx, dw
        bounds[f"dx{i}"] = ws[0] * ws[2] * ws[3] * 2.0**-22
        bounds[f"dw{i}"] = ys[0] * ys[2] * ys[3] * 2.0**-22
    out = m.run(extra_args=[f"--lowp-products={products}"])
    for name, ref in expected.items():
        check(out, name, ref, elem, lowp_atol=bounds[name])


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------

POOL_CASES = [  # x shape, kernel, stride (None: the kernel), padding (None: 0)
    ((2, 3, 8, 8), (2, 2), None, None),
    ((1, 2, 7, 9), (2, 3), None, None),  # floor: trailing rows/cols dropped
    ((2, 2, 7, 6), (3, 2), (1, 2), (0, 0)),  # overlapping windows
    ((1, 1, 4, 4), (4, 4), None, None),  # global pooling
    ((1, 2, 7, 7), (3, 3), (2, 2), (1, 1)),
    ((2, 1, 5, 6), (3, 2), (1, 2), (1, 0)),
    ((1, 1, 6, 5), (4, 4), (1, 1), (2, 2)),  # padding = kernel / 2
]


def pool_attrs(kernel, stride, padding):
    parts = [f"kernel = array<i64: {kernel[0]}, {kernel[1]}>"]
    if stride is not None:
        parts.append(f"stride = array<i64: {stride[0]}, {stride[1]}>")
    if padding is not None:
        parts.append(f"padding = array<i64: {padding[0]}, {padding[1]}>")
    return "{" + ", ".join(parts) + "}"


def _pool_model(rng, elem, cases):
    m, expected = Model(), {}
    for i, (xs, kernel, stride, padding) in enumerate(cases):
        x = randn(rng, xs, elem)
        # All-negative input as well: a padded zero must never win the max.
        xneg = as_elem(-np.abs(f64(randn(rng, xs))) - 1.0, elem)
        attrs = pool_attrs(kernel, stride, padding)
        st, pd = stride or kernel, padding or (0, 0)
        for tag, data in (("", x), ("neg", xneg)):
            a = m.arg(f"x{tag}{i}", data)
            for kind in ("max", "avg"):
                ref = ref_pool2d(data, kernel, st, pd, kind)
                name = f"{kind}{tag}{i}"
                expected[name] = (kind, ref, kernel)
                m.ret(m.op(f"lp.{kind}_pool2d", [a], ref.shape, elem, attrs), name)
    out = m.run()
    for name, (kind, ref, kernel) in expected.items():
        if kind == "max":
            check_exact(out, name, ref, elem)  # max is exact
        else:
            check(out, name, ref, elem)


@pytest.mark.parametrize("case", range(len(POOL_CASES)))
def test_pool2d_f32(rng, case):
    _pool_model(rng, "f32", [POOL_CASES[case]])


@pytest.mark.parametrize("elem", LOWP)
def test_pool2d_lowp(rng, elem):
    _pool_model(rng, elem, POOL_CASES)


# ---------------------------------------------------------------------------
# Elementwise binary ops with broadcasting
# ---------------------------------------------------------------------------

BROADCAST_SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),
    ((4,), (3, 4)),
    ((2, 1, 4), (3, 1)),  # both sides stretched
    ((1,), (2, 3)),
    ((), (2, 3)),  # rank-0 operand
    ((2, 3), ()),
    ((), ()),
    ((4, 1), (1, 5)),
    ((2, 3, 1, 5), (3, 4, 1)),
    ((1, 1, 1), (2, 1, 3)),
    ((2, 1), (2, 1)),  # size-1 dims on both sides, not stretched
]

BINARY = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
}


@pytest.mark.parametrize("elem", ALL)
def test_binary_broadcast(rng, elem):
    m, expected = Model(), {}
    for i, (sa, sb) in enumerate(BROADCAST_SHAPES):
        a = randn(rng, sa, elem, scale=3.0)
        b = randn(rng, sb, elem, scale=3.0)
        # Denominators away from 0 (signs mixed).
        d = as_elem(rng.choice([-1.0, 1.0], sb) * rng.uniform(0.25, 4.0, sb), elem)
        va, vb, vd = m.arg(f"a{i}", a), m.arg(f"b{i}", b), m.arg(f"d{i}", d)
        for op, fn in BINARY.items():
            rhs, rv = (d, vd) if op == "div" else (b, vb)
            ref = fn(f64(a), f64(rhs))
            expected[f"{op}{i}"] = ref
            m.ret(m.op(f"lp.{op}", [va, rv], ref.shape, elem), f"{op}{i}")
    out = m.run()
    for name, ref in expected.items():
        if elem == "f32":
            check_exact(out, name, ref, "f32")  # one correctly rounded op
        else:
            check(out, name, ref, elem)


def test_binary_special_values():
    """IEEE special cases in f32: inf, NaN, signed zeros, overflow, underflow."""
    big = np.float32(3e38)
    tiny = np.float32(1e-40)  # subnormal
    a = np.array([np.inf, np.inf, 0.0, 1.0, -1.0, 0.0, np.nan, big, tiny, -0.0, 5.0], np.float32)
    b = np.array([-np.inf, 1.0, np.inf, 0.0, 0.0, 0.0, 1.0, big, 0.5, -0.0, -0.0], np.float32)
    m = Model()
    va, vb = m.arg("a", a), m.arg("b", b)
    for op in BINARY:
        m.ret(m.op(f"lp.{op}", [va, vb], a.shape, "f32"), op)
    out = m.run()
    with np.errstate(all="ignore"):
        for op, fn in BINARY.items():
            check_exact(out, op, fn(a, b))  # numpy's f32 ops are IEEE too


# ---------------------------------------------------------------------------
# Elementwise unary ops
# ---------------------------------------------------------------------------

UNARY_REFS = {
    "relu": lambda x: np.maximum(f64(x), 0.0),
    "tanh": lambda x: np.tanh(f64(x)),
    "sigmoid": ref_sigmoid,
    "exp": lambda x: np.exp(f64(x)),
    "log": lambda x: np.log(f64(x)),
    "gelu": lambda x: ref_gelu(x, "none"),
    "gelu_tanh": lambda x: ref_gelu(x, "tanh"),
}


def _unary_op(m, name, x, elem):
    if name == "gelu_tanh":
        return m.op("lp.gelu", [x], x.shape, elem, "{approximate = #lp<gelu_approximation tanh>}")
    return m.op(f"lp.{name}", [x], x.shape, elem)


@pytest.mark.parametrize("elem", ALL)
def test_unary_random(rng, elem):
    """Random data of a few shapes (rank 0 to 3)."""
    m, expected = Model(), {}
    for i, shape in enumerate([(), (7,), (3, 5), (2, 3, 4)]):
        x = randn(rng, shape, elem, scale=2.0)
        pos = uniform(rng, shape, 0.01, 20.0, elem)  # log's domain
        vx, vp = m.arg(f"x{i}", x), m.arg(f"p{i}", pos)
        for name, ref_fn in UNARY_REFS.items():
            data, v = (pos, vp) if name == "log" else (x, vx)
            expected[f"{name}{i}"] = ref_fn(data)
            m.ret(_unary_op(m, name, v, elem), f"{name}{i}")
    out = m.run()
    for name, ref in expected.items():
        if elem == "f32" and name.startswith("relu"):
            check_exact(out, name, ref, "f32")
        else:
            check(out, name, ref, elem)


# f32 values chosen per op: saturation, overflow/underflow, near 0 for log.
AWKWARD = {
    "relu": [-np.inf, -1e30, -1.0, -1e-40, -0.0, 0.0, 1e-40, 1.0, 1e30, np.inf, np.nan],
    "tanh": [-100.0, -20.0, -9.0, -3.0, -0.5, -1e-4, -1e-30, 0.0, 1e-7, 1e-4, 0.5, 3.0, 9.0, 20.0, 100.0],
    "sigmoid": [-100.0, -89.0, -88.0, -20.0, -1e-4, 0.0, 1e-4, 5.0, 20.0, 88.0, 89.0, 100.0],
    "exp": [-104.0, -100.0, -87.0, -10.0, -1e-6, 0.0, 1e-6, 1.0, 10.0, 80.0, 88.7, 89.0, -np.inf, np.inf],
    "log": [
        1.401298464324817e-45,  # smallest subnormal
        1e-42,
        1e-40,
        1.1754943508222875e-38,  # smallest normal
        1e-30,
        1e-10,
        1e-7,
        0.5,
        0.999999,
        1.0,
        1.0000012,
        2.0,
        1e4,
        3e38,
        0.0,  # -inf
        np.inf,
    ],
    "gelu": [-12.0, -10.0, -5.0, -3.0, -1.0, -1e-3, -1e-20, 0.0, 1e-3, 1.0, 3.0, 5.0, 10.0, 100.0],
    "gelu_tanh": [-12.0, -10.0, -5.0, -3.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 3.0, 5.0, 10.0, 100.0],
}


def test_unary_awkward_f32():
    m, expected = Model(), {}
    for name, values in AWKWARD.items():
        x = np.array(values, np.float32)
        with np.errstate(divide="ignore"):  # log(0) = -inf
            expected[name] = UNARY_REFS[name](x)
        m.ret(_unary_op(m, name, m.arg(f"x_{name}", x), "f32"), name)
    out = m.run()
    with np.errstate(all="ignore"):
        for name, ref in expected.items():
            if name == "relu":  # exact, NaN propagates (sign of zero not checked)
                assert_close(out[name], ref, rtol=0, atol=0, what=name)
            else:
                check(out, name, ref, "f32")


@pytest.mark.parametrize("elem", LOWP)
def test_unary_awkward_lowp(elem):
    """Overflow to inf (exp), tiny values, saturation in f16/bf16."""
    vals = {
        "exp": [-20.0, -17.0, -10.0, 0.0, 1e-3, 5.0, 11.0, 11.1, 12.0, 89.0, 100.0],
        "log": [6e-8, 1e-6, 1e-4, 0.5, 1.0, 2.0, 1000.0, 60000.0],
        "tanh": [-10.0, -3.0, -1e-3, 0.0, 1e-3, 0.5, 3.0, 10.0],
        "sigmoid": [-20.0, -10.0, -1.0, 0.0, 1.0, 10.0, 20.0],
        "relu": [-1000.0, -1e-3, 0.0, 1e-3, 65504.0],
        "gelu": [-3.0, -2.0, -0.5, 0.0, 0.5, 2.0, 3.0, 100.0],
        "gelu_tanh": [-3.0, -2.0, -0.5, 0.0, 0.5, 2.0, 3.0, 100.0],
    }
    m, expected = Model(), {}
    for name, values in vals.items():
        x = as_elem(values, elem)
        expected[name] = UNARY_REFS[name](x)
        m.ret(_unary_op(m, name, m.arg(f"x_{name}", x), elem), name)
    out = m.run()
    for name, ref in expected.items():
        check(out, name, ref, elem)


# ---------------------------------------------------------------------------
# Softmax, log-softmax, layer norm
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("elem", ALL)
def test_softmax_log_softmax(rng, elem):
    m, expected = Model(), {}
    x3 = randn(rng, (2, 3, 5), elem, scale=3.0)
    y3 = randn(rng, (2, 3, 5), elem, scale=3.0)
    large = [
        [1000.0, 999.0, -1000.0, 0.0, 1000.5],
        [-1000.0, -1001.0, -999.5, -1000.0, -1e4],
        [88.0, 89.0, 90.0, -90.0, 0.0],  # exp(90) overflows f32 without the max shift
        [3.0, 3.0, 3.0, 3.0, 3.0],  # uniform
    ]
    if elem == "f16":
        large = np.clip(large, -6e4, 6e4)
    cases = [
        (x3, -1),
        (x3, 0),
        (x3, 1),
        (y3, -2),
        (y3, -3),
        (randn(rng, (7,), elem, scale=2.0), 0),  # rank 1
        (as_elem(large, elem), 1),
        (as_elem(large, elem), -2),  # down the columns
        (randn(rng, (1, 4), elem), 0),  # axis of size 1 -> all ones / zeros
    ]
    args = {}
    for i, (x, axis) in enumerate(cases):
        key = id(x)
        if key not in args:
            args[key] = m.arg(f"x{len(args)}", x)
        attrs = f"{{axis = {axis} : i64}}"
        expected[f"sm{i}"] = (ref_softmax(x, axis), 0.0)
        # x - max - log(sum): the f32 rounding of the sum (<= C * 2^-24
        # relative) dominates results near 0 (a dominant entry), where it
        # can exceed 1 ulp of bf16; allow it as an absolute error.
        expected[f"lsm{i}"] = (ref_log_softmax(x, axis), EPS32 * x.shape[axis])
        m.ret(m.op("lp.softmax", [args[key]], x.shape, elem, attrs), f"sm{i}")
        m.ret(m.op("lp.log_softmax", [args[key]], x.shape, elem, attrs), f"lsm{i}")
    out = m.run()
    for name, (ref, lowp_atol) in expected.items():
        check(out, name, ref, elem, lowp_atol=lowp_atol)


@pytest.mark.parametrize("elem", ALL)
def test_layer_norm(rng, elem):
    m, expected = Model(), {}
    const_rows = np.array(randn(rng, (3, 8)), np.float32)
    const_rows[1] = 0.5  # zero variance: output is beta
    cases = [  # x, axis (None: default -1), epsilon (None: default 1e-5)
        (randn(rng, (4, 16), elem), None, None),
        (randn(rng, (2, 3, 8), elem, scale=2.0, shift=3.0), -2, 1e-3),
        (randn(rng, (2, 3, 4), elem), 0, None),  # the whole tensor
        (randn(rng, (2, 3, 4), elem), 1, 1e-2),
        (randn(rng, (5, 6), elem, scale=0.01, shift=1.0), -1, None),  # variance ~ eps
        (as_elem(const_rows, elem), -1, None),
        (randn(rng, (2, 4), elem, scale=300.0), -1, None),  # squares overflow f16
    ]
    for i, (x, axis, eps) in enumerate(cases):
        ax = -1 if axis is None else axis
        norm_shape = x.shape[ax % x.ndim :]
        g = randn(rng, norm_shape, elem, scale=0.5, shift=1.0)
        b = randn(rng, norm_shape, elem)
        attrs = []
        if axis is not None:
            attrs.append(f"axis = {axis} : i64")
        if eps is not None:
            attrs.append(f"epsilon = {mlir_float(eps)} : f64")
        ref = ref_layer_norm(x, g, b, ax, 1e-5 if eps is None else eps)
        expected[f"y{i}"] = ref
        ops = [m.arg(f"x{i}", x), m.arg(f"g{i}", g), m.arg(f"b{i}", b)]
        m.ret(m.op("lp.layer_norm", ops, x.shape, elem, "{" + ", ".join(attrs) + "}" if attrs else ""), f"y{i}")
    out = m.run()
    for name, ref in expected.items():
        check(out, name, ref, elem, atol=1e-5)


def test_exp_underflow_range_f32():
    """exp where f32 results are subnormal or 0 (lp-guard-exp-underflow
    computes exp(x + 64) * exp(-64) there, so the vector exp never sees an
    out-of-range lane): a dense sweep of [-160, -80] plus -1e9, -inf, NaN
    and the normal neighbours, against float64 exp rounded once to f32.
    Subnormal results may be off by at most 2 of their ulps (2^-149),
    normal ones by 4 f32 ulps; below -103.98 the result is exactly 0."""
    sweep = np.linspace(-160.0, -80.0, 4001, dtype=np.float32)
    edges = np.array([-1e9, -np.inf, np.nan, -150.0, -104.0, -103.97, -103.0,
                      -87.4, -87.3365, -87.0, -86.9, 0.0, 1.0], np.float32)
    x = np.concatenate([sweep, edges])
    m = Model()
    m.ret(m.op("lp.exp", [m.arg("x", x)], x.shape, "f32"), "e")
    got = m.run()["e"]
    with np.errstate(under="ignore"):
        ref = np.exp(x.astype(np.float64)).astype(np.float32)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(ref))
    ok = ~np.isnan(ref)
    tiny = np.float32(2.0**-149)
    err = np.abs(got[ok].astype(np.float64) - ref[ok].astype(np.float64))
    bound = np.maximum(2 * tiny, 4 * np.spacing(np.abs(ref[ok])).astype(np.float64))
    bad = err > bound
    assert not bad.any(), (f"exp off at x = {x[ok][bad][:5]}: got {got[ok][bad][:5]}, "
                           f"want {ref[ok][bad][:5]}")
    assert (got[x < -103.98] == 0).all()


def test_relu_grad_is_pytorchs_threshold_backward():
    """lp.relu_grad (autodiff gives it relu's result): zero where the input
    is <= 0, the incoming gradient elsewhere, a NaN input included, as
    PyTorch's threshold_backward(grad, result, 0); bit-exact."""
    x = np.array(AWKWARD["relu"], np.float32)
    dy = np.linspace(-3.0, 3.0, x.size).astype(np.float32)
    dy[-1] = 7.0  # the NaN input's gradient passes on
    out = run_single_op("lp.relu_grad", {"x": x, "dy": dy}, x.shape, "f32")
    ref = np.where(x <= 0, np.float32(0), dy)  # NaN <= 0 is false
    np.testing.assert_array_equal(out.view(np.uint32), ref.view(np.uint32))
