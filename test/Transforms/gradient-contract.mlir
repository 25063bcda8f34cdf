// The gradient contract (docs/Architecture.md): transforms between
// lp-build-gradients and lp-apply-optimizer, here the test-only ones of
// test/lib (registered in lp-opt only).
// RUN: lp-opt %s --lp-build-gradients --lp-test-scale-seeds=factor=1024 | FileCheck %s --check-prefix=SCALE
// RUN: lp-opt %s --lp-build-gradients --lp-test-scale-seeds=factor=1024 --lp-test-unscale-gradients=factor=1024 | FileCheck %s --check-prefix=UNSCALE
// RUN: lp-opt %s --lp-build-gradients --lp-test-scale-seeds=factor=1024 --lp-test-unscale-gradients=factor=1024 --lp-apply-optimizer | FileCheck %s --check-prefix=APPLY
// The order is enforced: scale-seeds, unscale, clip, all-reduce, apply;
// each once.
// RUN: not lp-opt %s --lp-build-gradients --lp-test-unscale-gradients --lp-test-scale-seeds 2>&1 | FileCheck %s --check-prefix=ORDER
// RUN: not lp-opt %s --lp-build-gradients --lp-test-scale-seeds --lp-test-scale-seeds 2>&1 | FileCheck %s --check-prefix=TWICE
// A transform needs the gradient stage: not before it, not after the update.
// RUN: not lp-opt %s --lp-build-train-step --lp-test-scale-seeds 2>&1 | FileCheck %s --check-prefix=LATE
// RUN: not lp-opt %s --lp-test-scale-seeds 2>&1 | FileCheck %s --check-prefix=EARLY
// The whole step lowers.
// RUN: lp-opt %s --lp-build-gradients --lp-test-scale-seeds --lp-test-unscale-gradients --lp-apply-optimizer=optimizer=adam --lp-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// Scale seeds: every lp.loss_seed is multiplied by the factor; loss.total is
// not.
// SCALE-LABEL: func.func @f_train_step
// SCALE: %[[LOSS:.*]] = lp.reduce_sum
// SCALE: %[[SEED:.*]] = lp.loss_seed %[[LOSS]] {weight = 1.000000e+00 : f64}
// SCALE-NEXT: %[[F:.*]] = arith.constant dense<1.024000e+03> : tensor<f32>
// SCALE-NEXT: %[[SCALED:.*]] = lp.mul %[[SEED]], %[[F]]
// SCALE-NOT: lp.loss_seed
// SCALE: lp.reshape %[[SCALED]]
// SCALE: lp.gradients %{{.*}} {params = ["w"], phase = 1 : i64}

// Unscale: the gradients are multiplied by 1/factor before lp.gradients,
// checked, and the update is skipped when one is not finite; the skips are
// counted in a state slot, and the check is a step result.
// UNSCALE-LABEL: func.func @f_train_step
// UNSCALE-SAME: %arg1: tensor<i64> {lp.init = "zeros", lp.name = "step", lp.role = "state"}
// UNSCALE-SAME: %arg2: tensor<i64> {lp.init = "zeros", lp.name = "test.skipped_steps", lp.role = "state"}
// UNSCALE-SAME: -> (tensor<4xf32> {lp.name = "w.grad"}, tensor<i64> {lp.name = "step"}, tensor<i64> {lp.name = "test.skipped_steps"}, tensor<f32> {lp.name = "loss"}, tensor<f32> {lp.name = "loss.total"}, tensor<i1> {lp.name = "test.found_inf"})
// UNSCALE: %[[INV:.*]] = arith.constant dense<9.765625E-4> : tensor<f32>
// UNSCALE-NEXT: %[[U:.*]] = lp.mul %{{.*}}, %[[INV]] : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
// UNSCALE-NEXT: %[[OK:.*]] = lp.all_finite %[[U]]
// UNSCALE: %[[INF:.*]] = arith.xori %[[OK]], %{{.*}} : tensor<i1>
// UNSCALE: %[[N:.*]] = arith.addi %arg2, %{{.*}} : tensor<i64>
// UNSCALE: %[[G:.*]] = lp.gradients %[[U]] skip_if %[[INF]] {params = ["w"], phase = 2 : i64}
// UNSCALE: return %[[G]], %{{.*}}, %[[N]], %{{.*}}, %{{.*}}, %[[INF]]

// Apply: the update reads lp.gradients and takes its skip predicate, which
// the step returns as step.skipped.
// APPLY-LABEL: func.func @f_train_step
// APPLY: %[[G:.*]] = lp.gradients %{{.*}} skip_if %[[INF:[^ ]*]]
// APPLY: %[[W:.*]] = lp.sgd_update %arg0, %[[G]] lr %{{.*}} skip_if %[[INF]]
// APPLY: return %[[W]], {{.*}}, %[[INF]], %[[INF]] :
// APPLY-SAME: tensor<i1>, tensor<i1>

// ORDER: error: 'lp.gradients' op has had its unscale transforms; lp-test-scale-seeds (scale-seeds) must run before them (order: scale-seeds, unscale, clip, all-reduce, apply)
// TWICE: error: 'lp.gradients' op has had its scale-seeds transforms; lp-test-scale-seeds (scale-seeds) must run before them
// LATE: error: 'lp.gradients' op has had its apply transforms; lp-test-scale-seeds (scale-seeds) must run before them

// EARLY: error: lp-test-scale-seeds: no function has an lp.gradients op (it runs after lp-build-gradients and before lp-apply-optimizer)

// LLVM: llvm.func @f_train_step
func.func @f(%x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
             %w: tensor<4xf32> {lp.role = "param", lp.name = "w", lp.init = "ones"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %d = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %d {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
