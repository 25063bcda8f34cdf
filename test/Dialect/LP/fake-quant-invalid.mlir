// RUN: lp-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of lp.fake_quant's verifier (QuantOps.cpp).

func.func @one_bit(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{quantization range [0, 1] is not that of a signed or unsigned integer of 2 to 8 bits}}
  %y = lp.fake_quant %x, %s, %z {quant_min = 0 : i64, quant_max = 1 : i64} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @nine_bits(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{quantization range [-256, 255] is not that of a signed or unsigned integer of 2 to 8 bits}}
  %y = lp.fake_quant %x, %s, %z {quant_min = -256 : i64, quant_max = 255 : i64} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @reversed(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{quantization range [127, -128] is not}}
  %y = lp.fake_quant %x, %s, %z {quant_min = 127 : i64, quant_max = -128 : i64} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @axis_out_of_range(%x: tensor<4x3xf32>, %s: tensor<3xf32>, %z: tensor<3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{axis 2 is out of range for an input of rank 2}}
  %y = lp.fake_quant %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64, axis = 2 : i64} : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @channel_count(%x: tensor<4x3xf32>, %s: tensor<4xf32>, %z: tensor<4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{per-channel scale must be [3] (dimension 1 of the input [4, 3]), got [4]}}
  %y = lp.fake_quant %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64, axis = 1 : i64} : (tensor<4x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @vector_scale_without_axis(%x: tensor<4x3xf32>, %s: tensor<3xf32>, %z: tensor<3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{scale [3] needs `axis` (per channel) or rank 0 (per tensor)}}
  %y = lp.fake_quant %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @zero_point_shape(%x: tensor<4x3xf32>, %s: tensor<3xf32>, %z: tensor<f32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{scale [3] and zero point [] differ in shape}}
  %y = lp.fake_quant %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64, axis = 1 : i64} : (tensor<4x3xf32>, tensor<3xf32>, tensor<f32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @non_positive_scale(%x: tensor<4xf32>, %z: tensor<f32>) -> tensor<4xf32> {
  %s = arith.constant dense<0.0> : tensor<f32>
  // expected-error @+1 {{scale must be positive, got 0}}
  %y = lp.fake_quant %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @not_f32(%x: tensor<4xbf16>, %s: tensor<f32>, %z: tensor<f32>) -> tensor<4xbf16> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float values}}
  %y = lp.fake_quant %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<4xbf16>, tensor<f32>, tensor<f32>) -> tensor<4xbf16>
  return %y : tensor<4xbf16>
}

// -----

// The gradient ops share the verifier.
func.func @grad_axis(%x: tensor<4x3xf32>, %s: tensor<3xf32>, %z: tensor<3xf32>, %dy: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{axis 5 is out of range for an input of rank 2}}
  %y = lp.fake_quant_grad %x, %s, %z, %dy {quant_min = -128 : i64, quant_max = 127 : i64, axis = 5 : i64} : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @range_grad_bits(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<f32>, %dy: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{quantization range [0, 1] is not that of a signed or unsigned integer of 2 to 8 bits}}
  %y = lp.fake_quant_range_grad %x, %s, %z, %dy {quant_min = 0 : i64, quant_max = 1 : i64} : (tensor<4xf32>, tensor<f32>, tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
