// RUN: not lp-opt %s --lp-build-train-step=lr=abc 2>&1 | FileCheck %s
// RUN: not lp-opt %s --lp-build-train-step="optimizer=adam beta1=x" 2>&1 | FileCheck %s --check-prefix=BETA

// A pass option that does not parse is reported once, naming the option
// and the value, with a non-zero exit; no empty `<unknown>:0: error:` line
// follows it (lp-opt.cpp).

// CHECK: for the --lr option: 'abc' value invalid for floating point argument!
// CHECK-NOT: error:
// BETA: for the --beta1 option: 'x' value invalid for floating point argument!
// BETA-NOT: error:

func.func @f(%w: tensor<4xf32> {lp.role = "param", lp.name = "w"}) -> tensor<f32> {
  %l = lp.reduce_sum %w {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
