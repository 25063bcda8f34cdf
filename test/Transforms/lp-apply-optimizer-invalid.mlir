// RUN: lp-opt %s --lp-apply-optimizer="optimizer=adam" --split-input-file --verify-diagnostics
// Located errors of lp-apply-optimizer.

// expected-error @below {{lp-apply-optimizer: no function has an lp.gradients op (it runs after lp-build-gradients and before lp-apply-optimizer)}}
module {
func.func @no_gradients(%w: tensor<4xf32> {lp.role = "param", lp.name = "w"}) -> tensor<4xf32> {
  return %w : tensor<4xf32>
}
}

// -----

// expected-error @below {{lp.gradients names parameter 'v', which is not an argument of 'bad_name'}}
func.func @bad_name(%w: tensor<4xf32> {lp.role = "param", lp.name = "w"}) -> (tensor<4xf32> {lp.name = "v.grad"}) {
  %g = lp.gradients %w {params = ["v"]} : (tensor<4xf32>) -> tensor<4xf32>
  return %g : tensor<4xf32>
}

// -----

// expected-error @below {{cannot add state 'w.adam.m' to 'taken': argument #1 has that name}}
func.func @taken(%w: tensor<4xf32> {lp.role = "param", lp.name = "w"},
                 %m: tensor<4xf32> {lp.role = "state", lp.name = "w.adam.m"}) -> (tensor<4xf32> {lp.name = "w.grad"}) {
  %g = lp.gradients %w {params = ["w"]} : (tensor<4xf32>) -> tensor<4xf32>
  return %g : tensor<4xf32>
}

// -----

// expected-error @below {{lp-apply-optimizer needs exactly one lp.gradients op in 'two', found 2 (run lp-build-gradients first)}}
func.func @two(%w: tensor<4xf32> {lp.role = "param", lp.name = "w"}) -> (tensor<4xf32> {lp.name = "w.grad"}) {
  %g = lp.gradients %w {params = ["w"]} : (tensor<4xf32>) -> tensor<4xf32>
  %h = lp.gradients %g {params = ["w"]} : (tensor<4xf32>) -> tensor<4xf32>
  return %h : tensor<4xf32>
}
