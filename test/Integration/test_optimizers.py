"""Optimizer updates of `lp-run --train` against a numpy re-implementation
of PyTorch's torch.optim.SGD / Adam / AdamW (single-tensor code paths).

The model's loss is `reduce_sum(w * Gw) + reduce_sum(u * Gu) + reduce_mean(x)`:
`w` [3, 4] and `u` [5] are parameters, `Gw` and `Gu` fixed inputs (arrays
of exactly the argument's shape in the data file), `x` [2, 1] a batched
input (lp-run needs one array whose leading dimension counts examples).
The gradient w.r.t. each parameter is then exactly its G, whatever the
batch, so five training steps exercise nothing but the optimizer. G spans
magnitudes 1e-7 .. 1e3 with mixed signs, so terms such as eps (which
dominates sqrt(v) for the tiny entries) and weight decay are visible.

The reference follows PyTorch's code operation by operation in float32
(Python scalars enter as float32, as PyTorch casts them for float
tensors; Adam's bias corrections are Python floats, i.e. float64):

SGD:   g = grad + wd * p;  buf = g (first step) else momentum * buf +
       (1 - dampening) * g;  d = g + momentum * buf (nesterov) or buf;
       p = p - lr * d      (p = p - lr * g without momentum)
Adam:  g = grad + wd * p;  m.lerp_(g, 1 - b1);  v = v * b2 + (1 - b2) * g * g;
       bc1 = 1 - b1**t; bc2 = 1 - b2**t (float64);
       denom = sqrt(v) / sqrt(bc2) + eps;  p = p + (-lr / bc1) * m / denom
AdamW: p = p * (1 - lr * wd) first, then Adam without the wd * p term.

Compared: the final parameters and optimizer state in the checkpoint
(`w`, `w.sgd.momentum`, `w.adam.m`, `w.adam.v`, ..., `step`, `sgd.t`,
`adam.t`), with
rtol 1e-6 (fused multiply-adds and operation order may differ from
PyTorch's kernels by an ulp or two per operation, ~1e-7 relative) plus an
absolute 1e-6 * max|value| for entries that cancel towards 0; and the
logged losses (relative to the sum of |terms|, 1e-5). test_optimizer_f64
repeats three configurations with f64 parameters (state and update in
f64, rtol 1e-13).
"""

from __future__ import annotations

import numpy as np
import pytest

from lp_testing import Model, run_lp

f32 = np.float32
B = 2


def make_g(rng, shape):
    """Mixed signs, magnitudes 10^U(-7, 3)."""
    return (rng.choice([-1.0, 1.0], shape) * 10.0 ** rng.uniform(-7, 3, shape)).astype(f32)


def make_problem(rng, tmp_path, dtype=np.float32):
    """Writes model.mlir, train.npz, init.npz; returns a dict with them."""
    elem = {np.float32: "f32", np.float64: "f64"}[dtype]
    gw, gu = make_g(rng, (3, 4)).astype(dtype), make_g(rng, (5,)).astype(dtype)
    w0 = rng.standard_normal((3, 4)).astype(dtype)
    u0 = (rng.standard_normal(5) + 2.0).astype(dtype)
    x = rng.standard_normal((8, 1)).astype(dtype)  # 8 examples, batch 2
    m = Model(function="opt")
    vw = m.arg("w", w0, attrs='lp.role = "param"')
    vu = m.arg("u", u0, attrs='lp.role = "param"')
    vgw = m.arg("Gw", gw, attrs='lp.role = "input"')
    vgu = m.arg("Gu", gu, attrs='lp.role = "input"')
    vx = m.arg("x", np.zeros((B, 1), dtype), attrs='lp.role = "input"')
    sw = m.op("lp.reduce_sum", [m.op("lp.mul", [vw, vgw], (3, 4), elem)], (), elem, "{axes = array<i64: 0, 1>}")
    su = m.op("lp.reduce_sum", [m.op("lp.mul", [vu, vgu], (5,), elem)], (), elem, "{axes = array<i64: 0>}")
    sx = m.op("lp.reduce_mean", [vx], (), elem, "{axes = array<i64: 0, 1>}")
    loss = m.op("lp.add", [m.op("lp.add", [sw, su], (), elem), sx], (), elem)
    m.ret(loss, "loss")
    model = tmp_path / "model.mlir"
    model.write_text(m.text())
    np.savez(tmp_path / "train.npz", Gw=gw, Gu=gu, x=x)
    np.savez(tmp_path / "init.npz", w=w0, u=u0)
    return dict(dir=tmp_path, model=model, G={"w": gw, "u": gu}, p0={"w": w0, "u": u0}, x=x, dtype=dtype)


# ---------------------------------------------------------------------------
# PyTorch's formulas, in float32
# ---------------------------------------------------------------------------


def torch_lerp(start, end, weight):
    """at::lerp: weight < 0.5 ? start + w (end - start) : end - (end - start)(1 - w)."""
    c = start.dtype.type
    w = c(weight)
    diff = end - start
    if abs(w) < 0.5:
        return (start + w * diff).astype(c)
    return (end - diff * (c(1) - w)).astype(c)


def sgd_reference(p, g, steps, lr, momentum, wd, dampening=0.0, nesterov=False):
    c = p.dtype.type  # Python scalars become the tensor's type, as in PyTorch
    p, buf = p.copy(), None
    for _ in range(steps):
        d = g + c(wd) * p if wd else g.copy()
        if momentum:
            new = c(1 - dampening) * d if dampening else d
            buf = d.copy() if buf is None else c(momentum) * buf + new
            d = d + c(momentum) * buf if nesterov else buf
        p = (p + c(-lr) * d).astype(c)
    state = {}
    if momentum:
        state["sgd.momentum"] = buf
    return p, state


def adam_reference(p, g, steps, lr, b1, b2, eps, wd, decoupled):
    c = p.dtype.type
    p = p.copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t in range(1, steps + 1):
        if decoupled:
            p = (p * c(1 - lr * wd)).astype(c)
            d = g
        else:
            d = (g + c(wd) * p).astype(c) if wd else g
        m = torch_lerp(m, d, 1 - b1)
        v = (v * c(b2) + c(1 - b2) * d * d).astype(c)
        bc1 = 1 - b1**t
        bc2 = 1 - b2**t
        step_size = lr / bc1
        bc2_sqrt = bc2**0.5
        denom = (np.sqrt(v) / c(bc2_sqrt) + c(eps)).astype(c)
        p = (p + (c(-step_size) * m) / denom).astype(c)
    return p, {"adam.m": m, "adam.v": v}


def reference(opt, p, g, steps, kw):
    if opt == "sgd":
        return sgd_reference(p, g, steps, kw["lr"], kw.get("momentum", 0.0), kw.get("weight_decay", 0.0),
                             kw.get("dampening", 0.0), kw.get("nesterov", False))
    return adam_reference(
        p,
        g,
        steps,
        kw["lr"],
        kw.get("beta1", 0.9),
        kw.get("beta2", 0.999),
        kw.get("eps", 1e-8),
        kw.get("weight_decay", 0.0),
        decoupled=opt == "adamw",
    )


def assert_float_close(got, want, what, rtol=1e-6):
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    atol = rtol * float(np.max(np.abs(want)))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=what)


CONFIGS = {
    "sgd": ("sgd", dict(lr=0.01)),
    "sgd_wd": ("sgd", dict(lr=0.01, weight_decay=0.1)),
    "sgd_momentum": ("sgd", dict(lr=0.01, momentum=0.9)),
    "sgd_momentum_wd": ("sgd", dict(lr=0.003, momentum=0.8, weight_decay=0.05)),
    "sgd_dampening": ("sgd", dict(lr=0.01, momentum=0.9, dampening=0.25)),
    "sgd_nesterov_wd": ("sgd", dict(lr=0.003, momentum=0.8, nesterov=True, weight_decay=0.05)),
    "adam": ("adam", dict(lr=0.01)),
    "adam_wd": ("adam", dict(lr=0.02, weight_decay=0.1, beta1=0.8, beta2=0.99)),
    "adam_eps": ("adam", dict(lr=0.01, eps=1e-3)),  # eps after the bias correction matters
    "adamw": ("adamw", dict(lr=0.01, weight_decay=0.1)),
    "adamw_betas": ("adamw", dict(lr=0.05, weight_decay=0.3, beta1=0.5, beta2=0.9, eps=1e-6)),
}

FLAGS = {"lr": "--lr", "momentum": "--momentum", "weight_decay": "--weight-decay",
         "beta1": "--beta1", "beta2": "--beta2", "eps": "--eps", "dampening": "--dampening",
         "nesterov": "--nesterov"}


def train_and_check(problem, opt, kw, rtol, steps=5):
    d = problem["dir"]
    ck, log = d / "ck.npz", d / "losses.txt"
    args = [problem["model"], "--train", f"--data={d / 'train.npz'}", f"--params={d / 'init.npz'}",
            f"--steps={steps}", f"--optimizer={opt}", f"--checkpoint={ck}", f"--loss-log={log}", "--no-shuffle",
            "--log-every=0"]
    args += [f"{FLAGS[k]}={v!r}" for k, v in kw.items()]
    proc = run_lp(args)
    assert proc.returncode == 0, proc.stderr
    got = dict(np.load(ck))

    expected_keys = {"w", "u", "step"}
    for name in ("w", "u"):
        p, state = reference(opt, problem["p0"][name], problem["G"][name], steps, kw)
        assert_float_close(got[name], p, name, rtol)
        for suffix, value in state.items():
            expected_keys.add(f"{name}.{suffix}")
            assert_float_close(got[f"{name}.{suffix}"], value, f"{name}.{suffix}", rtol)
    count = "sgd.t" if kw.get("dampening") else "adam.t" if opt != "sgd" else None
    if count:  # the count of applied updates: every step's here
        expected_keys.add(count)
        assert got[count].dtype == np.int64 and got[count].shape == () and int(got[count]) == steps
    assert set(got) == expected_keys, f"checkpoint arrays {sorted(got)}, expected {sorted(expected_keys)}"
    assert got["step"].dtype == np.int64 and got["step"].shape == () and int(got["step"]) == steps

    # The logged losses are those of the parameters before each step.
    lines = log.read_text().split("\n")
    assert lines[-1] == "" and len(lines) == steps + 1, log.read_text()
    for s in range(1, steps + 1):
        fields = lines[s - 1].split()
        assert len(fields) == 3 and int(fields[0]) == s, lines[s - 1]
        ref = terms = 0.0
        for name in ("w", "u"):
            p, _ = reference(opt, problem["p0"][name], problem["G"][name], s - 1, kw)
            prod = p.astype(np.float64) * problem["G"][name]
            ref += prod.sum()
            terms += np.abs(prod).sum()
        first = ((s - 1) % 4) * B  # --no-shuffle: consecutive batches of 2 of the 8 examples
        ref += float(problem["x"][first : first + B].astype(np.float64).mean())
        loss, total = float(fields[1]), float(fields[2])
        assert loss == total, lines[s - 1]
        assert abs(loss - ref) <= 1e-5 * (terms + 1), (s, loss, ref)


@pytest.mark.parametrize("config", list(CONFIGS))
def test_optimizer_matches_pytorch_formulas(rng, tmp_path, config):
    opt, kw = CONFIGS[config]
    train_and_check(make_problem(rng, tmp_path), opt, kw, rtol=1e-6)


@pytest.mark.parametrize("config", ["sgd_momentum_wd", "sgd_dampening", "adam_wd", "adamw_betas"])
def test_optimizer_f64(rng, tmp_path, config):
    """f64 parameters: the optimizer state is f64 too, and the update is
    computed in f64 (PyTorch's formulas on double tensors)."""
    opt, kw = CONFIGS[config]
    train_and_check(make_problem(rng, tmp_path, np.float64), opt, kw, rtol=1e-13)
