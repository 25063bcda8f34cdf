// RUN: lp-opt %s -split-input-file | lp-opt -split-input-file | FileCheck %s
// RUN: lp-opt %s -split-input-file --lp-differentiate | FileCheck %s --check-prefix=GRAD

// lp.fake_quant round-trips per tensor and per channel; its gradient is
// the straight-through lp.fake_quant_grad of the input, and the scale and
// zero point get none.

// CHECK-LABEL: func.func @per_tensor
// CHECK: lp.fake_quant %{{.*}}, %{{.*}}, %{{.*}} {quant_max = 127 : i64, quant_min = -128 : i64}
// GRAD-LABEL: func.func @per_tensor_grad
// GRAD: %[[DX:.*]] = lp.fake_quant_grad %arg0, %arg1, %arg2, %{{.*}} {quant_max = 127 : i64, quant_min = -128 : i64}
// GRAD: return {{.*}}, %[[DX]] :
func.func @per_tensor(%x: tensor<4x8xf32> {lp.name = "x", lp.role = "param"},
                      %s: tensor<f32> {lp.role = "input", lp.name = "s"}, %zp: tensor<f32> {lp.role = "input", lp.name = "zp"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %y = lp.fake_quant %x, %s, %zp {quant_min = -128 : i64, quant_max = 127 : i64}
      : (tensor<4x8xf32>, tensor<f32>, tensor<f32>) -> tensor<4x8xf32>
  %l = lp.reduce_sum %y {axes = array<i64: 0, 1>} : (tensor<4x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @per_channel
// CHECK: lp.fake_quant %{{.*}} {axis = 1 : i64, quant_max = 7 : i64, quant_min = -8 : i64}
// GRAD: lp.fake_quant_grad {{.*}} {axis = 1 : i64, quant_max = 7 : i64, quant_min = -8 : i64}
func.func @per_channel(%w: tensor<8x16xf32> {lp.name = "w", lp.role = "param"},
                       %s: tensor<16xf32> {lp.role = "input", lp.name = "s"}, %zp: tensor<16xf32> {lp.role = "input", lp.name = "zp"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %y = lp.fake_quant %w, %s, %zp {quant_min = -8 : i64, quant_max = 7 : i64, axis = 1 : i64}
      : (tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
  %l = lp.reduce_sum %y {axes = array<i64: 0, 1>} : (tensor<8x16xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// `learnable`: the scale and zero point get the per-element LSQ terms,
// summed over every dimension but the channel axis.
// CHECK-LABEL: func.func @learnable
// CHECK: lp.fake_quant {{.*}} {axis = 1 : i64, grad_factor = 5.000000e-01 : f64, learnable, quant_max = 7 : i64, quant_min = -8 : i64}
// GRAD-LABEL: func.func @learnable_grad
// GRAD: %[[DX:.*]] = lp.fake_quant_grad %arg0, %arg1, %arg2, %[[DY:[^ ]*]] {axis = 1 : i64
// GRAD: %[[TS:.*]] = lp.fake_quant_range_grad %arg0, %arg1, %arg2, %[[DY]] {axis = 1 : i64, grad_factor = 5.000000e-01 : f64, quant_max = 7 : i64, quant_min = -8 : i64}
// GRAD: %[[DS:.*]] = lp.reduce_sum %[[TS]] {axes = array<i64: 0>} : (tensor<8x16xf32>) -> tensor<16xf32>
// GRAD: %[[TZ:.*]] = lp.fake_quant_range_grad %arg0, %arg1, %arg2, %[[DY]] {axis = 1 : i64, grad_factor = 5.000000e-01 : f64, quant_max = 7 : i64, quant_min = -8 : i64, zero_point_grad}
// GRAD: %[[DZ:.*]] = lp.reduce_sum %[[TZ]] {axes = array<i64: 0>}
// GRAD: return {{.*}}, %[[DX]], %[[DS]], %[[DZ]] :
func.func @learnable(%w: tensor<8x16xf32> {lp.name = "w", lp.role = "param"},
                     %s: tensor<16xf32> {lp.name = "s", lp.role = "param"},
                     %zp: tensor<16xf32> {lp.name = "zp", lp.role = "param"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %y = lp.fake_quant %w, %s, %zp {quant_min = -8 : i64, quant_max = 7 : i64, axis = 1 : i64,
                                  learnable, grad_factor = 0.5 : f64}
      : (tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
  %l = lp.reduce_sum %y {axes = array<i64: 0, 1>} : (tensor<8x16xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
