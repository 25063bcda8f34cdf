"""What the benchmark ran on: CPU, versions, threads, f32 matmul throughput."""

import os
import platform
import statistics
import subprocess
import time

import numpy as np

THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "XLA_FLAGS", "LP_NUM_THREADS")


def cpu_info():
    """(model name, cores) from lscpu, falling back to platform/os."""
    model, cores = platform.processor() or "unknown", os.cpu_count()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        fields = {k.strip(): v.strip() for k, v in fields.items()}
        model = fields.get("Model name", model)
        per_socket = int(fields.get("Core(s) per socket", 0))
        sockets = int(fields.get("Socket(s)", 1))
        if per_socket:
            cores = per_socket * sockets
    except (OSError, ValueError):
        pass
    return model, cores


def numpy_blas():
    try:
        cfg = np.show_config(mode="dicts")
        return cfg["Build Dependencies"]["blas"]["name"]
    except Exception:
        return "unknown"


def describe(torch, jax):
    model, cores = cpu_info()
    lines = [
        f"CPU: {model}, {cores} cores, {os.cpu_count()} logical CPUs "
        f"(affinity: {len(os.sched_getaffinity(0))})",
        f"python {platform.python_version()}, numpy {np.__version__} "
        f"(BLAS {numpy_blas()}), torch {torch.__version__}, jax {jax.__version__} "
        f"(backend {jax.default_backend()}, {jax.device_count()} device(s))",
        f"threads: torch intra-op {torch.get_num_threads()}, inter-op "
        f"{torch.get_num_interop_threads()}; JAX/XLA: its default CPU thread "
        f"pool (all cores); lp-run: as built",
        "thread env: " + (", ".join(f"{v}={os.environ[v]}" for v in THREAD_VARS
                                    if v in os.environ) or "none set"),
    ]
    return lines


def _median_time(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def matmul_gflops(torch, jax, n, repeats):
    """f32 n x n x n matmul GFLOP/s (2 n^3 flops, median of `repeats`) with
    torch, numpy and jax at their default thread settings."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    flops = 2.0 * n ** 3
    out = {}
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    out["torch"] = flops / _median_time(lambda: torch.mm(ta, tb), repeats) / 1e9
    out["numpy"] = flops / _median_time(lambda: a @ b, repeats) / 1e9
    ja, jb = jax.numpy.asarray(a), jax.numpy.asarray(b)
    mm = jax.jit(lambda x, y: x @ y)
    out["jax"] = flops / _median_time(
        lambda: mm(ja, jb).block_until_ready(), repeats) / 1e9
    return out


def emit_report(lines, out=None):
    """Prints a markdown report (lines) and writes it to `out` if given."""
    report = "\n".join(lines) + "\n"
    print(report)
    if out:
        with open(out, "w") as f:
            f.write(report)
