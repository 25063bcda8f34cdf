// RUN: lp-opt %s --lp-lower-to-linalg | FileCheck %s --implicit-check-not="= lp." --implicit-check-not=memref
// The front is target independent: its output is upstream IR.
// RUN: lp-opt %s --lp-lower-to-linalg | %mlir_opt | FileCheck %s
// RUN: lp-opt %s --lp-lower-to-linalg="fuse-elementwise=false" | FileCheck %s --check-prefix=UNFUSED

// lp ops become linalg on tensors: the product stays a named matmul with its
// own zero fill, and the bias and the ReLU fuse into one generic.
// The front records the calling convention first (lp-record-signature),
// while the model is still in the lp dialect.
// CHECK-LABEL: func.func @linear_relu(
// CHECK-SAME: lp.signature = "{
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: %[[MM:.*]] = linalg.matmul ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8x3xf32>) outs(%[[FILL]] : tensor<4x3xf32>)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[MM]], %arg2 :
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]

// UNFUSED-LABEL: func.func @linear_relu(
// UNFUSED: linalg.matmul
// UNFUSED: linalg.generic
// UNFUSED: arith.addf
// UNFUSED: linalg.generic
// UNFUSED: arith.maximumf
func.func @linear_relu(%x: tensor<4x8xf32>, %w: tensor<8x3xf32>, %b: tensor<3xf32>) -> tensor<4x3xf32> {
  %h = lp.linear %x, %w, %b : (tensor<4x8xf32>, tensor<8x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %r = lp.relu %h : (tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// A transposed operand is read through the matmul's indexing map.
// CHECK-LABEL: func.func @transposed_product(
// CHECK-NOT: linalg.transpose
// CHECK: linalg.matmul indexing_maps = [
// CHECK-SAME: ins(%arg0, %arg1 : tensor<8x4xf32>, tensor<8x3xf32>)
// CHECK: return
func.func @transposed_product(%a: tensor<8x4xf32>, %b: tensor<8x3xf32>) -> tensor<4x3xf32> {
  %t = lp.transpose %a {permutation = array<i64: 1, 0>} : (tensor<8x4xf32>) -> tensor<4x8xf32>
  %p = lp.matmul %t, %b : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  return %p : tensor<4x3xf32>
}
