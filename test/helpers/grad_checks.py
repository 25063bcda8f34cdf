"""The finite-difference harness, float64 references and data helpers of
test_gradients.py (see its docstring for the method and tolerance)."""

from __future__ import annotations

import math
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from numpy_refs import ref_conv2d, ref_log_softmax, ref_pool2d, ref_softmax  # noqa: F401
from lp_testing import REPO_ROOT, Model, mlir_float, run_lp

H = 1e-6
RTOL = 1e-6
F64 = "f64"
PARAM = 'lp.role = "param"'
INPUT = 'lp.role = "input"'
LABEL = 'lp.role = "label"'


def lp_opt_path() -> str:
    return os.environ.get("LP_OPT") or str(REPO_ROOT / "build" / "bin" / "lp-opt")


def run_lp_opt(args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [lp_opt_path(), *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


def gradient_of(model, tmp_path, name):
    """Differentiates `model` (an lp_testing.Model) with lp-differentiate,
    runs `main_grad` on its values and returns the gradient `<name>.grad`."""
    path, data = model.write(tmp_path)
    proc = run_lp_opt([path, "--lp-differentiate", "-o", tmp_path / "g.mlir"])
    assert proc.returncode == 0, proc.stderr
    proc = run_lp([tmp_path / "g.mlir", "--function=main_grad", f"--data={data}", f"--params={data}",
                   f"--output-dir={tmp_path / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    return np.load(tmp_path / "out" / f"{name}.grad.npy")


# ---------------------------------------------------------------------------
# The harness
# ---------------------------------------------------------------------------


class GradModel:
    """An f64 model `loss = sum_k reduce_sum(out_k * R_k)` and its numpy twin."""

    def __init__(self, rng):
        self.rng = rng
        self.m = Model()
        self.params: dict[str, np.ndarray] = {}
        self.fixed: dict[str, np.ndarray] = {}
        self.terms = []  # (sum Value, deps, ref_fn, R)

    def param(self, name, value):
        value = np.asarray(value, np.float64)
        self.params[name] = value
        return self.m.arg(name, value, attrs=PARAM)

    def input(self, name, value, role="input"):
        value = np.asarray(value)
        self.fixed[name] = value
        return self.m.arg(name, value, attrs=f'lp.role = "{role}"')

    def op(self, name, operands, shape, attrs=""):
        return self.m.op(name, operands, shape, F64, attrs)

    def term(self, out, deps, ref):
        """Adds `reduce_sum(out * R)`; `ref(*[params[d] for d in deps])`
        is the float64 numpy value of `out`."""
        k = len(self.terms)
        r = self.rng.standard_normal(out.shape)
        rv = self.input(f"R{k}", r)
        prod = self.op("lp.mul", [out, rv], out.shape)
        if out.shape:
            axes = ", ".join(str(i) for i in range(len(out.shape)))
            prod = self.op("lp.reduce_sum", [prod], (), f"{{axes = array<i64: {axes}>}}")
        self.terms.append((prod, list(deps), ref, r))

    def _term_loss(self, k, values):
        _, deps, ref, r = self.terms[k]
        out = np.asarray(ref(*[values[d] for d in deps]), np.float64)
        assert out.shape == r.shape, f"reference of term {k}: shape {out.shape} != {r.shape}"
        return float(np.sum(out * r))

    def numpy_loss(self):
        return sum(self._term_loss(k, self.params) for k in range(len(self.terms)))

    def fd_grad(self, name):
        """Central finite differences of the numpy loss w.r.t. `name`."""
        ks = [k for k, t in enumerate(self.terms) if name in t[1]]
        p = self.params[name]
        g = np.zeros_like(p)
        values = dict(self.params)
        flat = p.reshape(-1)
        for i in range(flat.size):
            q = flat.copy()
            q[i] = flat[i] + H
            values[name] = q.reshape(p.shape)
            up = sum(self._term_loss(k, values) for k in ks)
            q[i] = flat[i] - H
            values[name] = q.reshape(p.shape)
            down = sum(self._term_loss(k, values) for k in ks)
            g.reshape(-1)[i] = (up - down) / (2 * H)
        return g

    def finish(self):
        total = None
        for s, *_ in self.terms:
            total = s if total is None else self.op("lp.add", [total, s], ())
        self.m.ret(total, "loss")

    def run_grad(self, tmp_path):
        """lp-opt --lp-differentiate, then lp-run @main_grad: {name: ndarray}."""
        self.finish()
        model, data = self.m.write(tmp_path)
        grad = tmp_path / "grad.mlir"
        proc = run_lp_opt([model, "--lp-differentiate", "-o", grad])
        assert proc.returncode == 0, f"lp-opt failed:\n{proc.stderr}\n--- model ---\n{self.m.text()}"
        self.lp_opt_stderr = proc.stderr
        out = tmp_path / "out"
        proc = run_lp(
            [grad, "--function", "main_grad", f"--data={data}", f"--params={data}", f"--output-dir={out}"]
        )
        assert proc.returncode == 0, f"lp-run failed:\n{proc.stderr}\n--- model ---\n{self.m.text()}"
        res = {"loss": np.load(out / "loss.npy"), "loss.total": np.load(out / "loss.total.npy")}
        for name in self.params:
            res[name] = np.load(out / f"{name}.grad.npy")
        return res

    def check(self, tmp_path, rtol=RTOL):
        res = self.run_grad(tmp_path)
        ref_loss = self.numpy_loss()
        np.testing.assert_allclose(res["loss"], ref_loss, rtol=1e-12, atol=1e-12, err_msg="loss")
        np.testing.assert_allclose(res["loss.total"], ref_loss, rtol=1e-12, atol=1e-12, err_msg="loss.total")
        failures = []
        for name, p in self.params.items():
            g = res[name]
            assert g.dtype == np.float64, f"{name}.grad: dtype {g.dtype}"
            assert g.shape == p.shape, f"{name}.grad: shape {g.shape} != {p.shape}"
            fd = self.fd_grad(name)
            scale = np.linalg.norm(fd)
            err = np.linalg.norm(g - fd) / scale if scale > 0 else np.linalg.norm(g)
            if not err <= rtol:
                failures.append(
                    f"{name}: relative error {err:.3g}\n  lp: {g.reshape(-1)[:6]}\n  fd: {fd.reshape(-1)[:6]}"
                )
        assert not failures, "gradients differ from finite differences:\n" + "\n".join(failures)
        return res


# ---------------------------------------------------------------------------
# float64 references (independent of LP)
# ---------------------------------------------------------------------------

_erf = np.vectorize(math.erf, otypes=[np.float64])


def ref_linear(x, w, b=None):
    y = np.matmul(x, w)
    return y if b is None else y + b


def ref_gelu(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def ref_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def ref_layer_norm(x, gamma, beta, axis, eps):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def ref_cross_entropy(z, labels):
    m = z.max(axis=1)
    lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
    return np.mean(lse - z[np.arange(z.shape[0]), labels])


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def randn(rng, shape, scale=1.0, shift=0.0):
    return rng.standard_normal(shape) * scale + shift


def away_from_zero(rng, shape, lo=0.1, hi=2.0):
    """Random signs, magnitudes in [lo, hi]: no relu kink within +-h."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(lo, hi, shape)


def distinct(rng, shape, gap=0.03):
    """Distinct values at least `gap` apart in random order (no max ties)."""
    n = int(np.prod(shape))
    v = (np.arange(n) - n / 2) * gap + rng.uniform(0, gap / 3)
    return rng.permutation(v).reshape(shape)


def axes_attr(axes, keepdims=False):
    a = ", ".join(map(str, axes))
    return f"{{axes = array<i64: {a}>{', keepdims = true' if keepdims else ''}}}"
