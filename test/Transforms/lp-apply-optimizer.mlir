// RUN: lp-opt %s --lp-apply-optimizer="optimizer=adam lr=0.001" | FileCheck %s
// RUN: lp-opt %s --lp-apply-optimizer="optimizer=sgd lr=0.5 momentum=0.9" | FileCheck %s --check-prefix=SGD
// RUN: not lp-opt %s --lp-apply-optimizer="optimizer=rmsprop" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: lp-opt %s --lp-apply-optimizer="lr=0.5 lr-schedule=cosine total-steps=10 min-lr=0.1" | FileCheck %s --check-prefix=COSINE
// RUN: lp-opt %s --lp-apply-optimizer="lr=0.5 lr-schedule=step step-size=3 gamma=0.5" | FileCheck %s --check-prefix=STEPLR
// RUN: lp-opt %s --lp-apply-optimizer="lr=0.5 lr-schedule=linear-warmup warmup-steps=4" | FileCheck %s --check-prefix=WARMUP
// RUN: not lp-opt %s --lp-apply-optimizer="lr-schedule=cosine" 2>&1 | FileCheck %s --check-prefix=NOTOTAL
// The last stage of lp-build-train-step, on a train step written by hand as
// lp-build-gradients and a gradient transform leave it: `w.grad` is the
// result of lp.gradients, which a transform gave a skip predicate.

// Adam: the moments and `adam.t` are registered as state slots (zeros)
// after the existing state; `adam.t` advances only when the step applies
// its update; the update reads its gradient from lp.gradients and gets the
// skip predicate; `w.grad` becomes `w`; the predicate is returned as
// `step.skipped`. The learning rate is one f32 constant.
// CHECK-LABEL: func.func @f_train_step
// CHECK-SAME: %arg0: tensor<4xf32> {lp.name = "w", lp.role = "param"}
// CHECK-SAME: %arg1: tensor<i64> {lp.init = "zeros", lp.name = "step", lp.role = "state"}
// CHECK-SAME: %arg2: tensor<i64> {lp.init = "zeros", lp.name = "adam.t", lp.role = "state"}
// CHECK-SAME: %arg3: tensor<4xf32> {lp.init = "zeros", lp.name = "w.adam.m", lp.role = "state"}
// CHECK-SAME: %arg4: tensor<4xf32> {lp.init = "zeros", lp.name = "w.adam.v", lp.role = "state"}
// CHECK-SAME: %arg5: tensor<4xf32> {lp.name = "x", lp.role = "input"}
// CHECK-SAME: -> (tensor<4xf32> {lp.name = "w"}, tensor<i64> {lp.name = "step"}, tensor<i64> {lp.name = "adam.t"}, tensor<4xf32> {lp.name = "w.adam.m"}, tensor<4xf32> {lp.name = "w.adam.v"}, tensor<f32> {lp.name = "loss.total"}, tensor<i1> {lp.name = "step.skipped"})
// CHECK: %[[G:.*]] = lp.gradients %{{.*}} skip_if %[[SKIP:[^ ]*]] {params = ["w"], phase = 5 : i64}
// CHECK: arith.addi %arg1
// CHECK-NEXT: %[[ONE:.*]] = arith.constant dense<1> : tensor<i64>
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant dense<0> : tensor<i64>
// CHECK: %[[INC:.*]] = arith.select %[[SKIP]], %[[ZERO]], %[[ONE]] : tensor<i1>, tensor<i64>
// CHECK: %[[T:.*]] = arith.addi %arg2, %[[INC]] : tensor<i64>
// CHECK: %[[LR:.*]] = arith.constant dense<1.000000e-03> : tensor<f32>
// CHECK: %[[P:.*]], %[[M:.*]], %[[V:.*]] = lp.adam_update %arg0, %[[G]], %arg3, %arg4 count %[[T]] lr %[[LR]] skip_if %[[SKIP]]
// CHECK: return %[[P]], %{{.*}}, %[[T]], %[[M]], %[[V]], %{{.*}}, %[[SKIP]] :

// SGD with momentum: one buffer per parameter, no count.
// SGD-LABEL: func.func @f_train_step
// SGD-SAME: %arg2: tensor<4xf32> {lp.init = "zeros", lp.name = "w.sgd.momentum", lp.role = "state"}
// SGD-NOT: adam.t
// SGD: %[[G:.*]] = lp.gradients
// SGD: %[[LR:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// SGD: lp.sgd_update %arg0, %[[G]] momentum_buffer %arg2 lr %[[LR]] skip_if %{{.*}} {momentum = 9.000000e-01 : f64}
func.func @f_train_step(%w: tensor<4xf32> {lp.role = "param", lp.name = "w"},
                        %step: tensor<i64> {lp.role = "state", lp.name = "step", lp.init = "zeros"},
                        %x: tensor<4xf32> {lp.role = "input", lp.name = "x"})
    -> (tensor<4xf32> {lp.name = "w.grad"}, tensor<i64> {lp.name = "step"}, tensor<f32> {lp.name = "loss.total"}) {
  %d = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %loss = lp.reduce_sum %d {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  %ok = lp.all_finite %x : (tensor<4xf32>) -> tensor<i1>
  %true = arith.constant dense<true> : tensor<i1>
  %skip = arith.xori %ok, %true : tensor<i1>
  %g = lp.gradients %x skip_if %skip {params = ["w"], phase = 2 : i64} : (tensor<4xf32>, tensor<i1>) -> tensor<4xf32>
  %one = arith.constant dense<1> : tensor<i64>
  %s = arith.addi %step, %one : tensor<i64>
  return %g, %s, %loss : tensor<4xf32>, tensor<i64>, tensor<f32>
}

// UNKNOWN: error: unknown optimizer 'rmsprop' (expected sgd, adam or adamw)

// Schedules: the learning rate is computed from the `step` argument (the
// iterations before this one) in f64 and rounded to f32 once.
// COSINE-LABEL: func.func @f_train_step
// COSINE: %[[I:.*]] = arith.sitofp %arg1 : tensor<i64> to tensor<f64>
// COSINE: %[[A:.*]] = arith.mulf %{{.*}}, %[[I]] : tensor<f64>
// COSINE: math.cos
// COSINE: %[[LR:.*]] = arith.truncf %{{.*}} : tensor<f64> to tensor<f32>
// COSINE: lp.sgd_update %arg0, %{{.*}} lr %[[LR]]
// STEPLR: math.floor
// STEPLR: math.powf
// WARMUP: arith.minimumf %{{.*}}, %{{.*}} : tensor<f64>
// NOTOTAL: error: the cosine schedule needs total-steps > 0 and min-lr >= 0
