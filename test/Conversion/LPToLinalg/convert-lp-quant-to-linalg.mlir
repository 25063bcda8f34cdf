// RUN: lp-opt %s --convert-lp-to-linalg --split-input-file --mlir-print-local-scope | FileCheck %s

// lp.fake_quant is a generic that computes the f32 reciprocal of the
// scale once per scale, then one elementwise linalg.generic in f32 that
// reads the scale, zero point and reciprocal once per tensor (a map to no
// dimension) or per channel (a map to the axis): the zero point rounded
// half to even and clamped, q = roundeven(x * inv) + zp, then
// (clamp(q) - zp) * scale; maximumf/minimumf keep NaN.

// CHECK-LABEL: func.func @per_tensor
// CHECK: %[[RECIP:.*]] = linalg.generic {indexing_maps = [affine_map<() -> ()>, affine_map<() -> ()>], iterator_types = []}
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: arith.divf %[[ONE]], %{{.*}}
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%{{.*}}, %{{.*}}, %{{.*}}, %[[RECIP]] :
// CHECK: ^bb0(%[[X:.*]]: f32, %[[S:.*]]: f32, %[[Z:.*]]: f32, %[[INV:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG: %[[LO:.*]] = arith.constant -1.280000e+02 : f32
// CHECK-DAG: %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK: %[[ZR:.*]] = math.roundeven %[[Z]]
// CHECK: %[[ZL:.*]] = arith.maximumf %[[ZR]], %[[LO]]
// CHECK: %[[ZC:.*]] = arith.minimumf %[[ZL]], %[[HI]]
// CHECK-NOT: arith.divf
// CHECK: %[[XS:.*]] = arith.mulf %[[X]], %[[INV]]
// CHECK: %[[R:.*]] = math.roundeven %[[XS]]
// CHECK: %[[Q:.*]] = arith.addf %[[R]], %[[ZC]]
// CHECK: %[[QL:.*]] = arith.maximumf %[[Q]], %[[LO]]
// CHECK: %[[QC:.*]] = arith.minimumf %[[QL]], %[[HI]]
// CHECK: %[[D:.*]] = arith.subf %[[QC]], %[[ZC]]
// CHECK: %[[Y:.*]] = arith.mulf %[[D]], %[[S]]
// CHECK: linalg.yield %[[Y]]
func.func @per_tensor(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<f32>) -> tensor<4x8xf32> {
  %y = lp.fake_quant %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64}
      : (tensor<4x8xf32>, tensor<f32>, tensor<f32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// The gradient passes dy where q lies in the range (ordered comparisons:
// NaN is outside), else 0; per channel along axis 0.
// CHECK-LABEL: func.func @grad_per_channel
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK: %[[Q:.*]] = arith.addf
// CHECK: %[[GE:.*]] = arith.cmpf oge, %[[Q]]
// CHECK: %[[LE:.*]] = arith.cmpf ole, %[[Q]]
// CHECK: %[[IN:.*]] = arith.andi %[[GE]], %[[LE]]
// CHECK: %[[G:.*]] = arith.select %[[IN]]
// CHECK: linalg.yield %[[G]]
func.func @grad_per_channel(%x: tensor<4x8xf32>, %s: tensor<4xf32>, %z: tensor<4xf32>, %dy: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %dx = lp.fake_quant_grad %x, %s, %z, %dy {quant_min = 0 : i64, quant_max = 15 : i64, axis = 0 : i64}
      : (tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %dx : tensor<4x8xf32>
}

// -----

// The LSQ terms: the scale's picks (qmin - zp) below the range, (qmax - zp)
// above, round(xs) - xs inside, times dy and grad_factor; the zero point's
// is -scale * dy outside the range.
// CHECK-LABEL: func.func @range_grads
// CHECK: %[[XS:.*]] = arith.mulf
// CHECK: %[[R:.*]] = math.roundeven %[[XS]]
// CHECK: %[[BELOW:.*]] = arith.cmpf olt
// CHECK: %[[ABOVE:.*]] = arith.cmpf ogt
// CHECK: %[[IN:.*]] = arith.subf %[[R]], %[[XS]]
// CHECK: %[[HIGH:.*]] = arith.select %[[ABOVE]], %{{.*}}, %[[IN]]
// CHECK: arith.select %[[BELOW]], %{{.*}}, %[[HIGH]]
// CHECK: arith.constant 2.500000e-01 : f32
// CHECK: arith.cmpf olt
// CHECK: %[[OUT:.*]] = arith.ori
// CHECK: %[[NEG:.*]] = arith.negf
// CHECK: %[[T:.*]] = arith.mulf %[[NEG]]
// CHECK: arith.select %[[OUT]], %[[T]]
func.func @range_grads(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<f32>, %dy: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %ds = lp.fake_quant_range_grad %x, %s, %z, %dy {quant_min = 0 : i64, quant_max = 15 : i64, grad_factor = 0.25 : f64}
      : (tensor<4xf32>, tensor<f32>, tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %dz = lp.fake_quant_range_grad %x, %s, %z, %dy {quant_min = 0 : i64, quant_max = 15 : i64, zero_point_grad}
      : (tensor<4xf32>, tensor<f32>, tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return %ds, %dz : tensor<4xf32>, tensor<4xf32>
}
