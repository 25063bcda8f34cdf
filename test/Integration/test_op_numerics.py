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

from numpy_refs import ref_log_softmax, ref_pool2d, ref_softmax  # noqa: E402
from lp_testing import (
    Model,
    assert_close,
    assert_ulp_close,
    mlir_float,
    numpy_dtype,
    round_to_format,
)

LOWP = ["f16", "bf16"]
ALL = ["f32", "f16", "bf16"]
EPS32 = 2.0**-24


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def as_elem(a, elem):
    """float data -> array of the MLIR element type `elem` (RNE cast)."""
    return np.asarray(a, np.float32).astype(numpy_dtype(elem))


def f64(a):
    return np.asarray(a).astype(np.float64)


def randn(rng, shape, elem="f32", scale=1.0, shift=0.0):
    return as_elem(rng.standard_normal(shape) * scale + shift, elem)


def uniform(rng, shape, lo, hi, elem="f32"):
    return as_elem(rng.uniform(lo, hi, shape), elem)


def check(out, name, ref, elem, *, rtol=1e-5, atol=1e-6, ulps=1, lowp_atol=0.0):
    """f32: rtol/atol; f16/bf16: within `ulps` of the rounded reference (or
    within `lowp_atol` of the reference, for documented f32 evaluation error)."""
    got = out[name]
    if elem == "f32":
        assert got.dtype == np.float32, f"{name}: dtype {got.dtype}"
        ref = f64(ref)
        # Results beyond the f32 range round to +-inf (e.g. exp(89)).
        ref = np.where(np.isinf(round_to_format(ref, "f32")), np.copysign(np.inf, ref), ref)
        assert_close(got, ref, rtol=rtol, atol=atol, what=name)
    else:
        assert_ulp_close(got, ref, elem, ulps=ulps, atol=lowp_atol, what=name)


def check_exact(out, name, ref, elem=None):
    """Bit-exact: same dtype, shape and bits (NaN == NaN)."""
    got = out[name]
    ref = np.asarray(ref)
    if elem is not None and ref.dtype.kind == "f" and ref.dtype != numpy_dtype(elem):
        ref = round_to_format(ref, elem) if elem in ("f16", "bf16", "f32") else ref
    assert got.dtype == ref.dtype, f"{name}: dtype {got.dtype} != {ref.dtype}"
    assert got.shape == ref.shape, f"{name}: shape {got.shape} != {ref.shape}"
    if got.dtype.kind in "fV" or got.dtype == numpy_dtype("bf16"):
        gb = got.view(f"u{got.dtype.itemsize}")
        rb = ref.view(f"u{ref.dtype.itemsize}")
        both_nan = np.isnan(f64(got)) & np.isnan(f64(ref))
        bad = (gb != rb) & ~both_nan
        assert not bad.any(), (
            f"{name}: {int(bad.sum())} elements differ; first: got {f64(got)[bad][0]!r}, "
            f"expected {f64(ref)[bad][0]!r}"
        )
    else:
        np.testing.assert_array_equal(got, ref, err_msg=name)


def sum_atol(terms, axis=None, n=None):
    """f32 accumulation bound 2^-24 * n * max|term| (at least 1e-6)."""
    terms = np.abs(f64(terms))
    if n is None:
        n = terms.size if axis is None else np.prod([terms.shape[a] for a in np.atleast_1d(axis)])
    return max(1e-6, EPS32 * float(n) * float(terms.max(initial=0.0)))


# ---------------------------------------------------------------------------
# float64 references
# ---------------------------------------------------------------------------


def ref_conv2d(x, w, b, stride, padding):
    x, w = f64(x), f64(w)
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    (sh, sw), (ph, pw) = stride, padding
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph : ph + h, pw : pw + wd] = x
    oh, ow = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    out = np.zeros((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            out[:, :, i, j] = np.einsum("nckl,fckl->nf", patch, w)
    if b is not None:
        out += f64(b)[None, :, None, None]
    return out


def ref_gelu(x, approximate):
    x = f64(x)
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    erf = np.vectorize(math.erf, otypes=[np.float64])
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def ref_sigmoid(x):
    x = f64(x)
    # Evaluated without overflow on both sides.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def ref_layer_norm(x, gamma, beta, axis, eps):
    x = f64(x)
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * f64(gamma) + f64(beta)


def ref_cross_entropy(logits, labels):
    z = f64(logits)
    m = z.max(axis=1)
    lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
    return np.mean(lse - z[np.arange(z.shape[0]), labels])


# ---------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------


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
def test_matmul(rng, elem):
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
    out = m.run()
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


def _conv_model(rng, elem, cases):
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
    out = m.run()
    for name, ref in expected.items():
        check(out, name, ref, elem, atol=atols[name])


@pytest.mark.parametrize("case", range(len(CONV_CASES)))
def test_conv2d_f32(rng, case):
    _conv_model(rng, "f32", [CONV_CASES[case]])


@pytest.mark.parametrize("elem", LOWP)
def test_conv2d_lowp(rng, elem):
    _conv_model(rng, elem, CONV_CASES)


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


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------

REDUCE_CASES = [  # input shape, axes, keepdims
    ((2, 3, 4), [1], False),
    ((2, 3, 4), [-1], False),
    ((2, 3, 4), [0, 2], False),
    ((2, 3, 4), [-3, -1], True),
    ((2, 3, 4), [0, 1, 2], False),  # to rank 0
    ((2, 3, 4), [0, 1, 2], True),  # to [1, 1, 1]
    ((2, 3, 4), [2, 0], True),  # unsorted axes
    ((5,), [0], True),
    ((2, 3, 4, 5), [1, -1], False),
    ((3, 1, 4), [1], False),  # reduce a size-1 axis
]


@pytest.mark.parametrize("elem", ALL)
def test_reductions(rng, elem):
    m, expected = Model(), {}
    for i, (shape, axes, keep) in enumerate(REDUCE_CASES):
        x = randn(rng, shape, elem, scale=2.0)
        xm = randn(rng, shape, elem, scale=2.0)  # own input: sum and mean differ
        xneg = as_elem(-np.abs(f64(randn(rng, shape))) - 0.5, elem)  # max must not be 0
        vx, vm, vn = m.arg(f"x{i}", x), m.arg(f"m{i}", xm), m.arg(f"n{i}", xneg)
        attrs = f"{{axes = array<i64: {', '.join(map(str, axes))}>{', keepdims = true' if keep else ''}}}"
        ax = tuple(axes)
        n = int(np.prod([shape[a] for a in ax]))
        refs = {
            "sum": (vx, f64(x).sum(axis=ax, keepdims=keep)),
            "mean": (vm, f64(xm).mean(axis=ax, keepdims=keep)),
            "max": (vx, f64(x).max(axis=ax, keepdims=keep)),
            "maxneg": (vn, f64(xneg).max(axis=ax, keepdims=keep)),
        }
        for kind, (v, ref) in refs.items():
            op = "max" if kind == "maxneg" else kind
            expected[f"{kind}{i}"] = (ref, sum_atol(x, n=n) / (n if kind == "mean" else 1))
            m.ret(m.op(f"lp.reduce_{op}", [v], ref.shape, elem, attrs), f"{kind}{i}")
    out = m.run()
    for name, (ref, atol) in expected.items():
        if name.startswith("max"):
            check_exact(out, name, ref, elem)
        else:
            check(out, name, ref, elem, atol=atol)


@pytest.mark.parametrize("elem", LOWP)
def test_reductions_accumulate_in_f32(rng, elem):
    """Sums whose partial results overflow / lose precision in f16/bf16."""
    m, expected = Model(), {}
    big = as_elem(np.full((4, 8), 30000.0) + rng.uniform(0, 100, (4, 8)), elem)
    many = randn(rng, (2048,), elem, shift=1.0)  # 2048 terms: f16 would lose the tail
    vb, vm = m.arg("big", big), m.arg("many", many)
    cases = {
        "mean_big": (vb, "reduce_mean", "{axes = array<i64: 1>}", f64(big).mean(axis=1)),
        "sum_many": (vm, "reduce_sum", "{axes = array<i64: 0>}", f64(many).sum()),
        "mean_many": (vm, "reduce_mean", "{axes = array<i64: 0>}", f64(many).mean()),
    }
    for name, (v, op, attrs, ref) in cases.items():
        expected[name] = ref
        m.ret(m.op(f"lp.{op}", [v], np.shape(ref), elem, attrs), name)
    out = m.run()
    for name, ref in expected.items():
        check(out, name, ref, elem)


@pytest.mark.parametrize("elem", LOWP)
def test_lowp_contractions_accumulate_in_f32(elem):
    """256*256 + 1*1 - 256*256 = 1: an f16 accumulator overflows (65536 >
    65504), a bf16 one drops the 1; an f32 accumulator is exact."""
    m, expected = Model(), {}
    a = as_elem([[256.0, 1.0, -256.0]], elem)
    w = as_elem([[256.0], [1.0], [256.0]], elem)
    m.ret(m.op("lp.linear", [m.arg("x", a), m.arg("w", w)], (1, 1), elem), "linear")
    expected["linear"] = np.ones((1, 1))
    m.ret(
        m.op("lp.matmul", [m.arg("ma", a.reshape(1, 1, 3)), m.arg("mb", w.reshape(1, 3, 1))], (1, 1, 1), elem),
        "matmul",
    )
    expected["matmul"] = np.ones((1, 1, 1))
    m.ret(
        m.op("lp.conv2d", [m.arg("cx", a.reshape(1, 1, 1, 3)), m.arg("cw", w.reshape(1, 1, 1, 3))], (1, 1, 1, 1), elem),
        "conv",
    )
    expected["conv"] = np.ones((1, 1, 1, 1))
    # avg pool / reduce_sum: partial sums beyond the type's range or precision
    big = [60000.0, 60000.0, -60000.0] if elem == "f16" else [65536.0, 3.0, -65536.0]
    p = as_elem(np.array(big).reshape(1, 1, 1, 3), elem)
    m.ret(m.op("lp.avg_pool2d", [m.arg("p", p)], (1, 1, 1, 1), elem, "{kernel = array<i64: 1, 3>}"), "avg")
    expected["avg"] = f64(p).sum().reshape(1, 1, 1, 1) / 3
    m.ret(m.op("lp.reduce_sum", [m.arg("r", p.reshape(3))], (), elem, "{axes = array<i64: 0>}"), "sum")
    expected["sum"] = f64(p).sum()
    out = m.run()
    for name, ref in expected.items():
        check(out, name, ref, elem, ulps=0)


# ---------------------------------------------------------------------------
# Shape ops and embedding (exact)
# ---------------------------------------------------------------------------


def test_reshape(rng):
    m, expected = Model(), {}
    x = randn(rng, (2, 3, 4))
    vx = m.arg("x", x)
    for i, shape in enumerate([(6, 4), (24,), (4, 3, 2), (1, 24, 1), (2, 12), (2, 3, 4)]):
        expected[f"r{i}"] = x.reshape(shape)
        m.ret(m.op("lp.reshape", [vx], shape, "f32"), f"r{i}")
    s = randn(rng, ())
    vs = m.arg("s", s)
    expected["to11"] = s.reshape(1, 1)
    m.ret(m.op("lp.reshape", [vs], (1, 1), "f32"), "to11")
    one = randn(rng, (1, 1))
    expected["to0"] = one.reshape(())
    m.ret(m.op("lp.reshape", [m.arg("one", one)], (), "f32"), "to0")
    ints = rng.integers(-(2**62), 2**62, (2, 3)).astype(np.int64)
    expected["ints_r"] = ints.reshape(3, 2)
    m.ret(m.op("lp.reshape", [m.arg("ints", ints)], (3, 2), "i64"), "ints_r")
    for elem in LOWP:
        h = randn(rng, (2, 6), elem)
        expected[elem] = h.reshape(3, 4)
        m.ret(m.op("lp.reshape", [m.arg(f"h_{elem}", h)], (3, 4), elem), elem)
    out = m.run()
    for name, ref in expected.items():
        check_exact(out, name, ref)


def test_transpose(rng):
    m, expected = Model(), {}
    cases = [
        ((3, 4), (1, 0), "f32"),
        ((2, 3, 4), (2, 0, 1), "f32"),
        ((2, 3, 4), (0, 1, 2), "f32"),  # identity
        ((2, 3, 4, 5), (0, 2, 1, 3), "f32"),
        ((2, 3, 4, 5), (3, 1, 0, 2), "f32"),
        ((1, 5, 1), (2, 1, 0), "f32"),
        ((3, 4), (1, 0), "f16"),
        ((2, 3, 4), (1, 2, 0), "bf16"),
    ]
    for i, (shape, perm, elem) in enumerate(cases):
        x = randn(rng, shape, elem)
        expected[f"t{i}"] = np.transpose(x, perm)
        attrs = f"{{permutation = array<i64: {', '.join(map(str, perm))}>}}"
        m.ret(m.op("lp.transpose", [m.arg(f"x{i}", x)], expected[f"t{i}"].shape, elem, attrs), f"t{i}")
    ints = rng.integers(-1000, 1000, (2, 3, 4)).astype(np.int64)
    expected["ints_t"] = np.transpose(ints, (2, 1, 0))
    m.ret(
        m.op("lp.transpose", [m.arg("ints", ints)], (4, 3, 2), "i64", "{permutation = array<i64: 2, 1, 0>}"),
        "ints_t",
    )
    out = m.run()
    for name, ref in expected.items():
        check_exact(out, name, ref)


def test_embedding(rng):
    m, expected = Model(), {}
    table = randn(rng, (10, 4))
    cases = [  # indices, table elem
        (np.array([0, 9, 3, 3, 0], np.int64), "f32"),  # first/last rows, repeats
        (rng.integers(0, 10, (2, 3)).astype(np.int32), "f32"),  # i32 indices, rank 2
        (np.array(7, np.int64), "f32"),  # rank-0 indices -> [D]
        (rng.integers(0, 10, (2, 2, 2)).astype(np.int64), "f32"),
        (np.array([9, 1, 0], np.int64), "f16"),
        (np.array([[2, 8]], np.int32), "bf16"),
    ]
    tables = {"f32": table}
    for elem in LOWP:
        tables[elem] = randn(rng, (10, 4), elem)
    vt = {e: m.arg(f"table_{e}", t) for e, t in tables.items()}
    for i, (ids, elem) in enumerate(cases):
        ref = tables[elem][ids]
        expected[f"e{i}"] = ref
        m.ret(m.op("lp.embedding", [m.arg(f"ids{i}", ids), vt[elem]], ref.shape, elem), f"e{i}")
    out = m.run()
    for name, ref in expected.items():
        check_exact(out, name, ref)


# ---------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("elem", ALL)
def test_cross_entropy(rng, elem):
    m, expected = Model(), {}
    large = np.array(
        [[1000.0, 0.0, -1000.0], [1000.0, 0.0, -1000.0], [50.0, 50.0, 50.0], [-1e4, -1e4 + 1, -1e4 + 2]]
    )
    if elem == "f16":
        large = np.array([[1000.0, 0.0, -1000.0], [1000.0, 0.0, -1000.0], [50.0, 50.0, 50.0], [-6e4, -6e4 + 32, -6e4 + 64]])
    cases = [  # logits, labels
        (randn(rng, (8, 5), elem, scale=3.0), rng.integers(0, 5, 8).astype(np.int64)),
        (as_elem(large, elem), np.array([2, 0, 1, 0], np.int64)),  # loss 2000, 0, log 3, ...
        (randn(rng, (6, 10), elem), np.array([0, 9, 0, 9, 5, 5], np.int32)),  # i32, edge labels
        (randn(rng, (1, 1), elem), np.array([0], np.int64)),  # one class: loss 0
        (randn(rng, (3, 4), elem, scale=20.0), np.array([3, 1, 2], np.int64)),
    ]
    for i, (logits, labels) in enumerate(cases):
        expected[f"l{i}"] = ref_cross_entropy(logits, labels)
        ops = [m.arg(f"z{i}", logits, attrs='lp.role = "input"'), m.arg(f"y{i}", labels, attrs='lp.role = "label"')]
        m.ret(m.op("lp.cross_entropy", ops, (), elem), f"l{i}")
    out = m.run()
    for name, ref in expected.items():
        z = cases[int(name[1:])][0]
        check(out, name, ref, elem, atol=sum_atol(z, n=z.shape[1] + 2))


@pytest.mark.parametrize("elem", ALL)
def test_mse_loss(rng, elem):
    m, expected = Model(), {}
    cases = [
        (randn(rng, (4, 3), elem), randn(rng, (4, 3), elem)),
        (randn(rng, (7,), elem), randn(rng, (7,), elem)),
        (randn(rng, (), elem), randn(rng, (), elem)),  # rank 0
        (randn(rng, (2, 3, 4), elem), randn(rng, (2, 3, 4), elem)),
        # squared differences overflow f16 (200^2 * 8 > 65504); the mean does not
        (as_elem(np.full((8,), 100.0), elem), as_elem(np.full((8,), -100.0), elem)),
    ]
    same = randn(rng, (3, 3), elem)
    cases.append((same, same))  # exactly 0
    for i, (p, t) in enumerate(cases):
        d2 = (f64(p) - f64(t)) ** 2
        expected[f"l{i}"] = (d2.mean(), sum_atol(d2) / max(d2.size, 1))
        m.ret(m.op("lp.mse_loss", [m.arg(f"p{i}", p), m.arg(f"t{i}", t)], (), elem), f"l{i}")
    out = m.run()
    for name, (ref, atol) in expected.items():
        check(out, name, ref, elem, atol=atol)


# ---------------------------------------------------------------------------
# Model plumbing
# ---------------------------------------------------------------------------


def test_same_value_returned_twice():
    """Regression: returning one value twice (also what CSE makes of two
    identical ops) crashed lp-run with SIGSEGV in
    promoteBufferResultsToOutParams."""
    x = np.array([-1.0, 0.5, 2.0, -3.0], np.float32)
    m = Model()
    vx = m.arg("x", x)
    y = m.op("lp.relu", [vx], x.shape, "f32")
    m.ret(y, "a")
    m.ret(y, "b")
    m.ret(m.op("lp.relu", [vx], x.shape, "f32"), "c")  # CSE'd into y
    m.ret(vx, "d")  # an argument returned as is
    out = m.run()
    for name in "abc":
        check_exact(out, name, np.maximum(x, 0))
    check_exact(out, "d", x)


def test_result_named_like_argument():
    """Regression: a result named like an argument (as a train step's state
    in/out is) verified, but lowering failed: buffer-results-to-out-params
    moved the result's lp.name onto an out-parameter and the verifier then
    reported 'arguments #0 and #1 are both named "x"'."""
    x = np.array([-1.0, 0.5, 2.0, -3.0], np.float32)
    m = Model()
    m.ret(m.op("lp.relu", [m.arg("x", x)], x.shape, "f32"), "x")
    check_exact(m.run(), "x", np.maximum(x, 0))
