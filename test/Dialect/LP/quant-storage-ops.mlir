// RUN: lp-opt %s | lp-opt | FileCheck %s

// The integer-code ops round-trip through their generic text.

// CHECK-LABEL: func.func @codes
// CHECK: lp.quantize %{{.*}} {axis = 1 : i64, quant_max = 7 : i64, quant_min = -8 : i64} : (tensor<3x5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<3x5xi8>
// CHECK: lp.pack_int4 %{{.*}} : (tensor<3x5xi8>) -> tensor<8xi8>
// CHECK: lp.unpack_int4 %{{.*}} : (tensor<8xi8>) -> tensor<3x5xi8>
// CHECK: lp.dequantize %{{.*}} {axis = 1 : i64, quant_max = 7 : i64, quant_min = -8 : i64} : (tensor<3x5xi8>, tensor<5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
func.func @codes(%w: tensor<3x5xf32>, %s: tensor<5xf32>, %z: tensor<5xf32>) -> tensor<3x5xf32> {
  %q = lp.quantize %w, %s, %z {quant_min = -8 : i64, quant_max = 7 : i64, axis = 1 : i64} : (tensor<3x5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<3x5xi8>
  %p = lp.pack_int4 %q : (tensor<3x5xi8>) -> tensor<8xi8>
  %u = lp.unpack_int4 %p : (tensor<8xi8>) -> tensor<3x5xi8>
  %d = lp.dequantize %u, %s, %z {quant_min = -8 : i64, quant_max = 7 : i64, axis = 1 : i64} : (tensor<3x5xi8>, tensor<5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %d : tensor<3x5xf32>
}
