// RUN: lp-opt %s --convert-lp-to-linalg --split-input-file --mlir-print-local-scope | FileCheck %s
// RUN: lp-opt %s --convert-lp-to-linalg --split-input-file | FileCheck %s --check-prefix=NOLP

// NOLP-NOT: lp.

// CHECK-LABEL: func.func @linear_f16_accumulates_in_f32
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4x3xf32>)
// CHECK: %[[MM:.*]] = linalg.matmul ins(%arg0, %arg1 : tensor<4x8xf16>, tensor<8x3xf16>) outs(%[[ACC]] : tensor<4x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[MM]], %arg2 : tensor<4x3xf32>, tensor<3xf16>) outs(%{{.*}} : tensor<4x3xf16>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.addf
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @linear_f16_accumulates_in_f32(%x: tensor<4x8xf16>, %w: tensor<8x3xf16>, %b: tensor<3xf16>) -> tensor<4x3xf16> {
  %y = lp.linear %x, %w, %b : (tensor<4x8xf16>, tensor<8x3xf16>, tensor<3xf16>) -> tensor<4x3xf16>
  return %y : tensor<4x3xf16>
}

// -----

// CHECK-LABEL: func.func @linear_rank3_input_is_flattened
// CHECK: tensor.collapse_shape %arg0 {{\[}}[0, 1, 2]] : tensor<2x4x8xf32> into tensor<64xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %arg1 : tensor<8x8xf32>, tensor<8x5xf32>)
// CHECK: tensor.expand_shape %{{.*}} : tensor<40xf32> into tensor<2x4x5xf32>
func.func @linear_rank3_input_is_flattened(%x: tensor<2x4x8xf32>, %w: tensor<8x5xf32>) -> tensor<2x4x5xf32> {
  %y = lp.linear %x, %w : (tensor<2x4x8xf32>, tensor<8x5xf32>) -> tensor<2x4x5xf32>
  return %y : tensor<2x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_rank4_uses_batch_matmul
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<6x4x8xf32>, tensor<6x8x5xf32>) outs(%{{.*}} : tensor<6x4x5xf32>)
func.func @matmul_rank4_uses_batch_matmul(%a: tensor<2x3x4x8xf32>, %b: tensor<2x3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %c = lp.matmul %a, %b : (tensor<2x3x4x8xf32>, tensor<2x3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %c : tensor<2x3x4x5xf32>
}

// -----

// A convolution is a GEMM: the padded input's im2col matrix
// [C*KH*KW, N*OH*OW] (a 6-D copy (c, kh, kw, n, oh, ow) <- x[n, c, oh*2+kh,
// ow*2+kw], collapsed), the filter as [F, C*KH*KW], one linalg.matmul, and
// the [F, N, OH, OW] product swapped to NCHW before the bias add.
// CHECK-LABEL: func.func @conv2d_pads_then_convolves
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[COLS6:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 * 2 + d1, d5 * 2 + d2)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>]
// CHECK-SAME: ins(%[[PAD]] : tensor<2x3x10x10xf32>) outs(%{{.*}} : tensor<3x3x3x2x4x4xf32>)
// CHECK: %[[COLS:.*]] = tensor.collapse_shape %[[COLS6]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<3x3x3x2x4x4xf32> into tensor<27x32xf32>
// CHECK: %[[W:.*]] = tensor.expand_shape %{{.*}} output_shape [4, 27]
// CHECK: %[[P:.*]] = linalg.matmul ins(%[[W]], %[[COLS]] : tensor<4x27xf32>, tensor<27x32xf32>) outs(%{{.*}} : tensor<4x32xf32>)
// CHECK: %[[P4:.*]] = tensor.expand_shape %{{.*}} output_shape [4, 2, 4, 4]
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1, d0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%[[P4]] : tensor<4x2x4x4xf32>) outs(%{{.*}} : tensor<2x4x4x4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[Y]], %arg2 : tensor<2x4x4x4xf32>, tensor<4xf32>)
// CHECK-NOT: linalg.conv
func.func @conv2d_pads_then_convolves(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x4x4xf32> {
  %y = lp.conv2d %x, %w, %b {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x4x4xf32>
  return %y : tensor<2x4x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @max_pool_starts_from_neg_inf
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
func.func @max_pool_starts_from_neg_inf(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %y = lp.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @avg_pool_divides_by_window
// CHECK: linalg.pooling_nchw_sum
// CHECK: arith.constant 4.000000e+00 : f32
// CHECK: arith.divf
func.func @avg_pool_divides_by_window(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %y = lp.avg_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @add_broadcasts_like_numpy
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
// CHECK: arith.addf
func.func @add_broadcasts_like_numpy(%a: tensor<4x1xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %c = lp.add %a, %b : (tensor<4x1xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %d = lp.mul %c, %c : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// The tanh form is computed as x / (1 + exp(-2u)) = 0.5 x (1 + tanh(u)):
// one exp, no tanh.
// CHECK-LABEL: func.func @gelu_erf_and_tanh
// CHECK: math.erf
// CHECK-NOT: math.tanh
// CHECK: arith.constant -1.59576917 : f32
// CHECK: math.exp
// CHECK: arith.divf
// CHECK-NOT: math.tanh
func.func @gelu_erf_and_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = lp.gelu %x : (tensor<4xf32>) -> tensor<4xf32>
  %b = lp.gelu %a {approximate = #lp<gelu_approximation tanh>} : (tensor<4xf32>) -> tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @cast_toward_zero_steps_back_one_ulp
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: arith.cmpf ogt
// CHECK: arith.bitcast %{{.*}} : bf16 to i16
// CHECK: arith.subi
// CHECK: arith.select
func.func @cast_toward_zero_steps_back_one_ulp(%x: tensor<4xf32>) -> tensor<4xbf16> {
  %y = lp.cast %x {rounding = #lp<rounding toward_zero>} : (tensor<4xf32>) -> tensor<4xbf16>
  return %y : tensor<4xbf16>
}

// -----

// CHECK-LABEL: func.func @reduce_mean_keepdims
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.constant 8.000000e+00 : f32
// CHECK: tensor.expand_shape %{{.*}} : tensor<4xf32> into tensor<4x1xf32>
func.func @reduce_mean_keepdims(%x: tensor<4x8xf32>) -> tensor<4x1xf32> {
  %y = lp.reduce_mean %x {axes = array<i64: -1>, keepdims = true} : (tensor<4x8xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

// CHECK-LABEL: func.func @softmax_subtracts_max
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax_subtracts_max(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = lp.softmax %x {axis = 1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @layer_norm_two_pass
// CHECK: math.rsqrt
func.func @layer_norm_two_pass(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %y = lp.layer_norm %x, %g, %b : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @cross_entropy_picks_label
// CHECK: arith.index_cast %{{.*}} : i64 to index
// CHECK: tensor.extract %arg0
// CHECK: arith.constant 4.000000e+00 : f32
func.func @cross_entropy_picks_label(%l: tensor<4x10xf32>, %y: tensor<4xi64>) -> tensor<f32> {
  %c = lp.cross_entropy %l, %y : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  return %c : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @embedding_gathers_rows
// CHECK: linalg.index 2 : index
// CHECK: tensor.extract %arg1
func.func @embedding_gathers_rows(%ids: tensor<2x3xi32>, %t: tensor<10x4xf32>) -> tensor<2x3x4xf32> {
  %e = lp.embedding %ids, %t : (tensor<2x3xi32>, tensor<10x4xf32>) -> tensor<2x3x4xf32>
  return %e : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @shape_ops
// CHECK: linalg.transpose ins(%arg0 : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>) permutation = [2, 0, 1]
// CHECK: tensor.collapse_shape
// CHECK: tensor.expand_shape %{{.*}} : tensor<24xf32> into tensor<6x4xf32>
func.func @shape_ops(%x: tensor<2x3x4xf32>) -> (tensor<4x2x3xf32>, tensor<6x4xf32>) {
  %t = lp.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %r = lp.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %t, %r : tensor<4x2x3xf32>, tensor<6x4xf32>
}

// -----

// A rank-0 transpose (valid lp, and a linalg.transpose that crashes MLIR
// 22's verifier) and any identity permutation are the input itself.
// CHECK-LABEL: func.func @identity_transposes
// CHECK-SAME: (%[[S:.*]]: tensor<f32>, %[[M:.*]]: tensor<2x3xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: return %[[S]], %[[M]]
func.func @identity_transposes(%s: tensor<f32>, %m: tensor<2x3xf32>) -> (tensor<f32>, tensor<2x3xf32>) {
  %t = lp.transpose %s {permutation = array<i64>} : (tensor<f32>) -> tensor<f32>
  %u = lp.transpose %m {permutation = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %t, %u : tensor<f32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @mse_reduces_everything
// CHECK: iterator_types = ["reduction", "reduction"]
// CHECK: arith.constant 3.200000e+01 : f32
func.func @mse_reduces_everything(%p: tensor<4x8xf32>, %t: tensor<4x8xf32>) -> tensor<f32> {
  %l = lp.mse_loss %p, %t : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
