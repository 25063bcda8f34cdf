// RUN: lp-opt %s --lp-fold-transpose-into-matmul --split-input-file --mlir-print-local-scope | FileCheck %s

// lp-fold-transpose-into-matmul (lib/Codegen/FoldTransposeIntoMatmul.cpp): a
// linalg.matmul or linalg.batch_matmul on tensors whose A or B operand is a
// linalg.transpose reads the transpose's input through the permuted indexing
// map, and the transpose, now unused, is erased.
//
// The first cases are the products of the backward pass (dW = X^T dY,
// dX = dY W^T, both, a double transpose, and the per-batch transposes of a
// batch_matmul). The last ones are what the pass leaves alone: a transpose that
// has another user (kept for it), a transpose feeding the accumulator, a
// transpose feeding an op that is not a matmul, and matmuls on buffers.

// CHECK-LABEL: func.func @matmul_transposed_lhs
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<64x32xf32>, tensor<64x16xf32>) outs(%arg2 : tensor<32x16xf32>)
// CHECK-NOT: linalg.transpose
func.func @matmul_transposed_lhs(%x: tensor<64x32xf32>, %dy: tensor<64x16xf32>, %acc: tensor<32x16xf32>) -> tensor<32x16xf32> {
  %e = tensor.empty() : tensor<32x64xf32>
  %xt = linalg.transpose ins(%x : tensor<64x32xf32>) outs(%e : tensor<32x64xf32>) permutation = [1, 0]
  %dw = linalg.matmul ins(%xt, %dy : tensor<32x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<32x16xf32>) -> tensor<32x16xf32>
  return %dw : tensor<32x16xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_transposed_rhs
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<8x4xf32>, tensor<5x4xf32>) outs(%arg2 : tensor<8x5xf32>)
func.func @matmul_transposed_rhs(%dy: tensor<8x4xf32>, %w: tensor<5x4xf32>, %acc: tensor<8x5xf32>) -> tensor<8x5xf32> {
  %e = tensor.empty() : tensor<4x5xf32>
  %wt = linalg.transpose ins(%w : tensor<5x4xf32>) outs(%e : tensor<4x5xf32>) permutation = [1, 0]
  %dx = linalg.matmul ins(%dy, %wt : tensor<8x4xf32>, tensor<4x5xf32>) outs(%acc : tensor<8x5xf32>) -> tensor<8x5xf32>
  return %dx : tensor<8x5xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_both_operands_transposed
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<5x4xf32>)
func.func @matmul_both_operands_transposed(%a: tensor<4x8xf32>, %b: tensor<5x4xf32>, %acc: tensor<8x5xf32>) -> tensor<8x5xf32> {
  %ea = tensor.empty() : tensor<8x4xf32>
  %at = linalg.transpose ins(%a : tensor<4x8xf32>) outs(%ea : tensor<8x4xf32>) permutation = [1, 0]
  %eb = tensor.empty() : tensor<4x5xf32>
  %bt = linalg.transpose ins(%b : tensor<5x4xf32>) outs(%eb : tensor<4x5xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%at, %bt : tensor<8x4xf32>, tensor<4x5xf32>) outs(%acc : tensor<8x5xf32>) -> tensor<8x5xf32>
  return %r : tensor<8x5xf32>
}

// -----

// Two transposes in a row fold one after the other; the maps compose back to
// the default ones, which print elided.
// CHECK-LABEL: func.func @matmul_double_transpose_cancels
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<8x4xf32>, tensor<4x5xf32>)
func.func @matmul_double_transpose_cancels(%a: tensor<8x4xf32>, %b: tensor<4x5xf32>, %acc: tensor<8x5xf32>) -> tensor<8x5xf32> {
  %e1 = tensor.empty() : tensor<4x8xf32>
  %t1 = linalg.transpose ins(%a : tensor<8x4xf32>) outs(%e1 : tensor<4x8xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<8x4xf32>
  %t2 = linalg.transpose ins(%t1 : tensor<4x8xf32>) outs(%e2 : tensor<8x4xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%t2, %b : tensor<8x4xf32>, tensor<4x5xf32>) outs(%acc : tensor<8x5xf32>) -> tensor<8x5xf32>
  return %r : tensor<8x5xf32>
}

// -----

// A per-batch transpose ([0, 2, 1]) of batch_matmul's A: loop dims are
// (batch, m, n, k), A is read as (batch, k, m).
// CHECK-LABEL: func.func @batch_matmul_transposed_lhs
// CHECK-NOT: linalg.transpose
// CHECK: linalg.batch_matmul indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<2x4x8xf32>, tensor<2x4x5xf32>) outs(%arg2 : tensor<2x8x5xf32>)
func.func @batch_matmul_transposed_lhs(%a: tensor<2x4x8xf32>, %b: tensor<2x4x5xf32>, %acc: tensor<2x8x5xf32>) -> tensor<2x8x5xf32> {
  %e = tensor.empty() : tensor<2x8x4xf32>
  %at = linalg.transpose ins(%a : tensor<2x4x8xf32>) outs(%e : tensor<2x8x4xf32>) permutation = [0, 2, 1]
  %r = linalg.batch_matmul ins(%at, %b : tensor<2x8x4xf32>, tensor<2x4x5xf32>) outs(%acc : tensor<2x8x5xf32>) -> tensor<2x8x5xf32>
  return %r : tensor<2x8x5xf32>
}

// -----

// Attention scores Q K^T: B is read as (batch, n, k).
// CHECK-LABEL: func.func @batch_matmul_transposed_rhs
// CHECK-NOT: linalg.transpose
// CHECK: linalg.batch_matmul indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%arg2 : tensor<2x8x8xf32>)
func.func @batch_matmul_transposed_rhs(%q: tensor<2x8x4xf32>, %k: tensor<2x8x4xf32>, %acc: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  %e = tensor.empty() : tensor<2x4x8xf32>
  %kt = linalg.transpose ins(%k : tensor<2x8x4xf32>) outs(%e : tensor<2x4x8xf32>) permutation = [0, 2, 1]
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x8x4xf32>, tensor<2x4x8xf32>) outs(%acc : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  return %s : tensor<2x8x8xf32>
}

// -----

// The matmul still reads %x in place, but the transpose stays for its other
// user.
// CHECK-LABEL: func.func @transpose_with_another_user_is_kept
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg0 : tensor<64x32xf32>)
// CHECK: %[[MM:.*]] = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>,
// CHECK-SAME: ins(%arg0, %arg1 :
// CHECK: return %[[MM]], %[[T]]
func.func @transpose_with_another_user_is_kept(%x: tensor<64x32xf32>, %dy: tensor<64x16xf32>, %acc: tensor<32x16xf32>) -> (tensor<32x16xf32>, tensor<32x64xf32>) {
  %e = tensor.empty() : tensor<32x64xf32>
  %xt = linalg.transpose ins(%x : tensor<64x32xf32>) outs(%e : tensor<32x64xf32>) permutation = [1, 0]
  %dw = linalg.matmul ins(%xt, %dy : tensor<32x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<32x16xf32>) -> tensor<32x16xf32>
  return %dw, %xt : tensor<32x16xf32>, tensor<32x64xf32>
}

// -----

// Only the inputs are folded: the accumulator is the result's storage.
// CHECK-LABEL: func.func @transposed_accumulator_is_not_folded
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg0 : tensor<16x32xf32>)
// CHECK: linalg.matmul ins(%arg1, %arg2 : tensor<32x64xf32>, tensor<64x16xf32>) outs(%[[T]] : tensor<32x16xf32>)
func.func @transposed_accumulator_is_not_folded(%c: tensor<16x32xf32>, %a: tensor<32x64xf32>, %b: tensor<64x16xf32>) -> tensor<32x16xf32> {
  %e = tensor.empty() : tensor<32x16xf32>
  %ct = linalg.transpose ins(%c : tensor<16x32xf32>) outs(%e : tensor<32x16xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%a, %b : tensor<32x64xf32>, tensor<64x16xf32>) outs(%ct : tensor<32x16xf32>) -> tensor<32x16xf32>
  return %r : tensor<32x16xf32>
}

// -----

// Only linalg.matmul and linalg.batch_matmul are rewritten, not other
// contractions such as linalg.matvec.
// CHECK-LABEL: func.func @transpose_into_matvec_is_not_folded
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg0 : tensor<4x8xf32>)
// CHECK: linalg.matvec ins(%[[T]], %arg1 :
func.func @transpose_into_matvec_is_not_folded(%a: tensor<4x8xf32>, %v: tensor<4xf32>, %acc: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8x4xf32>
  %at = linalg.transpose ins(%a : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  %r = linalg.matvec ins(%at, %v : tensor<8x4xf32>, tensor<4xf32>) outs(%acc : tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_into_elementwise_is_not_folded
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg0 : tensor<4x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[T]] : tensor<8x4xf32>)
func.func @transpose_into_elementwise_is_not_folded(%a: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %e = tensor.empty() : tensor<8x4xf32>
  %at = linalg.transpose ins(%a : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%at : tensor<8x4xf32>) outs(%e : tensor<8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<8x4xf32>
  return %r : tensor<8x4xf32>
}

// -----

// On buffers the transpose is a write the matmul must observe: nothing folds.
// CHECK-LABEL: func.func @matmul_on_buffers_is_not_folded
// CHECK: linalg.transpose ins(%arg0 : memref<4x8xf32>) outs(%arg1 : memref<8x4xf32>)
// CHECK: linalg.matmul ins(%arg1, %arg2 : memref<8x4xf32>, memref<4x5xf32>) outs(%arg3 : memref<8x5xf32>)
func.func @matmul_on_buffers_is_not_folded(%a: memref<4x8xf32>, %at: memref<8x4xf32>, %b: memref<4x5xf32>, %c: memref<8x5xf32>) {
  linalg.transpose ins(%a : memref<4x8xf32>) outs(%at : memref<8x4xf32>) permutation = [1, 0]
  linalg.matmul ins(%at, %b : memref<8x4xf32>, memref<4x5xf32>) outs(%c : memref<8x5xf32>)
  return
}

// -----

// A transpose that moves the batch dimension is not folded: batch_matmul's
// maps must keep the batch dimension first.
// CHECK-LABEL: func.func @batch_transpose_moving_batch_dim_is_kept
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg0 : tensor<8x2x4xf32>) outs(%{{.*}} : tensor<2x8x4xf32>) permutation = [1, 0, 2]
// CHECK: linalg.batch_matmul ins(%[[T]], %arg1 : tensor<2x8x4xf32>, tensor<2x4x3xf32>)
func.func @batch_transpose_moving_batch_dim_is_kept(%x: tensor<8x2x4xf32>, %w: tensor<2x4x3xf32>, %c: tensor<2x8x3xf32>) -> tensor<2x8x3xf32> {
  %e = tensor.empty() : tensor<2x8x4xf32>
  %t = linalg.transpose ins(%x : tensor<8x2x4xf32>) outs(%e : tensor<2x8x4xf32>) permutation = [1, 0, 2]
  %r = linalg.batch_matmul ins(%t, %w : tensor<2x8x4xf32>, tensor<2x4x3xf32>) outs(%c : tensor<2x8x3xf32>) -> tensor<2x8x3xf32>
  return %r : tensor<2x8x3xf32>
}

// -----

// The matmul's other attributes survive the rewrite (here the unsigned cast
// of an integer matmul).
// CHECK-LABEL: func.func @cast_attribute_is_kept
// CHECK: linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, {{.*}}] {cast = #linalg.type_fn<cast_unsigned>} ins(%arg0, %arg1
func.func @cast_attribute_is_kept(%x: tensor<4x8xi8>, %w: tensor<4x5xi8>, %c: tensor<8x5xi32>) -> tensor<8x5xi32> {
  %e = tensor.empty() : tensor<8x4xi8>
  %t = linalg.transpose ins(%x : tensor<4x8xi8>) outs(%e : tensor<8x4xi8>) permutation = [1, 0]
  %r = linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%t, %w : tensor<8x4xi8>, tensor<4x5xi8>) outs(%c : tensor<8x5xi32>) -> tensor<8x5xi32>
  return %r : tensor<8x5xi32>
}
