// RUN: lp-opt %s --lp-build-train-step --split-input-file --verify-diagnostics

// Names a train step binds by (include/lp/Dialect/LP/IR/AbiNames.h) are
// reserved: a model argument or result that uses one is an error there.

func.func @argument_named_step(
    %x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
    // expected-error @+1 {{argument #1 is named 'step', a name the train step reserves}}
    %s: tensor<4xf32> {lp.role = "input", lp.name = "step"},
    %w: tensor<4xf32> {lp.role = "param", lp.name = "w"}) -> tensor<f32> {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

func.func @parameter_named_like_adam_state(
    %x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
    %w: tensor<4xf32> {lp.role = "param", lp.name = "w"},
    // expected-error @+1 {{argument #2 is named 'w.adam.m', a name the train step reserves for parameter 'w'}}
    %m: tensor<4xf32> {lp.role = "param", lp.name = "w.adam.m"}) -> tensor<f32> {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = lp.mul %p, %m : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %q {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Reserved whatever the optimizer: `w.sgd.momentum` with plain SGD too.
func.func @input_named_like_momentum(
    %w: tensor<4xf32> {lp.role = "param", lp.name = "w"},
    // expected-error @+1 {{argument #1 is named 'w.sgd.momentum', a name the train step reserves for parameter 'w'}}
    %x: tensor<4xf32> {lp.role = "input", lp.name = "w.sgd.momentum"}) -> tensor<f32> {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// `x` is not a parameter: `x.adam.m` names nothing of the step's.
func.func @state_suffix_of_an_input_is_free(
    %x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
    %m: tensor<4xf32> {lp.role = "input", lp.name = "x.adam.m"},
    %w: tensor<4xf32> {lp.role = "param", lp.name = "w"}) -> tensor<f32> {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = lp.mul %p, %m : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %q {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// expected-error @+1 {{result #0 is named 'loss.total', a name the train step reserves}}
func.func @result_named_loss_total(
    %x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
    %w: tensor<4xf32> {lp.role = "param", lp.name = "w"})
    -> (tensor<f32> {lp.name = "loss.total"}) {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// expected-error @+1 {{result #1 is named 'logits', a name the train step reserves}}
func.func @result_named_logits(
    %x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
    %w: tensor<4xf32> {lp.role = "param", lp.name = "w"})
    -> (tensor<f32> {lp.name = "loss"}, tensor<f32> {lp.name = "logits"})
    attributes {lp.loss_weights = [1.0, 1.0]} {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l, %l : tensor<f32>, tensor<f32>
}

// -----

// Names to come are reserved now (loss scaling).
func.func @argument_named_loss_scale(
    %x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
    // expected-error @+1 {{argument #1 is named 'loss_scale', a name the train step reserves}}
    %s: tensor<f32> {lp.role = "input", lp.name = "loss_scale"},
    %w: tensor<4xf32> {lp.role = "param", lp.name = "w"}) -> tensor<f32> {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  %m = lp.mul %l, %s : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %m : tensor<f32>
}

// -----

// A loss named like an argument would read as that argument's next value.
// expected-error @+1 {{loss 'w' has the name of an argument or of train-step state; rename it}}
func.func @loss_named_like_a_parameter(
    %x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
    %w: tensor<4xf32> {lp.role = "param", lp.name = "w"})
    -> (tensor<f32> {lp.name = "w"}) {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// expected-error @+1 {{two losses are named 'a'}}
func.func @two_losses_with_one_name(
    %x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
    %w: tensor<4xf32> {lp.role = "param", lp.name = "w"})
    -> (tensor<f32> {lp.name = "a"}, tensor<f32> {lp.name = "a"})
    attributes {lp.loss_weights = [1.0, 1.0]} {
  %p = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  return %l, %l : tensor<f32>, tensor<f32>
}
