"""lp-run --device: what it says on machines without a GPU (the GPU path's
runtime side, docs/Gpu.md)."""

from __future__ import annotations

import os

import pytest

from lp_testing import run_lp


def test_device_cuda_without_a_driver(tmp_path):
    """--device=cuda says which piece is missing: a driver library that is
    not there, or (the toolkit's stub, installed where no GPU is) no GPU."""
    model = tmp_path / "m.mlir"
    model.write_text("func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }\n")
    proc = run_lp([model, "--device=cuda"], env={"LP_CUDA_DRIVER": str(tmp_path / "libcuda.so.1")})
    assert proc.returncode == 1
    assert f"--device=cuda: no CUDA driver: {tmp_path / 'libcuda.so.1'}: cannot open shared object file" \
        in proc.stderr, proc.stderr
    stub = "/usr/local/cuda/lib64/stubs/libcuda.so"
    if not os.path.exists(stub):
        pytest.skip(f"the CUDA toolkit's stub driver is not at {stub}")
    proc = run_lp([model, "--device=cuda"], env={"LP_CUDA_DRIVER": stub})
    assert proc.returncode == 1
    assert "--device=cuda: no GPU: cuInit failed: CUDA_ERROR_STUB_LIBRARY (34)" in proc.stderr, proc.stderr


def test_unknown_device(tmp_path):
    model = tmp_path / "m.mlir"
    model.write_text("func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }\n")
    proc = run_lp([model, "--device=tpu"])
    assert proc.returncode == 1 and "--device must be cpu or cuda, got 'tpu'" in proc.stderr, proc.stderr

@pytest.mark.parametrize("flag", ["--allow-tf32", "--gpu-matmul=cublaslt"])
def test_gpu_options_need_the_gpu(tmp_path, flag):
    """--allow-tf32 (TF32 for cuBLASLt's f32 products) and --gpu-matmul are
    refused on the CPU; with --device=cuda the missing driver is named."""
    model = tmp_path / "m.mlir"
    model.write_text("func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }\n")
    proc = run_lp([model, flag])
    assert proc.returncode == 1
    assert f"{flag.split('=')[0]} is for the GPU: it needs --device=cuda" in proc.stderr, proc.stderr
    proc = run_lp([model, "--device=cuda", flag], env={"LP_CUDA_DRIVER": str(tmp_path / "libcuda.so.1")})
    assert proc.returncode == 1
    assert "--device=cuda: no CUDA driver" in proc.stderr, proc.stderr
