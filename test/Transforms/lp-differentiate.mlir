// RUN: lp-opt %s --lp-differentiate --split-input-file --verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @linear_tanh_mse_grad
// CHECK-SAME: -> (tensor<f32> {lp.name = "loss"}, tensor<f32> {lp.name = "loss.total"}, tensor<3x2xf32> {lp.name = "w.grad"}, tensor<2xf32> {lp.name = "b.grad"})
// CHECK: %[[Y:.*]] = lp.linear %arg0, %arg2, %arg3
// CHECK: %[[T:.*]] = lp.tanh %[[Y]]
// CHECK: %[[L:.*]] = lp.mse_loss %[[T]], %arg1
// CHECK: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[TOTAL:.*]] = lp.mul %[[L]], %[[ONE]]
// Reverse order: mse, then tanh (1 - y^2), then linear.
// CHECK: lp.sub %[[T]], %arg1
// CHECK: lp.mul %[[T]], %[[T]]
// CHECK: %[[DW:.*]] = lp.matmul %{{.*}}, %{{.*}} : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
// CHECK: %[[DB:.*]] = lp.reduce_sum %{{.*}} {axes = array<i64: 0>} : (tensor<4x2xf32>) -> tensor<2xf32>
// CHECK: return %[[L]], %[[TOTAL]], %[[DW]], %[[DB]]
func.func @linear_tanh_mse(%x: tensor<4x3xf32> {lp.role = "input", lp.name = "x"},
                           %t: tensor<4x2xf32> {lp.role = "label", lp.name = "t"},
                           %w: tensor<3x2xf32> {lp.role = "param", lp.name = "w"},
                           %b: tensor<2xf32> {lp.role = "param", lp.name = "b"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %y = lp.linear %x, %w, %b : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %a = lp.tanh %y : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %l = lp.mse_loss %a, %t : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Two weighted losses: each loss is seeded with its weight.
// CHECK-LABEL: func.func @two_losses_grad
// CHECK-DAG: arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK-DAG: arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK: lp.add
// CHECK: return {{.*}} : tensor<f32>, tensor<f32>, tensor<f32>, tensor<4xf32>
func.func @two_losses(%x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
                      %w: tensor<4xf32> {lp.role = "param", lp.name = "w"})
    -> (tensor<f32> {lp.name = "a"}, tensor<f32> {lp.name = "b"})
    attributes {lp.loss_weights = [1.0, 0.5]} {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %a = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  %b = lp.mse_loss %p, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return %a, %b : tensor<f32>, tensor<f32>
}

// -----

// The warning is located at the argument.
// CHECK-LABEL: func.func @unused_param_grad
func.func @unused_param(%x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
                        %w: tensor<4xf32> {lp.role = "param", lp.name = "w"},
                        // expected-warning @+1 {{parameter 'unused' does not affect the loss; its gradient is zero}}
                        %u: tensor<2xf32> {lp.role = "param", lp.name = "unused"})
    -> tensor<f32> {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %s = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  // CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<2xf32>
  // CHECK: return {{.*}}, %[[Z]]
  return %s : tensor<f32>
}

// -----

// expected-error @+1 {{model returns no loss}}
func.func @no_loss(%x: tensor<4xf32> {lp.role = "input"}) {
  return
}

// -----

// expected-error @+1 {{result #0 is not a scalar float loss}}
func.func @vector_result(%x: tensor<4xf32> {lp.role = "param"}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

func.func @grad_op_in_forward(%x: tensor<4xf32> {lp.role = "param"}, %d: tensor<4xf32> {lp.role = "input"}) -> tensor<f32> {
  // expected-error @+1 {{'lp.relu_grad' op has no gradient rule, so the loss cannot be differentiated through it}}
  %g = lp.relu_grad %x, %d : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %s = lp.reduce_sum %g {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// `<p>.grad` is the name of parameter p's gradient.
func.func @argument_named_like_a_gradient(
    %w: tensor<4xf32> {lp.role = "param", lp.name = "w"},
    // expected-error @+1 {{argument #1 is named 'w.grad', a name the gradient function reserves for parameter 'w'}}
    %g: tensor<4xf32> {lp.role = "input", lp.name = "w.grad"}) -> tensor<f32> {
  %p = lp.mul %w, %g : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %s = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Names only a train step adds are free here.
// CHECK-LABEL: func.func @parameter_named_logits_grad
// CHECK-SAME: lp.name = "logits.grad"
func.func @parameter_named_logits(
    %l: tensor<4xf32> {lp.role = "param", lp.name = "logits"},
    %s: tensor<4xf32> {lp.role = "input", lp.name = "step"}) -> tensor<f32> {
  %p = lp.mul %l, %s : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %r : tensor<f32>
}
