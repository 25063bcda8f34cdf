"""Products through each contraction library the runtime can choose
(runtime/include/lp/Runtime/Contractions.h): `--contraction=openblas`,
`--contraction=onednn` and `auto` (the ISA-class policy) compute the same
products against float64 numpy, in every size class (small < 2^18
multiply-adds <= mid < 2^28 <= large), with transposed operands (the
backward pass's forms), in a batch, and in a whole training run of the
digits MLP. `--verbose` reports the CPU's features and what ran each class;
the policy never picks kernels below the CPU's ISA class, and when
OpenBLAS is made to run generic kernels (OPENBLAS_CORETYPE=Prescott, as
Debian's OpenBLAS does by itself on CPUs it does not know), `auto` sends
every product to oneDNN.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from lp_testing import Model, run_lp
from product_cases import products_model
from test_training import DATA, DIGITS_MLP, digits_data, init_mlp, numpy_sgd_losses, read_log  # noqa: F401

# name: (a shape as stored, b shape as stored, transpose a, transpose b)
CASES = {
    "small": ((8, 16), (16, 8), False, False),  # 1024 multiply-adds
    "small_bt": ((33, 20), (7, 20), False, True),
    "mid": ((300, 128), (128, 200), False, False),  # 7.7M
    "mid_at": ((128, 300), (128, 200), True, False),
    "mid_bt": ((300, 128), (200, 128), False, True),
    "large": ((512, 1024), (1024, 520), False, False),  # 2^28 + 2^24
    "batch": ((3, 65, 96), (3, 96, 70), False, False),
}
LIBRARIES = ["auto", "openblas", "onednn"]


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def isa_class():
    flags = cpu_flags()
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= flags:
        return "amx" if "amx_bf16" in flags and "amx_tile" in flags else "avx512"
    return "avx2" if {"avx2", "fma"} <= flags else "sse"


def report(stdout):
    lines = [l for l in stdout.splitlines() if re.match(r"(cpu|openblas|onednn|kernel): |contractions \(", l)]
    return {"text": "\n".join(lines), "lines": lines}


def build(rng):
    return products_model(rng, CASES)


def skip_without_onednn(library, tmp_path):
    """oneDNN is part of the README's set-up; a build without it says so."""
    if library == "auto":
        return
    probe = tmp_path / "probe"
    probe.mkdir()
    m = Model()
    m.ret(m.op("lp.matmul", [m.arg("a", np.ones((2, 2), np.float32)), m.arg("b", np.ones((2, 2), np.float32))],
               (2, 2), "f32"), "c")
    model, data = m.write(probe)
    proc = run_lp([model, f"--data={data}", f"--contraction={library}", "--verbose"])
    if proc.returncode != 0 and "without oneDNN" in proc.stderr:
        pytest.skip(f"--contraction={library}: {proc.stderr.strip()}")


@pytest.mark.parametrize("library", LIBRARIES)
def test_products_match_numpy(rng, tmp_path, library):
    skip_without_onednn(library, tmp_path)
    m, want = build(rng)
    for parallel in ("1", "0"):
        out = m.run(tmp_path / f"p{parallel}", extra_args=[f"--contraction={library}", f"--parallel={parallel}"])
        for name, (ref, k) in want.items():
            # k products of N(0,1) terms: f32 rounding grows like sqrt(k) 2^-24.
            np.testing.assert_allclose(out[name], ref, rtol=0, atol=2e-6 * k, err_msg=f"{name} ({library})")


@pytest.mark.parametrize("library", LIBRARIES)
def test_digits_mlp_trains_on_each_library(digits_data, tmp_path, library):
    skip_without_onednn(library, tmp_path)
    params = init_mlp(7)
    np.savez(tmp_path / "init.npz", **params)
    log = tmp_path / "losses.txt"
    proc = run_lp([DIGITS_MLP, "--train", f"--data={digits_data}", "--no-shuffle", "--lr=0.1", "--momentum=0.9",
                   f"--params={tmp_path / 'init.npz'}", "--steps=12", f"--loss-log={log}", "--log-every=0",
                   f"--contraction={library}", "--verbose"])
    assert proc.returncode == 0, proc.stderr
    data = np.load(digits_data)
    ref, _ = numpy_sgd_losses(params, data["x"], data["y"], 12, 0.1, 0.9)
    got = [v[0] for _, v in read_log(log)]
    np.testing.assert_allclose(got, ref, rtol=1e-4)
    rep = report(proc.stdout)
    assert re.search(r"^contractions \(" + library + r", ", rep["text"], re.M), rep["text"]


def test_report_matches_the_cpu(tmp_path):
    """The policy picks kernels of the CPU's ISA class: the report names the
    class read from /proc/cpuinfo, oneDNN's ISA is not below it, and the
    classes sent to OpenBLAS run kernels of that class."""
    m, _ = build(np.random.default_rng(0))
    model, data = m.write(tmp_path)
    proc = run_lp([model, f"--data={data}", "--verbose", f"--output-dir={tmp_path / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    rep = report(proc.stdout)["text"]
    cls = isa_class()
    assert re.search(rf"^cpu: .*\(\w+ family \d+ model \d+\), {cls} class: ", rep, re.M), rep
    policy = re.search(r"^contractions \(auto, [^)]*\): small (\w+), mid (\w+), large (\w+)", rep, re.M)
    assert policy, rep
    onednn = re.search(r"^onednn: [0-9.]+ \(isa (\w+)\)", rep, re.M)
    core = re.search(r"^openblas: .*\(kernels '(\w+)'\)", rep, re.M)
    assert core, rep
    if cls in ("avx512", "amx"):
        assert onednn and onednn.group(1).startswith("avx512"), rep
        assert policy.groups() == ("onednn",) * 3, rep
    elif cls == "avx2":
        assert onednn is None or onednn.group(1).startswith("avx2"), rep
        if "openblas" in policy.groups():
            assert core.group(1).lower() in ("haswell", "zen", "skylakex", "cooperlake"), rep
    # Every kernel reported ran a class the policy gives to oneDNN, and the
    # small and mid classes (always among the model's products) report theirs
    # when oneDNN runs them. A large product is cut into one block per thread
    # (lp-linalg-to-blas split-min), so with 2+ threads it may run as mid calls.
    assigned = dict(zip(("small", "mid", "large"), policy.groups()))
    seen = set(re.findall(r"^kernel: (small|mid|large): onednn \S+", rep, re.M))
    assert all(assigned[size] == "onednn" for size in seen), rep
    for size in ("small", "mid"):
        assert assigned[size] != "onednn" or size in seen, rep


def test_generic_openblas_kernels_are_not_used(tmp_path):
    """OPENBLAS_CORETYPE=Prescott makes OpenBLAS run its generic SSE3
    kernels; on an AVX2 or wider CPU `auto` then sends every product to
    oneDNN and says why; forcing OpenBLAS is still possible and reported."""
    if isa_class() == "sse":
        pytest.skip("this CPU has no AVX2: Prescott kernels are its class")
    m, want = build(np.random.default_rng(1))
    model, data = m.write(tmp_path)
    env = {"OPENBLAS_CORETYPE": "Prescott"}
    proc = run_lp([model, f"--data={data}", "--verbose", f"--output-dir={tmp_path / 'out'}"], env=env)
    if proc.returncode != 0 and "oneDNN cannot be used" in proc.stderr:
        assert "set OPENBLAS_CORETYPE" in proc.stderr  # refused, with the way out
        pytest.skip("no oneDNN in this build: auto refuses generic kernels (checked)")
    assert proc.returncode == 0, proc.stderr
    rep = report(proc.stdout)["text"]
    assert "kernels 'Prescott'" in rep, rep
    assert re.search(r"^contractions \(auto, OpenBLAS's 'Prescott' kernels are below the CPU's \w+ class\): "
                     r"small onednn, mid onednn, large onednn", rep, re.M), rep
    for name, (ref, k) in want.items():
        np.testing.assert_allclose(np.load(tmp_path / "out" / f"{name}.npy"), ref, rtol=0, atol=2e-6 * k)
    forced = run_lp([model, f"--data={data}", "--verbose", "--contraction=openblas"], env=env)
    assert forced.returncode == 0, forced.stderr
    assert "forced; OpenBLAS's 'Prescott' kernels are below the CPU's" in forced.stdout, forced.stdout


def test_library_choice_errors(tmp_path):
    m = Model()
    m.ret(m.op("lp.matmul", [m.arg("a", np.ones((2, 2), np.float32)), m.arg("b", np.ones((2, 2), np.float32))],
               (2, 2), "f32"), "c")
    model, data = m.write(tmp_path)
    proc = run_lp([model, f"--data={data}", "--contraction=mkl"])
    assert proc.returncode == 1 and "unknown contraction library 'mkl' (expected auto, openblas or onednn)" in proc.stderr
    proc = run_lp([model, f"--data={data}"], env={"LP_CONTRACTION": "blis"})
    assert proc.returncode == 1 and "unknown contraction library 'blis'" in proc.stderr, proc.stderr
    proc = run_lp([model, f"--data={data}", "--verbose"], env={"LP_CONTRACTION": "onednn"})
    if "without oneDNN" not in proc.stderr:
        assert proc.returncode == 0 and "contractions (onednn, forced)" in proc.stdout, proc.stdout + proc.stderr


# oneDNN's ISA levels, narrowest first, with the /proc/cpuinfo flags each needs.
ISAS = {
    "sse41": {"sse4_1"},
    "avx2": {"avx2", "fma"},
    "avx512_core": {"avx512f", "avx512bw", "avx512vl", "avx512dq"},
    "avx512_core_bf16": {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16"},
    "avx512_core_amx": {"avx512f", "avx512bw", "avx512vl", "avx512dq", "amx_bf16", "amx_tile"},
}


@pytest.mark.parametrize("isa", list(ISAS))
def test_each_onednn_isa_the_cpu_has(tmp_path, isa):
    """Every oneDNN path this CPU supports, forced with --contraction-isa,
    computes the products right and reports that ISA; one it does not
    support is a clear error (and the test says it skipped the numbers)."""
    skip_without_onednn("onednn", tmp_path)
    m, want = build(np.random.default_rng(2))
    model, data = m.write(tmp_path)
    proc = run_lp([model, f"--data={data}", "--contraction=onednn", f"--contraction-isa={isa}", "--verbose",
                   f"--output-dir={tmp_path / 'out'}"])
    if not ISAS[isa] <= cpu_flags():
        assert proc.returncode == 1 and f"this CPU has no {isa}" in proc.stderr, proc.stdout + proc.stderr
        pytest.skip(f"this CPU lacks {sorted(ISAS[isa] - cpu_flags())}: the {isa} kernels cannot run here "
                    "(the error was checked)")
    assert proc.returncode == 0, proc.stderr
    assert re.search(rf"^onednn: [0-9.]+ \(isa {isa}\)", proc.stdout, re.M), proc.stdout
    for name, (ref, k) in want.items():
        np.testing.assert_allclose(np.load(tmp_path / "out" / f"{name}.npy"), ref, rtol=0, atol=2e-6 * k,
                                   err_msg=f"{name} ({isa})")


def test_unknown_isa_is_an_error(tmp_path):
    skip_without_onednn("onednn", tmp_path)
    m, _ = build(np.random.default_rng(3))
    model, data = m.write(tmp_path)
    proc = run_lp([model, f"--data={data}", "--contraction-isa=avx9"])
    assert proc.returncode == 1 and "unknown oneDNN ISA 'avx9'" in proc.stderr, proc.stderr
