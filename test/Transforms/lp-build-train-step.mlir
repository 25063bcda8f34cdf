// RUN: lp-opt %s --lp-build-train-step="optimizer=sgd lr=0.1 momentum=0.9" | FileCheck %s --check-prefix=SGD
// RUN: lp-opt %s --lp-build-train-step="optimizer=sgd lr=0.1" | FileCheck %s --check-prefix=PLAIN
// RUN: lp-opt %s --lp-build-train-step="optimizer=adamw lr=0.001 weight-decay=0.01" | FileCheck %s --check-prefix=ADAMW
// RUN: not lp-opt %s --lp-build-train-step="optimizer=rmsprop" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not lp-opt %s --lp-build-train-step="lr=0" 2>&1 | FileCheck %s --check-prefix=BADLR
// RUN: not lp-opt %s --lp-build-train-step="function=nope" 2>&1 | FileCheck %s --check-prefix=NOFN
// The whole step lowers to LLVM.
// RUN: lp-opt %s --lp-build-train-step="optimizer=adam" --lp-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// The stages: lp-build-gradients (forward, one seed per loss, reverse pass,
// lp.gradients, `step`), then lp-apply-optimizer (updates that read their
// gradient from lp.gradients, optimizer state registered after `step`).
// SGD-LABEL: func.func @mlp_train_step
// SGD-SAME: %arg0: tensor<4x3xf32> {lp.init = "glorot_uniform", lp.name = "w", lp.role = "param"}
// SGD-SAME: %arg1: tensor<3xf32> {lp.init = "zeros", lp.name = "b", lp.role = "param"}
// SGD-SAME: %arg2: tensor<i64> {lp.init = "zeros", lp.name = "step", lp.role = "state"}
// SGD-SAME: %arg3: tensor<4x3xf32> {lp.init = "zeros", lp.name = "w.sgd.momentum", lp.role = "state"}
// SGD-SAME: %arg4: tensor<3xf32> {lp.init = "zeros", lp.name = "b.sgd.momentum", lp.role = "state"}
// SGD-SAME: %arg5: tensor<8x4xf32> {lp.name = "x", lp.role = "input"}
// SGD-SAME: %arg6: tensor<8xi64> {lp.name = "y", lp.role = "label"}
// SGD-SAME: -> (tensor<4x3xf32> {lp.name = "w"}, tensor<3xf32> {lp.name = "b"}, tensor<i64> {lp.name = "step"}, tensor<4x3xf32> {lp.name = "w.sgd.momentum"}, tensor<3xf32> {lp.name = "b.sgd.momentum"}, tensor<f32> {lp.name = "loss"}, tensor<f32> {lp.name = "loss.total"})
// SGD: %[[LOSS:.*]] = lp.cross_entropy
// SGD: %[[SEED:.*]] = lp.loss_seed %[[LOSS]] {weight = 1.000000e+00 : f64}
// SGD: lp.cross_entropy_grad %{{.*}}, %{{.*}}, %[[SEED]]
// SGD: %[[STEP:.*]] = arith.addi %arg2, %{{.*}} : tensor<i64>
// SGD: %[[G:.*]]:2 = lp.gradients %{{.*}}, %{{.*}} {params = ["w", "b"], phase = 5 : i64}
// SGD: %[[LR:.*]] = arith.constant dense<1.000000e-01> : tensor<f32>
// SGD: %[[W:.*]], %[[WM:.*]] = lp.sgd_update %arg0, %[[G]]#0 momentum_buffer %arg3 lr %[[LR]] {momentum = 9.000000e-01 : f64}
// SGD: %[[B:.*]], %[[BM:.*]] = lp.sgd_update %arg1, %[[G]]#1 momentum_buffer %arg4 lr %[[LR]]
// SGD: return %[[W]], %[[B]], %[[STEP]], %[[WM]], %[[BM]]
// SGD-LABEL: func.func @mlp_eval
// SGD-SAME: -> (tensor<f32> {lp.name = "loss"}, tensor<f32> {lp.name = "loss.total"}, tensor<8x3xf32> {lp.name = "logits.y"})

// Without momentum there is no buffer.
// PLAIN-LABEL: func.func @mlp_train_step
// PLAIN-NOT: sgd.momentum
// PLAIN: lp.sgd_update %arg0, %{{.*}} lr %{{.*}} {momentum = 0.000000e+00 : f64
// PLAIN-SAME: -> tensor<4x3xf32>

// Adam counts the updates it applied in `adam.t` (here every step's).
// ADAMW-LABEL: func.func @mlp_train_step
// ADAMW-SAME: %arg2: tensor<i64> {lp.init = "zeros", lp.name = "step", lp.role = "state"}
// ADAMW-SAME: %arg3: tensor<i64> {lp.init = "zeros", lp.name = "adam.t", lp.role = "state"}
// ADAMW-SAME: lp.name = "w.adam.m"
// ADAMW-SAME: lp.name = "w.adam.v"
// ADAMW: %[[T:.*]] = arith.addi %arg3, %{{.*}} : tensor<i64>
// ADAMW: lp.adam_update %arg0, %{{.*}}, %arg4, %arg5 count %[[T]] lr %{{.*}} {beta1 = 9.000000e-01 : f64, beta2 = 0.99899999999999999 : f64, decoupled = true, eps = 1.000000e-08 : f64, weight_decay = 1.000000e-02 : f64}

// UNKNOWN: error: unknown optimizer 'rmsprop' (expected sgd, adam or adamw)
// BADLR: error: lr must be positive, got 0
// NOFN: error: no function named 'nope'

// LLVM-DAG: llvm.func @mlp_train_step
// LLVM-DAG: llvm.func @mlp_eval

func.func @mlp(%x: tensor<8x4xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<8xi64> {lp.role = "label", lp.name = "y"},
               %w: tensor<4x3xf32> {lp.role = "param", lp.name = "w", lp.init = "glorot_uniform"},
               %b: tensor<3xf32> {lp.role = "param", lp.name = "b", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w, %b : (tensor<8x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = lp.cross_entropy %h, %y : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
