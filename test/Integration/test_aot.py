"""Ahead-of-time steps: lp-translate --lp-to-object + cc -shared + lp-exec.

* test_runtime_links_no_llvm: lp-exec and libLPRuntime.so need no
  libLLVM/libMLIR (readelf -d), and the step's shared object none either;
  lp-opt and lp-translate need no BLAS, OpenMP, libmvec or runtime.
* test_aot_digits_mlp_matches_numpy: the digits MLP trained by lp-exec
  (x86-64-v3 code) against the hand-written float32 numpy SGD loop of
  test_training (rtol 1e-4), as lp-run's are.
* test_aot_forward_matches_float64: scripts/reference_loss.py --aot: the
  forward losses of the MLP and the CNN compiled ahead of time against
  float64 numpy (|diff| <= 1e-5), with lp.init's and with random weights.
* test_aot_native_is_bit_identical: with --target-cpu=native, lp-exec's
  loss log equals lp-run's byte for byte (MLP with SGD, CNN with Adam).
* test_c_api_from_ctypes: the runtime's C API (lp_runtime.h) through
  ctypes, as a Python binding would use it: open the shared object, load
  the MLP's forward function, read its signature JSON, call it on numpy
  buffers; the loss against a float64 numpy forward pass; a missing file
  and an unknown function come back as error strings.
* test_split_kernels_ask_for_threads_at_run_time: a large kernel compiled
  ahead of time with the default `threads` imports `lp_num_threads` (no
  block count is baked in), and the runtime answers it with the OpenMP
  thread count of the process that runs the step (OMP_NUM_THREADS=1, 3).
* test_lp_exec_errors: a missing file, a file without LP functions, an
  unknown option, an unknown function, training without data: exit 1 and
  a message, no crash.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from aot import BIN, build_shared_object, run_lp_exec
from lp_testing import REPO_ROOT, Model, run_lp
from test_training import DATA, DIGITS_MLP, digits_data, init_mlp, numpy_sgd_losses, read_log  # noqa: F401

DIGITS_CNN = REPO_ROOT / "examples" / "digits_cnn.mlir"
CRASH_MARKERS = ("Stack dump", "PLEASE submit a bug report", "Segmentation fault", "Assertion", "terminate called")


def needed_libraries(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def test_runtime_links_no_llvm(tmp_path):
    so = build_shared_object(DIGITS_MLP, tmp_path)
    for path in (BIN / "lp-exec", BIN.parent / "lib" / "libLPRuntime.so", so):
        needed = needed_libraries(path)
        assert needed, path
        bad = [n for n in needed if "LLVM" in n or "MLIR" in n]
        assert not bad, f"{path} needs {bad}"
    ldd = subprocess.run(["ldd", BIN / "lp-exec"], capture_output=True, text=True, check=True).stdout
    assert "libLLVM" not in ldd and "libMLIR" not in ldd, ldd
    # The compiler's tools need no BLAS, OpenMP or vector math library.
    for tool in ("lp-opt", "lp-translate"):
        needed = needed_libraries(BIN / tool)
        bad = [n for n in needed if any(k in n for k in ("blas", "omp", "mvec", "LPRuntime"))]
        assert not bad, f"{tool} needs {bad}"


def test_aot_digits_mlp_matches_numpy(digits_data, tmp_path):
    steps = 24
    so = build_shared_object(DIGITS_MLP, tmp_path, ["--lp-build-train-step=optimizer=sgd lr=0.1 momentum=0.9"],
                             "inplace-results=1")
    params = init_mlp(20240)
    np.savez(tmp_path / "init.npz", **params)
    log = tmp_path / "losses.txt"
    proc = run_lp_exec([so, "--train", f"--data={digits_data}", "--no-shuffle", f"--params={tmp_path / 'init.npz'}",
                        f"--steps={steps}", f"--loss-log={log}", "--log-every=0"])
    assert proc.returncode == 0, proc.stderr
    data = np.load(digits_data)
    ref, _ = numpy_sgd_losses(params, data["x"], data["y"], steps, 0.1, 0.9)
    got = np.array([v for _, v in read_log(log)])
    assert got.shape == (steps, 2)
    assert ref[0] > 1.5 and ref[-1] < 0.5 * ref[0], "the reference loop does not learn"
    np.testing.assert_allclose(got[:, 0], ref, rtol=1e-4)


def test_aot_forward_matches_float64():
    proc = subprocess.run([sys.executable, REPO_ROOT / "scripts" / "reference_loss.py", "--aot", "digits_mlp",
                           "digits_cnn"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count(" ok") == 4, proc.stdout


@pytest.mark.parametrize(
    "model, data, train_args",
    [(DIGITS_MLP, "digits_train.npz", ["--optimizer=sgd", "--lr=0.1", "--momentum=0.9"]),
     (DIGITS_CNN, "digits_cnn_train.npz", ["--optimizer=adam", "--lr=0.002"])],
    ids=["mlp", "cnn"])
def test_aot_native_is_bit_identical(digits_data, tmp_path, model, data, train_args):
    build = "--lp-build-train-step=" + " ".join(a[2:] for a in train_args)
    # Both split kernels into as many blocks as the runtime has threads.
    so = build_shared_object(model, tmp_path, [build], "inplace-results=1", cpu="native")
    common = ["--train", f"--data={DATA / data}", "--steps=12", "--seed=3", "--log-every=0"]
    jit_log, aot_log = tmp_path / "jit.txt", tmp_path / "aot.txt"
    jit = run_lp([model, *common, *train_args, f"--loss-log={jit_log}", f"--checkpoint={tmp_path / 'jit.npz'}"])
    assert jit.returncode == 0, jit.stderr
    aot = run_lp_exec([so, *common, f"--loss-log={aot_log}", f"--checkpoint={tmp_path / 'aot.npz'}"])
    assert aot.returncode == 0, aot.stderr
    assert len(jit_log.read_text().splitlines()) == 12
    assert aot_log.read_text() == jit_log.read_text()
    a, b = np.load(tmp_path / "jit.npz"), np.load(tmp_path / "aot.npz")
    assert sorted(a.files) == sorted(b.files)
    for k in a.files:
        assert a[k].tobytes() == b[k].tobytes(), k


def test_c_api_from_ctypes(digits_data, tmp_path):
    import ctypes
    import json

    asan = os.environ.get("LP_ASAN_RUNTIME")
    if asan and os.environ.get("LD_PRELOAD") != asan:
        # The sanitizer build (scripts/sanitize.sh): Python can load the
        # instrumented runtime library only after the sanitizer runtime, so
        # this test runs again in a child that preloads it (Python's own
        # leaks at exit are not LP's: no leak check there).
        env = dict(os.environ, LD_PRELOAD=asan,
                   ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            f"{__file__}::test_c_api_from_ctypes"], env=env,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        return

    so = build_shared_object(DIGITS_MLP, tmp_path)
    # Global, so that the step resolves the runtime's host symbols against it.
    rt = ctypes.CDLL(str(BIN.parent / "lib" / "libLPRuntime.so"), mode=ctypes.RTLD_GLOBAL)
    rt.lp_code_open.restype = ctypes.c_void_p
    rt.lp_code_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
    rt.lp_step_load.restype = ctypes.c_void_p
    rt.lp_step_load.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
    rt.lp_step_signature_json.restype = ctypes.c_char_p
    rt.lp_step_signature_json.argtypes = [ctypes.c_void_p]
    rt.lp_step_num_args.restype = ctypes.c_int64
    rt.lp_step_num_args.argtypes = [ctypes.c_void_p]
    rt.lp_step_num_out_results.restype = ctypes.c_int64
    rt.lp_step_num_out_results.argtypes = [ctypes.c_void_p]
    rt.lp_step_call.restype = ctypes.c_int
    rt.lp_step_call.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p),
                                ctypes.POINTER(ctypes.c_char_p)]
    rt.lp_step_free.argtypes = [ctypes.c_void_p]
    rt.lp_code_close.argtypes = [ctypes.c_void_p]
    rt.lp_free_error.argtypes = [ctypes.c_void_p]

    err = ctypes.c_char_p()
    assert not rt.lp_code_open(str(tmp_path / "missing.so").encode(), ctypes.byref(err))
    assert "cannot load" in err.value.decode()
    rt.lp_free_error(ctypes.cast(err, ctypes.c_void_p))
    code = rt.lp_code_open(str(so).encode(), ctypes.byref(err))
    assert code, err.value
    assert not rt.lp_step_load(code, b"nope", ctypes.byref(err))
    assert "no function 'nope'" in err.value.decode()
    rt.lp_free_error(ctypes.cast(err, ctypes.c_void_p))
    step = rt.lp_step_load(code, b"digits_mlp", ctypes.byref(err))
    assert step, err.value
    sig = json.loads(rt.lp_step_signature_json(step))
    names = [a["name"] for a in sig["args"]]
    assert names == ["x", "y", "fc1.w", "fc1.b", "fc2.w", "fc2.b", "fc3.w", "fc3.b"]
    assert rt.lp_step_num_args(step) == 8 and rt.lp_step_num_out_results(step) == 1

    params = init_mlp(7)
    batch = np.load(DATA / "digits_batch.npz")
    values = {"x": np.ascontiguousarray(batch["x"], np.float32), "y": np.ascontiguousarray(batch["y"], np.int64),
              **params}
    for a in sig["args"]:
        assert list(values[a["name"]].shape) == a["shape"], a
    args = (ctypes.c_void_p * 8)(*[values[n].ctypes.data for n in names])
    loss = np.zeros((), np.float32)
    outs = (ctypes.c_void_p * 1)(loss.ctypes.data)
    assert rt.lp_step_call(step, args, outs, ctypes.byref(err)) == 0

    p = {k: v.astype(np.float64) for k, v in params.items()}
    x, y = values["x"].astype(np.float64), values["y"]
    h = np.maximum(np.maximum(x @ p["fc1.w"] + p["fc1.b"], 0) @ p["fc2.w"] + p["fc2.b"], 0)
    z = h @ p["fc3.w"] + p["fc3.b"]
    zmax = z.max(axis=1, keepdims=True)
    ref = np.mean(zmax[:, 0] + np.log(np.exp(z - zmax).sum(axis=1)) - z[np.arange(len(y)), y])
    assert abs(float(loss) - ref) <= 1e-5 * abs(ref) + 1e-6, (float(loss), ref)
    rt.lp_step_free(step)
    rt.lp_code_close(code)


def test_split_kernels_ask_for_threads_at_run_time(tmp_path):
    m = Model(function="big")
    x = m.arg("x", np.zeros((1024, 384), np.float32))  # 393216 points: split
    m.ret(m.op("lp.exp", [x], (1024, 384), "f32"), "e")
    model, _ = m.write(tmp_path)
    so = build_shared_object(model, tmp_path)
    undefined = subprocess.run(["nm", "-D", "--undefined-only", so], capture_output=True, text=True, check=True).stdout
    assert re.search(r"\bU lp_num_threads\b", undefined), undefined
    probe = (
        "import ctypes, sys\n"
        f"rt = ctypes.CDLL({str(BIN.parent / 'lib' / 'libLPRuntime.so')!r}, mode=ctypes.RTLD_GLOBAL)\n"
        "rt.lp_code_open.restype = ctypes.c_void_p\n"
        "rt.lp_code_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]\n"
        "rt.lp_num_threads.restype = ctypes.c_int64\n"
        "err = ctypes.c_char_p()\n"
        f"assert rt.lp_code_open({str(so).encode()!r}, ctypes.byref(err)), err.value\n"
        "print(rt.lp_num_threads())\n")
    for threads in ("1", "3"):
        env = {**os.environ, "OMP_NUM_THREADS": threads}
        proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == threads, (threads, proc.stdout, proc.stderr)


def test_lp_exec_errors(digits_data, tmp_path):
    so = build_shared_object(DIGITS_MLP, tmp_path)
    bad = tmp_path / "not_a_step.so"
    bad.write_text("not an ELF file")
    cases = [
        ([tmp_path / "missing.so"], r"cannot load .*missing\.so"),
        ([bad], r"cannot load .*not_a_step\.so"),
        ([so, "--frobnicate"], r"unknown option '--frobnicate'"),
        ([so, "--function=nope"], r"no function 'nope'"),
        ([so, "--train"], r"no function to run"),
        ([so, "--seed=x"], r"--seed expects an integer"),
        ([so], r"missing input 'x'"),
    ]
    for args, pattern in cases:
        proc = run_lp_exec(args)
        assert proc.returncode == 1, (args, proc.returncode, proc.stderr)
        assert re.search(pattern, proc.stderr), (args, proc.stderr)
        assert not any(m in proc.stderr for m in CRASH_MARKERS), proc.stderr
    listed = run_lp_exec([so, "--list"])
    assert listed.returncode == 0 and listed.stdout.split() == ["digits_mlp"], listed
    # A bare file name is a file in the working directory, not a library
    # for dlopen to search for.
    here = subprocess.run([BIN / "lp-exec", so.name, "--list"], cwd=so.parent, capture_output=True, text=True)
    assert here.returncode == 0 and here.stdout.split() == ["digits_mlp"], here


@pytest.mark.parametrize("library", ["openblas", "onednn"])
def test_aot_runs_the_same_contraction_kernels(digits_data, tmp_path, library):
    """The library behind the products is the runtime's choice: a step
    compiled ahead of time and run by lp-exec with --contraction=X reports
    the same policy as lp-run with it, and trains bit-identically."""
    so = build_shared_object(DIGITS_MLP, tmp_path, ["--lp-build-train-step=momentum=0.9 lr=0.1"],
                             "inplace-results=1", cpu="native")
    common = ["--train", f"--data={digits_data}", "--steps=8", "--seed=1", "--log-every=0",
              f"--contraction={library}", "--verbose"]
    jit_log, aot_log = tmp_path / "jit.txt", tmp_path / "aot.txt"
    jit = run_lp([DIGITS_MLP, *common, "--momentum=0.9", "--lr=0.1", f"--loss-log={jit_log}"])
    if jit.returncode != 0 and "without oneDNN" in jit.stderr:
        pytest.skip(jit.stderr.strip())
    assert jit.returncode == 0, jit.stderr
    aot = run_lp_exec([so, *common, f"--loss-log={aot_log}"])
    assert aot.returncode == 0, aot.stderr
    policy = [re.search(rf"^contractions \({library}, .*$", p.stdout, re.M) for p in (jit, aot)]
    assert policy[0] and policy[1] and policy[0].group(0) == policy[1].group(0), jit.stdout + aot.stdout
    assert aot_log.read_text() == jit_log.read_text()
