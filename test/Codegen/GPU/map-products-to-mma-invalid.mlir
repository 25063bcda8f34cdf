// RUN: not lp-opt %s --lp-map-products-to-mma="chip=sm_75" 2>&1 | FileCheck %s
// RUN: not lp-opt %s --lp-gpu-codegen="toolkit=%cuda_toolkit matmul=mma chip=sm_70" 2>&1 | FileCheck %s --check-prefix=PIPELINE
// RUN: lp-opt %s --lp-map-products-to-mma="chip=sm_80" | FileCheck %s --check-prefix=SM80

// The tensor-core path needs sm_80 (mma.sync.m16n8k16): for an older chip
// a product it would map is a located error, before ptxas sees the
// module. A module with no such product is fine on any chip.
// CHECK: error: 'linalg.matmul' op runs on tensor cores with matmul=mma, which needs sm_80 or newer (mma.sync.m16n8k16); the chip is 'sm_75' (use matmul=generated or cublaslt)
// PIPELINE: error: 'linalg.matmul' op runs on tensor cores with matmul=mma, which needs sm_80 or newer (mma.sync.m16n8k16); the chip is 'sm_70'
// SM80: nvvm.mma.sync
func.func @f16(%a: memref<32x32xf16>, %b: memref<32x16xf16>, %c: memref<32x16xf32>) {
  linalg.matmul ins(%a, %b : memref<32x32xf16>, memref<32x16xf16>) outs(%c : memref<32x16xf32>)
  return
}
