// RUN: lp-opt %s --convert-lp-to-linalg --split-input-file --mlir-print-local-scope | FileCheck %s

// lp.aminmax is one reduction with two outputs (min and max, one read of
// the input) over every dimension but the channel axis (NaN propagates:
// minimumf/maximumf), in two stages when the innermost dimension is
// reduced with others; lp.observe and lp.quant_params are each one
// elementwise generic with two outputs that picks the empty-range value
// where min > max; lp.select picks where the condition is positive.

// CHECK-LABEL: func.func @per_channel_range
// CHECK: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: %[[LO:.*]] = linalg.fill ins(%[[INF]]
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[HI:.*]] = linalg.fill ins(%[[NINF]]
// CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]} ins(%{{.*}} : tensor<4x8xf32>) outs(%[[LO]], %[[HI]] :
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[A:.*]]: f32, %[[B:.*]]: f32):
// CHECK: %[[MN:.*]] = arith.minimumf %[[A]], %[[IN]]
// CHECK: %[[MX:.*]] = arith.maximumf %[[B]], %[[IN]]
// CHECK: linalg.yield %[[MN]], %[[MX]]
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @per_channel_range(%x: tensor<4x8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %lo, %hi = lp.aminmax %x {axis = 1 : i64} : (tensor<4x8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
  return %lo, %hi : tensor<8xf32>, tensor<8xf32>
}

// -----

// Per tensor: first over the rows into [8] (both outputs), then the two
// [8] results to scalars.
// CHECK-LABEL: func.func @per_tensor_range
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction"]} ins(%[[R]]#0 : tensor<8xf32>)
// CHECK: arith.minimumf
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction"]} ins(%[[R]]#1 : tensor<8xf32>)
// CHECK: arith.maximumf
func.func @per_tensor_range(%x: tensor<4x8xf32>) -> (tensor<f32>, tensor<f32>) {
  %lo, %hi = lp.aminmax %x : (tensor<4x8xf32>) -> (tensor<f32>, tensor<f32>)
  return %lo, %hi : tensor<f32>, tensor<f32>
}

// -----

// The moving average: min + c * (current - min), unless the state is
// empty (min > max), where the current range is taken as is.
// CHECK-LABEL: func.func @moving_average
// CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<f32>, tensor<f32>)
// CHECK: ^bb0(%[[CUR:.*]]: f32, %{{.*}}: f32, %[[MIN:.*]]: f32, %[[MAX:.*]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK: %[[D:.*]] = arith.subf %[[CUR]], %[[MIN]]
// CHECK: %[[C:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[STEP:.*]] = arith.mulf %[[C]], %[[D]]
// CHECK: %[[NEXT:.*]] = arith.addf %[[MIN]], %[[STEP]]
// CHECK: %[[EMPTY:.*]] = arith.cmpf ogt, %[[MIN]], %[[MAX]]
// CHECK: arith.select %[[EMPTY]], %[[CUR]], %[[NEXT]]
func.func @moving_average(%a: tensor<f32>, %b: tensor<f32>, %c: tensor<f32>, %d: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %x, %y = lp.observe %a, %b, %c, %d {averaging_constant = 0.25 : f64} : (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %x, %y : tensor<f32>, tensor<f32>
}

// -----

// Without an averaging constant: the running min and max.
// CHECK-LABEL: func.func @running
// CHECK: ^bb0(%[[CUR:.*]]: f32, %{{.*}}: f32, %[[MIN:.*]]: f32, %[[MAX:.*]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK: %[[NEXT:.*]] = arith.minimumf %[[CUR]], %[[MIN]]
// CHECK: %[[EMPTY:.*]] = arith.cmpf ogt, %[[MIN]], %[[MAX]]
// CHECK: arith.select %[[EMPTY]], %[[CUR]], %[[NEXT]]
// CHECK: arith.maximumf
func.func @running(%a: tensor<3xf32>, %b: tensor<3xf32>, %c: tensor<3xf32>, %d: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %x, %y = lp.observe %a, %b, %c, %d : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %x, %y : tensor<3xf32>, tensor<3xf32>
}

// -----

// Affine int4: scale = max((max(mx, 0) - min(mn, 0)) / 15, 2^-23), 1 for
// an empty range; zero point = clamp(-8 - roundeven(mn / scale)), 0 for
// an empty range.
// CHECK-LABEL: func.func @affine
// CHECK: ^bb0(%[[MN:.*]]: f32, %[[MX:.*]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK: %[[LO:.*]] = arith.minimumf %[[MN]], %{{.*}}
// CHECK: %[[HI:.*]] = arith.maximumf %[[MX]], %{{.*}}
// CHECK: %[[W:.*]] = arith.subf %[[HI]], %[[LO]]
// CHECK: %[[N:.*]] = arith.constant 1.500000e+01 : f32
// CHECK: %[[S0:.*]] = arith.divf %[[W]], %[[N]]
// CHECK: %[[EPS:.*]] = arith.constant 1.1920929E-7 : f32
// CHECK: %[[S:.*]] = arith.maximumf %[[S0]], %[[EPS]]
// CHECK: %[[EMPTY:.*]] = arith.cmpf ogt, %[[MN]], %[[MX]]
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[SCALE:.*]] = arith.select %[[EMPTY]], %[[ONE]], %[[S]]
// CHECK: %[[R:.*]] = math.roundeven
// CHECK: %[[QMIN:.*]] = arith.constant -8.000000e+00 : f32
// CHECK: arith.subf %[[QMIN]], %[[R]]
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: %[[ZP:.*]] = arith.select
// CHECK: linalg.yield %[[SCALE]], %[[ZP]]
func.func @affine(%a: tensor<f32>, %b: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %s, %z = lp.quant_params %a, %b {quant_min = -8 : i64, quant_max = 7 : i64} : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %s, %z : tensor<f32>, tensor<f32>
}

// -----

// Symmetric uint8: scale = max(-mn, mx) / 127.5; the zero point is
// PyTorch's 128.
// CHECK-LABEL: func.func @symmetric_unsigned
// CHECK: arith.negf
// CHECK: arith.constant 1.275000e+02 : f32
// CHECK: arith.constant 1.280000e+02 : f32
func.func @symmetric_unsigned(%a: tensor<f32>, %b: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %s, %z = lp.quant_params %a, %b {quant_min = 0 : i64, quant_max = 255 : i64, symmetric} : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return %s, %z : tensor<f32>, tensor<f32>
}

// -----

// CHECK-LABEL: func.func @select
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>]
// CHECK: ^bb0(%[[C:.*]]: f32, %[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ON:.*]] = arith.cmpf ogt, %[[C]], %{{.*}}
// CHECK: arith.select %[[ON]], %[[A]], %[[B]]
func.func @select(%c: tensor<f32>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %y = lp.select %c, %a, %b : (tensor<f32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// lp.stop_gradient is its input.
// CHECK-LABEL: func.func @stop
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @stop(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = lp.stop_gradient %x : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
