// RUN: not lp-opt %s --lp-merge-gpu-modules 2>&1 | FileCheck %s

// Kernels compiled for different targets cannot share one binary.
// CHECK: error: 'gpu.module' op has other targets than 'k80': it cannot be merged
module attributes {gpu.container_module} {
  gpu.module @k80 [#nvvm.target<chip = "sm_80">] {
    gpu.func @k80(%m: memref<4xf32>) kernel { gpu.return }
  }
  gpu.module @k90 [#nvvm.target<chip = "sm_90">] {
    gpu.func @k90(%m: memref<4xf32>) kernel { gpu.return }
  }
}
