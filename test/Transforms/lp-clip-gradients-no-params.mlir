// RUN: lp-opt %s --lp-build-gradients --lp-clip-gradients=max-norm=1.0 | FileCheck %s
// A model without parameters has nothing to clip (and no crash): the
// gradients op is empty and no grad_norm is returned.

// CHECK-LABEL: func.func @g_train_step
// CHECK-NOT: grad_norm
// CHECK: lp.gradients {params = [], phase = 3 : i64} : () -> ()
func.func @g(%x: tensor<4xf32> {lp.role = "input", lp.name = "x"}) -> (tensor<f32> {lp.name = "loss"}) {
  %l = lp.reduce_sum %x {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
