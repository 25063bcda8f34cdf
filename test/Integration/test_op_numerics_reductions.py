"""Forward numerics of the reductions, shape ops, embedding and losses
(continued from test_op_numerics.py, whose docstring gives the tolerances),
and regression tests for lp-run bugs these tests found."""

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

from op_checks import *  # noqa: F401,F403  (shared checks and references)


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
        ((), (), "f32"),  # rank 0 (crashed MLIR 22's linalg.transpose verifier)
    ]
    for i, (shape, perm, elem) in enumerate(cases):
        x = randn(rng, shape, elem)
        expected[f"t{i}"] = np.transpose(x, perm)
        attrs = (f"{{permutation = array<i64: {', '.join(map(str, perm))}>}}" if perm
                 else "{permutation = array<i64>}")
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
