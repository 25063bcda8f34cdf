// RUN: lp-opt %s --lp-split-shared-inits | FileCheck %s

// lp-split-shared-inits (lib/Codegen/SplitSharedInits.cpp): every init use
// of a linalg.fill of a tensor.empty gets its own fill, with its own
// tensor.empty, right before the user (a shared fill as CSE leaves it, and
// a single fill far from its user); a fill that is also read as an input
// keeps that use, and a fill of something other than tensor.empty keeps
// its first init use.

// CHECK-LABEL: func.func @two_matmuls_share_a_zero_fill
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x3xf32>
// CHECK-NEXT: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<4x3xf32>)
// CHECK-NEXT: linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[Z]] : tensor<4x3xf32>)
// CHECK-NEXT: %[[E2:.*]] = tensor.empty() : tensor<4x3xf32>
// CHECK-NEXT: %[[Z2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<4x3xf32>)
// CHECK-NEXT: linalg.matmul ins(%arg0, %arg2 : {{.*}}) outs(%[[Z2]] : tensor<4x3xf32>)
// CHECK-NOT: linalg.fill
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
// CHECK: tensor.empty
// CHECK-NEXT: %[[Z2:.*]] = linalg.fill
// CHECK-NEXT: linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[Z2]] : tensor<4x3xf32>)
// CHECK: return %{{.*}}, %[[Z]]
func.func @fill_also_read_as_input(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r1 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>) outs(%z : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r1, %z : tensor<4x3xf32>, tensor<4x3xf32>
}

// A single fill separated from its product moves next to it.
// CHECK-LABEL: func.func @fill_far_from_its_user
// CHECK: math.exp
// CHECK-NEXT: tensor.empty
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.matmul
func.func @fill_far_from_its_user(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> (tensor<4x3xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x3xf32>) -> tensor<4x3xf32>
  %x = math.exp %a : tensor<4x8xf32>
  %r = linalg.matmul ins(%x, %b : tensor<4x8xf32>, tensor<8x3xf32>) outs(%z : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r, %x : tensor<4x3xf32>, tensor<4x8xf32>
}

// The fill of an argument (not a tensor.empty) stays where it is for one
// user; the other gets a copy.
// CHECK-LABEL: func.func @fill_of_an_argument
// CHECK-COUNT-2: linalg.fill ins(%{{.*}} : f32) outs(%arg2
// CHECK-NEXT: linalg.matmul
// CHECK-NEXT: linalg.matmul
func.func @fill_of_an_argument(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>, %c: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %z = linalg.fill ins(%zero : f32) outs(%c : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r1 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>) outs(%z : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r2 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>) outs(%z : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r1, %r2 : tensor<4x3xf32>, tensor<4x3xf32>
}
