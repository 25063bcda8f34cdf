// RUN: not lp-opt %s --lp-build-train-step=lr=abc 2>&1 | FileCheck %s
// RUN: not lp-opt %s --lp-build-train-step="optimizer=adam beta1=x" 2>&1 | FileCheck %s --check-prefix=BETA
// RUN: not lp-opt %s --lp-build-train-step="loss-scale=1024" 2>&1 | FileCheck %s --check-prefix=SCALE

// A pass option that does not parse is reported once, naming the option
// and the value, with a non-zero exit; no empty `<unknown>:0: error:` line
// follows it (lp-opt.cpp).

// CHECK: for the --lr option: 'abc' value invalid for floating point argument!
// CHECK-NOT: error:
// BETA: for the --beta1 option: 'x' value invalid for floating point argument!
// BETA-NOT: error:

// A loss-scale mode that is not one (a number is the scale, init-scale) is
// reported at the model, saying how to give the scale.
// SCALE: lp-build-train-step-bad-option.mlir:[[@LINE+3]]:1: error: lp-build-train-step: loss-scale must be none, static or dynamic, got '1024' (the scale is init-scale: loss-scale=static init-scale=S; lp-run --loss-scale=static --init-scale=S)
// SCALE-NOT: error:

func.func @f(%w: tensor<4xf32> {lp.role = "param", lp.name = "w"}) -> tensor<f32> {
  %l = lp.reduce_sum %w {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
