// RUN: lp-opt %s --lp-autocast="compute-type=f16 master-weights=false overrides=param:*.b=f32" | FileCheck %s
// RUN: lp-opt %s --lp-build-train-step="precision=f16 master-weights=false momentum=0.9" | FileCheck %s --check-prefix=STEP
// RUN: lp-opt %s --lp-build-train-step="precision=f16 master-weights=false clip-norm=1" | FileCheck %s --check-prefix=CLIP
// RUN: not lp-opt %s --lp-build-train-step="precision=f16 master-weights=false loss-scale=dynamic" 2>&1 | FileCheck %s --check-prefix=SCALE
// RUN: not lp-opt %s --lp-build-train-step="master-weights=false" 2>&1 | FileCheck %s --check-prefix=NOLOW
// The naive loop (no master weights): parameters become arguments of the
// compute type, or of their parameter override's type; nothing casts them,
// and the f32 bias is widened nowhere else.

// CHECK-LABEL: func.func @m
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<2x4xf32> {lp.name = "x"
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xf16> {{{.*}}lp.name = "fc.w"
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<3xf32> {{{.*}}lp.name = "fc.b"
// CHECK-NEXT: %[[XH:.*]] = lp.cast %[[X]] : (tensor<2x4xf32>) -> tensor<2x4xf16>
// CHECK-NEXT: %[[M:.*]] = lp.matmul %[[XH]], %[[W]] {{.*}} -> tensor<2x3xf16>
// CHECK-NEXT: %[[MW:.*]] = lp.cast %[[M]] {{.*}} -> tensor<2x3xf32>
// CHECK-NEXT: lp.add %[[MW]], %[[B]] {{.*}}: (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>

// The step stores the weight, its gradient and its momentum buffer in f16.
// STEP-LABEL: func.func @m_train_step
// STEP-SAME: tensor<4x3xf16> {lp.init = "ones", lp.name = "fc.w", lp.role = "param"}
// STEP-SAME: tensor<4x3xf16> {lp.init = "zeros", lp.name = "fc.w.sgd.momentum", lp.role = "state"}
// STEP: lp.sgd_update %{{.*}} : (tensor<4x3xf16>, tensor<4x3xf16>, tensor<4x3xf16>, tensor<f32>) -> (tensor<4x3xf16>, tensor<4x3xf16>)
// The norm of f16 gradients is squared and summed in f32.
// CLIP-LABEL: func.func @m_train_step
// CLIP: %[[W:.*]] = lp.cast %{{.*}} : (tensor<4x3xf16>) -> tensor<4x3xf32>
// CLIP-NEXT: lp.mul %[[W]], %[[W]] : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>

// SCALE: error: lp-build-train-step: loss scaling needs f32 master weights
// NOLOW: error: lp-build-train-step: master-weights=false needs precision bf16 or f16
func.func @m(%x: tensor<2x4xf32> {lp.role = "input", lp.name = "x"},
             %w: tensor<4x3xf32> {lp.role = "param", lp.name = "fc.w", lp.init = "ones"},
             %b: tensor<3xf32> {lp.role = "param", lp.name = "fc.b", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %m = lp.matmul %x, %w {lp.layer = "fc"} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %h = lp.add %m, %b {lp.layer = "fc"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %l = lp.reduce_sum %h {axes = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
