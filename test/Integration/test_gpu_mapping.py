"""The GPU back end's mapping (lp-map-to-gpu: every loop nest a launch,
scalars the host would read moved into the launches, one-thread launches
for whole-tensor reductions), run on the CPU with --gpu-launches-on-cpu
(each launch's threads as loops), trains exactly as the CPU back end does.

This is the check of the mapping that needs no GPU (docs/Gpu.md); the
reference is the CPU step, which the other integration tests check
against numpy and PyTorch. Issue 21's tolerances for the GPU: f32 losses
within 1e-5 relative on the first step and 1e-4 after; the emulation
reorders nothing but products and reductions are now per-thread loops,
so the same bounds apply."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from lp_testing import run_lp

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"

REGIMES = {
    "mlp-sgd": (["digits_mlp.mlir", "--data", DATA / "digits_train.npz"], 20),
    "mlp-bf16-dynamic-scale": (["digits_mlp.mlir", "--data", DATA / "digits_train.npz",
                                "--precision", "bf16", "--loss-scale", "dynamic"], 20),
    "mlp-f16-static-scale-adam": (["digits_mlp.mlir", "--data", DATA / "digits_train.npz",
                                   "--precision", "f16", "--loss-scale", "static", "--init-scale", "1024",
                                   "--optimizer", "adam"], 10),
    "mlp-int8-qat": (["digits_mlp.mlir", "--data", DATA / "digits_train.npz",
                      "--fake-quant=weights=int8 activations=int8"], 10),
    "cnn-adam": (["digits_cnn.mlir", "--data", DATA / "digits_cnn_train.npz", "--optimizer", "adam"], 4),
    "lm-adamw-clip": (["char_lm.mlir", "--data", DATA / "chars_train.npz", "--optimizer", "adamw",
                       "--clip-grad-norm", "1"], 3),
}


def losses(args, steps, extra=()):
    model, *rest = args
    proc = run_lp([ROOT / "examples" / model, "--train", "--steps", str(steps), "--log-every", "1",
                   "--seed", "3", "--no-shuffle", *rest, *extra])
    assert proc.returncode == 0, proc.stderr
    found = [float(m.group(1)) for m in re.finditer(r"^step \d+\s+loss (\S+)", proc.stdout, re.M)]
    assert len(found) == steps, proc.stdout
    return np.array(found)


@pytest.mark.parametrize("regime", sorted(REGIMES))
def test_gpu_mapping_trains_as_the_cpu_step(regime):
    args, steps = REGIMES[regime]
    cpu = losses(args, steps)
    mapped = losses(args, steps, ["--gpu-launches-on-cpu"])
    assert np.all(np.isfinite(cpu))
    np.testing.assert_allclose(mapped[0], cpu[0], rtol=1e-5)
    np.testing.assert_allclose(mapped, cpu, rtol=1e-4)


def test_gpu_launches_on_cpu_is_a_cpu_mode(tmp_path):
    model = tmp_path / "m.mlir"
    model.write_text("func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }\n")
    proc = run_lp([model, "--device=cuda", "--gpu-launches-on-cpu"])
    assert proc.returncode == 1
    assert "--gpu-launches-on-cpu runs on the CPU: it cannot be combined with --device=cuda" in proc.stderr
