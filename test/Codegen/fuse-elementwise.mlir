// RUN: lp-opt %s --lp-fuse-elementwise --split-input-file | FileCheck %s
// Upstream's pass on the same input, for the cases where the two differ.
// RUN: lp-opt %s --linalg-fuse-elementwise-ops --split-input-file | FileCheck %s --check-prefix=UPSTREAM

// lp-fuse-elementwise (lib/Codegen/FuseElementwise.cpp) runs upstream's
// elementwise fusion and reshape propagation with a control function that
// fuses a producer only into its single user and never rewrites a named linalg
// op or a contraction.
//
// Fused: a chain of elementwise generics (bias, activation, scale) becomes one
// generic; an elementwise op is moved past a tensor.expand_shape. Not fused:
// a producer with two users; an elementwise op into a linalg.matmul, into a
// contraction written as a linalg.generic (upstream fuses it: UPSTREAM), or
// a matmul into the elementwise op after it; a batch_matmul followed by a
// tensor.expand_shape stays a batch_matmul (upstream makes it a rank-5
// generic: UPSTREAM).

// CHECK-LABEL: func.func @bias_relu_scale_chain_fuses
// CHECK-NOT: linalg.generic
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg0, %arg1 : tensor<8x16xf32>, tensor<16xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.maximumf
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: linalg.yield
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @bias_relu_scale_chain_fuses(%x: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<8x16xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<8x16xf32>, tensor<16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%1 : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %half : f32
    linalg.yield %m : f32
  } -> tensor<8x16xf32>
  return %2 : tensor<8x16xf32>
}

// -----

// The elementwise op moves past the reshape (reshape propagation): the
// expand_shape now applies to the input and the generic is rank 3.
// CHECK-LABEL: func.func @elementwise_moves_past_expand_shape
// CHECK: %[[E:.*]] = tensor.expand_shape %arg0 {{\[}}[0, 1], [2]] output_shape [2, 3, 4] : tensor<6x4xf32> into tensor<2x3x4xf32>
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: ins(%[[E]] : tensor<2x3x4xf32>)
// CHECK: math.exp
// CHECK: return %[[R]]
func.func @elementwise_moves_past_expand_shape(%x: tensor<6x4xf32>) -> tensor<2x3x4xf32> {
  %e = tensor.empty() : tensor<6x4xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<6x4xf32>) outs(%e : tensor<6x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<6x4xf32>
  %1 = tensor.expand_shape %0 [[0, 1], [2]] output_shape [2, 3, 4] : tensor<6x4xf32> into tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// The producer is also returned: fusing would compute exp twice.
// CHECK-LABEL: func.func @producer_with_two_users_is_not_fused
// CHECK: %[[EXP:.*]] = linalg.generic
// CHECK: math.exp
// CHECK: %[[NEG:.*]] = linalg.generic
// CHECK-SAME: ins(%[[EXP]] :
// CHECK-NOT: math.exp
// CHECK: arith.negf
// CHECK: return %[[EXP]], %[[NEG]]
func.func @producer_with_two_users_is_not_fused(%x: tensor<8x16xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>) {
  %e = tensor.empty() : tensor<8x16xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<8x16xf32>
  return %0, %1 : tensor<8x16xf32>, tensor<8x16xf32>
}

// -----

// CHECK-LABEL: func.func @elementwise_into_matmul_is_not_fused
// CHECK: %[[EXP:.*]] = linalg.generic
// CHECK: math.exp
// CHECK: linalg.matmul ins(%[[EXP]], %arg1 : tensor<8x16xf32>, tensor<16x4xf32>)
func.func @elementwise_into_matmul_is_not_fused(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %acc: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %e = tensor.empty() : tensor<8x16xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %1 = linalg.matmul ins(%0, %w : tensor<8x16xf32>, tensor<16x4xf32>) outs(%acc : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %1 : tensor<8x4xf32>
}

// -----

// A contraction written as a generic (multiply-add over a reduction dim) is
// kept a GEMM; upstream pulls the exp into its body.
// CHECK-LABEL: func.func @elementwise_into_generic_contraction_is_not_fused
// CHECK: %[[EXP:.*]] = linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[EXP]], %arg1 :
// CHECK-NOT: math.exp
// CHECK: arith.mulf
// CHECK: arith.addf
// UPSTREAM-LABEL: func.func @elementwise_into_generic_contraction_is_not_fused
// UPSTREAM: linalg.generic
// UPSTREAM-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// UPSTREAM-SAME: ins(%arg0, %arg1 :
// UPSTREAM: math.exp
// UPSTREAM: arith.mulf
// UPSTREAM: arith.addf
func.func @elementwise_into_generic_contraction_is_not_fused(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %acc: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %e = tensor.empty() : tensor<8x16xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%0, %w : tensor<8x16xf32>, tensor<16x4xf32>) outs(%acc : tensor<8x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x4xf32>
  return %1 : tensor<8x4xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_into_elementwise_is_not_fused
// CHECK: %[[MM:.*]] = linalg.matmul
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[MM]] : tensor<8x4xf32>)
// CHECK: math.tanh
func.func @matmul_into_elementwise_is_not_fused(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %acc: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %0 = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x4xf32>) outs(%acc : tensor<8x4xf32>) -> tensor<8x4xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<8x4xf32>) outs(%e : tensor<8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  } -> tensor<8x4xf32>
  return %1 : tensor<8x4xf32>
}

// -----

// Multi-head attention: a batch_matmul over batch*heads, then the heads are
// split out again. Upstream propagates the reshape into the batch_matmul,
// which becomes a rank-5 linalg.generic.
// CHECK-LABEL: func.func @batch_matmul_then_expand_shape_stays_batch_matmul
// CHECK: %[[BMM:.*]] = linalg.batch_matmul ins(%arg0, %arg1 : tensor<6x4x8xf32>, tensor<6x8x5xf32>) outs(%arg2 : tensor<6x4x5xf32>)
// CHECK: tensor.expand_shape %[[BMM]] {{\[}}[0, 1], [2], [3]] output_shape [2, 3, 4, 5]
// CHECK-NOT: linalg.generic
// UPSTREAM-LABEL: func.func @batch_matmul_then_expand_shape_stays_batch_matmul
// UPSTREAM-NOT: linalg.batch_matmul
// UPSTREAM: linalg.generic
// UPSTREAM-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// UPSTREAM-SAME: outs(%{{.*}} : tensor<2x3x4x5xf32>)
// UPSTREAM-NOT: linalg.batch_matmul
func.func @batch_matmul_then_expand_shape_stays_batch_matmul(%a: tensor<6x4x8xf32>, %b: tensor<6x8x5xf32>, %acc: tensor<6x4x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<6x4x8xf32>, tensor<6x8x5xf32>) outs(%acc : tensor<6x4x5xf32>) -> tensor<6x4x5xf32>
  %1 = tensor.expand_shape %0 [[0, 1], [2], [3]] output_shape [2, 3, 4, 5] : tensor<6x4x5xf32> into tensor<2x3x4x5xf32>
  return %1 : tensor<2x3x4x5xf32>
}
