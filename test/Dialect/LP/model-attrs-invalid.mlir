// RUN: lp-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the lp dialect's attribute verifiers
// (lib/Dialect/LP/IR/LPDialect.cpp) and of the initialiser-spec parser they
// call (lib/Dialect/LP/IR/ModelAttrs.cpp).

//===----------------------------------------------------------------------===//
// lp.role
//===----------------------------------------------------------------------===//

// expected-error@+1 {{'lp.role' on argument #0 must be "input", "label", "param" or "state"}}
func.func @role_unknown(%x: tensor<4xf32> {lp.role = "weight"}) {
  return
}

// -----

// A parameter is trained, so it is a float tensor; the error is at the
// argument.
func.func @int_param(%x: tensor<4xf32> {lp.role = "input"},
                     // expected-error@+1 {{argument #1 is a parameter of type 'tensor<4xi64>'; parameters are float tensors (integer values are inputs or state)}}
                     %k: tensor<4xi64> {lp.role = "param"}) {
  return
}

// -----

// Roles are case-sensitive.
// expected-error@+1 {{'lp.role' on argument #1 must be "input", "label", "param" or "state"}}
func.func @role_wrong_case(%x: tensor<4xf32> {lp.role = "input"}, %w: tensor<4xf32> {lp.role = "Param"}) {
  return
}

// -----

// expected-error@+1 {{'lp.role' on argument #0 must be "input", "label", "param" or "state"}}
func.func @role_not_a_string(%x: tensor<4xf32> {lp.role = 1 : i64}) {
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.name and lp.layer on arguments and results
//===----------------------------------------------------------------------===//

// expected-error@+1 {{'lp.name' on argument #0 must be a non-empty string}}
func.func @name_empty(%x: tensor<4xf32> {lp.role = "input", lp.name = ""}) {
  return
}

// -----

// expected-error@+1 {{'lp.name' on argument #2 must be a non-empty string}}
func.func @name_not_a_string(%x: tensor<4xf32>, %y: tensor<4xf32>, %z: tensor<4xf32> {lp.name = @x}) {
  return
}

// -----

// Names of arguments with a role must be unique (arguments without a role,
// such as lowered out-parameters, may repeat them: see model-attrs.mlir).
// expected-error@+1 {{arguments #0 and #1 are both named "x"}}
func.func @name_duplicate(%x: tensor<4xf32> {lp.role = "input", lp.name = "x"}, %y: tensor<4xf32> {lp.role = "label", lp.name = "x"}) {
  return
}

// -----

// The first earlier argument with the name is reported.
// expected-error@+1 {{arguments #0 and #2 are both named "w"}}
func.func @name_duplicate_not_adjacent(%a: tensor<4xf32> {lp.role = "param", lp.name = "w"},
                                       %b: tensor<4xf32> {lp.role = "param", lp.name = "b"},
                                       %c: tensor<4xf32> {lp.role = "param", lp.name = "w"}) {
  return
}

// -----

// expected-error@+1 {{arguments #0 and #1 are both named "x"}}
func.func private @name_duplicate_on_declaration(tensor<2xf32> {lp.role = "input", lp.name = "x"}, tensor<2xf32> {lp.role = "state", lp.name = "x"})

// -----

// expected-error@+1 {{'lp.layer' on argument #0 must be a non-empty string}}
func.func @layer_empty_on_argument(%w: tensor<4xf32> {lp.role = "param", lp.layer = ""}) {
  return
}

// -----

// expected-error@+1 {{'lp.layer' on argument #0 must be a non-empty string}}
func.func @layer_not_a_string_on_argument(%w: tensor<4xf32> {lp.role = "param", lp.layer = ["fc"]}) {
  return
}

// -----

// expected-error@+1 {{'lp.name' on result #0 must be a non-empty string}}
func.func @result_name_empty(%x: tensor<f32>) -> (tensor<f32> {lp.name = ""}) {
  return %x : tensor<f32>
}

// -----

// expected-error@+1 {{'lp.name' on result #1 must be a non-empty string}}
func.func @result_name_not_a_string(%x: tensor<f32>) -> (tensor<f32> {lp.name = "a"}, tensor<f32> {lp.name = 0 : i64}) {
  return %x, %x : tensor<f32>, tensor<f32>
}

// -----

//===----------------------------------------------------------------------===//
// lp.init: placement and type
//===----------------------------------------------------------------------===//

// expected-error@+1 {{'lp.init' on argument #0 must be a string}}
func.func @init_not_a_string(%w: tensor<4xf32> {lp.role = "param", lp.init = 0.0 : f32}) {
  return
}

// -----

// expected-error@+1 {{'lp.init' on argument #0 requires lp.role = "param" or "state"}}
func.func @init_without_role(%w: tensor<4xf32> {lp.init = "zeros"}) {
  return
}

// -----

// expected-error@+1 {{'lp.init' on argument #1 requires lp.role = "param" or "state"}}
func.func @init_on_input(%w: tensor<4xf32> {lp.role = "param"}, %x: tensor<4xf32> {lp.role = "input", lp.init = "zeros"}) {
  return
}

// -----

// expected-error@+1 {{'lp.init' on argument #0 requires lp.role = "param" or "state"}}
func.func @init_on_label(%y: tensor<4xi64> {lp.role = "label", lp.init = "zeros"}) {
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.init: spec syntax
//===----------------------------------------------------------------------===//

// expected-error@+1 {{invalid 'lp.init' on argument #0: unknown initializer 'xavier' (expected zeros, ones, constant(v), normal(std), normal(mean, std), uniform(lo, hi), glorot_uniform or glorot_normal)}}
func.func @init_unknown_name(%w: tensor<4xf32> {lp.role = "param", lp.init = "xavier"}) {
  return
}

// -----

// Initialiser names are case-sensitive.
// expected-error@+1 {{invalid 'lp.init' on argument #0: unknown initializer 'Zeros'}}
func.func @init_unknown_name_wrong_case(%w: tensor<4xf32> {lp.role = "param", lp.init = "Zeros"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: unknown initializer ''}}
func.func @init_empty(%w: tensor<4xf32> {lp.role = "param", lp.init = ""}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: missing ')'}}
func.func @init_missing_paren(%w: tensor<4xf32> {lp.role = "param", lp.init = "normal(0.02"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'abc' is not a number}}
func.func @init_argument_not_a_number(%w: tensor<4xf32> {lp.role = "param", lp.init = "constant(abc)"}) {
  return
}

// -----

// An empty argument list is rejected rather than read as zero arguments.
// expected-error@+1 {{invalid 'lp.init' on argument #0: empty argument list; write 'zeros' without '()'}}
func.func @init_empty_argument_list(%w: tensor<4xf32> {lp.role = "param", lp.init = "zeros()"}) {
  return
}

// -----

// Whitespace alone is still an empty list.
// expected-error@+1 {{invalid 'lp.init' on argument #0: empty argument list; write 'glorot_uniform' without '()'}}
func.func @init_blank_argument_list(%w: tensor<4x4xf32> {lp.role = "param", lp.init = "glorot_uniform( )"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: empty argument}}
func.func @init_trailing_comma(%w: tensor<4xf32> {lp.role = "param", lp.init = "uniform(0, )"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: empty argument}}
func.func @init_leading_comma(%w: tensor<4xf32> {lp.role = "param", lp.init = "normal(, 1)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: empty argument}}
func.func @init_double_comma(%w: tensor<4xf32> {lp.role = "param", lp.init = "uniform(0,,1)"}) {
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.init: non-finite numbers
//===----------------------------------------------------------------------===//

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'nan' is not finite}}
func.func @init_constant_nan(%w: tensor<4xf32> {lp.role = "param", lp.init = "constant(nan)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'inf' is not finite}}
func.func @init_constant_inf(%w: tensor<4xf32> {lp.role = "param", lp.init = "constant(inf)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: '-inf' is not finite}}
func.func @init_uniform_negative_inf(%w: tensor<4xf32> {lp.role = "param", lp.init = "uniform(-inf, 0)"}) {
  return
}

// -----

// A literal that overflows double is infinite.
// expected-error@+1 {{invalid 'lp.init' on argument #0: '1e400' is not finite}}
func.func @init_normal_overflowing_mean(%w: tensor<4xf32> {lp.role = "param", lp.init = "normal(1e400, 1)"}) {
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.init: argument counts and values
//===----------------------------------------------------------------------===//

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'zeros' takes 0 argument(s), got 1}}
func.func @init_zeros_with_argument(%w: tensor<4xf32> {lp.role = "param", lp.init = "zeros(1)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'ones' takes 0 argument(s), got 2}}
func.func @init_ones_with_arguments(%w: tensor<4xf32> {lp.role = "param", lp.init = "ones(1, 2)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'constant' takes 1 argument(s), got 0}}
func.func @init_constant_without_argument(%w: tensor<4xf32> {lp.role = "param", lp.init = "constant"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'constant' takes 1 argument(s), got 2}}
func.func @init_constant_two_arguments(%w: tensor<4xf32> {lp.role = "param", lp.init = "constant(1, 2)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'normal' takes 1 to 2 argument(s), got 0}}
func.func @init_normal_without_argument(%w: tensor<4xf32> {lp.role = "param", lp.init = "normal"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'normal' takes 1 to 2 argument(s), got 3}}
func.func @init_normal_three_arguments(%w: tensor<4xf32> {lp.role = "param", lp.init = "normal(0, 1, 2)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: normal std must be non-negative}}
func.func @init_normal_negative_std(%w: tensor<4xf32> {lp.role = "param", lp.init = "normal(-0.02)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: normal std must be non-negative}}
func.func @init_normal_mean_negative_std(%w: tensor<4xf32> {lp.role = "param", lp.init = "normal(0.0, -1)"}) {
  return
}

// -----

// NaN is rejected as non-finite before the std check sees it.
// expected-error@+1 {{invalid 'lp.init' on argument #0: 'nan' is not finite}}
func.func @init_normal_nan_std(%w: tensor<4xf32> {lp.role = "param", lp.init = "normal(0.0, nan)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'uniform' takes 2 argument(s), got 1}}
func.func @init_uniform_one_argument(%w: tensor<4xf32> {lp.role = "param", lp.init = "uniform(0.1)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'uniform' takes 2 argument(s), got 3}}
func.func @init_uniform_three_arguments(%w: tensor<4xf32> {lp.role = "param", lp.init = "uniform(0, 1, 2)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: uniform needs low <= high}}
func.func @init_uniform_reversed(%w: tensor<4xf32> {lp.role = "param", lp.init = "uniform(0.1, -0.1)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'nan' is not finite}}
func.func @init_uniform_nan_bound(%w: tensor<4xf32> {lp.role = "param", lp.init = "uniform(nan, 1)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'glorot_uniform' takes 0 argument(s), got 1}}
func.func @init_glorot_uniform_with_argument(%w: tensor<4x4xf32> {lp.role = "param", lp.init = "glorot_uniform(1.0)"}) {
  return
}

// -----

// expected-error@+1 {{invalid 'lp.init' on argument #0: 'glorot_normal' takes 0 argument(s), got 2}}
func.func @init_glorot_normal_with_arguments(%w: tensor<4x4xf32> {lp.role = "param", lp.init = "glorot_normal(0, 1)"}) {
  return
}

// -----

//===----------------------------------------------------------------------===//
// Unknown lp attributes on arguments and results
//===----------------------------------------------------------------------===//

// expected-error@+1 {{unknown lp argument attribute 'lp.weight_decay'}}
func.func @unknown_argument_attr(%w: tensor<4xf32> {lp.role = "param", lp.weight_decay = 0.01 : f32}) {
  return
}

// -----

// expected-error@+1 {{unknown lp argument attribute 'lp.loss_weights'}}
func.func @loss_weights_on_argument(%x: tensor<f32> {lp.loss_weights = [1.0]}) {
  return
}

// -----

// expected-error@+1 {{unknown lp result attribute 'lp.role'}}
func.func @role_on_result(%x: tensor<f32>) -> (tensor<f32> {lp.role = "input"}) {
  return %x : tensor<f32>
}

// -----

// expected-error@+1 {{unknown lp result attribute 'lp.init'}}
func.func @init_on_result(%x: tensor<f32>) -> (tensor<f32> {lp.init = "zeros"}) {
  return %x : tensor<f32>
}

// -----

// expected-error@+1 {{unknown lp result attribute 'lp.layer'}}
func.func @layer_on_result(%x: tensor<f32>) -> (tensor<f32> {lp.layer = "head"}) {
  return %x : tensor<f32>
}

// -----

//===----------------------------------------------------------------------===//
// Operation attributes: lp.layer, lp.loss_weights, unknown lp attributes
//===----------------------------------------------------------------------===//

func.func @layer_empty_on_op(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.layer' on operation must be a non-empty string}}
  %0 = lp.relu %x {lp.layer = ""} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @layer_not_a_string_on_op(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.layer' on operation must be a non-empty string}}
  %0 = lp.relu %x {lp.layer = 3 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// expected-error@+1 {{'lp.loss_weights' has 1 entries but the function returns 2 losses}}
func.func @loss_weights_too_few(%a: tensor<f32>, %b: tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {lp.loss_weights = [1.0]} {
  return %a, %b : tensor<f32>, tensor<f32>
}

// -----

// expected-error@+1 {{'lp.loss_weights' has 3 entries but the function returns 2 losses}}
func.func @loss_weights_too_many(%a: tensor<f32>, %b: tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {lp.loss_weights = [1.0, 1.0, 1.0]} {
  return %a, %b : tensor<f32>, tensor<f32>
}

// -----

// expected-error@+1 {{'lp.loss_weights' entries must be float attributes}}
func.func @loss_weights_integer_entry(%a: tensor<f32>, %b: tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {lp.loss_weights = [1.0, 2 : i64]} {
  return %a, %b : tensor<f32>, tensor<f32>
}

// -----

// expected-error@+1 {{'lp.loss_weights' entries must be float attributes}}
func.func @loss_weights_string_entry(%a: tensor<f32>) -> tensor<f32>
    attributes {lp.loss_weights = ["1.0"]} {
  return %a : tensor<f32>
}

// -----

// expected-error@+1 {{'lp.loss_weights' entries must be finite}}
func.func @loss_weights_nan_entry(%a: tensor<f32>, %b: tensor<f32>) -> (tensor<f32>, tensor<f32>)
    attributes {lp.loss_weights = [1.0, 0x7FC00000 : f32]} {
  return %a, %b : tensor<f32>, tensor<f32>
}

// -----

// expected-error@+1 {{'lp.loss_weights' entries must be finite}}
func.func @loss_weights_inf_entry(%a: tensor<f32>) -> tensor<f32>
    attributes {lp.loss_weights = [0x7FF0000000000000 : f64]} {
  return %a : tensor<f32>
}

// -----

// expected-error@+1 {{'lp.loss_weights' entries must be finite}}
func.func @loss_weights_negative_inf_bf16_entry(%a: tensor<bf16>) -> tensor<bf16>
    attributes {lp.loss_weights = [0xFF80 : bf16]} {
  return %a : tensor<bf16>
}

// -----

// expected-error@+1 {{'lp.loss_weights' must be an array of floats on a function}}
func.func @loss_weights_not_an_array(%a: tensor<f32>) -> tensor<f32>
    attributes {lp.loss_weights = 1.0 : f32} {
  return %a : tensor<f32>
}

// -----

// expected-error@+1 {{'lp.loss_weights' must be an array of floats on a function}}
func.func @loss_weights_dense_array(%a: tensor<f32>) -> tensor<f32>
    attributes {lp.loss_weights = array<f32: 1.0>} {
  return %a : tensor<f32>
}

// -----

func.func @loss_weights_on_op(%a: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'lp.loss_weights' must be an array of floats on a function}}
  %0 = lp.mse_loss %a, %b {lp.loss_weights = [1.0]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

// expected-error@+1 {{'lp.loss_weights' must be an array of floats on a function}}
module attributes {lp.loss_weights = [1.0]} {
}

// -----

func.func @unknown_op_attr(%x: tensor<4xf32>) {
  // expected-error@+1 {{unknown lp attribute 'lp.scale'}}
  %0 = lp.relu %x {lp.scale = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// lp.name names arguments and results, not operations.
func.func @name_on_op(%x: tensor<4xf32>) {
  // expected-error@+1 {{unknown lp attribute 'lp.name'}}
  %0 = lp.relu %x {lp.name = "act"} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// expected-error@+1 {{unknown lp attribute 'lp.role'}}
func.func @role_on_function(%x: tensor<4xf32>) attributes {lp.role = "input"} {
  return
}

// -----

// lp.signature (lp-record-signature) is a signature document on a function.
// expected-error@+1 {{'lp.signature' must be a string (a signature document) on a function}}
func.func @signature_not_a_string(%x: tensor<4xf32>) attributes {lp.signature = 1 : i64} {
  return
}

// -----

func.func @signature_on_op(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.signature' must be a string (a signature document) on a function}}
  %0 = lp.relu %x {lp.signature = "{}"} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @conv_params_wrong_length(%a: tensor<4xf32>) {
  // expected-error@+1 {{'lp.conv' must be [stride h, stride w, padding h, padding w], strides >= 1}}
  %0 = lp.relu %a {lp.conv = array<i64: 1, 1, 0>} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @conv_params_zero_stride(%a: tensor<4xf32>) {
  // expected-error@+1 {{'lp.conv' must be [stride h, stride w, padding h, padding w], strides >= 1}}
  %0 = lp.relu %a {lp.conv = array<i64: 0, 1, 0, 0>} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// lp.remat marks a cast the backward pass recomputes: a unit attribute.
func.func @remat_with_a_value(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.remat' must be a unit attribute}}
  %0 = lp.cast %x {lp.remat = 1 : i64} : (tensor<4xf32>) -> tensor<4xbf16>
  return
}
