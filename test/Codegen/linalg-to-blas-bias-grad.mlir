// RUN: lp-opt %s --lp-linalg-to-blas="cuda=1" --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-linalg-to-blas="cuda=1" --split-input-file | %mlir_opt --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-linalg-to-blas="cuda=1 epilogues=0" --split-input-file | FileCheck %s --check-prefix=OFF
// RUN: lp-opt %s --lp-linalg-to-blas --split-input-file | FileCheck %s --check-prefix=CPU

// The bias-gradient epilogue on the GPU (BiasEpilogue.h): a weight
// gradient dW = X^T dY followed by db = the sum of dY over its rows (the
// batch, the product's k), as autodiff emits them for lp.linear, becomes
// one call, lp_cuda_sgemm_bgrad (cuBLASLt's CUBLASLT_EPILOGUE_BGRADA), with
// db's pointer last; the sum and its zero fill are erased and db's
// allocation moves before the call. Only with `cuda` (the CPU keeps the
// sum: prefix CPU) and `epilogues` (prefix OFF).

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>
#at = affine_map<(d0, d1, d2) -> (d2, d0)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#bt = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// CHECK: func.func private @lp_cuda_sgemm_bgrad(i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, !llvm.ptr, i32, f32, !llvm.ptr, i32, !llvm.ptr)
// CHECK-LABEL: func.func @bias_grad
// CHECK: %[[W:.*]] = memref.alloc() : memref<128x10xf32>
// CHECK: %[[G:.*]] = memref.alloc() : memref<10xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[TA:.*]] = arith.constant 112 : i32
// CHECK: %[[TB:.*]] = arith.constant 111 : i32
// CHECK: %[[M:.*]] = arith.constant 128 : i32
// CHECK: %[[N:.*]] = arith.constant 10 : i32
// CHECK: %[[K:.*]] = arith.constant 64 : i32
// CHECK: memref.extract_strided_metadata %[[G]] : memref<10xf32>
// CHECK: %[[GP:.*]] = llvm.inttoptr
// CHECK: call @lp_cuda_sgemm_bgrad(%{{.*}}, %[[TA]], %[[TB]], %[[M]], %[[N]], %[[K]], %{{.*}}, %[[GP]]) :
// CHECK-NOT: linalg.
// CHECK: return %[[W]], %[[G]]
// OFF-LABEL: func.func @bias_grad
// OFF: call @lp_cuda_sgemm(
// OFF: linalg.fill
// OFF: linalg.generic
// CPU-LABEL: func.func @bias_grad
// CPU: call @cblas_sgemm(
// CPU: linalg.fill
// CPU: linalg.generic
func.func @bias_grad(%x: memref<64x128xf32>, %dy: memref<64x10xf32>) -> (memref<128x10xf32>, memref<10xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.alloc() : memref<128x10xf32>
  linalg.fill ins(%zero : f32) outs(%w : memref<128x10xf32>)
  linalg.matmul indexing_maps = [#at, #b, #c] ins(%x, %dy : memref<64x128xf32>, memref<64x10xf32>) outs(%w : memref<128x10xf32>)
  %g = memref.alloc() : memref<10xf32>
  linalg.fill ins(%zero : f32) outs(%g : memref<10xf32>)
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%dy : memref<64x10xf32>) outs(%g : memref<10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  }
  return %w, %g : memref<128x10xf32>, memref<10xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>
#at = affine_map<(d0, d1, d2) -> (d2, d0)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#bt = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// B stored transposed (n x k): the sum runs over its columns. Deallocations
// of other buffers and allocations may come between; the sum's buffer may
// be an argument.
// CHECK-LABEL: func.func @transposed_b
// CHECK: %[[TA:.*]] = arith.constant 112 : i32
// CHECK: %[[TB:.*]] = arith.constant 112 : i32
// CHECK: memref.extract_strided_metadata %arg3 : memref<10xf32>
// CHECK: call @lp_cuda_sgemm_bgrad(%{{.*}}, %[[TA]], %[[TB]],
// CHECK-NEXT: memref.alloc
// CHECK-NEXT: memref.dealloc %arg0
// CHECK-NOT: linalg.
// CHECK: return
func.func @transposed_b(%x: memref<64x128xf32>, %dyt: memref<10x64xf32>, %w: memref<128x10xf32>, %g: memref<10xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%w : memref<128x10xf32>)
  linalg.matmul indexing_maps = [#at, #bt, #c] ins(%x, %dyt : memref<64x128xf32>, memref<10x64xf32>) outs(%w : memref<128x10xf32>)
  %unused = memref.alloc() : memref<4xf32>
  memref.dealloc %x : memref<64x128xf32>
  linalg.fill ins(%zero : f32) outs(%g : memref<10xf32>)
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%dyt : memref<10x64xf32>) outs(%g : memref<10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>
#at = affine_map<(d0, d1, d2) -> (d2, d0)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#bt = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// Autocast's 16-bit products: B is the bf16 (or f16) output gradient and
// the sum widens each element to f32: lp_cuda_gemm_bf16_bgrad
// (lp_cuda_gemm_f16_bgrad), whose sums are f32 too.
// CHECK-LABEL: func.func @bias_grad_16bit
// CHECK: call @lp_cuda_gemm_bf16_bgrad(
// CHECK: call @lp_cuda_gemm_f16_bgrad(
// CHECK-NOT: linalg.generic
// CPU-LABEL: func.func @bias_grad_16bit
// CPU: call @lp_gemm_bf16(
// CPU: linalg.generic
func.func @bias_grad_16bit(%x: memref<64x128xbf16>, %dy: memref<64x10xbf16>, %xh: memref<64x128xf16>, %dyh: memref<64x10xf16>, %w: memref<128x10xf32>, %g: memref<10xf32>, %wh: memref<128x10xf32>, %gh: memref<10xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%w : memref<128x10xf32>)
  linalg.matmul indexing_maps = [#at, #b, #c] ins(%x, %dy : memref<64x128xbf16>, memref<64x10xbf16>) outs(%w : memref<128x10xf32>)
  linalg.fill ins(%zero : f32) outs(%g : memref<10xf32>)
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%dy : memref<64x10xbf16>) outs(%g : memref<10xf32>) {
  ^bb0(%in: bf16, %out: f32):
    %e = arith.extf %in : bf16 to f32
    %s = arith.addf %out, %e : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%wh : memref<128x10xf32>)
  linalg.matmul indexing_maps = [#at, #b, #c] ins(%xh, %dyh : memref<64x128xf16>, memref<64x10xf16>) outs(%wh : memref<128x10xf32>)
  linalg.fill ins(%zero : f32) outs(%gh : memref<10xf32>)
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%dyh : memref<64x10xf16>) outs(%gh : memref<10xf32>) {
  ^bb0(%in: f16, %out: f32):
    %e = arith.extf %in : f16 to f32
    %s = arith.addf %e, %out : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>
#at = affine_map<(d0, d1, d2) -> (d2, d0)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#bt = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// Left alone: the sum of another buffer; a sum that does not start from
// +0 (no fill, or a fill of -0); a body that is not a sum; an op between
// that may write B; a sum into a view of the product's result; two fills
// of the sum's buffer.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: lp_cuda_sgemm_bgrad
// CHECK-COUNT-7: linalg.generic
// CHECK: return
func.func @left_alone(%x: memref<64x128xf32>, %dy: memref<64x10xf32>, %other: memref<64x10xf32>, %w: memref<128x10xf32>, %g: memref<10xf32>) {
  %zero = arith.constant 0.0 : f32
  %negzero = arith.constant -0.0 : f32
  // Another buffer.
  linalg.matmul indexing_maps = [#at, #b, #c] ins(%x, %dy : memref<64x128xf32>, memref<64x10xf32>) outs(%w : memref<128x10xf32>)
  %g1 = memref.alloc() : memref<10xf32>
  linalg.fill ins(%zero : f32) outs(%g1 : memref<10xf32>)
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%other : memref<64x10xf32>) outs(%g1 : memref<10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  }
  // No fill: the sum adds to what %g holds.
  linalg.matmul indexing_maps = [#at, #b, #c] ins(%x, %dy : memref<64x128xf32>, memref<64x10xf32>) outs(%w : memref<128x10xf32>)
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%dy : memref<64x10xf32>) outs(%g : memref<10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  }
  // A fill of -0.
  linalg.matmul indexing_maps = [#at, #b, #c] ins(%x, %dy : memref<64x128xf32>, memref<64x10xf32>) outs(%w : memref<128x10xf32>)
  %g2 = memref.alloc() : memref<10xf32>
  linalg.fill ins(%negzero : f32) outs(%g2 : memref<10xf32>)
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%dy : memref<64x10xf32>) outs(%g2 : memref<10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  }
  // Not a sum.
  linalg.matmul indexing_maps = [#at, #b, #c] ins(%x, %dy : memref<64x128xf32>, memref<64x10xf32>) outs(%w : memref<128x10xf32>)
  %g3 = memref.alloc() : memref<10xf32>
  linalg.fill ins(%zero : f32) outs(%g3 : memref<10xf32>)
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%dy : memref<64x10xf32>) outs(%g3 : memref<10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %out, %in : f32
    linalg.yield %s : f32
  }
  // An op between that writes B.
  linalg.matmul indexing_maps = [#at, #b, #c] ins(%x, %dy : memref<64x128xf32>, memref<64x10xf32>) outs(%w : memref<128x10xf32>)
  %g4 = memref.alloc() : memref<10xf32>
  linalg.fill ins(%zero : f32) outs(%dy : memref<64x10xf32>)
  linalg.fill ins(%zero : f32) outs(%g4 : memref<10xf32>)
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%dy : memref<64x10xf32>) outs(%g4 : memref<10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  }
  // Into a row of the product's result.
  linalg.matmul indexing_maps = [#at, #b, #c] ins(%x, %dy : memref<64x128xf32>, memref<64x10xf32>) outs(%w : memref<128x10xf32>)
  %g5 = memref.subview %w[0, 0] [1, 10] [1, 1] : memref<128x10xf32> to memref<10xf32, strided<[1]>>
  linalg.fill ins(%zero : f32) outs(%g5 : memref<10xf32, strided<[1]>>)
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%dy : memref<64x10xf32>) outs(%g5 : memref<10xf32, strided<[1]>>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  }
  // Two fills of the sum's buffer.
  linalg.matmul indexing_maps = [#at, #b, #c] ins(%x, %dy : memref<64x128xf32>, memref<64x10xf32>) outs(%w : memref<128x10xf32>)
  %g6 = memref.alloc() : memref<10xf32>
  linalg.fill ins(%zero : f32) outs(%g6 : memref<10xf32>)
  linalg.fill ins(%zero : f32) outs(%g6 : memref<10xf32>)
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%dy : memref<64x10xf32>) outs(%g6 : memref<10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  }
  return
}
