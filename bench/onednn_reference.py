"""oneDNN's own products (onednn_products.cpp), the library reference of
bench_products.py: built once per checkout with g++ against Debian's
libdnnl (`libdnnl-dev`, which the README's commands install) into
bench/.build/, then run per shape."""

import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "onednn_products.cpp")
TOOL = os.path.join(HERE, ".build", "onednn_products")


def build_tool():
    """The tool's path, (re)built when the source is newer; exits with a
    message when it cannot be built."""
    if os.path.exists(TOOL) and os.path.getmtime(TOOL) >= os.path.getmtime(SOURCE):
        return TOOL
    os.makedirs(os.path.dirname(TOOL), exist_ok=True)
    cmd = ["g++", "-O2", "-std=c++17", SOURCE, "-o", TOOL, "-ldnnl"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"cannot build the oneDNN reference ({' '.join(cmd)}; libdnnl-dev installed?):\n"
                         f"{r.stderr}\n(--no-onednn skips it)")
    return TOOL


def time_products(tool, dtype, m, k, n, reps):
    """{product: (median ms, oneDNN implementation)} for the forward, data
    gradient and weight gradient of x [m, k] @ w [k, n]."""
    r = subprocess.run([tool, dtype, str(m), str(k), str(n), str(reps)], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{tool} failed: {r.stderr}")
    out = {}
    for line in r.stdout.splitlines():
        name, ms, impl = line.split(" ", 2)
        out[name] = (float(ms), impl)
    return out
