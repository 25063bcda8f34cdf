// RUN: lp-opt %s --convert-lp-to-linalg --split-input-file --mlir-print-local-scope | FileCheck %s

// lp.quantize is lp.fake_quant's generic up to the clamp, then NaN to the
// zero point and fptosi to i8; lp.dequantize subtracts the zero point
// (rounded and clamped) from the code in f32 and multiplies by the scale,
// as lp.fake_quant does.

// CHECK-LABEL: func.func @quantize
// CHECK: arith.divf
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x5xi8>)
// CHECK: %[[Q:.*]] = arith.addf
// CHECK: %[[LO:.*]] = arith.maximumf %[[Q]]
// CHECK: %[[CL:.*]] = arith.minimumf %[[LO]]
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[Q]], %[[Q]]
// CHECK: %[[C:.*]] = arith.select %[[NAN]], %{{.*}}, %[[CL]]
// CHECK: arith.fptosi %[[C]] : f32 to i8
func.func @quantize(%w: tensor<3x5xf32>, %s: tensor<5xf32>, %z: tensor<5xf32>) -> tensor<3x5xi8> {
  %q = lp.quantize %w, %s, %z {quant_min = -8 : i64, quant_max = 7 : i64, axis = 1 : i64} : (tensor<3x5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<3x5xi8>
  return %q : tensor<3x5xi8>
}

// -----

// CHECK-LABEL: func.func @dequantize
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK: ^bb0(%[[Q:.*]]: i8, %[[S:.*]]: f32, %[[ZP:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[R:.*]] = math.roundeven %[[ZP]]
// CHECK: %[[LO:.*]] = arith.maximumf %[[R]]
// CHECK: %[[Z:.*]] = arith.minimumf %[[LO]]
// CHECK: %[[F:.*]] = arith.sitofp %[[Q]] : i8 to f32
// CHECK: %[[D:.*]] = arith.subf %[[F]], %[[Z]]
// CHECK: arith.mulf %[[D]], %[[S]]
func.func @dequantize(%q: tensor<3x5xi8>, %s: tensor<f32>, %z: tensor<f32>) -> tensor<3x5xf32> {
  %d = lp.dequantize %q, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<3x5xi8>, tensor<f32>, tensor<f32>) -> tensor<3x5xf32>
  return %d : tensor<3x5xf32>
}

// -----

// Packing reads codes 2k and 2k + 1 (the latter 0 past the end: 15 codes)
// and keeps their low nibbles; unpacking sign-extends one nibble.

// CHECK-LABEL: func.func @pack
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<8xi8>)
// CHECK: linalg.index 0
// CHECK: arith.cmpi ult, %{{.*}}, %c15
// CHECK: tensor.extract
// CHECK: tensor.extract
// CHECK: arith.andi %{{.*}}, %c15_i8
// CHECK: arith.shli %{{.*}}, %c4_i8
// CHECK: arith.ori
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x5xi8>)
// CHECK: arith.divui %{{.*}}, %c2
// CHECK: tensor.extract %{{.*}} : tensor<8xi8>
// CHECK: arith.remui %{{.*}}, %c2
// CHECK: arith.shli
// CHECK: arith.select
// CHECK: arith.shrsi
func.func @pack(%q: tensor<3x5xi8>) -> tensor<3x5xi8> {
  %p = lp.pack_int4 %q : (tensor<3x5xi8>) -> tensor<8xi8>
  %u = lp.unpack_int4 %p : (tensor<8xi8>) -> tensor<3x5xi8>
  return %u : tensor<3x5xi8>
}
