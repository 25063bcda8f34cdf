// RUN: lp-opt %s --lp-build-train-step=precision=bf16 | FileCheck %s
// RUN: lp-opt %s --lp-build-train-step=precision=bf16 | FileCheck %s --check-prefix=BACKWARD

// lp-build-gradients builds gradients only for values that depend on a
// parameter, and marks where the backward pass begins
// (lp.backward_begin). Casts that the backward pass would otherwise keep
// from the forward pass are cast again there (lib/Transforms/
// RematerializeCasts.cpp): a widening cast, and a narrowing cast of a
// value the backward pass reads anyway; a weight's bf16 copy is reused.

// Attention-like: scores = (q k) * scale + mask, softmax in f32, then a
// bf16 product with v. `scale` and `mask` are inputs: nothing is built for
// their gradients, so the f32 scores are not kept (before, d/d scale read
// them).
// CHECK-LABEL: func.func @attn_train_step
// CHECK: %[[WCAST:.*]] = lp.cast %arg0 {{.*}}-> tensor<4x4xbf16>
// CHECK: %[[P:.*]] = lp.softmax
// CHECK: %[[PB:.*]] = lp.cast %[[P]] {{.*}}-> tensor<2x4x4xbf16>
// CHECK: %[[Z:.*]] = lp.matmul %[[PB]]
// CHECK: %[[ZF:.*]] = lp.cast %{{.*}} : (tensor<2x4xbf16>) -> tensor<2x4xf32>
// CHECK: lp.cross_entropy %[[ZF]]
// CHECK: lp.backward_begin
// CHECK-NEXT: lp.loss_seed
// The bf16 copy of the softmax output is cast again from the f32 output
// (which the softmax gradient reads), and the logits widened again from
// bf16.
// CHECK-DAG: %[[ZF2:.*]] = lp.cast %{{.*}} {lp.remat} : (tensor<2x4xbf16>) -> tensor<2x4xf32>
// CHECK-DAG: lp.cross_entropy_grad %[[ZF2]]
// CHECK-DAG: %[[PB2:.*]] = lp.cast %[[P]] {lp.remat} : (tensor<2x4x4xf32>) -> tensor<2x4x4xbf16>
// CHECK-DAG: lp.transpose %[[PB2]]
// CHECK: lp.gradients

// In the backward pass: the weight's copy is not cast again, and there is
// no reduction of the scores to a scalar (the gradient of `scale`).
// BACKWARD: lp.backward_begin
// BACKWARD-NOT: lp.cast %arg0
// BACKWARD-NOT: -> tensor<1x1x1xf32>
// BACKWARD: lp.gradients
func.func @attn(%x: tensor<2x4x4xf32> {lp.role = "input", lp.name = "x"},
                %y: tensor<2xi64> {lp.role = "label", lp.name = "y"},
                %scale: tensor<f32> {lp.role = "input", lp.name = "scale"},
                %mask: tensor<4x4xf32> {lp.role = "input", lp.name = "mask"},
                %w: tensor<4x4xf32> {lp.role = "param", lp.name = "w", lp.init = "ones"},
                %b: tensor<4xf32> {lp.role = "param", lp.name = "b", lp.init = "zeros"},
                %v: tensor<2x4x1xf32> {lp.role = "param", lp.name = "v", lp.init = "ones"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %q = lp.linear %x, %w, %b : (tensor<2x4x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<2x4x4xf32>
  %s = lp.mul %q, %scale : (tensor<2x4x4xf32>, tensor<f32>) -> tensor<2x4x4xf32>
  %m = lp.add %s, %mask : (tensor<2x4x4xf32>, tensor<4x4xf32>) -> tensor<2x4x4xf32>
  %p = lp.softmax %m {axis = -1 : i64} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %z = lp.matmul %p, %v : (tensor<2x4x4xf32>, tensor<2x4x1xf32>) -> tensor<2x4x1xf32>
  %zr = lp.reshape %z : (tensor<2x4x1xf32>) -> tensor<2x4xf32>
  %l = lp.cross_entropy %zr, %y : (tensor<2x4xf32>, tensor<2xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
