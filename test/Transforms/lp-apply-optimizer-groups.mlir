// RUN: lp-opt %s --lp-apply-optimizer="optimizer=sgd lr=0.5 momentum=0.9 dampening=0.25 param-groups={*.b,*.gamma}:weight-decay=0,lr=0.125;fc.w:nesterov=false" | FileCheck %s --check-prefix=SGD
// RUN: lp-opt %s --lp-apply-optimizer="optimizer=sgd momentum=0.5 nesterov=true weight-decay=0.5 param-groups=fc.b:weight-decay=0" | FileCheck %s --check-prefix=NESTEROV
// RUN: lp-opt %s --lp-apply-optimizer="optimizer=adamw amsgrad=true param-groups=fc.w:amsgrad=false;*:beta1=0.5" | FileCheck %s --check-prefix=AMSGRAD
// RUN: not lp-opt %s --lp-apply-optimizer="param-groups=conv*:lr=1" 2>&1 | FileCheck %s --check-prefix=NOMATCH
// RUN: not lp-opt %s --lp-apply-optimizer="param-groups=fc.b:rate=1" 2>&1 | FileCheck %s --check-prefix=KEY
// RUN: not lp-opt %s --lp-apply-optimizer="param-groups=fc.b:lr=fast" 2>&1 | FileCheck %s --check-prefix=NUMBER
// RUN: not lp-opt %s --lp-apply-optimizer="param-groups=fc.b" 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not lp-opt %s --lp-apply-optimizer="param-groups=fc.[:lr=1" 2>&1 | FileCheck %s --check-prefix=BADGLOB
// RUN: not lp-opt %s --lp-apply-optimizer="momentum=0.9 param-groups=fc.b:nesterov=true,dampening=0.5" 2>&1 | FileCheck %s --check-prefix=PERPARAM
// RUN: not lp-opt %s --lp-apply-optimizer="nesterov=true" 2>&1 | FileCheck %s --check-prefix=NESTEROV-ERR
// RUN: not lp-opt %s --lp-apply-optimizer="optimizer=adam momentum=0.9" 2>&1 | FileCheck %s --check-prefix=ADAM-MOMENTUM
// RUN: not lp-opt %s --lp-apply-optimizer="amsgrad=true" 2>&1 | FileCheck %s --check-prefix=SGD-AMSGRAD
// Parameter groups (PyTorch's per-group settings, by name pattern), SGD's
// dampening and Nesterov momentum, Adam's AMSGrad, and their errors.

// Dampening: `sgd.t` counts applied updates (the first copies g into the
// buffer); each group's learning rate is its own constant; fc.b has no
// weight decay, fc.w keeps the global 0 (the default is not printed).
// SGD-LABEL: func.func @f_train_step
// SGD-SAME: {lp.init = "zeros", lp.name = "sgd.t", lp.role = "state"}
// SGD-SAME: {lp.init = "zeros", lp.name = "fc.w.sgd.momentum", lp.role = "state"}
// SGD-SAME: {lp.init = "zeros", lp.name = "fc.b.sgd.momentum", lp.role = "state"}
// SGD: %[[T:.*]] = arith.addi %arg3
// SGD-DAG: %[[LRW:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// SGD-DAG: %[[LRB:.*]] = arith.constant dense<1.250000e-01> : tensor<f32>
// SGD: lp.sgd_update %arg0, %{{.*}} momentum_buffer %{{.*}} count %[[T]] lr %[[LRW]] {dampening = 2.500000e-01 : f64, momentum = 9.000000e-01 : f64}
// SGD: lp.sgd_update %arg1, %{{.*}} momentum_buffer %{{.*}} count %[[T]] lr %[[LRB]] {dampening = 2.500000e-01 : f64, momentum = 9.000000e-01 : f64}
// SGD: return {{.*}} %[[T]]

// Nesterov without dampening needs no count.
// NESTEROV-LABEL: func.func @f_train_step
// NESTEROV-NOT: sgd.t
// NESTEROV: lp.sgd_update %arg0, %{{.*}} momentum_buffer %{{.*}} lr %{{.*}} {momentum = 5.000000e-01 : f64, nesterov = true, weight_decay = 5.000000e-01 : f64}
// NESTEROV: lp.sgd_update %arg1, %{{.*}} momentum_buffer %{{.*}} lr %{{.*}} {momentum = 5.000000e-01 : f64, nesterov = true}

// AMSGrad for fc.b only: one `v_max` slot; '*' gives both beta1 = 0.5.
// AMSGRAD-LABEL: func.func @f_train_step
// AMSGRAD-NOT: fc.w.adam.v_max
// AMSGRAD-SAME: {lp.init = "zeros", lp.name = "fc.b.adam.v_max", lp.role = "state"}
// AMSGRAD-NOT: fc.w.adam.v_max
// AMSGRAD: lp.adam_update %arg0, %{{.*}}, %{{.*}}, %{{.*}} count
// AMSGRAD-SAME: beta1 = 5.000000e-01
// AMSGRAD: %[[P:.*]], %[[M:.*]], %[[V:.*]], %[[VM:.*]] = lp.adam_update %arg1, %{{.*}}, %{{.*}}, %{{.*}} max_v %{{.*}} count
// AMSGRAD-SAME: beta1 = 5.000000e-01
// AMSGRAD: return {{.*}} %[[M]], %[[V]], %[[VM]] :

// NOMATCH: error: parameter group 'conv*' matches no parameter of 'f_train_step'
// KEY: error: parameter group 'fc.b:rate=1': unknown setting 'rate' (expected lr, momentum, dampening, weight-decay, beta1, beta2, eps, nesterov or amsgrad)
// NUMBER: error: parameter group 'fc.b:lr=fast': 'lr' takes a number, got 'fast'
// SYNTAX: error: parameter group 'fc.b': expected GLOB:KEY=VALUE[,KEY=VALUE...]
// BADGLOB: error: parameter group 'fc.[:lr=1': bad pattern: invalid glob pattern, unmatched '['
// PERPARAM: error: parameter 'fc.b': nesterov needs a momentum and zero dampening (as PyTorch)
// NESTEROV-ERR: error: nesterov needs a momentum and zero dampening (as PyTorch)
// ADAM-MOMENTUM: error: momentum, dampening and nesterov are options of sgd, not adam
// SGD-AMSGRAD: error: amsgrad is an option of adam and adamw, not sgd
func.func @f_train_step(%w: tensor<2x3xf32> {lp.role = "param", lp.name = "fc.w"},
                        %b: tensor<3xf32> {lp.role = "param", lp.name = "fc.b"},
                        %step: tensor<i64> {lp.role = "state", lp.name = "step", lp.init = "zeros"},
                        %x: tensor<2x3xf32> {lp.role = "input", lp.name = "x"})
    -> (tensor<2x3xf32> {lp.name = "fc.w.grad"}, tensor<3xf32> {lp.name = "fc.b.grad"}, tensor<i64> {lp.name = "step"}) {
  %gb = lp.reduce_sum %x {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<3xf32>
  %g:2 = lp.gradients %x, %gb {params = ["fc.w", "fc.b"], phase = 2 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>)
  %one = arith.constant dense<1> : tensor<i64>
  %s = arith.addi %step, %one : tensor<i64>
  return %g#0, %g#1, %s : tensor<2x3xf32>, tensor<3xf32>, tensor<i64>
}
