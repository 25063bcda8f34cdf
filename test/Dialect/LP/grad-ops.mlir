// RUN: lp-opt %s | lp-opt | FileCheck %s
// RUN: lp-opt %s --mlir-print-op-generic | lp-opt | FileCheck %s

// Round-trip of lp.sqrt (LPOps.td) and of every op in LPGradOps.td and
// LPOptimizerOps.td: each attribute form (explicit, defaulted, explicit value
// equal to the default, which prints elided), element types f32, f16, bf16
// and f64, i32 and i64 index tensors, and the optional momentum buffer present
// and absent. Both RUN lines end in the custom form, so they share one prefix;
// the second one goes through the generic form first.

//===----------------------------------------------------------------------===//
// lp.sqrt
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @sqrt_every_float_type
// CHECK: lp.sqrt %arg0 : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: lp.sqrt %arg1 : (tensor<8xf16>) -> tensor<8xf16>
// CHECK: lp.sqrt %arg2 : (tensor<bf16>) -> tensor<bf16>
// CHECK: lp.sqrt %arg3 : (tensor<2x3x4xf64>) -> tensor<2x3x4xf64>
func.func @sqrt_every_float_type(%a: tensor<4x8xf32>, %b: tensor<8xf16>, %c: tensor<bf16>, %d: tensor<2x3x4xf64>)
    -> (tensor<4x8xf32>, tensor<8xf16>, tensor<bf16>, tensor<2x3x4xf64>) {
  %0 = lp.sqrt %a : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = lp.sqrt %b : (tensor<8xf16>) -> tensor<8xf16>
  %2 = lp.sqrt %c : (tensor<bf16>) -> tensor<bf16>
  %3 = lp.sqrt %d : (tensor<2x3x4xf64>) -> tensor<2x3x4xf64>
  return %0, %1, %2, %3 : tensor<4x8xf32>, tensor<8xf16>, tensor<bf16>, tensor<2x3x4xf64>
}

//===----------------------------------------------------------------------===//
// lp.broadcast
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @broadcast_size1_and_rank_f32
// CHECK: lp.broadcast %arg0 : (tensor<4x1xf32>) -> tensor<3x4x8xf32>
func.func @broadcast_size1_and_rank_f32(%x: tensor<4x1xf32>) -> tensor<3x4x8xf32> {
  %0 = lp.broadcast %x : (tensor<4x1xf32>) -> tensor<3x4x8xf32>
  return %0 : tensor<3x4x8xf32>
}

// CHECK-LABEL: func.func @broadcast_scalar_f16
// CHECK: lp.broadcast %arg0 : (tensor<f16>) -> tensor<2x3xf16>
func.func @broadcast_scalar_f16(%x: tensor<f16>) -> tensor<2x3xf16> {
  %0 = lp.broadcast %x : (tensor<f16>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// Broadcasting to the same shape is allowed (an identity).
// CHECK-LABEL: func.func @broadcast_identity_bf16
// CHECK: lp.broadcast %arg0 : (tensor<4x8xbf16>) -> tensor<4x8xbf16>
func.func @broadcast_identity_bf16(%x: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %0 = lp.broadcast %x : (tensor<4x8xbf16>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// CHECK-LABEL: func.func @broadcast_rank_f64
// CHECK: lp.broadcast %arg0 : (tensor<8xf64>) -> tensor<4x8xf64>
func.func @broadcast_rank_f64(%x: tensor<8xf64>) -> tensor<4x8xf64> {
  %0 = lp.broadcast %x : (tensor<8xf64>) -> tensor<4x8xf64>
  return %0 : tensor<4x8xf64>
}

//===----------------------------------------------------------------------===//
// lp.relu_grad, lp.gelu_grad
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @relu_grad_every_float_type
// CHECK: lp.relu_grad %arg0, %arg1 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: lp.relu_grad %arg2, %arg3 : (tensor<8xf16>, tensor<8xf16>) -> tensor<8xf16>
// CHECK: lp.relu_grad %arg4, %arg5 : (tensor<bf16>, tensor<bf16>) -> tensor<bf16>
// CHECK: lp.relu_grad %arg6, %arg7 : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
func.func @relu_grad_every_float_type(%x0: tensor<4x8xf32>, %g0: tensor<4x8xf32>,
                                      %x1: tensor<8xf16>, %g1: tensor<8xf16>,
                                      %x2: tensor<bf16>, %g2: tensor<bf16>,
                                      %x3: tensor<2x3xf64>, %g3: tensor<2x3xf64>) {
  %0 = lp.relu_grad %x0, %g0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = lp.relu_grad %x1, %g1 : (tensor<8xf16>, tensor<8xf16>) -> tensor<8xf16>
  %2 = lp.relu_grad %x2, %g2 : (tensor<bf16>, tensor<bf16>) -> tensor<bf16>
  %3 = lp.relu_grad %x3, %g3 : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
  return
}

// CHECK-LABEL: func.func @gelu_grad_default_approximation_f32
// CHECK: lp.gelu_grad %arg0, %arg1 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
func.func @gelu_grad_default_approximation_f32(%x: tensor<4x8xf32>, %dy: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = lp.gelu_grad %x, %dy : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @gelu_grad_tanh_approximation_f16
// CHECK: lp.gelu_grad %arg0, %arg1 {approximate = #lp<gelu_approximation tanh>} : (tensor<8xf16>, tensor<8xf16>) -> tensor<8xf16>
func.func @gelu_grad_tanh_approximation_f16(%x: tensor<8xf16>, %dy: tensor<8xf16>) -> tensor<8xf16> {
  %0 = lp.gelu_grad %x, %dy {approximate = #lp<gelu_approximation tanh>} : (tensor<8xf16>, tensor<8xf16>) -> tensor<8xf16>
  return %0 : tensor<8xf16>
}

// An explicit `none` equals the default and prints elided.
// CHECK-LABEL: func.func @gelu_grad_explicit_none_bf16
// CHECK: lp.gelu_grad %arg0, %arg1 : (tensor<2x4xbf16>, tensor<2x4xbf16>) -> tensor<2x4xbf16>
func.func @gelu_grad_explicit_none_bf16(%x: tensor<2x4xbf16>, %dy: tensor<2x4xbf16>) -> tensor<2x4xbf16> {
  %0 = lp.gelu_grad %x, %dy {approximate = #lp<gelu_approximation none>} : (tensor<2x4xbf16>, tensor<2x4xbf16>) -> tensor<2x4xbf16>
  return %0 : tensor<2x4xbf16>
}

// CHECK-LABEL: func.func @gelu_grad_tanh_approximation_f64
// CHECK: lp.gelu_grad %arg0, %arg1 {approximate = #lp<gelu_approximation tanh>} : (tensor<4xf64>, tensor<4xf64>) -> tensor<4xf64>
func.func @gelu_grad_tanh_approximation_f64(%x: tensor<4xf64>, %dy: tensor<4xf64>) -> tensor<4xf64> {
  %0 = lp.gelu_grad %x, %dy {approximate = #lp<gelu_approximation tanh>} : (tensor<4xf64>, tensor<4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

//===----------------------------------------------------------------------===//
// lp.conv2d_grad_input, lp.conv2d_grad_filter
//===----------------------------------------------------------------------===//

// Defaults stride = [1, 1], padding = [0, 0].
// CHECK-LABEL: func.func @conv2d_grad_input_default_attrs_f32
// CHECK: lp.conv2d_grad_input %arg0, %arg1 : (tensor<2x4x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x3x8x8xf32>
func.func @conv2d_grad_input_default_attrs_f32(%dy: tensor<2x4x6x6xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x3x8x8xf32> {
  %0 = lp.conv2d_grad_input %dy, %w : (tensor<2x4x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x3x8x8xf32>
  return %0 : tensor<2x3x8x8xf32>
}

// The stride does not divide evenly: OH = (9 + 2*1 - 3) / 2 + 1 = 5 for both
// H = 9 and H = 10, so the result type fixes H.
// CHECK-LABEL: func.func @conv2d_grad_input_uneven_stride_f16
// CHECK: lp.conv2d_grad_input %arg0, %arg1 {padding = array<i64: 1, 0>, stride = array<i64: 2, 3>} : (tensor<1x4x5x3xf16>, tensor<4x2x3x3xf16>) -> tensor<1x2x10x9xf16>
func.func @conv2d_grad_input_uneven_stride_f16(%dy: tensor<1x4x5x3xf16>, %w: tensor<4x2x3x3xf16>) -> tensor<1x2x10x9xf16> {
  %0 = lp.conv2d_grad_input %dy, %w {stride = array<i64: 2, 3>, padding = array<i64: 1, 0>} : (tensor<1x4x5x3xf16>, tensor<4x2x3x3xf16>) -> tensor<1x2x10x9xf16>
  return %0 : tensor<1x2x10x9xf16>
}

// Spelling out the default values prints them elided.
// CHECK-LABEL: func.func @conv2d_grad_input_explicit_default_attrs_bf16
// CHECK: lp.conv2d_grad_input %arg0, %arg1 : (tensor<1x3x4x4xbf16>, tensor<3x2x2x2xbf16>) -> tensor<1x2x5x5xbf16>
func.func @conv2d_grad_input_explicit_default_attrs_bf16(%dy: tensor<1x3x4x4xbf16>, %w: tensor<3x2x2x2xbf16>) -> tensor<1x2x5x5xbf16> {
  %0 = lp.conv2d_grad_input %dy, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0>} : (tensor<1x3x4x4xbf16>, tensor<3x2x2x2xbf16>) -> tensor<1x2x5x5xbf16>
  return %0 : tensor<1x2x5x5xbf16>
}

// CHECK-LABEL: func.func @conv2d_grad_input_padding_f64
// CHECK: lp.conv2d_grad_input %arg0, %arg1 {padding = array<i64: 1, 1>} : (tensor<2x4x8x8xf64>, tensor<4x3x3x3xf64>) -> tensor<2x3x8x8xf64>
func.func @conv2d_grad_input_padding_f64(%dy: tensor<2x4x8x8xf64>, %w: tensor<4x3x3x3xf64>) -> tensor<2x3x8x8xf64> {
  %0 = lp.conv2d_grad_input %dy, %w {padding = array<i64: 1, 1>} : (tensor<2x4x8x8xf64>, tensor<4x3x3x3xf64>) -> tensor<2x3x8x8xf64>
  return %0 : tensor<2x3x8x8xf64>
}

// CHECK-LABEL: func.func @conv2d_grad_filter_default_attrs_f32
// CHECK: lp.conv2d_grad_filter %arg0, %arg1 : (tensor<2x3x8x8xf32>, tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32>
func.func @conv2d_grad_filter_default_attrs_f32(%x: tensor<2x3x8x8xf32>, %dy: tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32> {
  %0 = lp.conv2d_grad_filter %x, %dy : (tensor<2x3x8x8xf32>, tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32>
  return %0 : tensor<4x3x3x3xf32>
}

// CHECK-LABEL: func.func @conv2d_grad_filter_stride_padding_f16
// CHECK: lp.conv2d_grad_filter %arg0, %arg1 {padding = array<i64: 1, 0>, stride = array<i64: 2, 3>} : (tensor<1x2x9x9xf16>, tensor<1x4x5x3xf16>) -> tensor<4x2x3x3xf16>
func.func @conv2d_grad_filter_stride_padding_f16(%x: tensor<1x2x9x9xf16>, %dy: tensor<1x4x5x3xf16>) -> tensor<4x2x3x3xf16> {
  %0 = lp.conv2d_grad_filter %x, %dy {stride = array<i64: 2, 3>, padding = array<i64: 1, 0>} : (tensor<1x2x9x9xf16>, tensor<1x4x5x3xf16>) -> tensor<4x2x3x3xf16>
  return %0 : tensor<4x2x3x3xf16>
}

// CHECK-LABEL: func.func @conv2d_grad_filter_explicit_default_attrs_bf16
// CHECK: lp.conv2d_grad_filter %arg0, %arg1 : (tensor<1x2x5x5xbf16>, tensor<1x3x4x4xbf16>) -> tensor<3x2x2x2xbf16>
func.func @conv2d_grad_filter_explicit_default_attrs_bf16(%x: tensor<1x2x5x5xbf16>, %dy: tensor<1x3x4x4xbf16>) -> tensor<3x2x2x2xbf16> {
  %0 = lp.conv2d_grad_filter %x, %dy {stride = array<i64: 1, 1>, padding = array<i64: 0, 0>} : (tensor<1x2x5x5xbf16>, tensor<1x3x4x4xbf16>) -> tensor<3x2x2x2xbf16>
  return %0 : tensor<3x2x2x2xbf16>
}

// CHECK-LABEL: func.func @conv2d_grad_filter_stride_f64
// CHECK: lp.conv2d_grad_filter %arg0, %arg1 {stride = array<i64: 2, 2>} : (tensor<1x1x6x6xf64>, tensor<1x2x3x3xf64>) -> tensor<2x1x2x2xf64>
func.func @conv2d_grad_filter_stride_f64(%x: tensor<1x1x6x6xf64>, %dy: tensor<1x2x3x3xf64>) -> tensor<2x1x2x2xf64> {
  %0 = lp.conv2d_grad_filter %x, %dy {stride = array<i64: 2, 2>} : (tensor<1x1x6x6xf64>, tensor<1x2x3x3xf64>) -> tensor<2x1x2x2xf64>
  return %0 : tensor<2x1x2x2xf64>
}

//===----------------------------------------------------------------------===//
// lp.max_pool2d_grad, lp.avg_pool2d_grad
//===----------------------------------------------------------------------===//

// The stride defaults to the kernel and is absent from the output.
// CHECK-LABEL: func.func @max_pool2d_grad_default_stride_f32
// CHECK: lp.max_pool2d_grad %arg0, %arg1 {kernel = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
func.func @max_pool2d_grad_default_stride_f32(%x: tensor<1x2x4x4xf32>, %dy: tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32> {
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// OH = (7 + 2*1 - 3) / 2 + 1 = 4, OW = (7 + 0 - 2) / 1 + 1 = 6.
// CHECK-LABEL: func.func @max_pool2d_grad_stride_padding_f16
// CHECK: lp.max_pool2d_grad %arg0, %arg1 {kernel = array<i64: 3, 2>, padding = array<i64: 1, 0>, stride = array<i64: 2, 1>} : (tensor<1x2x7x7xf16>, tensor<1x2x4x6xf16>) -> tensor<1x2x7x7xf16>
func.func @max_pool2d_grad_stride_padding_f16(%x: tensor<1x2x7x7xf16>, %dy: tensor<1x2x4x6xf16>) -> tensor<1x2x7x7xf16> {
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 3, 2>, stride = array<i64: 2, 1>, padding = array<i64: 1, 0>} : (tensor<1x2x7x7xf16>, tensor<1x2x4x6xf16>) -> tensor<1x2x7x7xf16>
  return %0 : tensor<1x2x7x7xf16>
}

// An explicit stride equal to the kernel stays explicit (it is optional, not
// defaulted); an explicit padding of [0, 0] is elided.
// CHECK-LABEL: func.func @max_pool2d_grad_explicit_stride_bf16
// CHECK: lp.max_pool2d_grad %arg0, %arg1 {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>} : (tensor<1x1x4x4xbf16>, tensor<1x1x2x2xbf16>) -> tensor<1x1x4x4xbf16>
func.func @max_pool2d_grad_explicit_stride_bf16(%x: tensor<1x1x4x4xbf16>, %dy: tensor<1x1x2x2xbf16>) -> tensor<1x1x4x4xbf16> {
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>} : (tensor<1x1x4x4xbf16>, tensor<1x1x2x2xbf16>) -> tensor<1x1x4x4xbf16>
  return %0 : tensor<1x1x4x4xbf16>
}

// CHECK-LABEL: func.func @max_pool2d_grad_overlapping_f64
// CHECK: lp.max_pool2d_grad %arg0, %arg1 {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>} : (tensor<2x1x5x5xf64>, tensor<2x1x3x3xf64>) -> tensor<2x1x5x5xf64>
func.func @max_pool2d_grad_overlapping_f64(%x: tensor<2x1x5x5xf64>, %dy: tensor<2x1x3x3xf64>) -> tensor<2x1x5x5xf64> {
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>} : (tensor<2x1x5x5xf64>, tensor<2x1x3x3xf64>) -> tensor<2x1x5x5xf64>
  return %0 : tensor<2x1x5x5xf64>
}

// CHECK-LABEL: func.func @avg_pool2d_grad_default_stride_f32
// CHECK: lp.avg_pool2d_grad %arg0 {kernel = array<i64: 2, 2>} : (tensor<8x16x4x4xf32>) -> tensor<8x16x8x8xf32>
func.func @avg_pool2d_grad_default_stride_f32(%dy: tensor<8x16x4x4xf32>) -> tensor<8x16x8x8xf32> {
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>} : (tensor<8x16x4x4xf32>) -> tensor<8x16x8x8xf32>
  return %0 : tensor<8x16x8x8xf32>
}

// OH = OW = (5 + 2*1 - 3) / 1 + 1 = 5.
// CHECK-LABEL: func.func @avg_pool2d_grad_stride_padding_f16
// CHECK: lp.avg_pool2d_grad %arg0 {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x5x5xf16>) -> tensor<2x3x5x5xf16>
func.func @avg_pool2d_grad_stride_padding_f16(%dy: tensor<2x3x5x5xf16>) -> tensor<2x3x5x5xf16> {
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>, padding = array<i64: 1, 1>} : (tensor<2x3x5x5xf16>) -> tensor<2x3x5x5xf16>
  return %0 : tensor<2x3x5x5xf16>
}

// A window that does not tile the input: OH = OW = (5 - 2) / 2 + 1 = 2, the
// last row and column get no gradient.
// CHECK-LABEL: func.func @avg_pool2d_grad_uncovered_edge_bf16
// CHECK: lp.avg_pool2d_grad %arg0 {kernel = array<i64: 2, 2>} : (tensor<1x4x2x2xbf16>) -> tensor<1x4x5x5xbf16>
func.func @avg_pool2d_grad_uncovered_edge_bf16(%dy: tensor<1x4x2x2xbf16>) -> tensor<1x4x5x5xbf16> {
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>, padding = array<i64: 0, 0>} : (tensor<1x4x2x2xbf16>) -> tensor<1x4x5x5xbf16>
  return %0 : tensor<1x4x5x5xbf16>
}

// CHECK-LABEL: func.func @avg_pool2d_grad_default_stride_padding_f64
// CHECK: lp.avg_pool2d_grad %arg0 {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<1x4x4x4xf64>) -> tensor<1x4x6x6xf64>
func.func @avg_pool2d_grad_default_stride_padding_f64(%dy: tensor<1x4x4x4xf64>) -> tensor<1x4x6x6xf64> {
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<1x4x4x4xf64>) -> tensor<1x4x6x6xf64>
  return %0 : tensor<1x4x6x6xf64>
}

//===----------------------------------------------------------------------===//
// lp.embedding_grad
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @embedding_grad_i64_indices_f32
// CHECK: lp.embedding_grad %arg0, %arg1 : (tensor<4x16xi64>, tensor<4x16x32xf32>) -> tensor<96x32xf32>
func.func @embedding_grad_i64_indices_f32(%ids: tensor<4x16xi64>, %dy: tensor<4x16x32xf32>) -> tensor<96x32xf32> {
  %0 = lp.embedding_grad %ids, %dy : (tensor<4x16xi64>, tensor<4x16x32xf32>) -> tensor<96x32xf32>
  return %0 : tensor<96x32xf32>
}

// CHECK-LABEL: func.func @embedding_grad_i32_indices_f16
// CHECK: lp.embedding_grad %arg0, %arg1 : (tensor<16xi32>, tensor<16x8xf16>) -> tensor<10x8xf16>
func.func @embedding_grad_i32_indices_f16(%ids: tensor<16xi32>, %dy: tensor<16x8xf16>) -> tensor<10x8xf16> {
  %0 = lp.embedding_grad %ids, %dy : (tensor<16xi32>, tensor<16x8xf16>) -> tensor<10x8xf16>
  return %0 : tensor<10x8xf16>
}

// Rank-0 indices: the gradient is one row.
// CHECK-LABEL: func.func @embedding_grad_scalar_index_bf16
// CHECK: lp.embedding_grad %arg0, %arg1 : (tensor<i32>, tensor<8xbf16>) -> tensor<10x8xbf16>
func.func @embedding_grad_scalar_index_bf16(%ids: tensor<i32>, %dy: tensor<8xbf16>) -> tensor<10x8xbf16> {
  %0 = lp.embedding_grad %ids, %dy : (tensor<i32>, tensor<8xbf16>) -> tensor<10x8xbf16>
  return %0 : tensor<10x8xbf16>
}

// CHECK-LABEL: func.func @embedding_grad_rank3_indices_f64
// CHECK: lp.embedding_grad %arg0, %arg1 : (tensor<2x3x4xi64>, tensor<2x3x4x5xf64>) -> tensor<7x5xf64>
func.func @embedding_grad_rank3_indices_f64(%ids: tensor<2x3x4xi64>, %dy: tensor<2x3x4x5xf64>) -> tensor<7x5xf64> {
  %0 = lp.embedding_grad %ids, %dy : (tensor<2x3x4xi64>, tensor<2x3x4x5xf64>) -> tensor<7x5xf64>
  return %0 : tensor<7x5xf64>
}

//===----------------------------------------------------------------------===//
// lp.cross_entropy_grad
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @cross_entropy_grad_i64_labels_f32
// CHECK: lp.cross_entropy_grad %arg0, %arg1, %arg2 : (tensor<64x10xf32>, tensor<64xi64>, tensor<f32>) -> tensor<64x10xf32>
func.func @cross_entropy_grad_i64_labels_f32(%l: tensor<64x10xf32>, %y: tensor<64xi64>, %d: tensor<f32>) -> tensor<64x10xf32> {
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<64x10xf32>, tensor<64xi64>, tensor<f32>) -> tensor<64x10xf32>
  return %0 : tensor<64x10xf32>
}

// CHECK-LABEL: func.func @cross_entropy_grad_i32_labels_f16
// CHECK: lp.cross_entropy_grad %arg0, %arg1, %arg2 : (tensor<8x3xf16>, tensor<8xi32>, tensor<f16>) -> tensor<8x3xf16>
func.func @cross_entropy_grad_i32_labels_f16(%l: tensor<8x3xf16>, %y: tensor<8xi32>, %d: tensor<f16>) -> tensor<8x3xf16> {
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<8x3xf16>, tensor<8xi32>, tensor<f16>) -> tensor<8x3xf16>
  return %0 : tensor<8x3xf16>
}

// CHECK-LABEL: func.func @cross_entropy_grad_i64_labels_bf16
// CHECK: lp.cross_entropy_grad %arg0, %arg1, %arg2 : (tensor<1x2xbf16>, tensor<1xi64>, tensor<bf16>) -> tensor<1x2xbf16>
func.func @cross_entropy_grad_i64_labels_bf16(%l: tensor<1x2xbf16>, %y: tensor<1xi64>, %d: tensor<bf16>) -> tensor<1x2xbf16> {
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<1x2xbf16>, tensor<1xi64>, tensor<bf16>) -> tensor<1x2xbf16>
  return %0 : tensor<1x2xbf16>
}

// CHECK-LABEL: func.func @cross_entropy_grad_i32_labels_f64
// CHECK: lp.cross_entropy_grad %arg0, %arg1, %arg2 : (tensor<4x5xf64>, tensor<4xi32>, tensor<f64>) -> tensor<4x5xf64>
func.func @cross_entropy_grad_i32_labels_f64(%l: tensor<4x5xf64>, %y: tensor<4xi32>, %d: tensor<f64>) -> tensor<4x5xf64> {
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<4x5xf64>, tensor<4xi32>, tensor<f64>) -> tensor<4x5xf64>
  return %0 : tensor<4x5xf64>
}

//===----------------------------------------------------------------------===//
// lp.reduce_max_grad
//===----------------------------------------------------------------------===//

// The gradient has the reduce_max result's shape without keepdims ...
// CHECK-LABEL: func.func @reduce_max_grad_dropped_dims_f32
// CHECK: lp.reduce_max_grad %arg0, %arg1 {axes = array<i64: 1>} : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
func.func @reduce_max_grad_dropped_dims_f32(%x: tensor<4x8xf32>, %dy: tensor<4xf32>) -> tensor<4x8xf32> {
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: 1>} : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// ... or with keepdims.
// CHECK-LABEL: func.func @reduce_max_grad_kept_dims_f16
// CHECK: lp.reduce_max_grad %arg0, %arg1 {axes = array<i64: 0, 2>} : (tensor<2x3x4xf16>, tensor<1x3x1xf16>) -> tensor<2x3x4xf16>
func.func @reduce_max_grad_kept_dims_f16(%x: tensor<2x3x4xf16>, %dy: tensor<1x3x1xf16>) -> tensor<2x3x4xf16> {
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: 0, 2>} : (tensor<2x3x4xf16>, tensor<1x3x1xf16>) -> tensor<2x3x4xf16>
  return %0 : tensor<2x3x4xf16>
}

// Negative axes; reducing every axis gives a rank-0 gradient.
// CHECK-LABEL: func.func @reduce_max_grad_all_negative_axes_bf16
// CHECK: lp.reduce_max_grad %arg0, %arg1 {axes = array<i64: -1, -2>} : (tensor<4x8xbf16>, tensor<bf16>) -> tensor<4x8xbf16>
func.func @reduce_max_grad_all_negative_axes_bf16(%x: tensor<4x8xbf16>, %dy: tensor<bf16>) -> tensor<4x8xbf16> {
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: -1, -2>} : (tensor<4x8xbf16>, tensor<bf16>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// CHECK-LABEL: func.func @reduce_max_grad_kept_all_dims_f64
// CHECK: lp.reduce_max_grad %arg0, %arg1 {axes = array<i64: 0, 1>} : (tensor<4x8xf64>, tensor<1x1xf64>) -> tensor<4x8xf64>
func.func @reduce_max_grad_kept_all_dims_f64(%x: tensor<4x8xf64>, %dy: tensor<1x1xf64>) -> tensor<4x8xf64> {
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: 0, 1>} : (tensor<4x8xf64>, tensor<1x1xf64>) -> tensor<4x8xf64>
  return %0 : tensor<4x8xf64>
}

//===----------------------------------------------------------------------===//
// lp.sgd_update
//===----------------------------------------------------------------------===//

// With momentum: the buffer is an operand and a result. An explicit
// weight_decay of 0.0 equals the default and prints elided.
// CHECK-LABEL: func.func @sgd_update_momentum_f32
// CHECK: %[[P:.*]], %[[B:.*]] = lp.sgd_update %arg0, %arg1 momentum_buffer %arg2 lr %arg3 {momentum = 9.000000e-01 : f64} : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<f32>) -> (tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK: return %[[P]], %[[B]]
func.func @sgd_update_momentum_f32(%p: tensor<4x8xf32>, %g: tensor<4x8xf32>, %b: tensor<4x8xf32>, %lr: tensor<f32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %p2, %b2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.9 : f64, weight_decay = 0.0 : f64} : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<f32>) -> (tensor<4x8xf32>, tensor<4x8xf32>)
  return %p2, %b2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// Without momentum there is no buffer.
// CHECK-LABEL: func.func @sgd_update_plain_weight_decay_f16
// CHECK: lp.sgd_update %arg0, %arg1 lr %arg2 {momentum = 0.000000e+00 : f64, weight_decay = 5.000000e-04 : f64} : (tensor<16xf16>, tensor<16xf16>, tensor<f32>) -> tensor<16xf16>
func.func @sgd_update_plain_weight_decay_f16(%p: tensor<16xf16>, %g: tensor<16xf16>, %lr: tensor<f32>) -> tensor<16xf16> {
  %p2 = lp.sgd_update %p, %g lr %lr {momentum = 0.0 : f64, weight_decay = 5.0e-4 : f64} : (tensor<16xf16>, tensor<16xf16>, tensor<f32>) -> tensor<16xf16>
  return %p2 : tensor<16xf16>
}

// CHECK-LABEL: func.func @sgd_update_plain_scalar_bf16
// CHECK: lp.sgd_update %arg0, %arg1 lr %arg2 {momentum = 0.000000e+00 : f64} : (tensor<bf16>, tensor<bf16>, tensor<f32>) -> tensor<bf16>
func.func @sgd_update_plain_scalar_bf16(%p: tensor<bf16>, %g: tensor<bf16>, %lr: tensor<f32>) -> tensor<bf16> {
  %p2 = lp.sgd_update %p, %g lr %lr {momentum = 0.0 : f64} : (tensor<bf16>, tensor<bf16>, tensor<f32>) -> tensor<bf16>
  return %p2 : tensor<bf16>
}

// CHECK-LABEL: func.func @sgd_update_momentum_weight_decay_f64
// CHECK: lp.sgd_update %arg0, %arg1 momentum_buffer %arg2 lr %arg3 {momentum = 2.500000e-01 : f64, weight_decay = 1.250000e-01 : f64} : (tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<f32>) -> (tensor<2x3xf64>, tensor<2x3xf64>)
func.func @sgd_update_momentum_weight_decay_f64(%p: tensor<2x3xf64>, %g: tensor<2x3xf64>, %b: tensor<2x3xf64>, %lr: tensor<f32>) -> (tensor<2x3xf64>, tensor<2x3xf64>) {
  %p2, %b2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.25 : f64, weight_decay = 0.125 : f64} : (tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<f32>) -> (tensor<2x3xf64>, tensor<2x3xf64>)
  return %p2, %b2 : tensor<2x3xf64>, tensor<2x3xf64>
}

//===----------------------------------------------------------------------===//
// lp.adam_update
//===----------------------------------------------------------------------===//

// Explicit defaults (weight_decay = 0.0, decoupled = false) print elided.
// CHECK-LABEL: func.func @adam_update_explicit_defaults_f32
// CHECK: %[[P:.*]], %[[M:.*]], %[[V:.*]] = lp.adam_update %arg0, %arg1, %arg2, %arg3 count %arg4 lr %arg5 {beta1 = 9.000000e-01 : f64, beta2 = 5.000000e-01 : f64, eps = 1.000000e-08 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: return %[[P]], %[[M]], %[[V]]
func.func @adam_update_explicit_defaults_f32(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %p2, %m2, %v2 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.5 : f64, eps = 1.0e-8 : f64, weight_decay = 0.0 : f64, decoupled = false}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p2, %m2, %v2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// AdamW: decoupled weight decay.
// CHECK-LABEL: func.func @adamw_update_f16
// CHECK: lp.adam_update %arg0, %arg1, %arg2, %arg3 count %arg4 lr %arg5 {beta1 = 9.000000e-01 : f64, beta2 = 5.000000e-01 : f64, decoupled = true, eps = 1.000000e-08 : f64, weight_decay = 1.000000e-02 : f64} : (tensor<2x8xf16>, tensor<2x8xf16>, tensor<2x8xf16>, tensor<2x8xf16>, tensor<i64>, tensor<f32>) -> (tensor<2x8xf16>, tensor<2x8xf16>, tensor<2x8xf16>)
func.func @adamw_update_f16(%p: tensor<2x8xf16>, %g: tensor<2x8xf16>, %m: tensor<2x8xf16>, %v: tensor<2x8xf16>, %t: tensor<i64>, %lr: tensor<f32>) {
  %p2, %m2, %v2 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.5 : f64, eps = 1.0e-8 : f64, weight_decay = 1.0e-2 : f64, decoupled = true}
      : (tensor<2x8xf16>, tensor<2x8xf16>, tensor<2x8xf16>, tensor<2x8xf16>, tensor<i64>, tensor<f32>) -> (tensor<2x8xf16>, tensor<2x8xf16>, tensor<2x8xf16>)
  return
}

// Adam with L2 weight decay, defaulted decoupled; the betas' and eps's
// boundary values 0 are allowed.
// CHECK-LABEL: func.func @adam_update_l2_zero_betas_bf16
// CHECK: lp.adam_update %arg0, %arg1, %arg2, %arg3 count %arg4 lr %arg5 {beta1 = 0.000000e+00 : f64, beta2 = 0.000000e+00 : f64, eps = 0.000000e+00 : f64, weight_decay = 1.000000e-01 : f64} : (tensor<bf16>, tensor<bf16>, tensor<bf16>, tensor<bf16>, tensor<i64>, tensor<f32>) -> (tensor<bf16>, tensor<bf16>, tensor<bf16>)
func.func @adam_update_l2_zero_betas_bf16(%p: tensor<bf16>, %g: tensor<bf16>, %m: tensor<bf16>, %v: tensor<bf16>, %t: tensor<i64>, %lr: tensor<f32>) {
  %p2, %m2, %v2 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.0 : f64, beta2 = 0.0 : f64, eps = 0.0 : f64, weight_decay = 0.1 : f64}
      : (tensor<bf16>, tensor<bf16>, tensor<bf16>, tensor<bf16>, tensor<i64>, tensor<f32>) -> (tensor<bf16>, tensor<bf16>, tensor<bf16>)
  return
}

// CHECK-LABEL: func.func @adam_update_f64
// CHECK: lp.adam_update %arg0, %arg1, %arg2, %arg3 count %arg4 lr %arg5 {beta1 = 5.000000e-01 : f64, beta2 = 7.500000e-01 : f64, eps = 1.000000e-08 : f64} : (tensor<3x3xf64>, tensor<3x3xf64>, tensor<3x3xf64>, tensor<3x3xf64>, tensor<i64>, tensor<f32>) -> (tensor<3x3xf64>, tensor<3x3xf64>, tensor<3x3xf64>)
func.func @adam_update_f64(%p: tensor<3x3xf64>, %g: tensor<3x3xf64>, %m: tensor<3x3xf64>, %v: tensor<3x3xf64>, %t: tensor<i64>, %lr: tensor<f32>) {
  %p2, %m2, %v2 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.5 : f64, beta2 = 0.75 : f64, eps = 1.0e-8 : f64}
      : (tensor<3x3xf64>, tensor<3x3xf64>, tensor<3x3xf64>, tensor<3x3xf64>, tensor<i64>, tensor<f32>) -> (tensor<3x3xf64>, tensor<3x3xf64>, tensor<3x3xf64>)
  return
}

// -----
// The places of a train step (LPStepOps.td)

// CHECK-LABEL: func.func @step_ops
// CHECK: %[[S:.*]] = lp.loss_seed %arg0 {weight = 5.000000e-01 : f64} : (tensor<f32>) -> tensor<f32>
// CHECK: %[[OK:.*]] = lp.all_finite %arg1, %arg2 : (tensor<4xf32>, tensor<2xbf16>) -> tensor<i1>
// CHECK: %{{.*}}:2 = lp.gradients %arg1, %arg2 skip_if %arg3 {params = ["w", "b"], phase = 2 : i64} : (tensor<4xf32>, tensor<2xbf16>, tensor<i1>) -> (tensor<4xf32>, tensor<2xbf16>)
// CHECK: lp.gradients %arg1 {params = ["w"]} : (tensor<4xf32>) -> tensor<4xf32>
func.func @step_ops(%l: tensor<f32>, %a: tensor<4xf32>, %b: tensor<2xbf16>, %s: tensor<i1>) {
  %seed = lp.loss_seed %l {weight = 0.5 : f64} : (tensor<f32>) -> tensor<f32>
  %ok = lp.all_finite %a, %b : (tensor<4xf32>, tensor<2xbf16>) -> tensor<i1>
  %g:2 = lp.gradients %a, %b skip_if %s {params = ["w", "b"], phase = 2 : i64} : (tensor<4xf32>, tensor<2xbf16>, tensor<i1>) -> (tensor<4xf32>, tensor<2xbf16>)
  %h = lp.gradients %a {params = ["w"]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}
