// RUN: lp-opt %s -split-input-file | lp-opt -split-input-file | FileCheck %s
// RUN: lp-opt %s -split-input-file --lp-differentiate | FileCheck %s --check-prefix=GRAD

// lp.aminmax, lp.observe, lp.quant_params and lp.select round-trip; an
// observer's ops have no gradient and need none (nothing differentiable
// reaches them), and lp.select sends the gradient to the chosen value.

// CHECK-LABEL: func.func @observer
// CHECK: lp.aminmax %{{.*}} {axis = 1 : i64} : (tensor<4x8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
// CHECK: lp.observe %{{.*}} {averaging_constant = 1.000000e-02 : f64}
// CHECK: lp.quant_params %{{.*}} {quant_max = 127 : i64, quant_min = -128 : i64, symmetric}
func.func @observer(%x: tensor<4x8xf32> {lp.role = "input", lp.name = "x"},
                    %mn: tensor<8xf32> {lp.role = "state", lp.name = "mn"},
                    %mx: tensor<8xf32> {lp.role = "state", lp.name = "mx"})
    -> (tensor<f32> {lp.name = "loss"}, tensor<8xf32> {lp.name = "mn"}, tensor<8xf32> {lp.name = "mx"}) {
  %lo, %hi = lp.aminmax %x {axis = 1 : i64} : (tensor<4x8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
  %a, %b = lp.observe %lo, %hi, %mn, %mx {averaging_constant = 0.01 : f64}
      : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
  %s, %z = lp.quant_params %a, %b {quant_min = -128 : i64, quant_max = 127 : i64, symmetric}
      : (tensor<8xf32>, tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
  %l = lp.reduce_mean %x {axes = array<i64: 0, 1>} : (tensor<4x8xf32>) -> tensor<f32>
  return %l, %a, %b : tensor<f32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// A model that quantizes its weight with an observed range: the weight's
// gradient is the straight-through one (the observer's ops get no
// cotangent), the state update is returned as it is.

// GRAD-LABEL: func.func @qat_grad
// GRAD-NOT: lp.aminmax_grad
// GRAD: lp.fake_quant_grad
// GRAD: return
func.func @qat(%x: tensor<4x8xf32> {lp.role = "input", lp.name = "x"},
               %w: tensor<8x3xf32> {lp.role = "param", lp.name = "w"},
               %mn: tensor<f32> {lp.role = "state", lp.name = "w.fq.min", lp.init = "constant(1)"},
               %mx: tensor<f32> {lp.role = "state", lp.name = "w.fq.max", lp.init = "constant(-1)"})
    -> (tensor<f32> {lp.name = "loss"}, tensor<f32> {lp.name = "w.fq.min"}, tensor<f32> {lp.name = "w.fq.max"}) {
  %lo, %hi = lp.aminmax %w : (tensor<8x3xf32>) -> (tensor<f32>, tensor<f32>)
  %a, %b = lp.observe %lo, %hi, %mn, %mx : (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  %s, %z = lp.quant_params %a, %b {quant_min = -8 : i64, quant_max = 7 : i64}
      : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  %wq = lp.fake_quant %w, %s, %z {quant_min = -8 : i64, quant_max = 7 : i64}
      : (tensor<8x3xf32>, tensor<f32>, tensor<f32>) -> tensor<8x3xf32>
  %h = lp.matmul %x, %wq : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %l = lp.reduce_mean %h {axes = array<i64: 0, 1>} : (tensor<4x3xf32>) -> tensor<f32>
  return %l, %a, %b : tensor<f32>, tensor<f32>, tensor<f32>
}

// -----

// GRAD-LABEL: func.func @choose_grad
// GRAD: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<4xf32>
// GRAD: lp.select %{{.*}}, %{{.*}}, %[[ZERO]]
// GRAD: lp.select %{{.*}}, %[[ZERO]], %{{.*}}
func.func @choose(%c: tensor<f32> {lp.role = "input", lp.name = "c"},
                  %a: tensor<4xf32> {lp.role = "param", lp.name = "a"},
                  %b: tensor<4xf32> {lp.role = "param", lp.name = "b"}) -> (tensor<f32> {lp.name = "loss"}) {
  %y = lp.select %c, %a, %b : (tensor<f32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %y {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// lp.stop_gradient passes no gradient: the parameter behind it gets a
// zero one.
// GRAD-LABEL: func.func @detached_grad
// GRAD: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<4xf32>
// GRAD: return %{{.*}}, %{{.*}}, %[[Z]]
func.func @detached(%a: tensor<4xf32> {lp.role = "param", lp.name = "a"}) -> (tensor<f32> {lp.name = "loss"}) {
  %s = lp.stop_gradient %a : (tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %s {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
