"""Products of bf16 and f16 operands (lp.matmul accumulates them in f32 and
rounds the result once) on both paths of lp-run --lowp-products: `native`,
the runtime's lp_gemm_bf16 / lp_gemm_f16 (oneDNN's kernels where the CPU
has them for the type: AVX512_BF16, AMX, AVX512_FP16; else both operands
widened to f32 on every call and the f32 product of the contraction
policy), and `widened` (lp-widen-lowp-products: the operands widened once
in the step, f32 products); `auto` picks native exactly where the CPU has
the kernels. Checked against the float64 product of
the same bf16/f16 values rounded once to the result type (within 1 ulp:
f32 accumulation can move a result across a rounding boundary; results
that cancel towards 0 within the f32 accumulation's error bound), in every
size class, with transposed operands and in a batch, with each contraction
library; --verbose names what ran them, and never oneDNN's reference
kernels.
"""

from __future__ import annotations

import re

import ml_dtypes
import numpy as np
import pytest

from lp_testing import assert_ulp_close, run_lp
from product_cases import products_model
from test_contractions import cpu_flags, skip_without_onednn

CASES = {
    "small": ((8, 16), (16, 8), False, False),
    "small_at": ((16, 9), (16, 8), True, False),
    "mid": ((200, 96), (96, 160), False, False),
    "mid_bt": ((200, 96), (160, 96), False, True),
    "large": ((512, 1024), (1024, 520), False, False),
    "batch": ((3, 40, 64), (3, 64, 24), False, False),
}
TYPES = {"bf16": ml_dtypes.bfloat16, "f16": np.float16}


def build(rng, elem):
    return products_model(rng, CASES, elem, TYPES[elem])


@pytest.mark.parametrize("path", ["native", "widened"])
@pytest.mark.parametrize("library", ["auto", "openblas", "onednn"])
@pytest.mark.parametrize("elem", list(TYPES))
def test_lowp_products_match_float64(rng, tmp_path, elem, library, path):
    skip_without_onednn(library, tmp_path)
    m, want = build(rng, elem)
    out = m.run(tmp_path / "run", extra_args=[f"--contraction={library}",
                                               f"--lowp-products={path}"])
    for name, (ref, k) in want.items():
        # Results that cancel towards 0 carry the f32 accumulation's error,
        # about k 2^-24 times the terms (N(0,1) here), many ulps of a tiny
        # bf16/f16 value: allowed as an absolute bound.
        assert_ulp_close(out[name], ref, elem, ulps=1, atol=k * 2.0**-22,
                         what=f"{name} ({elem}, {library})")


@pytest.mark.parametrize("elem", list(TYPES))
def test_report_names_the_lowp_kernels(rng, tmp_path, elem):
    m, _ = build(rng, elem)
    model, data = m.write(tmp_path)
    proc = run_lp([model, f"--data={data}", "--verbose", "--lowp-products=native",
                   f"--output-dir={tmp_path / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    kernels = re.findall(r"^kernel: (\w+): (.*)$", proc.stdout, re.M)
    mine = [(cls, k) for cls, k in kernels if elem in k]
    # (the large product is cut into mid-size blocks, one per thread)
    assert {"small", "mid"} <= {cls for cls, _ in mine}, proc.stdout
    assert not any(k.startswith("onednn ref") for _, k in mine), proc.stdout
    native = {"bf16": {"avx512_bf16"}, "f16": {"avx512_fp16"}}[elem]
    if not native <= cpu_flags():
        # No bf16/f16 arithmetic on this CPU: the widened f32 path.
        assert all(k == f"{elem} widened to f32" for _, k in mine), proc.stdout


# Where auto runs a type's products on the library's 16-bit kernels: only
# where they beat f32 kernels on widened operands (Contractions.h): bf16
# with AMX-BF16; f16 nowhere (oneDNN 2.6 has no f16 product kernels).
NATIVE_FLAGS = {"bf16": ({"amx_bf16", "amx_tile"},), "f16": ()}


def has_native(elem):
    return any(flags <= cpu_flags() for flags in NATIVE_FLAGS[elem])


@pytest.mark.parametrize("elem", list(TYPES))
def test_auto_widens_exactly_without_native_kernels(rng, tmp_path, elem):
    """auto runs the library's 16-bit kernels where they are faster than f32
    kernels (bf16 with AMX-BF16), else the operands widened once per step,
    and --verbose says which."""
    m, _ = build(rng, elem)
    model, data = m.write(tmp_path)
    proc = run_lp([model, f"--data={data}", "--verbose", f"--output-dir={tmp_path / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    line = re.search(r"^16-bit products \(auto: (.*)\)$", proc.stdout, re.M)
    assert line, proc.stdout
    kernels = re.findall(r"^kernel: \w+: (.*)$", proc.stdout, re.M)
    if has_native(elem):
        assert f"{elem} native" in line.group(1), proc.stdout
        assert any(elem in k for k in kernels), proc.stdout
    else:
        print(f"no {elem} kernels faster than f32 ones on this CPU: checking the widened path")
        assert f"{elem} widened to f32 once per step" in line.group(1), proc.stdout
        # Every product ran as an f32 product: no per-call widening.
        assert kernels and not any(elem in k for k in kernels), proc.stdout


def test_widened_mode_is_forced_and_reported(rng, tmp_path):
    m, _ = build(rng, "bf16")
    model, data = m.write(tmp_path)
    proc = run_lp([model, f"--data={data}", "--verbose", "--lowp-products=widened",
                   f"--output-dir={tmp_path / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    assert ("16-bit products (widened: bf16 widened to f32 once per step, "
            "f16 widened to f32 once per step)") in proc.stdout, proc.stdout


def test_unknown_lowp_products_is_an_error(rng, tmp_path):
    m, _ = build(rng, "bf16")
    model, data = m.write(tmp_path)
    proc = run_lp([model, f"--data={data}", "--lowp-products=fast"])
    assert proc.returncode != 0
    assert "unknown low-precision product path 'fast' (expected auto, native or widened)" \
        in proc.stderr, proc.stderr
