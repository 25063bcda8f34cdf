// RUN: lp-opt %s --lp-apply-optimizer="lr-schedule=cosine total-steps=4" --verify-diagnostics
// A learning-rate schedule is computed from the step's `step` argument; a
// function without one is a located error.

// expected-error @below {{the cosine learning-rate schedule needs the step's 'step' argument}}
func.func @no_step(%w: tensor<4xf32> {lp.role = "param", lp.name = "w"}) -> (tensor<4xf32> {lp.name = "w.grad"}) {
  %g = lp.gradients %w {params = ["w"]} : (tensor<4xf32>) -> tensor<4xf32>
  return %g : tensor<4xf32>
}
