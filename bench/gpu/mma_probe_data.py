"""Inputs and expected results of bench/gpu/mma_probe.mlir: integers in
[-4, 4] as bf16 and f16 (exact), whose products summed over k = 64 stay
exact in f32, and the products in float64 numpy.

    python3 bench/gpu/mma_probe_data.py OUT_DIR   # writes probe.npz, expected.npz
    python3 bench/gpu/mma_probe_data.py --check OUT_DIR RESULTS_DIR
"""

import sys
from pathlib import Path

import numpy as np


def write(out: Path):
    import ml_dtypes  # here only: the GPU machine checks without it
    rng = np.random.default_rng(21)
    ints = lambda *shape: rng.integers(-4, 5, shape).astype(np.float64)  # noqa: E731
    a, b, at, bh = ints(32, 64), ints(64, 16), ints(64, 32), ints(64, 24)
    np.savez(out / "probe.npz", a=a.astype(ml_dtypes.bfloat16), b=b.astype(ml_dtypes.bfloat16),
             at=at.astype(np.float16), bh=bh.astype(np.float16))
    np.savez(out / "expected.npz", ab=a @ b, atb=at.T @ bh)


def check(expected: Path, results: Path) -> bool:
    want = np.load(expected / "expected.npz")
    ok = True
    for name in ("ab", "atb"):
        got = np.load(results / f"{name}.npy").astype(np.float64)
        wrong = int(np.sum(got != want[name]))
        print(f"{name}: {wrong} of {got.size} elements differ from numpy"
              + ("" if not wrong else f" (first at {np.argwhere(got != want[name])[0].tolist()})"))
        ok &= wrong == 0
    return ok


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        sys.exit(0 if check(Path(sys.argv[2]), Path(sys.argv[3])) else 1)
    write(Path(sys.argv[1]))
