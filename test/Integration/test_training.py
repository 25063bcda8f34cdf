"""`lp-run --train` end to end: losses against a hand-written numpy training
loop, bit-identical resumption from a checkpoint, weighted multi-loss
models, batching rules, and the error paths of the training options.

* test_digits_mlp_matches_numpy: examples/digits_mlp.mlir, SGD lr 0.1
  (once per matmul lowering: OpenBLAS, generated vector code, loops;
  the backward pass multiplies by transposed operands)
  momentum 0.9, --no-shuffle, initial weights (biases non-zero) from a
  seeded numpy generator (--params). The numpy float32 loop (forward,
  backward and torch.optim.SGD written out here) takes the same batches:
  batch i is examples [(i % 22) * 64, +64) (1437 // 64 = 22 full batches
  per epoch; the partial one is dropped). 24 steps, so steps 23-24 check
  the wrap-around. Losses agree to rtol 1e-4 (observed ~1e-6: float32
  summation order differs). The --eval-data summary (mean loss over the 5
  full test batches, accuracy over all 360 examples) is recomputed in
  numpy from the final checkpoint.
* test_resume_is_bit_identical: Adam (weight decay) with shuffling; 15
  steps, then --resume to 30, against 30 uninterrupted steps (crossing an
  epoch boundary): identical loss-log text (the resumed run appends to
  the log) and identical checkpoint arrays, byte for byte.
* test_multi_loss: lp.loss_weights = [1.0, 0.5]: the --lp-differentiate
  gradient equals 1.0 dL1 + 0.5 dL2 from a float64 numpy backward pass,
  one SGD step moves the parameters by -lr times that gradient, and every
  logged loss.total is L1 + 0.5 L2 (bit-exact in float32).
* test_examples_tile_arguments: [N, T, ...] data feeding [B*T, ...]
  arguments, a scalar fixed input, dropping of the partial batch.
* test_training_errors, test_training_option_and_loss_errors: exit status
  1 and a clear message (no crash output).
* test_result_named_like_parameter: a loss named like a parameter is
  rejected (it would otherwise be bound back into the parameter).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from lp_testing import REPO_ROOT, Model, run_lp
from mixed_mlp import init_mlp, loss_and_grads, sgd_losses

DATA = REPO_ROOT / "examples" / "data"
DIGITS_MLP = REPO_ROOT / "examples" / "digits_mlp.mlir"
CRASH_MARKERS = ("Stack dump", "PLEASE submit a bug report", "Segmentation fault", "Assertion", "terminate called")


def lp_opt_path() -> str:
    return os.environ.get("LP_OPT") or str(REPO_ROOT / "build" / "bin" / "lp-opt")


def run_ok(args):
    proc = run_lp(args)
    assert proc.returncode == 0, f"lp-run {' '.join(map(str, args))}\nexit {proc.returncode}\n{proc.stderr}"
    return proc


def read_log(path):
    """Loss log -> list of (step, [values...])."""
    rows = []
    for line in path.read_text().splitlines():
        fields = line.split()
        rows.append((int(fields[0]), [float(v) for v in fields[1:]]))
    return rows


@pytest.fixture(scope="session")
def digits_data():
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "export_data.py")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    path = DATA / "digits_train.npz"
    assert path.exists()
    return path


# ---------------------------------------------------------------------------
# a. The digits MLP against numpy
# ---------------------------------------------------------------------------

def numpy_sgd_losses(params, x, y, steps, lr, momentum):
    """The float32 loop of test/helpers/mixed_mlp.py (no rounding)."""
    return sgd_losses(params, x, y, steps, lr, momentum, low=None)


@pytest.mark.parametrize("matmul", ["blas", "vector", "loops"])
def test_digits_mlp_matches_numpy(digits_data, tmp_path, matmul):
    steps = 24  # 22 batches per epoch: steps 23 and 24 wrap to batches 0 and 1
    params = init_mlp(20240)
    np.savez(tmp_path / "init.npz", **params)
    log = tmp_path / "losses.txt"
    ck = tmp_path / "ck.npz"
    test_data = DATA / "digits_test.npz"
    proc = run_ok([DIGITS_MLP, "--train", f"--data={digits_data}", "--no-shuffle", "--optimizer=sgd", "--lr=0.1",
                   "--momentum=0.9", f"--params={tmp_path / 'init.npz'}", f"--steps={steps}", f"--loss-log={log}",
                   f"--checkpoint={ck}", "--log-every=0", f"--eval-data={test_data}", f"--matmul={matmul}"])
    data = np.load(digits_data)
    ref, final = numpy_sgd_losses(params, data["x"], data["y"], steps, 0.1, 0.9)
    rows = read_log(log)
    assert [s for s, _ in rows] == list(range(1, steps + 1))
    got = np.array([v for _, v in rows])
    assert got.shape == (steps, 2), "expected 'step loss loss.total' lines"
    np.testing.assert_array_equal(got[:, 0], got[:, 1])  # one loss of weight 1
    assert ref[0] > 1.5 and ref[-1] < 0.5 * ref[0], "the reference loop does not learn"
    np.testing.assert_allclose(got[:, 0], ref, rtol=1e-4)
    out = dict(np.load(ck))
    for k, v in final.items():
        np.testing.assert_allclose(out[k], v, rtol=1e-3, atol=1e-4, err_msg=k)

    # Evaluation with the trained parameters (LP's, from the checkpoint):
    # mean loss over the 5 full batches of 64, accuracy over all 360.
    test = np.load(test_data)
    xt, yt = test["x"], test["y"]
    m = re.search(r"eval: (\d+) examples, loss ([0-9.]+) \(mean over (\d+) full batches\), "
                  r"accuracy ([0-9.]+) \((\d+)/(\d+)\)", proc.stdout)
    assert m, proc.stdout
    n, full = xt.shape[0], xt.shape[0] // 64
    losses = []
    for i in range(full):
        loss, _ = loss_and_grads(out, xt[i * 64 : (i + 1) * 64], yt[i * 64 : (i + 1) * 64], low=None)
        losses.append(loss)
    h = np.maximum(np.maximum(xt @ out["fc1.w"] + out["fc1.b"], 0) @ out["fc2.w"] + out["fc2.b"], 0)
    correct = int(((h @ out["fc3.w"] + out["fc3.b"]).argmax(axis=1) == yt).sum())
    assert (int(m[1]), int(m[3]), int(m[5]), int(m[6])) == (n, full, correct, n), m[0]
    assert abs(float(m[2]) - np.mean(losses)) <= 1e-5 * np.mean(losses) + 5e-7, (m[0], np.mean(losses))


# ---------------------------------------------------------------------------
# b. Stopping and resuming
# ---------------------------------------------------------------------------


def test_resume_is_bit_identical(digits_data, tmp_path):
    common = [DIGITS_MLP, "--train", f"--data={digits_data}", "--optimizer=adam", "--lr=0.003",
              "--weight-decay=0.01", "--seed=7", "--log-every=0"]
    full_ck, full_log = tmp_path / "full.npz", tmp_path / "full.txt"
    run_ok(common + ["--steps=30", f"--checkpoint={full_ck}", f"--loss-log={full_log}"])

    ck, log_a = tmp_path / "ck.npz", tmp_path / "a.txt"
    run_ok(common + ["--steps=15", f"--checkpoint={ck}", "--checkpoint-every=5", f"--loss-log={log_a}"])
    half = dict(np.load(ck))
    assert int(half["step"]) == 15
    assert {"fc1.w.adam.m", "fc1.w.adam.v", "fc3.b.adam.v"} <= set(half)

    log_b = tmp_path / "b.txt"
    shutil.copy(log_a, log_b)  # a resumed run appends to its loss log
    ck_b = tmp_path / "b.npz"
    run_ok(common + ["--steps=30", f"--resume={ck}", f"--checkpoint={ck_b}", f"--loss-log={log_b}"])

    full_lines = full_log.read_text().splitlines()
    assert len(full_lines) == 30
    assert log_a.read_text().splitlines() == full_lines[:15]
    assert log_b.read_text().splitlines() == full_lines, "losses after resuming differ"
    full, resumed = dict(np.load(full_ck)), dict(np.load(ck_b))
    assert sorted(full) == sorted(resumed)
    assert int(full["step"]) == 30
    for k in full:
        assert full[k].dtype == resumed[k].dtype and full[k].shape == resumed[k].shape, k
        assert full[k].tobytes() == resumed[k].tobytes(), f"{k} differs after resuming"


# ---------------------------------------------------------------------------
# c. Several weighted losses
# ---------------------------------------------------------------------------

MB, MD, MH, MC, MT = 4, 3, 5, 3, 2  # batch, input dim, hidden, classes, regression targets


def multi_loss_model(rng, weights=(1.0, 0.5)):
    """x -> linear(w1, b1) = h; CE(linear(tanh h, w2), y) and MSE(linear(h, w3), t)."""
    m = Model(function="multi")
    params = {
        "w1": rng.standard_normal((MD, MH)).astype(np.float32) * np.float32(0.7),
        "b1": rng.standard_normal(MH).astype(np.float32) * np.float32(0.1),
        "w2": rng.standard_normal((MH, MC)).astype(np.float32),
        "w3": rng.standard_normal((MH, MT)).astype(np.float32) * np.float32(0.5),
    }
    x = m.arg("x", shape=(MB, MD), elem="f32", attrs='lp.role = "input"')
    y = m.arg("y", shape=(MB,), elem="i64", attrs='lp.role = "label"')
    t = m.arg("t", shape=(MB, MT), elem="f32", attrs='lp.role = "input"')
    v = {k: m.arg(k, a, attrs='lp.role = "param"') for k, a in params.items()}
    h = m.op("lp.linear", [x, v["w1"], v["b1"]], (MB, MH), "f32")
    z = m.op("lp.linear", [m.op("lp.tanh", [h], (MB, MH), "f32"), v["w2"]], (MB, MC), "f32")
    m.ret(m.op("lp.cross_entropy", [z, y], (), "f32"), "ce")
    p = m.op("lp.linear", [h, v["w3"]], (MB, MT), "f32")
    m.ret(m.op("lp.mse_loss", [p, t], (), "f32"), "mse")
    text = m.text()
    attr = ", ".join(repr(float(w)) for w in weights)
    assert text.count(") {\n") == 1
    text = text.replace(") {\n", f") attributes {{lp.loss_weights = [{attr}]}} {{\n")
    return text, params


def multi_loss_numpy(p, x, y, t):
    """float64 losses and gradients of both losses separately."""
    p = {k: v.astype(np.float64) for k, v in p.items()}
    x, t = x.astype(np.float64), t.astype(np.float64)
    n = x.shape[0]
    h = x @ p["w1"] + p["b1"]
    a = np.tanh(h)
    z = a @ p["w2"]
    zm = z.max(axis=1, keepdims=True)
    e = np.exp(z - zm)
    sm = e / e.sum(axis=1, keepdims=True)
    ce = np.mean(zm[:, 0] + np.log(e.sum(axis=1)) - z[np.arange(n), y])
    q = h @ p["w3"]
    mse = np.mean((q - t) ** 2)
    # d ce
    dz = sm.copy()
    dz[np.arange(n), y] -= 1
    dz /= n
    da = dz @ p["w2"].T
    dh = da * (1 - a**2)
    g1 = {"w2": a.T @ dz, "w3": np.zeros_like(p["w3"]), "w1": x.T @ dh, "b1": dh.sum(axis=0)}
    # d mse
    dq = 2 * (q - t) / q.size
    dh = dq @ p["w3"].T
    g2 = {"w2": np.zeros_like(p["w2"]), "w3": h.T @ dq, "w1": x.T @ dh, "b1": dh.sum(axis=0)}
    return ce, mse, g1, g2


def test_multi_loss(rng, tmp_path):
    text, params = multi_loss_model(rng)
    model = tmp_path / "multi.mlir"
    model.write_text(text)
    n = 4 * MB
    x = rng.standard_normal((n, MD)).astype(np.float32)
    y = rng.integers(0, MC, n)
    t = rng.standard_normal((n, MT)).astype(np.float32)
    np.savez(tmp_path / "train.npz", x=x, y=y, t=t)
    np.savez(tmp_path / "init.npz", **params)

    # The gradient: 1.0 * dL1 + 0.5 * dL2 on the first batch.
    np.savez(tmp_path / "batch.npz", x=x[:MB], y=y[:MB], t=t[:MB])
    grad = tmp_path / "grad.mlir"
    proc = subprocess.run([lp_opt_path(), model, "--lp-differentiate", "-o", grad], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    run_ok([grad, "--function=multi_grad", f"--data={tmp_path / 'batch.npz'}",
            f"--params={tmp_path / 'init.npz'}", f"--output-dir={out}"])
    ce, mse, g1, g2 = multi_loss_numpy(params, x[:MB], y[:MB], t[:MB])
    got_ce, got_mse = np.load(out / "ce.npy"), np.load(out / "mse.npy")
    np.testing.assert_allclose([got_ce, got_mse], [ce, mse], rtol=1e-5)
    assert np.load(out / "loss.total.npy") == np.float32(got_ce) + np.float32(0.5) * np.float32(got_mse)
    for k in params:
        want = g1[k] + 0.5 * g2[k]
        got = np.load(out / f"{k}.grad.npy")
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6 * np.abs(want).max(), err_msg=k)

    # Training: every logged total is L1 + 0.5 L2, and the first SGD step
    # moves the parameters by -lr * (dL1 + 0.5 dL2).
    log1, log = tmp_path / "losses1.txt", tmp_path / "losses.txt"
    ck = tmp_path / "ck1.npz"
    run_ok([model, "--train", f"--data={tmp_path / 'train.npz'}", f"--params={tmp_path / 'init.npz'}",
            "--no-shuffle", "--optimizer=sgd", "--lr=0.1", "--steps=1", f"--checkpoint={ck}",
            f"--loss-log={log1}", "--log-every=0"])
    (step, vals), = read_log(log1)
    assert step == 1 and len(vals) == 3, vals
    np.testing.assert_allclose(vals[:2], [ce, mse], rtol=1e-5)
    after = np.load(ck)
    for k in params:
        want = params[k].astype(np.float64) - 0.1 * (g1[k] + 0.5 * g2[k])
        np.testing.assert_allclose(after[k], want, rtol=1e-5, atol=1e-6, err_msg=k)
    run_ok([model, "--train", f"--data={tmp_path / 'train.npz'}", f"--params={tmp_path / 'init.npz'}",
            "--optimizer=adam", "--lr=0.01", "--steps=12", f"--loss-log={log}", "--log-every=0"])
    rows = read_log(log)
    assert len(rows) == 12
    for step, vals in rows:
        assert len(vals) == 3, f"step {step}: expected 'step ce mse loss.total', got {vals}"
        l1, l2, total = (np.float32(v) for v in vals)
        assert total == l1 + np.float32(0.5) * l2, f"step {step}: {vals}"


def test_examples_tile_arguments(tmp_path):
    """Data [N, T, D] / [N, T] feed arguments [B*T, D] / [B*T]; a scalar
    array of the argument's shape is a fixed input; the partial last batch
    is dropped and epochs wrap (--no-shuffle: batches 0, 1, 0, 1, 0 of 7
    examples with B = 3). lr = 1e-30 leaves the parameters unchanged, so
    each logged loss is the forward loss of its batch."""
    b, t, dim, c, n = 3, 2, 4, 5, 7
    rng = np.random.default_rng(11)
    m = Model(function="tiles")
    x = m.arg("x", shape=(b * t, dim), elem="f32", attrs='lp.role = "input"')
    y = m.arg("y", shape=(b * t,), elem="i64", attrs='lp.role = "label"')
    scale = m.arg("scale", shape=(), elem="f32", attrs='lp.role = "input"')
    w0 = rng.standard_normal((dim, c)).astype(np.float32)
    w = m.arg("w", w0, attrs='lp.role = "param"')
    z = m.op("lp.mul", [m.op("lp.linear", [x, w], (b * t, c), "f32"), scale], (b * t, c), "f32")
    m.ret(m.op("lp.cross_entropy", [z, y], (), "f32"), "loss")
    model = tmp_path / "tiles.mlir"
    model.write_text(m.text())
    xs = rng.standard_normal((n, t, dim)).astype(np.float32)
    ys = rng.integers(0, c, (n, t))
    np.savez(tmp_path / "train.npz", x=xs, y=ys, scale=np.float32(1.5))
    np.savez(tmp_path / "init.npz", w=w0)
    log = tmp_path / "losses.txt"
    run_ok([model, "--train", f"--data={tmp_path / 'train.npz'}", f"--params={tmp_path / 'init.npz'}",
            "--no-shuffle", "--lr=1e-30", "--steps=5", f"--loss-log={log}", "--log-every=0"])
    got = [v[0] for _, v in read_log(log)]
    want = []
    for i in range(5):
        first = (i % 2) * b
        xb = xs[first : first + b].reshape(b * t, dim).astype(np.float64)
        yb = ys[first : first + b].reshape(b * t)
        want.append(float(np.mean(
            [np.log(np.exp(r).sum()) - r[k] for r, k in zip(1.5 * (xb @ w0.astype(np.float64)), yb)])))
    np.testing.assert_allclose(got, want, rtol=1e-5)


# ---------------------------------------------------------------------------
# d. Errors
# ---------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path):
    """A linear + cross-entropy model, batch 4, and 10 examples of data."""
    m = Model(function="small")
    x = m.arg("x", shape=(4, 3), elem="f32", attrs='lp.role = "input"')
    y = m.arg("y", shape=(4,), elem="i64", attrs='lp.role = "label"')
    w = m.arg("w", shape=(3, 2), elem="f32", attrs='lp.role = "param", lp.init = "glorot_uniform"')
    m.ret(m.op("lp.cross_entropy", [m.op("lp.linear", [x, w], (4, 2), "f32"), y], (), "f32"), "loss")
    model = tmp_path / "small.mlir"
    model.write_text(m.text())
    rng = np.random.default_rng(5)
    data = tmp_path / "train.npz"
    np.savez(data, x=rng.standard_normal((10, 3)).astype(np.float32), y=rng.integers(0, 2, 10))
    return tmp_path, model, data


def expect_error(args, *patterns):
    proc = run_lp(args)
    assert proc.returncode == 1, f"exit status {proc.returncode} (want 1)\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    for marker in CRASH_MARKERS:
        assert marker not in proc.stderr, f"crash output in stderr:\n{proc.stderr}"
    assert "error" in proc.stderr, proc.stderr
    for p in patterns:
        assert re.search(p, proc.stderr), f"stderr does not match {p!r}:\n{proc.stderr}"
    return proc


def test_training_errors(small):
    d, model, data = small
    base = [model, "--train", "--steps=2", "--log-every=0"]
    expect_error(base, r"--train needs --data")
    expect_error(base + [f"--data={data}", "--optimizer=foo"], r"unknown optimizer 'foo'")
    expect_error(base + [f"--data={data}", "--batch-size=8"], r"--batch-size 8 differs from the model's batch size 4")

    missing = d / "missing.npz"
    np.savez(missing, x=np.zeros((10, 3), np.float32))
    expect_error(base + [f"--data={missing}"], r"no array named 'y'")

    uneven = d / "uneven.npz"
    np.savez(uneven, x=np.zeros((10, 3), np.float32), y=np.zeros(9, np.int64))
    expect_error(base + [f"--data={uneven}"], r"different numbers of examples")

    # A complete Adam checkpoint, then one without `w.adam.v`.
    ck = d / "ck.npz"
    run_ok(base + [f"--data={data}", "--optimizer=adam", f"--checkpoint={ck}"])
    full = dict(np.load(ck))
    assert {"w", "w.adam.m", "w.adam.v", "adam.t", "step"} == set(full)
    partial = d / "partial.npz"
    np.savez(partial, **{k: v for k, v in full.items() if k != "w.adam.v"})
    expect_error(base + [f"--data={data}", "--optimizer=adam", "--steps=4", f"--resume={partial}"],
                 r"checkpoint has no 'w\.adam\.v'")
    # Resuming an SGD-with-momentum run from the Adam checkpoint: no buffer.
    expect_error(base + [f"--data={data}", "--momentum=0.9", "--steps=4", f"--resume={ck}"],
                 r"checkpoint has no 'w\.sgd\.momentum'")


def test_training_option_and_loss_errors(small):
    d, model, data = small
    base = [model, "--train", "--steps=3", "--log-every=0", f"--data={data}"]
    expect_error(base + ["--steps=-3"], r"--steps, --log-every and --checkpoint-every must not be negative")
    expect_error(base + ["--lr=0"], r"lr must be positive")
    expect_error(base + ["--optimizer=adam", "--beta1=1.0"], r"beta1 and beta2 must be in \[0, 1\)")
    expect_error(base + ["--weight-decay=-0.1"], r"must be non-negative")
    # A NaN in example 5 reaches the loss in the second batch (examples 4..7).
    x = np.random.default_rng(1).standard_normal((10, 3)).astype(np.float32)
    x[5, 1] = np.nan
    nan_data = d / "nan.npz"
    np.savez(nan_data, x=x, y=np.zeros(10, np.int64))
    expect_error([model, "--train", "--steps=3", "--no-shuffle", f"--data={nan_data}"], r"step 2: the loss is nan")
    # Too few examples for one batch; a label outside [0, C).
    few = d / "few.npz"
    np.savez(few, x=np.zeros((3, 3), np.float32), y=np.zeros(3, np.int64))
    expect_error(base[:-1] + [f"--data={few}"], r"3 examples are fewer than one batch of 4")
    bad = d / "bad_label.npz"
    np.savez(bad, x=np.zeros((8, 3), np.float32), y=np.array([0, 1, 0, 1, 0, 2, 0, 1]))
    expect_error(base[:-1] + [f"--data={bad}", "--no-shuffle"], r"'y'.*value 2 .*outside \[0, 2\)")


def test_result_named_like_parameter(tmp_path):
    """loss = reduce_sum(x * w), result named "w": either rejected with an
    error, or trained correctly (w1 = w0 - lr * sum(x_batch))."""
    m = Model(function="clash")
    x = m.arg("x", shape=(2, 3), elem="f32", attrs='lp.role = "input"')
    w = m.arg("w", shape=(), elem="f32", attrs='lp.role = "param", lp.init = "zeros"')
    prod = m.op("lp.mul", [x, w], (2, 3), "f32")
    m.ret(m.op("lp.reduce_sum", [prod], (), "f32", "{axes = array<i64: 0, 1>}"), "w")
    model = tmp_path / "clash.mlir"
    model.write_text(m.text())
    np.savez(tmp_path / "train.npz", x=np.ones((6, 3), np.float32))
    np.savez(tmp_path / "init.npz", w=np.float32(1.0))
    ck = tmp_path / "ck.npz"
    proc = run_lp([model, "--train", f"--data={tmp_path / 'train.npz'}", f"--params={tmp_path / 'init.npz'}",
                   "--steps=2", "--lr=0.1", f"--checkpoint={ck}", "--log-every=0"])
    assert proc.returncode == 1, proc.stderr
    assert "loss 'w' has the name of an argument or of train-step state" in proc.stderr


# ---------------------------------------------------------------------------
# Accuracy goals of the examples (held-out digits split)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, data, args, goal",
    [
        ("digits_mlp.mlir", "digits", ["--steps=600", "--optimizer=sgd", "--lr=0.1", "--momentum=0.9"], 0.95),
        ("digits_cnn.mlir", "digits_cnn", ["--steps=1500", "--optimizer=adam", "--lr=0.002"], 0.97),
    ],
    ids=["mlp", "cnn"],
)
def test_example_reaches_accuracy(digits_data, model, data, args, goal):
    proc = run_ok([REPO_ROOT / "examples" / model, "--train", f"--data={DATA / (data + '_train.npz')}",
                   f"--eval-data={DATA / (data + '_test.npz')}", "--log-every=0", "--seed=0", *args])
    match = re.search(r"accuracy ([0-9.]+) \((\d+)/360\)", proc.stdout)
    assert match, proc.stdout
    assert float(match.group(1)) >= goal, proc.stdout


def test_arguments_without_names_train(tmp_path):
    """Arguments without `lp.name` are named by position in the model
    (`arg2`); the train step orders its arguments otherwise, and the names
    stay the model's: the checkpoint holds arg2 and arg3, trained."""
    (tmp_path / "m.mlir").write_text(
        """func.func @m(%x: tensor<4x3xf32> {lp.role = "input"}, %y: tensor<4xi64> {lp.role = "label"},
             %w: tensor<3x2xf32> {lp.role = "param"}, %b: tensor<2xf32> {lp.role = "param"})
    -> tensor<f32> {
  %h = lp.linear %x, %w, %b : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %l = lp.cross_entropy %h, %y : (tensor<4x2xf32>, tensor<4xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
""")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    y = rng.integers(0, 2, 8).astype(np.int64)
    w = rng.standard_normal((3, 2)).astype(np.float32)
    np.savez(tmp_path / "d.npz", arg0=x, arg1=y)
    np.savez(tmp_path / "p.npz", arg2=w, arg3=np.zeros(2, np.float32))
    proc = run_lp([tmp_path / "m.mlir", "--train", f"--data={tmp_path / 'd.npz'}", "--steps=1",
                   "--no-shuffle", "--lr=0.1", f"--params={tmp_path / 'p.npz'}",
                   f"--checkpoint={tmp_path / 'ck.npz'}"])
    assert proc.returncode == 0, proc.stderr
    ck = np.load(tmp_path / "ck.npz")
    # One SGD step of softmax cross-entropy on the first batch, in float64.
    h = x[:4].astype(np.float64) @ w
    p = np.exp(h - h.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(4), y[:4]] -= 1
    np.testing.assert_allclose(ck["arg2"], w - 0.1 * x[:4].T.astype(np.float64) @ p / 4, rtol=1e-5)
    np.testing.assert_allclose(ck["arg3"], -0.1 * p.sum(axis=0) / 4, rtol=1e-5, atol=1e-7)
