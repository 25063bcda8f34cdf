// RUN: lp-opt %s --lp-linalg-to-blas="cuda=1" --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-linalg-to-blas="cuda=1" --split-input-file | %mlir_opt --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-linalg-to-blas="cuda=1" --canonicalize --split-input-file | FileCheck %s --check-prefix=CANON

// On the GPU (`cuda`) a batch_matmul is one call of a strided batch,
// lp_cuda_sgemm_batched (lp_cuda_gemm_bf16_batched, lp_cuda_gemm_f16_batched
// for 16-bit operands): cblas_sgemm's arguments with each operand's batch
// stride (i64, in elements, from the memref's layout) after its leading
// dimension, and the batch count last. The CPU loops over the batch
// (linalg-to-blas.mlir).

// CHECK: func.func private @lp_cuda_sgemm_batched(i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, i64, !llvm.ptr, i32, i64, f32, !llvm.ptr, i32, i64, i32)
// CHECK-LABEL: func.func @batch
// CHECK-DAG: %[[NT:.*]] = arith.constant 111 : i32
// CHECK-DAG: %[[T:.*]] = arith.constant 112 : i32
// CHECK-DAG: %[[M:.*]] = arith.constant 8 : i32
// CHECK-DAG: %[[K:.*]] = arith.constant 4 : i32
// CHECK-DAG: %[[COUNT:.*]] = arith.constant 6 : i32
// CHECK: call @lp_cuda_sgemm_batched(%{{.*}}, %[[NT]], %[[T]], %[[M]], %{{.*}}, %[[K]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[COUNT]])
// With the layouts' strides folded: 32 elements between Q's and K's
// matrices, 64 between S's.
// CANON-LABEL: func.func @batch
// CANON-DAG: %[[S32:.*]] = arith.constant 32 : i64
// CANON-DAG: %[[S64:.*]] = arith.constant 64 : i64
// CANON-DAG: %[[L4:.*]] = arith.constant 4 : i32
// CANON-DAG: %[[L8:.*]] = arith.constant 8 : i32
// CANON: call @lp_cuda_sgemm_batched(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[L4]], %[[S32]], %{{.*}}, %[[L4]], %[[S32]], %{{.*}}, %{{.*}}, %[[L8]], %[[S64]], %{{.*}})
// CHECK-NOT: scf.for
// CHECK-NOT: linalg.batch_matmul
func.func @batch(%q: memref<6x8x4xf32>, %k: memref<6x8x4xf32>, %s: memref<6x8x8xf32>) {
  linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>]
    ins(%q, %k : memref<6x8x4xf32>, memref<6x8x4xf32>) outs(%s : memref<6x8x8xf32>)
  return
}

// -----

// bf16 operands, f32 result; the batch of a view (every other batch: its
// stride is twice a matrix).
// CHECK: func.func private @lp_cuda_gemm_bf16_batched(
// CHECK-LABEL: func.func @bf16_view
// CHECK: call @lp_cuda_gemm_bf16_batched(
// CHECK-NOT: scf.for
// CANON-LABEL: func.func @bf16_view
// CANON-DAG: %[[S128:.*]] = arith.constant 128 : i64
// CANON-DAG: %[[SC:.*]] = arith.constant 32 : i64
// CANON: call @lp_cuda_gemm_bf16_batched(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[S128]], %{{.*}}, %{{.*}}, %[[S128]], %{{.*}}, %{{.*}}, %{{.*}}, %[[SC]], %{{.*}})
func.func @bf16_view(%a: memref<8x4x16xbf16>, %b: memref<4x16x8xbf16>, %c: memref<4x4x8xf32>) {
  %v = memref.subview %a[0, 0, 0] [4, 4, 16] [2, 1, 1] : memref<8x4x16xbf16> to memref<4x4x16xbf16, strided<[128, 16, 1]>>
  linalg.batch_matmul ins(%v, %b : memref<4x4x16xbf16, strided<[128, 16, 1]>>, memref<4x16x8xbf16>) outs(%c : memref<4x4x8xf32>)
  return
}
