"""Checks and float64 references shared by the forward-numerics tests
(test_op_numerics*.py); tolerances are described in test_op_numerics.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numpy_refs import f64, ref_conv2d, ref_log_softmax, ref_pool2d, ref_softmax  # noqa: F401
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
