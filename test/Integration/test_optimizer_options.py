"""SGD dampening and Nesterov momentum, Adam/AdamW AMSGrad and parameter
groups by name pattern (PyTorch's torch.optim semantics), trained by
`lp-run --train` for 20 steps on the linear classifier and compared with a
float64 numpy re-implementation of PyTorch's single-tensor update code:

SGD:   g = grad + wd * p; buf = g on the first update, else
       momentum * buf + (1 - dampening) * g; d = g + momentum * buf
       (nesterov) or buf; p -= lr * d
Adam:  g = grad + wd * p (AdamW: p *= 1 - lr * wd first);
       m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
       v_max = max(v_max, v) (amsgrad); p -= lr / (1 - b1^t) * m /
       (sqrt(v_max or v) / sqrt(1 - b2^t) + eps)

The gradients change from batch to batch (4 batches of 8), so v rises and
falls and AMSGrad's maximum differs from v; dampening changes every update
after the first. Each group's settings apply to the parameters its glob
matches, the last match winning.
"""

from __future__ import annotations

import numpy as np
import pytest

from linear_classifier import MODEL, batch_of, gradients
from lp_testing import run_lp

STEPS = 20


def settings_for(name, base, groups):
    s = dict(base)
    for pattern, overrides in groups:
        if pattern(name):
            s.update(overrides)
    return s


def reference(opt, params, x, y, base, groups=()):
    p = {k: v.astype(np.float64) for k, v in params.items()}
    state = {k: {} for k in p}
    for i in range(STEPS):
        grads = gradients(p, *batch_of(x, y, i))
        t = i + 1
        for k in p:
            s = settings_for(k, base, groups)
            g, st = grads[k], state[k]
            if opt == "sgd":
                if s.get("weight_decay", 0):
                    g = g + s["weight_decay"] * p[k]
                mu = s.get("momentum", 0)
                if mu:
                    if "buf" not in st:
                        st["buf"] = g.copy()
                    else:
                        st["buf"] = mu * st["buf"] + (1 - s.get("dampening", 0)) * g
                    d = g + mu * st["buf"] if s.get("nesterov") else st["buf"]
                else:
                    d = g
                p[k] = p[k] - s["lr"] * d
            else:
                b1, b2, eps, wd = s.get("beta1", 0.9), s.get("beta2", 0.999), s.get("eps", 1e-8), s.get("weight_decay", 0)
                if opt == "adamw":
                    p[k] = p[k] * (1 - s["lr"] * wd)
                elif wd:
                    g = g + wd * p[k]
                st["m"] = b1 * st.get("m", 0) + (1 - b1) * g
                st["v"] = b2 * st.get("v", 0) + (1 - b2) * g * g
                v = st["v"]
                if s.get("amsgrad"):
                    st["v_max"] = np.maximum(st.get("v_max", 0), st["v"])
                    v = st["v_max"]
                denom = np.sqrt(v) / np.sqrt(1 - b2**t) + eps
                p[k] = p[k] - s["lr"] / (1 - b1**t) * st["m"] / denom
    return p, state


def problem(rng, tmp_path):
    model = tmp_path / "lin.mlir"
    model.write_text(MODEL)
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = rng.integers(0, 3, 32).astype(np.int64)
    np.savez(tmp_path / "train.npz", x=x, y=y)
    params = {"w": rng.uniform(-0.5, 0.5, (4, 3)).astype(np.float32),
              "b": (0.1 * rng.standard_normal(3)).astype(np.float32)}
    np.savez(tmp_path / "init.npz", **params)
    return model, x, y, params


def train(tmp_path, model, flags, steps=STEPS, extra=()):
    ck = tmp_path / "ck.npz"
    proc = run_lp([model, "--train", f"--data={tmp_path / 'train.npz'}", f"--params={tmp_path / 'init.npz'}",
                   "--no-shuffle", f"--steps={steps}", "--log-every=0", f"--checkpoint={ck}", *flags, *extra])
    assert proc.returncode == 0, proc.stderr
    return proc, dict(np.load(ck))


def is_b(name):
    return name == "b"


CASES = {
    # name: (optimizer, flags, base settings, groups)
    "sgd_dampening": ("sgd", ["--momentum=0.9", "--dampening=0.3", "--lr=0.1"],
                      dict(lr=0.1, momentum=0.9, dampening=0.3), []),
    "sgd_dampening_wd": ("sgd", ["--momentum=0.5", "--dampening=1", "--weight-decay=0.05", "--lr=0.2"],
                         dict(lr=0.2, momentum=0.5, dampening=1.0, weight_decay=0.05), []),
    "sgd_nesterov": ("sgd", ["--momentum=0.9", "--nesterov", "--weight-decay=0.01", "--lr=0.05"],
                     dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), []),
    "adam_amsgrad": ("adam", ["--optimizer=adam", "--amsgrad", "--lr=0.02", "--beta2=0.9"],
                     dict(lr=0.02, beta2=0.9, amsgrad=True), []),
    "adamw_amsgrad": ("adamw", ["--optimizer=adamw", "--amsgrad", "--lr=0.02", "--beta2=0.8", "--weight-decay=0.1"],
                      dict(lr=0.02, beta2=0.8, amsgrad=True, weight_decay=0.1), []),
    # The usual groups: no weight decay on the bias, its own rate.
    "sgd_groups": ("sgd", ["--momentum=0.9", "--weight-decay=0.1", "--lr=0.05",
                           "--param-group=b:weight-decay=0,lr=0.2,nesterov=true"],
                   dict(lr=0.05, momentum=0.9, weight_decay=0.1),
                   [(is_b, dict(weight_decay=0.0, lr=0.2, nesterov=True))]),
    # Two groups over one parameter: the last match wins; AMSGrad for w only.
    "adamw_groups": ("adamw", ["--optimizer=adamw", "--weight-decay=0.2", "--lr=0.01", "--beta2=0.9",
                               "--param-group={w,b}:amsgrad=true,beta1=0.5", "--param-group=[ab]:weight-decay=0,amsgrad=false"],
                     dict(lr=0.01, weight_decay=0.2, beta2=0.9),
                     [(lambda n: n in ("w", "b"), dict(amsgrad=True, beta1=0.5)),
                      (lambda n: n in ("a", "b"), dict(weight_decay=0.0, amsgrad=False))]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_option_matches_numpy(rng, tmp_path, case):
    opt, flags, base, groups = CASES[case]
    model, x, y, params = problem(rng, tmp_path)
    proc, ck = train(tmp_path, model, flags)
    want, state = reference(opt, params, x, y, base, groups)
    for k in ("w", "b"):
        np.testing.assert_allclose(ck[k], want[k], rtol=2e-5, atol=2e-6, err_msg=k)
        # Moved well away from the start: the options are exercised.
        assert np.abs(want[k] - params[k]).max() > 1e-2, k
        if "v_max" in state[k]:
            np.testing.assert_allclose(ck[f"{k}.adam.v_max"], state[k]["v_max"], rtol=2e-5, atol=1e-9)
            assert (state[k]["v_max"] > state[k]["v"] * 1.01).any(), "the maximum differs from v"
        else:
            assert f"{k}.adam.v_max" not in ck
    if base.get("dampening"):
        assert int(ck["sgd.t"]) == STEPS
    else:
        assert "sgd.t" not in ck
    first = proc.stdout.splitlines()[0]
    assert first.startswith(f"optimizer: {opt} "), first
    for word in ("nesterov", "amsgrad"):
        assert (f" {word}" in first) == (f"--{word}" in flags), first
    for f in flags:
        if f.startswith("--param-group="):
            assert f" param-group={f.split('=', 1)[1]}" in first, first


def test_dampening_resumes(rng, tmp_path):
    """`sgd.t` is checkpointed: 8 steps then 12 more from the checkpoint
    equal 20 in one run (the first update's copy happens once)."""
    model, x, y, params = problem(rng, tmp_path)
    flags = ["--momentum=0.9", "--dampening=0.5", "--lr=0.1"]
    _, whole = train(tmp_path, model, flags)
    ck8 = tmp_path / "ck8.npz"
    proc = run_lp([model, "--train", f"--data={tmp_path / 'train.npz'}", f"--params={tmp_path / 'init.npz'}",
                   "--no-shuffle", "--steps=8", "--log-every=0", f"--checkpoint={ck8}", *flags])
    assert proc.returncode == 0, proc.stderr
    assert int(np.load(ck8)["sgd.t"]) == 8
    ck = tmp_path / "ck20.npz"
    proc = run_lp([model, "--train", f"--data={tmp_path / 'train.npz'}", f"--resume={ck8}", "--no-shuffle",
                   f"--steps={STEPS}", "--log-every=0", f"--checkpoint={ck}", *flags])
    assert proc.returncode == 0, proc.stderr
    resumed = np.load(ck)
    for k in ("w", "b", "w.sgd.momentum", "b.sgd.momentum", "sgd.t"):
        np.testing.assert_array_equal(resumed[k], whole[k], err_msg=k)


@pytest.mark.parametrize("flags, message", [
    (["--nesterov"], "nesterov needs a momentum and zero dampening (as PyTorch)"),
    (["--momentum=0.9", "--nesterov", "--dampening=0.1"], "nesterov needs a momentum and zero dampening"),
    (["--dampening=1.5", "--momentum=0.9"], "dampening must be in [0, 1]"),
    (["--amsgrad"], "amsgrad is an option of adam and adamw, not sgd"),
    (["--optimizer=adam", "--momentum=0.9"], "momentum, dampening and nesterov are options of sgd, not adam"),
    (["--param-group=fc.*:lr=0.1"], "parameter group 'fc.*' matches no parameter of 'lin_train_step'"),
    (["--param-group=b:weight_decay=0"], "unknown setting 'weight_decay'"),
    (["--param-group=b:lr=-1"], "parameter 'b': lr must be positive, got -1"),
])
def test_option_errors(rng, tmp_path, flags, message):
    model, *_ = problem(rng, tmp_path)
    proc = run_lp([model, "--train", f"--data={tmp_path / 'train.npz'}", "--steps=1", *flags])
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert message in proc.stderr, proc.stderr
    assert "Stack dump" not in proc.stderr
