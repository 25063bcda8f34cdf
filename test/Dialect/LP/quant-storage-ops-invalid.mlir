// RUN: lp-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the integer-code ops' verifiers
// (QuantStorageOps.cpp) and the quantization checks they share.

func.func @unsigned_range(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xi8> {
  // expected-error @+1 {{codes are i8: the range [0, 255] must lie within [-128, 127]}}
  %q = lp.quantize %x, %s, %s {quant_min = 0 : i64, quant_max = 255 : i64} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @bits(%x: tensor<4xi8>, %s: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{quantization range [-512, 511] is not that of a signed or unsigned integer of 2 to 8 bits}}
  %d = lp.dequantize %x, %s, %s {quant_min = -512 : i64, quant_max = 511 : i64} : (tensor<4xi8>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @axis(%x: tensor<4x2xi8>, %s: tensor<2xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{axis 2 is out of range for an input of rank 2}}
  %d = lp.dequantize %x, %s, %s {quant_min = -128 : i64, quant_max = 127 : i64, axis = 2 : i64} : (tensor<4x2xi8>, tensor<2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %d : tensor<4x2xf32>
}

// -----

func.func @shape(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<5xi8> {
  // expected-error @+1 {{input [4] and result [5] differ in shape}}
  %q = lp.quantize %x, %s, %s {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<5xi8>
  return %q : tensor<5xi8>
}

// -----

func.func @scale(%x: tensor<4xf32>) -> tensor<4xi8> {
  %s = arith.constant dense<0.0> : tensor<f32>
  // expected-error @+1 {{scale must be positive, got 0}}
  %q = lp.quantize %x, %s, %s {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @float_codes(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 8-bit signless integer values}}
  %d = lp.dequantize %x, %s, %s {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @pack(%x: tensor<3x5xi8>) -> tensor<7xi8> {
  // expected-error @+1 {{packs 15 int4 codes into [8] bytes, not [7]}}
  %p = lp.pack_int4 %x : (tensor<3x5xi8>) -> tensor<7xi8>
  return %p : tensor<7xi8>
}

// -----

func.func @unpack(%x: tensor<2x4xi8>) -> tensor<3x5xi8> {
  // expected-error @+1 {{packs 15 int4 codes into [8] bytes, not [2, 4]}}
  %u = lp.unpack_int4 %x : (tensor<2x4xi8>) -> tensor<3x5xi8>
  return %u : tensor<3x5xi8>
}
