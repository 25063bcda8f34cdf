"""Compile a model ahead of time, as docs/Tools.md documents it:

    lp-opt model.mlir [--lp-build-train-step=...] --lp-lower-to-llvm=... |
      lp-translate --lp-to-object --target-cpu=CPU -o step.o
    cc -shared step.o -o step.so -L<llvm lib> -l:libomp.so.5 -lmvec

and run it with lp-exec (the runtime alone).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("LP_BIN") or REPO_ROOT / "build" / "bin")
LLVM_LIB = "/usr/lib/llvm-22/lib"


def build_shared_object(model, out_dir, build_args=(), lower_args="", cpu="x86-64-v3",
                        pipeline="lp-lower-to-llvm", name="step"):
    """model.mlir -> out_dir/<name>.so; returns its path. pipeline
    lp-lower-to-nvvm gives a GPU step, its kernels embedded."""
    out_dir = Path(out_dir)
    obj, so = out_dir / f"{name}.o", out_dir / f"{name}.so"
    lower = f"--{pipeline}" + (f"={lower_args}" if lower_args else "")
    opt = subprocess.run([BIN / "lp-opt", model, *build_args, lower], capture_output=True, timeout=600)
    assert opt.returncode == 0, opt.stderr.decode()
    tr = subprocess.run([BIN / "lp-translate", "--lp-to-object", f"--target-cpu={cpu}", "-o", obj],
                        input=opt.stdout, capture_output=True, timeout=600)
    assert tr.returncode == 0, tr.stderr.decode()
    cc = subprocess.run(["cc", "-shared", obj, "-o", so, f"-L{LLVM_LIB}", "-l:libomp.so.5", "-lmvec"],
                        capture_output=True, text=True, timeout=120)
    assert cc.returncode == 0, cc.stderr
    return so


def run_lp_exec(args, timeout=600, env=None):
    """lp-exec with `args`; `env` adds to the environment."""
    return subprocess.run([BIN / "lp-exec", *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **env} if env else None)
