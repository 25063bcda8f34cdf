// RUN: lp-opt %s --lp-build-gradients --lp-loss-scaling="mode=dynamic growth-interval=3 max-scale=1024" | FileCheck %s
// RUN: lp-opt %s --lp-build-gradients --lp-loss-scaling="mode=static init-scale=128" | FileCheck %s --check-prefix=STATIC
// RUN: not lp-opt %s --lp-build-gradients --lp-loss-scaling="mode=dynamic backoff-factor=2" 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not lp-opt %s --lp-build-gradients --lp-clip-gradients=max-norm=1 --lp-loss-scaling 2>&1 | FileCheck %s --check-prefix=ORDER
// RUN: not lp-opt %s --lp-build-gradients --lp-loss-scaling="mode=sometimes" 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not lp-opt %s --lp-build-gradients --lp-loss-scaling="mode=static init-scale=0" 2>&1 | FileCheck %s --check-prefix=INIT
// RUN: not lp-opt %s --lp-build-gradients --lp-loss-scaling="growth-factor=1" 2>&1 | FileCheck %s --check-prefix=GROWTH
// RUN: not lp-opt %s --lp-build-gradients --lp-loss-scaling="growth-interval=0" 2>&1 | FileCheck %s --check-prefix=INTERVAL
// RUN: not lp-opt %s --lp-build-gradients --lp-loss-scaling="min-scale=-1" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not lp-opt %s --lp-build-gradients --lp-loss-scaling="min-scale=8 max-scale=4" 2>&1 | FileCheck %s --check-prefix=BOUNDS
// RUN: not lp-opt %s --lp-loss-scaling 2>&1 | FileCheck %s --check-prefix=NOSTEP
// RUN: lp-opt %s --lp-build-gradients --lp-loss-scaling=mode=static --lp-clip-gradients=max-norm=1 | FileCheck %s --check-prefix=CLIP
// lp-loss-scaling: seeds times the scale, gradients times its f64
// reciprocal, the step skipped on a non-finite scaled gradient, and
// GradScaler's update of the state slots.

// CHECK-LABEL: func.func @m_train_step
// CHECK-SAME: %[[S:[a-z0-9]+]]: tensor<f32> {lp.init = "constant(65536)", lp.name = "loss_scale", lp.role = "state"}
// CHECK-SAME: %[[T:[a-z0-9]+]]: tensor<i64> {lp.init = "zeros", lp.name = "loss_scale.growth", lp.role = "state"}
// CHECK-SAME: -> ({{.*}}tensor<f32> {lp.name = "loss_scale"}, tensor<i64> {lp.name = "loss_scale.growth"}, {{.*}}, tensor<i1> {lp.name = "found_inf"}, tensor<f32> {lp.name = "grad_norm"})
// CHECK: %[[SEED:.*]] = lp.loss_seed
// CHECK-NEXT: lp.mul %[[SEED]], %[[S]]
// CHECK: %[[S64:.*]] = lp.cast %[[S]] : (tensor<f32>) -> tensor<f64>
// CHECK-NEXT: %[[INV64:.*]] = lp.div %{{.*}}, %[[S64]] : (tensor<f64>, tensor<f64>) -> tensor<f64>
// CHECK-NEXT: %[[INV:.*]] = lp.cast %[[INV64]] : (tensor<f64>) -> tensor<f32>
// CHECK-NEXT: %[[OK:.*]] = lp.all_finite %[[G:[0-9]+]]
// CHECK-NEXT: %[[U:.*]] = lp.mul %[[G]], %[[INV]]
// CHECK: %[[INF:.*]] = arith.xori %[[OK]]
// The pre-clip norm of the unscaled gradients.
// CHECK-NEXT: %[[SQ:.*]] = lp.mul %[[U]], %[[U]]
// CHECK-NEXT: %[[SUM:.*]] = lp.reduce_sum %[[SQ]]
// CHECK-NEXT: %[[NORM:.*]] = lp.sqrt %[[SUM]]
// CHECK-NEXT: lp.gradients %[[U]] skip_if %[[INF]] {params = ["w"], phase = 2 : i64}
// CHECK: %[[COUNT:.*]] = arith.addi %[[T]]
// CHECK: %[[GROW:.*]] = arith.cmpi eq, %[[COUNT]], %{{.*}} : tensor<i64>
// CHECK: %[[GROWN:.*]] = arith.mulf %[[S]], %{{.*}} : tensor<f32>
// CHECK: %[[CAPPED:.*]] = arith.minimumf %[[GROWN]]
// CHECK: %[[FIN:.*]] = lp.all_finite %[[CAPPED]]
// CHECK: %[[APPLY:.*]] = arith.andi %[[GROW]], %[[FIN]]
// CHECK: %[[NOINF:.*]] = arith.select %[[APPLY]], %[[CAPPED]], %[[S]]
// CHECK: %[[BACK:.*]] = arith.mulf %[[S]]
// CHECK: %[[NEXT:.*]] = arith.select %[[INF]], %[[BACK]], %[[NOINF]]
// CHECK: return {{.*}}%[[NEXT]], {{.*}}, %[[INF]], %[[NORM]] :

// STATIC-LABEL: func.func @m_train_step
// STATIC-NOT: "loss_scale
// STATIC-SAME: tensor<i1> {lp.name = "found_inf"}
// STATIC: arith.constant dense<1.280000e+02> : tensor<f32>
// STATIC: lp.gradients {{.*}} skip_if

// Clipping reads the norm loss scaling returns: one norm, one grad_norm.
// CLIP-LABEL: func.func @m_train_step
// CLIP-SAME: tensor<i1> {lp.name = "found_inf"}, tensor<f32> {lp.name = "grad_norm"})
// CLIP: %[[NORM:.*]] = lp.sqrt
// CLIP-NOT: lp.sqrt
// CLIP: lp.add %[[NORM]]
// CLIP-NOT: lp.sqrt
// CLIP: return {{.*}}, %[[NORM]] :

// BAD: error: lp-loss-scaling: backoff-factor must lie in (0, 1)
// MODE: error: lp-loss-scaling: mode must be static or dynamic, got 'sometimes'
// INIT: error: lp-loss-scaling: init-scale must be a finite number > 0
// GROWTH: error: lp-loss-scaling: growth-factor must be a finite number > 1
// INTERVAL: error: lp-loss-scaling: growth-interval must be >= 1
// NEGATIVE: error: lp-loss-scaling: min-scale and max-scale must be >= 0 (0: no bound)
// BOUNDS: error: lp-loss-scaling: min-scale must not exceed max-scale
// NOSTEP: error: lp-loss-scaling: no function has an lp.gradients op
// ORDER: error: 'lp.gradients' op has had its clip transforms; lp-loss-scaling (scale-seeds) must run before them
func.func @m(%x: tensor<2x4xf32> {lp.role = "input", lp.name = "x"},
             %w: tensor<4xf32> {lp.role = "param", lp.name = "w", lp.init = "ones"}) -> (tensor<f32> {lp.name = "loss"}) {
  %p = lp.mul %x, %w : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0, 1>} : (tensor<2x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
