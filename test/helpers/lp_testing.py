"""Run small lp models with lp-run from Python tests, and compare results.

Used by the pytest suite in test/Integration (and importable from lit tests:
lit puts test/helpers on PYTHONPATH).

Building and running a model::

    m = Model()
    x = m.arg("x", np.ones((2, 3), np.float32))
    y = m.op("lp.softmax", [x], (2, 3), "f32", attrs="{axis = -1 : i64}")
    m.ret(y, "y")
    out = m.run()            # {"y": ndarray}

`Model.run` writes the model into a temporary directory, saves the argument
values as one .npz (keys are the `lp.name`s), runs

    lp-run model.mlir --data inputs.npz --output-dir out/

and loads every `out/<name>.npy` back, viewing bf16 results (which npy
stores as '<V2') as `ml_dtypes.bfloat16`. The lp-run binary is taken from
the LP_RUN environment variable, else from build/bin/lp-run in this
checkout.

Comparison helpers: `assert_close` (float64 reference, rtol/atol) and
`assert_ulp_close` (f16/bf16 results against a float64 reference rounded
once to the type, within N ulps of the type); `round_to_format` is an
independent float64 -> f16/bf16 rounding (nearest-even or toward zero).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import ml_dtypes
import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]


def lp_run_path() -> str:
    """The lp-run binary: $LP_RUN, else build/bin/lp-run in this checkout."""
    return os.environ.get("LP_RUN") or str(REPO_ROOT / "build" / "bin" / "lp-run")


# ---------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------

BF16 = np.dtype(ml_dtypes.bfloat16)

#: MLIR element type name -> numpy dtype.
NUMPY_DTYPES = {
    "f32": np.dtype(np.float32),
    "f16": np.dtype(np.float16),
    "bf16": BF16,
    "f64": np.dtype(np.float64),
    "i64": np.dtype(np.int64),
    "i32": np.dtype(np.int32),
    "i8": np.dtype(np.int8),
    "i1": np.dtype(np.bool_),
}


def mlir_elem(dtype) -> str:
    """MLIR element type name of a numpy dtype (or pass an MLIR name through)."""
    if isinstance(dtype, str) and dtype in NUMPY_DTYPES:
        return dtype
    dt = np.dtype(dtype)
    for name, npdt in NUMPY_DTYPES.items():
        if dt == npdt:
            return name
    raise ValueError(f"no MLIR element type for numpy dtype {dt}")


def numpy_dtype(elem) -> np.dtype:
    return NUMPY_DTYPES[mlir_elem(elem)]


def tensor_type(shape: Sequence[int], elem) -> str:
    """`tensor<2x3xf32>`; `tensor<f32>` for rank 0."""
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{mlir_elem(elem)}>"


def mlir_float(v: float) -> str:
    """A float literal MLIR parses exactly (hex bit pattern for non-finite)."""
    v = float(v)
    if np.isfinite(v):
        text = repr(v)  # shortest round-trip form, e.g. '1e-05' or '0.5'
        mant, _, exp = text.partition("e")
        if "." not in mant:
            mant += ".0"  # MLIR float literals need a '.'
        return mant + ("e" + exp if exp else "")
    bits = np.array(v, np.float64).view(np.uint64)
    return f"0x{int(bits):016X}"


# ---------------------------------------------------------------------------
# Running lp-run
# ---------------------------------------------------------------------------


class LpRunError(AssertionError):
    """lp-run exited non-zero where success was expected."""


def run_lp(args: Sequence[str], *, cwd=None, timeout: float = 600, env=None) -> subprocess.CompletedProcess:
    """Runs `lp-run args...` and returns the completed process (text mode);
    `env` adds variables to this process's environment."""
    return subprocess.run(
        [lp_run_path(), *map(str, args)],
        cwd=cwd,
        env={**os.environ, **env} if env else None,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def memory_limit(limit_bytes):
    """(preexec_fn, env) that make allocations above about `limit_bytes`
    fail in lp-run: an address-space limit, or, in the sanitizer build
    (scripts/sanitize.sh sets LP_ASAN_RUNTIME), where AddressSanitizer
    reserves terabytes of shadow memory and cannot start under one, its
    allocator's own limit (malloc returns null above it)."""
    import resource

    if os.environ.get("LP_ASAN_RUNTIME"):
        options = os.environ.get("ASAN_OPTIONS", "")
        # The allocator's warning about the refused allocation goes to
        # stderr, not to the report directory: it is this test's point (any
        # real report still ends the process with status 86, not 1).
        # (log_path is common to the sanitizers: UBSan's options, read
        # last, would send it to the report directory again.)
        ubsan = os.environ.get("UBSAN_OPTIONS", "")
        env = dict(os.environ, ASAN_OPTIONS=f"{options}:allocator_may_return_null=1:"
                   f"max_allocation_size_mb={limit_bytes >> 20}:log_path=stderr",
                   UBSAN_OPTIONS=f"{ubsan}:log_path=stderr")
        return None, env

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return limit, None


def load_npy(path, elem=None) -> np.ndarray:
    """Loads an .npy; with `elem` ('bf16', ...) views 2-byte void data as that."""
    a = np.load(path, allow_pickle=False)
    if elem is not None:
        want = numpy_dtype(elem)
        if a.dtype != want and a.dtype.kind == "V" and a.dtype.itemsize == want.itemsize:
            a = a.view(want)
    return a


@dataclass
class Value:
    """An SSA value of the model under construction."""

    ssa: str
    shape: tuple
    elem: str

    @property
    def type(self) -> str:
        return tensor_type(self.shape, self.elem)


@dataclass
class Model:
    """A one-function lp model, built op by op, run with lp-run.

    Arguments carry `lp.name` so that lp-run binds them from the .npz; results
    carry `lp.name` so that lp-run writes `<name>.npy`.
    """

    function: str = "main"
    args: list = field(default_factory=list)  # (Value, name, attrs)
    values: dict = field(default_factory=dict)  # name -> ndarray
    body: list = field(default_factory=list)
    results: list = field(default_factory=list)  # (Value, name)
    _count: int = 0

    def arg(self, name: str, value=None, *, shape=None, elem=None, attrs: str = "") -> Value:
        """Adds an argument named `name`; `value` (an ndarray) is its data.

        Without `value`, pass `shape` and `elem` (the argument is then not
        written to the .npz: useful for error tests)."""
        if value is not None:
            value = np.asarray(value)
            shape = value.shape if shape is None else tuple(shape)
            elem = mlir_elem(value.dtype) if elem is None else mlir_elem(elem)
            self.values[name] = value
        v = Value(f"%{re.sub(r'[^A-Za-z0-9_]', '_', name)}", tuple(shape), mlir_elem(elem))
        extra = f", {attrs}" if attrs else ""
        self.args.append((v, name, f'{{lp.name = "{name}"{extra}}}'))
        return v

    def op(self, opname: str, operands: Iterable[Value], shape, elem, attrs: str = "") -> Value:
        """Appends `%r = <opname> operands {attrs} : (types) -> type`."""
        operands = list(operands)
        self._count += 1
        r = Value(f"%v{self._count}", tuple(shape), mlir_elem(elem))
        ops = ", ".join(o.ssa for o in operands)
        types = ", ".join(o.type for o in operands)
        attr_text = f" {attrs}" if attrs else ""
        self.body.append(f"  {r.ssa} = {opname} {ops}{attr_text} : ({types}) -> {r.type}")
        return r

    def ret(self, value: Value, name: str) -> None:
        self.results.append((value, name))

    def text(self) -> str:
        params = ",\n    ".join(f"{v.ssa}: {v.type} {a}" for v, _, a in self.args)
        res = ", ".join(f'{v.type} {{lp.name = "{n}"}}' for v, n in self.results)
        lines = [f"func.func @{self.function}(\n    {params})\n    -> ({res}) {{"]
        lines += self.body
        lines.append(
            "  return "
            + ", ".join(v.ssa for v, _ in self.results)
            + " : "
            + ", ".join(v.type for v, _ in self.results)
        )
        lines.append("}")
        return "\n".join(lines) + "\n"

    def has_state(self) -> bool:
        """Whether an argument is marked `lp.role = "param"` or `"state"`."""
        return any(re.search(r'lp\.role = "(param|state)"', a) for _, _, a in self.args)

    def write(self, directory) -> tuple[Path, Path]:
        """Writes model.mlir and inputs.npz into `directory`."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        model = directory / "model.mlir"
        model.write_text(self.text())
        data = directory / "inputs.npz"
        np.savez(data, **self.values)
        return model, data

    def run(self, directory=None, extra_args: Sequence[str] = (), env=None) -> dict:
        """Runs the model; returns {result name: ndarray}. Raises LpRunError.
        `env` adds variables to lp-run's environment."""
        own = directory is None
        directory = Path(tempfile.mkdtemp(prefix="lp_test_")) if own else Path(directory)
        try:
            model, data = self.write(directory)
            out = directory / "out"
            # One file gives the inputs and the parameters (lp-run reads each
            # argument from the one of --data / --params its role names).
            params = [f"--params={data}"] if self.has_state() else []
            proc = run_lp([model, f"--data={data}", f"--output-dir={out}", *params,
                           *extra_args], env=env)
            if proc.returncode != 0:
                raise LpRunError(
                    f"lp-run exited with {proc.returncode}\n--- stderr ---\n{proc.stderr}"
                    f"--- model ---\n{self.text()}"
                )
            return {n: load_npy(out / f"{n}.npy", v.elem) for v, n in self.results}
        finally:
            if own:
                shutil.rmtree(directory, ignore_errors=True)


def run_single_op(opname: str, inputs: dict, shape, elem, attrs: str = "") -> np.ndarray:
    """Runs a model with one op over the named `inputs`; returns its result."""
    m = Model()
    vals = [m.arg(n, a) for n, a in inputs.items()]
    m.ret(m.op(opname, vals, shape, elem, attrs), "out")
    return m.run()["out"]


# ---------------------------------------------------------------------------
# Rounding and comparison
# ---------------------------------------------------------------------------

#: (precision in bits incl. the implicit one, minimum normal exponent,
#:  largest finite value) of the low-precision formats.
FORMATS = {
    "f16": (11, -14, 65504.0),
    "bf16": (8, -126, float(ml_dtypes.finfo(ml_dtypes.bfloat16).max)),
    "f32": (24, -126, float(np.finfo(np.float32).max)),
}


def round_to_format(x, elem: str, mode: str = "nearest_even") -> np.ndarray:
    """Rounds float64 values once to f16/bf16/f32, computed independently
    of numpy's and ml_dtypes' casts: scale by the ulp, np.rint (ties to
    even) or np.trunc, scale back. Overflow gives inf (nearest_even) or the
    largest finite value (toward_zero); NaN stays NaN; signs of zeros are
    kept. Returns an array of that type."""
    p, emin, fmax = FORMATS[elem]
    x = np.asarray(x, np.float64)
    out = np.empty_like(x)
    finite = np.isfinite(x)
    xf = np.where(finite, x, 0.0)
    _, e = np.frexp(xf)  # xf = m * 2**e, 0.5 <= |m| < 1
    q = np.maximum(e - 1, emin) - (p - 1)  # exponent of one ulp
    scaled = np.ldexp(xf, -q)  # exact: a power-of-two scaling in range
    rounded = np.rint(scaled) if mode == "nearest_even" else np.trunc(scaled)
    r = np.ldexp(rounded, q)
    over = np.abs(r) > fmax
    if mode == "nearest_even":
        r = np.where(over, np.copysign(np.inf, xf), r)
    else:
        r = np.where(over, np.copysign(fmax, xf), r)
    r = np.copysign(r, xf)  # keep -0.0 (rint/trunc of -0.3 gives -0.0 already)
    out[finite] = r[finite]
    out[~finite] = x[~finite]
    with np.errstate(invalid="ignore", over="ignore"):  # NaN/inf casts are exact
        return out.astype(numpy_dtype(elem))


def _ordered_bits(a: np.ndarray) -> np.ndarray:
    """Maps floats to integers that are consecutive for adjacent values."""
    nbits = a.dtype.itemsize * 8
    uint = {2: np.uint16, 4: np.uint32, 8: np.uint64}[a.dtype.itemsize]
    bits = np.ascontiguousarray(a).view(uint).astype(np.int64)
    sign = (bits >> (nbits - 1)) & 1
    mag = bits & ((1 << (nbits - 1)) - 1)
    return np.where(sign == 1, -mag, mag)


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Number of representable values between a and b (same dtype)."""
    a = np.asarray(a)
    b = np.asarray(b, a.dtype)
    return np.abs(_ordered_bits(a) - _ordered_bits(b))


def assert_close(actual, expected, *, rtol: float = 1e-5, atol: float = 1e-6, what: str = ""):
    """float64 comparison |a - e| <= atol + rtol * |e|, NaN/inf in the same
    places; shapes must match exactly."""
    actual = np.asarray(actual)
    expected = np.asarray(expected, np.float64)
    assert actual.shape == expected.shape, (
        f"{what}: shape {actual.shape} != expected {expected.shape}"
    )
    np.testing.assert_allclose(
        actual.astype(np.float64), expected, rtol=rtol, atol=atol, equal_nan=True, err_msg=what
    )


def assert_ulp_close(actual, expected64, elem: str, *, ulps: int = 1, atol: float = 0.0, what: str = ""):
    """Low-precision check: `actual` (of type `elem`) is within `ulps` ulps
    of the float64 reference rounded once (nearest even) to `elem`, or (with
    `atol` > 0) within `atol` of the float64 reference. NaNs and infinities
    must match exactly."""
    want = numpy_dtype(elem)
    actual = np.asarray(actual)
    assert actual.dtype == want, f"{what}: dtype {actual.dtype} != {want}"
    expected = round_to_format(expected64, elem)
    assert actual.shape == expected.shape, (
        f"{what}: shape {actual.shape} != expected {expected.shape}"
    )
    a64 = actual.astype(np.float64)
    e64 = expected.astype(np.float64)
    nan_a, nan_e = np.isnan(a64), np.isnan(e64)
    assert np.array_equal(nan_a, nan_e), f"{what}: NaN positions differ"
    inf_a, inf_e = np.isinf(a64), np.isinf(e64)
    assert np.array_equal(inf_a, inf_e) and np.array_equal(a64[inf_a], e64[inf_e]), (
        f"{what}: infinities differ"
    )
    ok = ~(nan_a | inf_a)
    d = ulp_distance(actual[ok], expected[ok])
    if atol > 0:
        ref_ok = np.broadcast_to(np.asarray(expected64, np.float64), a64.shape)[ok]
        d = np.where(np.abs(a64[ok] - ref_ok) <= atol, 0, d)
    if d.size and d.max() > ulps:
        i = int(np.argmax(d))
        raise AssertionError(
            f"{what}: {int((d > ulps).sum())} of {d.size} elements more than {ulps} ulp "
            f"of {elem} away; worst: got {a64[ok][i]!r}, expected {e64[ok][i]!r} "
            f"(reference {np.asarray(expected64, np.float64)[ok][i]!r}), {int(d[i])} ulp"
        )
