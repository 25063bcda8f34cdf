// RUN: lp-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(lp-vectorize-matmul))" | FileCheck %s
// RUN: lp-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(lp-vectorize-matmul))" | %mlir_opt --split-input-file > /dev/null

// lp-vectorize-matmul (lib/Codegen/VectorizeMatmul.cpp), the generated
// matmul path: register tiles of up to 8 x 32 (the largest sizes dividing
// m and n), k step 1, lowered to outer products: per k, a broadcast element
// of A times a row of B, accumulated with vector.fma. The 8x32 result tile
// is loaded once before the k loop, carried through it as an iter_arg (in
// registers) and stored once after it.

// CHECK-LABEL: func.func @gemm_tiles_8x32
// CHECK: scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %c8
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %c32
// CHECK: %[[CT:.*]] = memref.subview %arg2[%[[M]], %[[N]]] [8, 32] [1, 1]
// CHECK-COUNT-8: vector.load %[[CT]][{{.*}} : memref<8x32xf32, {{.*}}>, vector<32xf32>
// CHECK: %[[TILE:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1 iter_args(%[[ACC:.*]] = %{{.*}}) -> (vector<8x32xf32>)
// CHECK-NOT: vector.load %[[CT]][
// CHECK: %[[BROW:.*]] = vector.load %{{.*}} : memref<1x32xf32, {{.*}}>, vector<32xf32>
// CHECK: %[[A:.*]] = vector.broadcast %{{.*}} : f32 to vector<32xf32>
// CHECK: vector.fma %[[A]], %[[BROW]], %{{.*}} : vector<32xf32>
// CHECK-NOT: vector.store
// CHECK: scf.yield %{{.*}} : vector<8x32xf32>
// CHECK: vector.extract %[[TILE]][0] : vector<32xf32> from vector<8x32xf32>
// CHECK-COUNT-8: vector.store {{.*}}, %[[CT]][{{.*}} : memref<8x32xf32, {{.*}}>, vector<32xf32>
// CHECK-NOT: linalg.matmul
func.func @gemm_tiles_8x32(%a: memref<16x8xf32>, %b: memref<8x64xf32>, %c: memref<16x64xf32>) {
  linalg.matmul ins(%a, %b : memref<16x8xf32>, memref<8x64xf32>) outs(%c : memref<16x64xf32>)
  return
}

// -----

// Sizes that 8 and 32 do not divide get smaller tiles that do (6 -> 2,
// 10 -> 2): every tile is full, no masks.
// CHECK-LABEL: func.func @odd_sizes_take_dividing_tiles
// CHECK: scf.for %{{.*}} step %c2
// CHECK: scf.for %{{.*}} step %c2
// CHECK: vector.fma {{.*}} : vector<2xf32>
// CHECK-NOT: linalg.matmul
func.func @odd_sizes_take_dividing_tiles(%a: memref<6x3xf32>, %b: memref<3x10xf32>, %c: memref<6x10xf32>) {
  linalg.matmul ins(%a, %b : memref<6x3xf32>, memref<3x10xf32>) outs(%c : memref<6x10xf32>)
  return
}

// -----

// batch_matmul: one more loop over the batch (tile 1).
// CHECK-LABEL: func.func @batch_matmul_loops_over_batch
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK: scf.for %{{.*}} step %c8
// CHECK: scf.for %{{.*}} step %c16
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: linalg.batch_matmul
func.func @batch_matmul_loops_over_batch(%a: memref<3x8x4xf32>, %b: memref<3x4x16xf32>, %c: memref<3x8x16xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x8x4xf32>, memref<3x4x16xf32>) outs(%c : memref<3x8x16xf32>)
  return
}

// -----

// Not f32 throughout (f16 inputs, f32 accumulator), or on tensors: left
// alone (they stay loops in lp-lower-to-llvm).
// CHECK-LABEL: func.func @mixed_types_untouched
// CHECK: linalg.matmul
// CHECK-LABEL: func.func @tensors_untouched
// CHECK: linalg.matmul
func.func @mixed_types_untouched(%a: memref<8x4xf16>, %b: memref<4x32xf16>, %c: memref<8x32xf32>) {
  linalg.matmul ins(%a, %b : memref<8x4xf16>, memref<4x32xf16>) outs(%c : memref<8x32xf32>)
  return
}
func.func @tensors_untouched(%a: tensor<8x4xf32>, %b: tensor<4x32xf32>, %c: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<8x4xf32>, tensor<4x32xf32>) outs(%c : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}

// -----

// A block of rows whose count is known only at run time (lp-parallelize-
// kernels cuts products by the run-time thread count): full blocks of 8
// rows with static shapes, then the remaining rows one at a time, each
// tiled and vectorised as a static product (no scalar fallback).
// CHECK-LABEL: func.func @gemm_dynamic_rows
// CHECK: %[[M:.*]] = memref.dim %arg0, %c0
// CHECK: %[[REM:.*]] = arith.remui %[[M]], %c8
// CHECK: %[[FULL:.*]] = arith.subi %[[M]], %[[REM]]
// CHECK: scf.for %[[I:.*]] = %c0 to %[[FULL]] step %c8
// CHECK: memref.subview %arg0[%[[I]], 0] [8, 16] [1, 1]
// CHECK: vector.fma %{{.*}} : vector<32xf32>
// CHECK: scf.for %[[J:.*]] = %[[FULL]] to %[[M]] step %c1
// CHECK: memref.subview %arg0[%[[J]], 0] [1, 16] [1, 1]
// CHECK: vector.fma %{{.*}} : vector<32xf32>
// CHECK-NOT: linalg.matmul
func.func @gemm_dynamic_rows(%a: memref<?x16xf32, strided<[16, 1], offset: ?>>, %b: memref<16x32xf32>,
                             %c: memref<?x32xf32, strided<[32, 1], offset: ?>>) {
  linalg.matmul ins(%a, %b : memref<?x16xf32, strided<[16, 1], offset: ?>>, memref<16x32xf32>)
                outs(%c : memref<?x32xf32, strided<[32, 1], offset: ?>>)
  return
}
