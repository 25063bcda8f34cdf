// RUN: lp-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the observer ops' verifiers (ObserverOps.cpp).

func.func @axis_out_of_range(%x: tensor<4x8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{axis 2 is out of range for an input of rank 2}}
  %lo, %hi = lp.aminmax %x {axis = 2 : i64} : (tensor<4x8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
  return %lo : tensor<8xf32>
}

// -----

func.func @wrong_channels(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{per-channel results must be [8] (dimension 1 of the input [4, 8]), got [4]}}
  %lo, %hi = lp.aminmax %x {axis = 1 : i64} : (tensor<4x8xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %lo : tensor<4xf32>
}

// -----

func.func @no_axis(%x: tensor<4x8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{results [8] need `axis` (per channel) or rank 0 (per tensor)}}
  %lo, %hi = lp.aminmax %x : (tensor<4x8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
  return %lo : tensor<8xf32>
}

// -----

func.func @averaging(%a: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{averaging_constant must be in (0, 1], got 1.5}}
  %x, %y = lp.observe %a, %a, %a, %a {averaging_constant = 1.5 : f64} : (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %x : tensor<f32>
}

// -----

func.func @range_rank(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{ranges are per tensor (rank 0) or per channel (rank 1), got [2, 2]}}
  %x, %y = lp.observe %a, %a, %a, %a : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
  return %x : tensor<2x2xf32>
}

// -----

func.func @observe_types(%a: tensor<f32>, %b: tensor<3xf32>) -> tensor<f32> {
  // expected-error @+1 {{all of {current_min, current_max, min, max, new_min, new_max} have same type}}
  %x, %y = lp.observe %a, %a, %b, %b : (tensor<f32>, tensor<f32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<f32>, tensor<f32>)
  return %x : tensor<f32>
}

// -----

func.func @nine_bits(%a: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{quantization range [-256, 255] is not that of a signed or unsigned integer of 2 to 8 bits}}
  %s, %z = lp.quant_params %a, %a {quant_min = -256 : i64, quant_max = 255 : i64} : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %s : tensor<f32>
}

// -----

func.func @select_condition(%c: tensor<3xf32>, %a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{condition [3] must be rank 0 or have the values' shape [4]}}
  %y = lp.select %c, %a, %a : (tensor<3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @select_types(%c: tensor<f32>, %a: tensor<4xf32>, %b: tensor<4xbf16>) -> tensor<4xf32> {
  // expected-error @+1 {{all of {true_value, false_value, result} have same type}}
  %y = lp.select %c, %a, %b : (tensor<f32>, tensor<4xf32>, tensor<4xbf16>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
