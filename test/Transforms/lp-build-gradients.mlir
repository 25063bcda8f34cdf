// RUN: lp-opt %s --lp-build-gradients --split-input-file | FileCheck %s
// The stage of lp-build-train-step that ends at the gradients: the forward
// pass, one lp.loss_seed per loss (its weight), the reverse pass from the
// seeds, one lp.gradients op over every parameter gradient, returned as
// `<p>.grad`. A `state` argument with a result of the same name is state the
// forward pass updates: an argument of both functions and a result of both,
// not a loss, not differentiated.

// CHECK-LABEL: func.func @counter_train_step
// CHECK-SAME: %arg0: tensor<4x3xf32> {lp.init = "glorot_uniform", lp.name = "w", lp.role = "param"}
// CHECK-SAME: %arg1: tensor<f32> {lp.name = "calls", lp.role = "state"}
// CHECK-SAME: %arg2: tensor<i64> {lp.init = "zeros", lp.name = "step", lp.role = "state"}
// CHECK-SAME: %arg3: tensor<8x4xf32> {lp.name = "x", lp.role = "input"}
// CHECK-SAME: %arg4: tensor<8xi64> {lp.name = "y", lp.role = "label"}
// CHECK-SAME: -> (tensor<4x3xf32> {lp.name = "w.grad"}, tensor<f32> {lp.name = "calls"}, tensor<i64> {lp.name = "step"}, tensor<f32> {lp.name = "ce"}, tensor<f32> {lp.name = "l2"}, tensor<f32> {lp.name = "loss.total"})
// CHECK: %[[CE:.*]] = lp.cross_entropy
// CHECK: %[[CALLS:.*]] = lp.add %arg1, %{{.*}}
// CHECK: %[[L2:.*]] = lp.reduce_sum
// CHECK: %[[SEED_CE:.*]] = lp.loss_seed %[[CE]] {weight = 5.000000e-01 : f64} : (tensor<f32>) -> tensor<f32>
// loss.total is computed from the weights, not from the seeds (a transform
// that scales the seeds does not scale it).
// CHECK: lp.mul %[[CE]], %{{.*}}
// CHECK: %[[SEED_L2:.*]] = lp.loss_seed %[[L2]] {weight = 2.000000e+00 : f64} : (tensor<f32>) -> tensor<f32>
// The reverse pass starts from the seeds.
// CHECK: lp.reshape %[[SEED_L2]]
// CHECK: lp.cross_entropy_grad %{{.*}}, %arg4, %[[SEED_CE]]
// CHECK: %[[STEP:.*]] = arith.addi %arg2, %{{.*}} : tensor<i64>
// CHECK: %[[G:.*]] = lp.gradients %{{.*}} {params = ["w"]} : (tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK-NOT: lp.gradients
// CHECK: return %[[G]], %[[CALLS]], %[[STEP]], %[[CE]], %[[L2]], %{{.*}} :
// Eval takes and returns the state too (the runtime does not keep eval's
// update, as PyTorch's eval mode does not update running statistics).
// CHECK-LABEL: func.func @counter_eval
// CHECK-SAME: %arg3: tensor<f32> {lp.name = "calls", lp.role = "state"}
// CHECK-SAME: -> (tensor<f32> {lp.name = "ce"}, tensor<f32> {lp.name = "l2"}, tensor<f32> {lp.name = "loss.total"}, tensor<8x3xf32> {lp.name = "logits.y"}, tensor<f32> {lp.name = "calls"})
func.func @counter(%x: tensor<8x4xf32> {lp.role = "input", lp.name = "x"},
                   %y: tensor<8xi64> {lp.role = "label", lp.name = "y"},
                   %w: tensor<4x3xf32> {lp.role = "param", lp.name = "w", lp.init = "glorot_uniform"},
                   %calls: tensor<f32> {lp.role = "state", lp.name = "calls"})
    -> (tensor<f32> {lp.name = "ce"}, tensor<f32> {lp.name = "calls"}, tensor<f32> {lp.name = "l2"})
    attributes {lp.loss_weights = [0.5, 0.0, 2.0]} {
  %h = lp.matmul %x, %w : (tensor<8x4xf32>, tensor<4x3xf32>) -> tensor<8x3xf32>
  %l = lp.cross_entropy %h, %y : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %c = lp.add %calls, %one : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %sq = lp.mul %w, %w : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %l2 = lp.reduce_sum %sq {axes = array<i64: 0, 1>} : (tensor<4x3xf32>) -> tensor<f32>
  return %l, %c, %l2 : tensor<f32>, tensor<f32>, tensor<f32>
}
