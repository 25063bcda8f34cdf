"""Large products split over threads (lp-linalg-to-blas split-min) are right.

With `--parallel` (lp-run's default) a matmul of at least 2^20
multiply-adds is cut along the longer of m and n into one block per
thread of the runtime (its OpenMP thread count, asked when the step runs:
the same compiled code runs with OMP_NUM_THREADS 1, 3 and 5 too), each a single-threaded cblas_sgemm on pointers advanced to
the block. The cases cut along m and along n, with lengths that are not
multiples of the 16-row blocks, through transposed operands (the backward
pass's forms, folded into the BLAS flags), and in a batch of large products;
each is checked against numpy in float64, with `--parallel=0` (one call per
product) as a second run that must agree to the same tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from product_cases import products_model

# name: (a shape as stored, b shape as stored, transpose a, transpose b)
CASES = {
    "rows": ((1001, 64), (64, 40), False, False),  # 2.6M MACs, cut along m
    "cols": ((40, 64), (64, 1001), False, False),  # cut along n
    "at": ((64, 1001), (64, 40), True, False),  # A read transposed, cut along m
    "bt": ((40, 64), (1001, 64), False, True),  # B read transposed, cut along n
    "batch": ((2, 1100, 64), (2, 64, 64), False, False),  # 4.5M MACs per product
}


def build(rng):
    m, want = products_model(rng, CASES)
    return m, {name: ref for name, (ref, _) in want.items()}


def test_split_products_match_numpy(rng, tmp_path):
    m, want = build(rng)
    runs = {"split": m.run(tmp_path / "split"),
            "--parallel=0": m.run(tmp_path / "whole", extra_args=["--parallel=0"])}
    for threads in ("1", "3", "5"):
        runs[f"OMP_NUM_THREADS={threads}"] = m.run(tmp_path / f"t{threads}", env={"OMP_NUM_THREADS": threads})
    for name, ref in want.items():
        # 64 products of N(0,1) terms: f32 rounding is about 64 * 2^-24 * 8.
        for label, out in runs.items():
            np.testing.assert_allclose(out[name], ref, rtol=0, atol=1e-4,
                                       err_msg=f"{name} ({label})")
