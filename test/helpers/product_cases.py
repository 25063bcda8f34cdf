"""Models of several lp.matmul products and their float64 references, for
the tests of the product lowerings (split blocks, contraction libraries,
bf16/f16 products)."""

from __future__ import annotations

import numpy as np

from lp_testing import Model

T = "{permutation = array<i64: 1, 0>}"


def products_model(rng, cases, elem="f32", dtype=np.float32):
    """`cases`: {name: (a shape as stored, b shape as stored, transpose a,
    transpose b)}; A and B are N(0, 1) values of `dtype`, read through an
    lp.transpose where asked. Returns the model (one result per case, named
    like it) and {name: (float64 product of the stored values, k)}."""
    m, want = Model(), {}
    for name, (a_s, b_s, ta, tb) in cases.items():
        a = rng.standard_normal(a_s).astype(dtype)
        b = rng.standard_normal(b_s).astype(dtype)
        av, bv = m.arg(f"a_{name}", a), m.arg(f"b_{name}", b)
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        if ta:
            a64 = a64.T
            av = m.op("lp.transpose", [av], a64.shape, elem, T)
        if tb:
            b64 = b64.T
            bv = m.op("lp.transpose", [bv], b64.shape, elem, T)
        ref = np.matmul(a64, b64)
        m.ret(m.op("lp.matmul", [av, bv], ref.shape, elem), name)
        want[name] = (ref, a64.shape[-1])
    return m, want
