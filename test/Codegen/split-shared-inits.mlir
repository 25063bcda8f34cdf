// RUN: lp-opt %s --lp-split-shared-inits | FileCheck %s

// lp-split-shared-inits (lib/Codegen/SplitSharedInits.cpp): a linalg.fill
// shared as the init of several ops (as CSE leaves it) is cloned, with its
// tensor.empty, before every init use but one; a fill that is also read
// as an input keeps all init uses on copies.

// CHECK-LABEL: func.func @two_matmuls_share_a_zero_fill
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x3xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<4x3xf32>)
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<4x3xf32>
// CHECK: %[[Z2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<4x3xf32>)
// CHECK: linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[Z2]] : tensor<4x3xf32>)
// CHECK: linalg.matmul ins(%arg0, %arg2 : {{.*}}) outs(%[[Z]] : tensor<4x3xf32>)
func.func @two_matmuls_share_a_zero_fill(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>, %c: tensor<8x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r1 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>) outs(%z : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r2 = linalg.matmul ins(%a, %c : tensor<4x8xf32>, tensor<8x3xf32>) outs(%z : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r1, %r2 : tensor<4x3xf32>, tensor<4x3xf32>
}

// CHECK-LABEL: func.func @fill_also_read_as_input
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: %[[Z2:.*]] = linalg.fill
// CHECK: linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[Z2]] : tensor<4x3xf32>)
// CHECK: return %{{.*}}, %[[Z]]
func.func @fill_also_read_as_input(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r1 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>) outs(%z : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r1, %z : tensor<4x3xf32>, tensor<4x3xf32>
}
