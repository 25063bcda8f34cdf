// RUN: lp-opt %s --lp-build-gradients --lp-clip-gradients=max-norm=1.0 | FileCheck %s --check-prefix=NORM
// RUN: lp-opt %s --lp-build-gradients --lp-clip-gradients=max-value=0.5 | FileCheck %s --check-prefix=VALUE
// RUN: lp-opt %s --lp-build-train-step="clip-norm=2.0" | FileCheck %s --check-prefix=STEP
// RUN: not lp-opt %s --lp-build-gradients --lp-clip-gradients 2>&1 | FileCheck %s --check-prefix=NONE
// The contract's order: clipping comes after unscaling.
// RUN: not lp-opt %s --lp-build-gradients --lp-clip-gradients=max-norm=1.0 --lp-test-unscale-gradients 2>&1 | FileCheck %s --check-prefix=ORDER

// clip_grad_norm_: the global norm of both gradients, the coefficient
// min(max_norm / (norm + 1e-6), 1), each gradient times it; the norm before
// clipping is returned as grad_norm.
// NORM-LABEL: func.func @f_train_step
// NORM-SAME: tensor<f32> {lp.name = "grad_norm"}
// NORM: %[[SQ0:.*]] = lp.mul %[[G0:.*]], %[[G0]] : (tensor<4x3xf32>, tensor<4x3xf32>)
// NORM: %[[S0:.*]] = lp.reduce_sum %[[SQ0]] {axes = array<i64: 0, 1>}
// NORM: %[[SQ1:.*]] = lp.mul %[[G1:.*]], %[[G1]] : (tensor<3xf32>, tensor<3xf32>)
// NORM: %[[S1:.*]] = lp.reduce_sum %[[SQ1]] {axes = array<i64: 0>}
// NORM: %[[T:.*]] = lp.add %[[S0]], %[[S1]]
// NORM: %[[N:.*]] = lp.sqrt %[[T]]
// NORM: %[[C:.*]] = lp.div %{{.*}}, %{{.*}} : (tensor<f32>, tensor<f32>) -> tensor<f32>
// NORM: %[[CC:.*]] = arith.minimumf %[[C]], %{{.*}} : tensor<f32>
// NORM: %[[C0:.*]] = lp.mul %[[G0]], %[[CC]]
// NORM: %[[C1:.*]] = lp.mul %[[G1]], %[[CC]]
// NORM: lp.gradients %[[C0]], %[[C1]] {params = ["w", "b"], phase = 3 : i64}
// NORM: return {{.*}}, %[[N]] :

// clip_grad_value_: clamp elementwise.
// VALUE-LABEL: func.func @f_train_step
// VALUE: %[[LO:.*]] = arith.maximumf %{{.*}}, %{{.*}} : tensor<4x3xf32>
// VALUE: %[[HI:.*]] = arith.minimumf %[[LO]], %{{.*}} : tensor<4x3xf32>
// VALUE: lp.gradients %[[HI]], %{{.*}} {params = ["w", "b"], phase = 3 : i64}

// lp-build-train-step runs it between its stages.
// STEP-LABEL: func.func @f_train_step
// STEP: lp.sqrt
// STEP: lp.gradients {{.*}} phase = 5 : i64
// STEP: lp.sgd_update

// NONE: error: lp-clip-gradients needs exactly one of max-norm and max-value, positive
// ORDER: error: 'lp.gradients' op has had its clip transforms; lp-test-unscale-gradients (unscale) must run before them

func.func @f(%x: tensor<8x4xf32> {lp.role = "input", lp.name = "x"},
             %y: tensor<8xi64> {lp.role = "label", lp.name = "y"},
             %w: tensor<4x3xf32> {lp.role = "param", lp.name = "w", lp.init = "glorot_uniform"},
             %b: tensor<3xf32> {lp.role = "param", lp.name = "b", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w, %b : (tensor<8x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = lp.cross_entropy %h, %y : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %l : tensor<f32>
}

