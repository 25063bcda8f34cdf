// RUN: lp-opt %s | lp-opt | FileCheck %s
// RUN: lp-opt %s --mlir-print-op-generic | lp-opt | FileCheck %s

// Model signatures accepted by the lp dialect's attribute verifiers
// (lib/Dialect/LP/IR/LPDialect.cpp): argument roles, names and initialisers,
// result names, lp.layer on operations and arguments, and lp.loss_weights.
// Argument attributes print sorted by name. Both RUN lines end in the custom
// form, so they share one prefix.

// CHECK-LABEL: func.func @mlp_every_role
// CHECK-SAME: (%arg0: tensor<64x64xf32> {lp.name = "x", lp.role = "input"},
// CHECK-SAME: %arg1: tensor<64xi64> {lp.name = "y", lp.role = "label"},
// CHECK-SAME: %arg2: tensor<64x10xf32> {lp.init = "glorot_uniform", lp.name = "fc.weight", lp.role = "param"},
// CHECK-SAME: %arg3: tensor<10xf32> {lp.init = "zeros", lp.name = "fc.bias", lp.role = "param"})
// CHECK-SAME: -> (tensor<f32> {lp.name = "loss"})
// CHECK: lp.linear
// CHECK: lp.cross_entropy
func.func @mlp_every_role(%x: tensor<64x64xf32> {lp.role = "input", lp.name = "x"},
                          %y: tensor<64xi64> {lp.role = "label", lp.name = "y"},
                          %w: tensor<64x10xf32> {lp.role = "param", lp.name = "fc.weight", lp.init = "glorot_uniform"},
                          %b: tensor<10xf32> {lp.role = "param", lp.name = "fc.bias", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %0 = lp.linear %x, %w, %b : (tensor<64x64xf32>, tensor<64x10xf32>, tensor<10xf32>) -> tensor<64x10xf32>
  %1 = lp.cross_entropy %0, %y : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
  return %1 : tensor<f32>
}

// Roles alone, without names or initialisers; a parameter need not have an
// initialiser.
// CHECK-LABEL: func.func @roles_without_names
// CHECK-SAME: (%arg0: tensor<4xf32> {lp.role = "input"},
// CHECK-SAME: %arg1: tensor<4xf32> {lp.role = "label"},
// CHECK-SAME: %arg2: tensor<4xf32> {lp.role = "param"})
// CHECK-SAME: -> tensor<f32>
func.func @roles_without_names(%x: tensor<4xf32> {lp.role = "input"},
                               %t: tensor<4xf32> {lp.role = "label"},
                               %p: tensor<4xf32> {lp.role = "param"}) -> tensor<f32> {
  %0 = lp.mul %x, %p : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = lp.mse_loss %0, %t : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// Optimizer state threaded through a train step: a momentum buffer with an
// initialiser and an integer step counter without one.
// CHECK-LABEL: func.func @optimizer_state_roles
// CHECK-SAME: %arg0: tensor<4xf32> {lp.init = "zeros", lp.name = "w", lp.role = "param"}
// CHECK-SAME: %arg1: tensor<4xf32> {lp.init = "zeros", lp.name = "w.momentum", lp.role = "state"}
// CHECK-SAME: %arg2: tensor<i64> {lp.name = "step", lp.role = "state"}
func.func @optimizer_state_roles(%w: tensor<4xf32> {lp.role = "param", lp.name = "w", lp.init = "zeros"},
                                 %buf: tensor<4xf32> {lp.role = "state", lp.name = "w.momentum", lp.init = "zeros"},
                                 %step: tensor<i64> {lp.role = "state", lp.name = "step"}) {
  return
}

// Only arguments with a role must have unique names: arguments without one
// (lowered out-parameters carry their result's name) may repeat a name,
// among themselves or with a model argument.
// CHECK-LABEL: func.func @name_repeated_without_role
// CHECK-SAME: (%arg0: tensor<4xf32> {lp.name = "loss", lp.role = "input"},
// CHECK-SAME: %arg1: tensor<4xf32> {lp.name = "loss"},
// CHECK-SAME: %arg2: tensor<4xf32> {lp.name = "loss"})
func.func @name_repeated_without_role(%x: tensor<4xf32> {lp.role = "input", lp.name = "loss"},
                                      %o1: tensor<4xf32> {lp.name = "loss"},
                                      %o2: tensor<4xf32> {lp.name = "loss"}) {
  return
}

// An argument and a result may share a name; so may an argument's name and
// another argument's layer.
// CHECK-LABEL: func.func @name_shared_by_argument_and_result
// CHECK-SAME: (%arg0: tensor<f32> {lp.layer = "h", lp.name = "loss"}, %arg1: tensor<f32> {lp.name = "h"})
// CHECK-SAME: -> (tensor<f32> {lp.name = "loss"})
func.func @name_shared_by_argument_and_result(%a: tensor<f32> {lp.name = "loss", lp.layer = "h"},
                                              %b: tensor<f32> {lp.name = "h"})
    -> (tensor<f32> {lp.name = "loss"}) {
  return %a : tensor<f32>
}

// Every initialiser form, each on a parameter; the spec string is kept
// verbatim.
// CHECK-LABEL: func.func @every_init_form
// CHECK-SAME: %arg0: tensor<4xf32> {lp.init = "zeros", lp.role = "param"}
// CHECK-SAME: %arg1: tensor<4xf32> {lp.init = "ones", lp.role = "param"}
// CHECK-SAME: %arg2: tensor<4xf32> {lp.init = "constant(0.5)", lp.role = "param"}
// CHECK-SAME: %arg3: tensor<4xf32> {lp.init = "constant(-2)", lp.role = "param"}
// CHECK-SAME: %arg4: tensor<4xf32> {lp.init = "normal(0.02)", lp.role = "param"}
// CHECK-SAME: %arg5: tensor<4xf32> {lp.init = "normal(1.0, 0.02)", lp.role = "param"}
// CHECK-SAME: %arg6: tensor<4xf32> {lp.init = "uniform(-0.1, 0.1)", lp.role = "param"}
// CHECK-SAME: %arg7: tensor<4x4xf32> {lp.init = "glorot_uniform", lp.role = "param"}
// CHECK-SAME: %arg8: tensor<4x4xf32> {lp.init = "glorot_normal", lp.role = "param"}
func.func @every_init_form(%zeros: tensor<4xf32> {lp.role = "param", lp.init = "zeros"},
                           %ones: tensor<4xf32> {lp.role = "param", lp.init = "ones"},
                           %const: tensor<4xf32> {lp.role = "param", lp.init = "constant(0.5)"},
                           %const_neg: tensor<4xf32> {lp.role = "param", lp.init = "constant(-2)"},
                           %normal_std: tensor<4xf32> {lp.role = "param", lp.init = "normal(0.02)"},
                           %normal_mean_std: tensor<4xf32> {lp.role = "param", lp.init = "normal(1.0, 0.02)"},
                           %uniform: tensor<4xf32> {lp.role = "param", lp.init = "uniform(-0.1, 0.1)"},
                           %glorot_u: tensor<4x4xf32> {lp.role = "param", lp.init = "glorot_uniform"},
                           %glorot_n: tensor<4x4xf32> {lp.role = "param", lp.init = "glorot_normal"}) {
  return
}

// Boundary values and spelling the spec parser accepts: surrounding and inner
// whitespace, exponents, a zero standard deviation, an empty uniform range.
// CHECK-LABEL: func.func @init_boundary_values
// CHECK-SAME: %arg0: tensor<4xf32> {lp.init = " zeros ", lp.role = "param"}
// CHECK-SAME: %arg1: tensor<4xf32> {lp.init = "constant( 1e-3 )", lp.role = "param"}
// CHECK-SAME: %arg2: tensor<4xf32> {lp.init = "normal(0)", lp.role = "param"}
// CHECK-SAME: %arg3: tensor<4xf32> {lp.init = "normal(-1.5,0)", lp.role = "param"}
// CHECK-SAME: %arg4: tensor<4xf32> {lp.init = "uniform(2, 2)", lp.role = "param"}
func.func @init_boundary_values(%a: tensor<4xf32> {lp.role = "param", lp.init = " zeros "},
                                %b: tensor<4xf32> {lp.role = "param", lp.init = "constant( 1e-3 )"},
                                %c: tensor<4xf32> {lp.role = "param", lp.init = "normal(0)"},
                                %d: tensor<4xf32> {lp.role = "param", lp.init = "normal(-1.5,0)"},
                                %e: tensor<4xf32> {lp.role = "param", lp.init = "uniform(2, 2)"}) {
  return
}

// Parameters in every element type, and a conv filter with a Glorot
// initialiser.
// CHECK-LABEL: func.func @params_low_precision
// CHECK-SAME: %arg0: tensor<1x1x8x8xbf16> {lp.name = "image", lp.role = "input"}
// CHECK-SAME: %arg1: tensor<4x1x3x3xbf16> {lp.init = "glorot_normal", lp.name = "conv.weight", lp.role = "param"}
// CHECK-SAME: %arg2: tensor<4xbf16> {lp.init = "constant(0.1)", lp.name = "conv.bias", lp.role = "param"}
// CHECK-SAME: %arg3: tensor<16xf16> {lp.init = "uniform(-1, 1)", lp.name = "scale", lp.role = "param"}
func.func @params_low_precision(%x: tensor<1x1x8x8xbf16> {lp.role = "input", lp.name = "image"},
                                %w: tensor<4x1x3x3xbf16> {lp.role = "param", lp.name = "conv.weight", lp.init = "glorot_normal"},
                                %b: tensor<4xbf16> {lp.role = "param", lp.name = "conv.bias", lp.init = "constant(0.1)"},
                                %s: tensor<16xf16> {lp.role = "param", lp.name = "scale", lp.init = "uniform(-1, 1)"}) {
  return
}

// lp.layer groups operations (and parameters) into named layers.
// CHECK-LABEL: func.func @layer_on_ops
// CHECK-SAME: %arg1: tensor<8x16xf32> {lp.init = "glorot_uniform", lp.layer = "fc1", lp.role = "param"}
// CHECK-SAME: %arg2: tensor<16xf32> {lp.init = "zeros", lp.layer = "fc1", lp.role = "param"}
// CHECK: %[[FC:.*]] = lp.linear %arg0, %arg1, %arg2 {lp.layer = "fc1"} : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
// CHECK: %[[ACT:.*]] = lp.relu %[[FC]] {lp.layer = "fc1"} : (tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK: lp.reduce_mean %[[ACT]] {axes = array<i64: 0, 1>, lp.layer = "head"} : (tensor<4x16xf32>) -> tensor<f32>
func.func @layer_on_ops(%x: tensor<4x8xf32> {lp.role = "input"},
                        %w: tensor<8x16xf32> {lp.role = "param", lp.layer = "fc1", lp.init = "glorot_uniform"},
                        %b: tensor<16xf32> {lp.role = "param", lp.layer = "fc1", lp.init = "zeros"}) -> tensor<f32> {
  %0 = lp.linear %x, %w, %b {lp.layer = "fc1"} : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %1 = lp.relu %0 {lp.layer = "fc1"} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %2 = lp.reduce_mean %1 {axes = array<i64: 0, 1>, lp.layer = "head"} : (tensor<4x16xf32>) -> tensor<f32>
  return %2 : tensor<f32>
}

// Two named losses with per-loss weights; a weight may carry any float type.
// CHECK-LABEL: func.func @two_losses_with_weights
// CHECK-SAME: -> (tensor<f32> {lp.name = "ce"}, tensor<f32> {lp.name = "mse"})
// CHECK-SAME: attributes {lp.loss_weights = [1.000000e+00, 5.000000e-01 : f32]}
// CHECK: lp.cross_entropy
// CHECK: lp.mse_loss
func.func @two_losses_with_weights(%x: tensor<8x4xf32> {lp.role = "input"},
                                   %y: tensor<8xi32> {lp.role = "label"},
                                   %t: tensor<8x4xf32> {lp.role = "label"},
                                   %w: tensor<4x4xf32> {lp.role = "param", lp.init = "normal(0.0, 0.02)"})
    -> (tensor<f32> {lp.name = "ce"}, tensor<f32> {lp.name = "mse"})
    attributes {lp.loss_weights = [1.0, 0.5 : f32]} {
  %0 = lp.linear %x, %w : (tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<8x4xf32>
  %1 = lp.cross_entropy %0, %y : (tensor<8x4xf32>, tensor<8xi32>) -> tensor<f32>
  %2 = lp.mse_loss %0, %t : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<f32>
  return %1, %2 : tensor<f32>, tensor<f32>
}

// A single loss with a weight, in bf16; results need not be named.
// CHECK-LABEL: func.func @one_loss_with_weight_bf16
// CHECK-SAME: -> tensor<bf16>
// CHECK-SAME: attributes {lp.loss_weights = [2.000000e+00 : bf16]}
func.func @one_loss_with_weight_bf16(%p: tensor<4xbf16> {lp.role = "input"},
                                     %t: tensor<4xbf16> {lp.role = "label"}) -> tensor<bf16>
    attributes {lp.loss_weights = [2.0 : bf16]} {
  %0 = lp.mse_loss %p, %t : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<bf16>
  return %0 : tensor<bf16>
}

// An f64 model (for gradient checks); an f64 weight prints without its type.
// CHECK-LABEL: func.func @mse_f64
// CHECK-SAME: %arg1: tensor<4xf64> {lp.init = "normal(0.5, 1e-2)", lp.name = "w", lp.role = "param"}
// CHECK-SAME: -> (tensor<f64> {lp.name = "loss"})
// CHECK-SAME: attributes {lp.loss_weights = [1.000000e+00]}
// CHECK: lp.mse_loss %{{.*}}, %arg2 : (tensor<4xf64>, tensor<4xf64>) -> tensor<f64>
func.func @mse_f64(%x: tensor<4xf64> {lp.role = "input"},
                   %w: tensor<4xf64> {lp.role = "param", lp.name = "w", lp.init = "normal(0.5, 1e-2)"},
                   %t: tensor<4xf64> {lp.role = "label"}) -> (tensor<f64> {lp.name = "loss"})
    attributes {lp.loss_weights = [1.0 : f64]} {
  %0 = lp.mul %x, %w : (tensor<4xf64>, tensor<4xf64>) -> tensor<4xf64>
  %1 = lp.mse_loss %0, %t : (tensor<4xf64>, tensor<4xf64>) -> tensor<f64>
  return %1 : tensor<f64>
}

// Model attributes on an external declaration are verified and kept too.
// CHECK-LABEL: func.func private @declared_model
// CHECK-SAME: (tensor<2xf32> {lp.name = "x", lp.role = "input"}, tensor<2xf32> {lp.init = "ones", lp.role = "param"})
// CHECK-SAME: -> (tensor<f32> {lp.name = "loss"})
func.func private @declared_model(tensor<2xf32> {lp.role = "input", lp.name = "x"},
                                  tensor<2xf32> {lp.role = "param", lp.init = "ones"})
    -> (tensor<f32> {lp.name = "loss"})
