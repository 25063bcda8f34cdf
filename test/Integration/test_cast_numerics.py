"""lp.cast through lp-run, bit for bit.

* f32 -> f16 / bf16, nearest even (the default): bit-exact against numpy's
  float16 and ml_dtypes' bfloat16 conversions, on edge values (65504,
  65519.99, 65520 -> inf, subnormals, half the smallest subnormal, ties to
  even, +-inf, NaN, -0.0, f32 subnormals and extremes) and on a large
  sample of random f32 bit patterns. NaN must stay NaN (payload and sign
  are not compared).
* f32 -> f16 / bf16, toward zero: bit-exact against `round_to_format`, an
  independent numpy reference (scale by the ulp, np.trunc): truncation,
  overflow gives the largest finite value, +-inf stay +-inf, NaN stays NaN.
* f16 <-> bf16 (both roundings) and the widening casts f16 -> f32 and
  bf16 -> f32: every one of the 65536 bit patterns, exact.

Each group of casts is one model (one lp-run invocation, module-scoped
fixture); the tests then check its results.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from lp_testing import BF16, Model, round_to_format

# numpy warns when it casts NaN bit patterns (signalling NaNs) between types.
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")

RNE = ""
RTZ = "{rounding = #lp<rounding toward_zero>}"
MODES = {"nearest_even": RNE, "toward_zero": RTZ}

F16_MAX = 65504.0
BF16_MAX = float(ml_dtypes.finfo(ml_dtypes.bfloat16).max)


def f32_bits(u):
    return np.array(u, np.uint32).view(np.float32)


def f32(values):
    return np.array(values, np.float32)


# f32 values around the f16 format's edges.
F16_EDGES = f32(
    [
        0.0,
        -0.0,
        1.0,
        -1.0,
        F16_MAX,
        -F16_MAX,
        65519.99,  # just below the overflow threshold -> 65504
        np.nextafter(np.float32(65520), np.float32(0)),
        65520.0,  # the halfway point to 2^16 -> inf
        -65520.0,
        65535.0,
        65536.0,
        1e6,
        -1e6,
        np.finfo(np.float32).max,
        -np.finfo(np.float32).max,
        np.inf,
        -np.inf,
        np.nan,
        -np.nan,
        2.0**-14,  # smallest normal
        2.0**-14 - 2.0**-24,  # largest subnormal
        2.0**-24,  # smallest subnormal
        -(2.0**-24),
        2.0**-25,  # half the smallest subnormal: tie -> 0 (even)
        -(2.0**-25),
        2.0**-25 * (1 + 2.0**-20),  # just above the half -> smallest subnormal
        np.nextafter(np.float32(2.0**-25), np.float32(0)),  # just below -> 0
        3 * 2.0**-25,  # 1.5 smallest subnormals: tie -> 2 (even)
        5 * 2.0**-25,  # 2.5 -> 2 (even)
        7 * 2.0**-25,  # 3.5 -> 4 (even)
        2.0**-26,
        1e-40,  # f32 subnormal -> 0
        -1e-40,
        1.4e-45,  # smallest f32 subnormal
        1 + 2.0**-11,  # tie between 1 and 1 + 2^-10 -> 1
        1 + 3 * 2.0**-11,  # tie -> 1 + 2^-9 (even)
        1 + 2.0**-11 + 2.0**-23,  # just above the tie -> up
        -(1 + 3 * 2.0**-11),
        2049.0,  # tie (ulp 2) -> 2048
        2051.0,  # tie -> 2052
        0.1,
        1 / 3,
        np.pi,
        -np.e,
        32768.0 + 16.0,  # tie (ulp 32) -> 32768
        32768.0 + 48.0,  # tie -> 32768 + 64
    ]
)

# f32 values around the bf16 format's edges.
BF16_EDGES = f32(
    [
        0.0,
        -0.0,
        1.0,
        BF16_MAX,
        -BF16_MAX,
        f32_bits(0x7F7F7FFF),  # just below bf16 max + half ulp -> bf16 max
        f32_bits(0x7F7F8000),  # bf16 max + half ulp: tie, rounds up -> inf
        np.finfo(np.float32).max,  # -> inf
        -np.finfo(np.float32).max,
        np.inf,
        -np.inf,
        np.nan,
        f32_bits(0x7F800001),  # signalling-NaN bit pattern: stays NaN
        f32_bits(0xFFC00000),  # negative NaN
        f32_bits(0x7FFFFFFF),  # NaN whose rounding would carry
        1 + 2.0**-8,  # tie between 1 and 1 + 2^-7 -> 1
        1 + 3 * 2.0**-8,  # tie -> 1 + 2^-6 (even)
        1 + 2.0**-8 + 2.0**-23,  # just above -> up
        -(1 + 3 * 2.0**-8),
        2.0**-126,  # smallest normal
        2.0**-126 - 2.0**-133,  # largest bf16 subnormal
        2.0**-133,  # smallest bf16 subnormal
        2.0**-134,  # half of it: tie -> 0
        3 * 2.0**-134,  # tie -> 2^-132 (even)
        2.0**-134 + 2.0**-149,  # just above half -> smallest subnormal
        2.0**-149,  # smallest f32 subnormal -> 0
        -(2.0**-149),
        f32_bits(0x00017FFF),
        f32_bits(0x00018000),  # subnormal tie -> up (odd kept bit)
        f32_bits(0x00008000),  # subnormal tie -> 0 (even)
        0.1,
        1 / 3,
        65504.0,
        65520.0,
        1e30,
        -1e-30,
    ]
)


def random_f32_bits(rng, n):
    """Uniformly random f32 bit patterns (all classes, NaNs included)."""
    return rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)


def random_f16_range(rng, n):
    """Random f32 patterns whose exponents cover the f16 range and beyond:
    subnormals, normals, overflow; mantissas random, plus exact ties."""
    exp = rng.integers(127 - 27, 127 + 17, n).astype(np.uint32)
    mant = rng.integers(0, 2**23, n).astype(np.uint32)
    # Every 4th value is an exact f16 tie: the 13 dropped bits are 0x1000.
    mant[::4] = (mant[::4] & ~np.uint32(0x1FFF)) | np.uint32(0x1000)
    sign = rng.integers(0, 2, n).astype(np.uint32) << np.uint32(31)
    return (sign | (exp << np.uint32(23)) | mant).view(np.float32)


def random_bf16_ties(rng, n):
    bits = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    bits = (bits & ~np.uint32(0xFFFF)) | np.uint32(0x8000)  # exact bf16 ties
    x = bits.view(np.float32)
    return x[np.isfinite(x)]


def assert_bits_equal(got, want, *, what):
    """Same dtype and shape; NaN where `want` is NaN; other bits identical."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    g64, w64 = got.astype(np.float64), want.astype(np.float64)
    nan_w = np.isnan(w64)
    assert np.isnan(g64[nan_w]).all(), f"{what}: NaN did not stay NaN"
    u = f"u{got.dtype.itemsize}"
    bad = (got.view(u) != want.view(u)) & ~nan_w
    if bad.any():
        i = np.flatnonzero(bad)[:5]
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.size} differ, e.g. "
            + ", ".join(
                f"got {g64[j]!r} (0x{int(got.view(u)[j]):04x}) expected {w64[j]!r} "
                f"(0x{int(want.view(u)[j]):04x})"
                for j in i
            )
        )


def _cast_model(inputs, targets):
    """One model: every input cast to every (target type, mode)."""
    m = Model()
    for name, x in inputs.items():
        v = m.arg(name, x)
        for elem in targets:
            for mode, attrs in MODES.items():
                src = v
                if elem == "f32" and mode == "toward_zero":
                    # Widening ignores the mode: give the second cast its own
                    # argument so that CSE does not merge the two (returning
                    # one value twice is tested in test_op_numerics.py).
                    src = m.arg(f"{name}_tz", x)
                m.ret(m.op("lp.cast", [src], x.shape, elem, attrs), f"{name}.{elem}.{mode}")
    return m.run()


@pytest.fixture(scope="module")
def from_f32():
    rng = np.random.default_rng(20240611)
    inputs = {
        "f16edges": F16_EDGES,
        "bf16edges": BF16_EDGES,
        "bits": random_f32_bits(rng, 1 << 18),
        "f16range": random_f16_range(rng, 1 << 16),
        "bf16ties": random_bf16_ties(rng, 1 << 14),
    }
    return inputs, _cast_model(inputs, ["f16", "bf16"])


ALL_F16 = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
ALL_BF16 = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(BF16)


@pytest.fixture(scope="module")
def from_f16():
    return _cast_model({"x": ALL_F16}, ["f32", "bf16"])


@pytest.fixture(scope="module")
def from_bf16():
    return _cast_model({"x": ALL_BF16}, ["f32", "f16"])


# ---------------------------------------------------------------------------
# The reference itself (no lp-run): round_to_format agrees with numpy /
# ml_dtypes on nearest even, so its toward-zero mode is trustworthy.
# ---------------------------------------------------------------------------


def test_reference_matches_numpy_and_ml_dtypes():
    rng = np.random.default_rng(1)
    x = np.concatenate([F16_EDGES, BF16_EDGES, random_f32_bits(rng, 1 << 16), random_f16_range(rng, 1 << 14)])
    with np.errstate(over="ignore"):
        assert_bits_equal(round_to_format(x, "f16"), x.astype(np.float16), what="f16 reference")
    assert_bits_equal(round_to_format(x, "bf16"), x.astype(BF16), what="bf16 reference")
    # Toward zero never increases the magnitude and is at most one ulp below RNE.
    for elem in ("f16", "bf16"):
        tz = round_to_format(x, elem, "toward_zero").astype(np.float64)
        ok = np.isfinite(x)
        assert (np.abs(tz[ok]) <= np.abs(x[ok].astype(np.float64))).all()


# ---------------------------------------------------------------------------
# f32 -> f16 / bf16, nearest even
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["f16edges", "bf16edges", "bits", "f16range", "bf16ties"])
def test_f32_to_f16_nearest_even(from_f32, name):
    inputs, out = from_f32
    x = inputs[name]
    with np.errstate(over="ignore"):
        want = x.astype(np.float16)
    assert_bits_equal(out[f"{name}.f16.nearest_even"], want, what=f"{name} -> f16")


@pytest.mark.parametrize("name", ["f16edges", "bf16edges", "bits", "f16range", "bf16ties"])
def test_f32_to_bf16_nearest_even(from_f32, name):
    inputs, out = from_f32
    x = inputs[name]
    assert_bits_equal(out[f"{name}.bf16.nearest_even"], x.astype(BF16), what=f"{name} -> bf16")


class Lookup:
    """result[value]: the cast of the input element whose f32 bits equal
    float32(value) (so 0.0 and -0.0 are told apart)."""

    def __init__(self, x, result):
        self.x, self.result = np.asarray(x, np.float32), np.asarray(result)

    def _index(self, value):
        hits = np.flatnonzero(self.x.view(np.uint32) == np.float32(value).view(np.uint32))
        assert hits.size, f"{value!r} is not among the inputs"
        return hits[0]

    def __getitem__(self, value):
        return float(self.result[self._index(value)].astype(np.float64))

    def bits(self, value):
        r = self.result[self._index(value)]
        return int(np.asarray(r).view(f"u{r.dtype.itemsize}"))


def test_f32_to_f16_named_edges(from_f32):
    """The edge cases spelled out (independently of numpy)."""
    inputs, out = from_f32
    x = inputs["f16edges"]
    got = Lookup(x, out["f16edges.f16.nearest_even"])
    bits = got.bits
    assert got[65504.0] == 65504.0
    assert got[float(np.float32(65519.99))] == 65504.0
    assert got[65520.0] == np.inf and got[-65520.0] == -np.inf
    assert got[1e6] == np.inf and got[np.inf] == np.inf and got[-np.inf] == -np.inf
    assert bits(-0.0) == 0x8000 and bits(0.0) == 0x0000
    assert got[2.0**-24] == 2.0**-24
    assert bits(2.0**-25) == 0x0000 and bits(-(2.0**-25)) == 0x8000
    assert got[3 * 2.0**-25] == 2.0**-23
    assert got[5 * 2.0**-25] == 2.0**-23 and got[7 * 2.0**-25] == 2.0**-22
    assert got[1 + 2.0**-11] == 1.0 and got[1 + 3 * 2.0**-11] == 1 + 2.0**-9
    assert got[2049.0] == 2048.0 and got[2051.0] == 2052.0
    assert np.isnan(out["f16edges.f16.nearest_even"][np.isnan(x)].astype(np.float32)).all()


# ---------------------------------------------------------------------------
# f32 -> f16 / bf16, toward zero
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("elem", ["f16", "bf16"])
@pytest.mark.parametrize("name", ["f16edges", "bf16edges", "bits", "f16range", "bf16ties"])
def test_f32_toward_zero(from_f32, name, elem):
    inputs, out = from_f32
    x = inputs[name]
    want = round_to_format(x, elem, "toward_zero")
    assert_bits_equal(out[f"{name}.{elem}.toward_zero"], want, what=f"{name} -> {elem} toward zero")


def test_f32_toward_zero_named_edges(from_f32):
    inputs, out = from_f32
    x = inputs["f16edges"]
    got = Lookup(x, out["f16edges.f16.toward_zero"])
    assert got[float(np.float32(65519.99))] == 65504.0
    assert got[65520.0] == 65504.0 and got[-65520.0] == -65504.0  # overflow: max finite
    assert got[1e6] == 65504.0 and got[-1e6] == -65504.0
    assert got[np.finfo(np.float32).max] == 65504.0
    assert got.bits(-0.0) == 0x8000 and got.bits(-(2.0**-25)) == 0x8000
    assert got[1 + 3 * 2.0**-11] == 1 + 2.0**-10  # truncated, not rounded up
    assert got[2051.0] == 2050.0
    assert got[3 * 2.0**-25] == 2.0**-24
    assert got[np.inf] == np.inf and got[-np.inf] == -np.inf  # not an overflow
    xb = inputs["bf16edges"]
    gotb = Lookup(xb, out["bf16edges.bf16.toward_zero"])
    assert gotb[np.finfo(np.float32).max] == BF16_MAX
    assert gotb[-np.finfo(np.float32).max] == -BF16_MAX
    assert gotb[1 + 3 * 2.0**-8] == 1 + 2.0**-7
    for key in ("f16edges.f16.toward_zero", "bf16edges.bf16.toward_zero"):
        src = inputs[key.split(".")[0]]
        assert np.isnan(out[key][np.isnan(src)].astype(np.float32)).all(), key


# ---------------------------------------------------------------------------
# f16 <-> bf16 and widening, exhaustively
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["nearest_even", "toward_zero"])
def test_f16_to_f32_exact(from_f16, mode):
    assert_bits_equal(from_f16[f"x.f32.{mode}"], ALL_F16.astype(np.float32), what=f"f16 -> f32 {mode}")


@pytest.mark.parametrize("mode", ["nearest_even", "toward_zero"])
def test_bf16_to_f32_exact(from_bf16, mode):
    assert_bits_equal(from_bf16[f"x.f32.{mode}"], ALL_BF16.astype(np.float32), what=f"bf16 -> f32 {mode}")


@pytest.mark.parametrize("mode", ["nearest_even", "toward_zero"])
def test_f16_to_bf16(from_f16, mode):
    wide = ALL_F16.astype(np.float32)  # exact
    want = wide.astype(BF16) if mode == "nearest_even" else round_to_format(wide, "bf16", mode)
    assert_bits_equal(from_f16[f"x.bf16.{mode}"], want, what=f"f16 -> bf16 {mode}")


@pytest.mark.parametrize("mode", ["nearest_even", "toward_zero"])
def test_bf16_to_f16(from_bf16, mode):
    wide = ALL_BF16.astype(np.float32)  # exact
    with np.errstate(over="ignore"):
        want = wide.astype(np.float16) if mode == "nearest_even" else round_to_format(wide, "f16", mode)
    assert_bits_equal(from_bf16[f"x.f16.{mode}"], want, what=f"bf16 -> f16 {mode}")


def double_rounding_traps(rng):
    """f64 values a hair above or below a midpoint of f16 and of bf16 (and
    the issue's 1 + 2^-8 + 2^-40): rounded through f32 first, the hair is
    lost and the tie rule decides wrongly. Plus random f64 in range."""
    vals = [1.0 + 2.0**-8 + 2.0**-40, 1.0 + 2.0**-8 - 2.0**-40, 1.0 + 2.0**-11 + 2.0**-40,
            -(1.0 + 2.0**-11 + 2.0**-40), 3.0 + 2.0**-6 + 2.0**-45, 0.0, -0.0, np.inf, -np.inf, np.nan]
    for bits in (8, 11):  # bf16, f16 precisions
        m = rng.integers(2**(bits - 1), 2**bits, 200).astype(np.float64)  # significands
        e = rng.integers(-10, 10, 200).astype(np.float64)
        mid = (m + 0.5) * 2.0**(e - bits + 1)  # a midpoint between two neighbours
        hair = mid * 2.0**-35
        vals += list(mid + hair) + list(mid - hair) + list(-(mid + hair))
    vals += list(rng.standard_normal(500) * 10.0 ** rng.integers(-3, 4, 500))
    return np.array(vals, np.float64)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("elem", ["bf16", "f16", "f32"])
def test_casts_from_f64_round_once(rng, mode, elem):
    x = double_rounding_traps(rng)
    m = Model()
    m.ret(m.op("lp.cast", [m.arg("x", x)], x.shape, elem, MODES[mode]), "y")
    got = m.run()["y"].astype(np.float64)
    want = round_to_format(x, elem, mode)
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan)
    np.testing.assert_array_equal(got[~nan], want[~nan])
    assert np.array_equal(np.signbit(got[~nan]), np.signbit(want[~nan]))
