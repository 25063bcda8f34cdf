// RUN: lp-opt %s --lp-linalg-to-blas --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-linalg-to-blas --split-input-file | %mlir_opt --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-linalg-to-blas="epilogues=0" --split-input-file | FileCheck %s --check-prefix=OFF
// RUN: lp-opt %s --lp-linalg-to-blas="split-min=4096 threads=2" --split-input-file | FileCheck %s --check-prefix=SPLIT
// RUN: lp-opt %s --lp-linalg-to-blas="cuda=1" --split-input-file | FileCheck %s --check-prefix=CUDA

// lp-linalg-to-blas's epilogues (lib/Codegen/BiasEpilogue.cpp): the bias
// add that lp.linear lowers to, right after a 2-D product that starts from
// zero, goes into the call: lp_sgemm_bias takes cblas_sgemm's arguments and
// the bias pointer (f32 products only). The
// generic is erased when the add was all it did, and otherwise keeps the
// rest of its body (the ReLU) on the biased element. With `epilogues=0`
// (prefix OFF) the calls stay plain; with `cuda` (prefix CUDA) the call is
// lp_cuda_sgemm_bias (cuBLASLt's bias epilogue).

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// CHECK: func.func private @lp_sgemm_bias(i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, !llvm.ptr, i32, f32, !llvm.ptr, i32, !llvm.ptr)
// CHECK-LABEL: func.func @bias_only
// CHECK-NOT: linalg.fill
// CHECK: %{{[a-z0-9_]+}}, %[[OFF_BIAS:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} = memref.extract_strided_metadata %arg2 : memref<10xf32>
// CHECK: %[[BIAS:.*]] = llvm.inttoptr
// CHECK: call @lp_sgemm_bias(%{{.*}}, %[[BIAS]]) :
// CHECK-NOT: linalg.generic
// CHECK: return
// OFF-LABEL: func.func @bias_only
// OFF: call @cblas_sgemm
// OFF: linalg.generic
// OFF: arith.addf
// CUDA: func.func private @lp_cuda_sgemm_bias(i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, !llvm.ptr, i32, f32, !llvm.ptr, i32, !llvm.ptr)
// CUDA-LABEL: func.func @bias_only
// CUDA: memref.extract_strided_metadata %arg2 : memref<10xf32>
// CUDA: %[[BIAS:.*]] = llvm.inttoptr
// CUDA: call @lp_cuda_sgemm_bias(%{{.*}}, %[[BIAS]]) :
// CUDA-NOT: linalg.generic
// CUDA: return
func.func @bias_only(%a: memref<64x128xf32>, %b: memref<128x10xf32>,
                     %bias: memref<10xf32>, %c: memref<64x10xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<64x10xf32>)
  linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x10xf32>)
                outs(%c : memref<64x10xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x10xf32>, memref<10xf32>)
      outs(%c : memref<64x10xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// The bias first in the add, and a ReLU after it: the generic keeps the
// ReLU, on c alone.
// CHECK-LABEL: func.func @bias_then_relu
// CHECK: call @lp_sgemm_bias
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%arg3 : memref<64x128xf32>) outs(%arg3 : memref<64x128xf32>) attrs = {lp.layer = "fc1"} {
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[IN]], %{{.*}} : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK-NOT: arith.addf
// CHECK: return
func.func @bias_then_relu(%a: memref<64x64xf32>, %b: memref<64x128xf32>,
                          %bias: memref<128xf32>, %c: memref<64x128xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<64x128xf32>)
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x128xf32>)
                outs(%c : memref<64x128xf32>)
  linalg.generic {indexing_maps = [#row, #id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias, %c : memref<128xf32>, memref<64x128xf32>)
      outs(%c : memref<64x128xf32>) attrs = {lp.layer = "fc1"} {
  ^bb0(%bv: f32, %in: f32, %out: f32):
    %s = arith.addf %bv, %in : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#col = affine_map<(d0, d1) -> (d0)>

// Left alone: no zero fill (the product accumulates), a column-broadcast
// vector, c's element used twice, `out` read, a generic writing another
// buffer, an op between the product and the add, an add inside a region
// of the body (it adds where a condition holds), and a bias that is a row
// of c (the library would read it while writing c).
// CHECK-LABEL: func.func @not_epilogues
// CHECK-NOT: lp_sgemm_bias
// CHECK-COUNT-8: call @cblas_sgemm
// CHECK-NOT: lp_sgemm_bias
// CHECK: return
func.func @not_epilogues(%a: memref<64x64xf32>, %b: memref<64x64xf32>,
                         %bias: memref<64xf32>, %c: memref<64x64xf32>,
                         %d: memref<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>)
                outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x64xf32>, memref<64xf32>)
      outs(%c : memref<64x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>)
                outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #col, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x64xf32>, memref<64xf32>)
      outs(%c : memref<64x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>)
                outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x64xf32>, memref<64xf32>)
      outs(%c : memref<64x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    %t = arith.mulf %s, %in : f32
    linalg.yield %t : f32
  }
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>)
                outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x64xf32>, memref<64xf32>)
      outs(%c : memref<64x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    %t = arith.addf %s, %out : f32
    linalg.yield %t : f32
  }
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>)
                outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x64xf32>, memref<64xf32>)
      outs(%d : memref<64x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>)
                outs(%c : memref<64x64xf32>)
  linalg.fill ins(%zero : f32) outs(%d : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x64xf32>, memref<64xf32>)
      outs(%c : memref<64x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>)
                outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x64xf32>, memref<64xf32>)
      outs(%c : memref<64x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %p = arith.cmpf ogt, %in, %zero : f32
    %r = scf.if %p -> f32 {
      %s = arith.addf %in, %bv : f32
      scf.yield %s : f32
    } else {
      scf.yield %zero : f32
    }
    linalg.yield %r : f32
  }
  linalg.fill ins(%zero : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>)
                outs(%c : memref<64x64xf32>)
  %last = memref.subview %c[63, 0] [1, 64] [1, 1]
      : memref<64x64xf32> to memref<64xf32, strided<[1], offset: 4032>>
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %last : memref<64x64xf32>, memref<64xf32, strided<[1], offset: 4032>>)
      outs(%c : memref<64x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// A product split along n (prefix SPLIT): each block's call gets the bias
// of its columns (the block's first column added to the bias offset). A bf16
// product keeps its plain call.
// SPLIT-LABEL: func.func @split_along_n
// SPLIT: scf.parallel (%[[I:.*]]) =
// SPLIT: %[[FIRST:.*]] = arith.muli %[[I]], %{{.*}} : index
// SPLIT: %{{[a-z0-9_]+}}, %[[BOFS:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} = memref.extract_strided_metadata %arg2 : memref<64xf32>
// SPLIT: arith.addi %[[BOFS]], %[[FIRST]] : index
// SPLIT: call @lp_sgemm_bias
// CHECK-LABEL: func.func @split_along_n
// CHECK: call @lp_sgemm_bias
// CHECK-LABEL: func.func @bf16_product
// CHECK: call @lp_gemm_bf16(
// CHECK: linalg.generic
func.func @split_along_n(%a: memref<16x64xf32>, %b: memref<64x64xf32>,
                         %bias: memref<64xf32>, %c: memref<16x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<16x64xf32>)
  linalg.matmul ins(%a, %b : memref<16x64xf32>, memref<64x64xf32>)
                outs(%c : memref<16x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<16x64xf32>, memref<64xf32>)
      outs(%c : memref<16x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  }
  return
}
func.func @bf16_product(%a: memref<16x64xbf16>, %b: memref<64x64xbf16>,
                        %bias: memref<64xf32>, %c: memref<16x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<16x64xf32>)
  linalg.matmul ins(%a, %b : memref<16x64xbf16>, memref<64x64xbf16>)
                outs(%c : memref<16x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<16x64xf32>, memref<64xf32>)
      outs(%c : memref<16x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// On the GPU (prefix CUDA) cuBLASLt reads device memory only: a bias that
// is a global (host memory) stays in its generic after a plain
// lp_cuda_sgemm, and a product with an operand in a global or on the stack
// is not a cuBLASLt call at all. On the CPU both are library calls.
memref.global "private" constant @bias_values : memref<10xf32> = dense<1.0>
memref.global "private" constant @weights : memref<128x10xf32> = dense<0.5>
// CHECK-LABEL: func.func @host_buffers
// CHECK: call @lp_sgemm_bias
// CHECK: call @cblas_sgemm
// CHECK: call @cblas_sgemm
// CUDA-LABEL: func.func @host_buffers
// CUDA: call @lp_cuda_sgemm(
// CUDA-NEXT: linalg.generic
// CUDA: linalg.matmul
// CUDA: linalg.matmul
// CUDA-NOT: call @lp_cuda
func.func @host_buffers(%a: memref<64x128xf32>, %b: memref<128x10xf32>, %c: memref<64x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %bias = memref.get_global @bias_values : memref<10xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x10xf32>)
  linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x10xf32>)
                outs(%c : memref<64x10xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x10xf32>, memref<10xf32>)
      outs(%c : memref<64x10xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  }
  %w = memref.get_global @weights : memref<128x10xf32>
  linalg.matmul ins(%a, %w : memref<64x128xf32>, memref<128x10xf32>)
                outs(%c : memref<64x10xf32>)
  %s = memref.alloca() : memref<64x128xf32>
  linalg.matmul ins(%s, %b : memref<64x128xf32>, memref<128x10xf32>)
                outs(%c : memref<64x10xf32>)
  return
}
