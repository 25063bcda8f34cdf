// RUN: lp-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the verifiers in lib/Dialect/LP/IR/LPGradOps.cpp
// (gradient and optimizer ops), grouped by op, then the ODS-level constraints
// from LPGradOps.td and LPOptimizerOps.td.
//
// The "requires static shapes" check of verifyFloatsAgree cannot fire: every
// operand and result is a statically shaped tensor by its ODS constraint,
// which is verified first (see the ODS section).

//===----------------------------------------------------------------------===//
// Shared check: one float element type
//===----------------------------------------------------------------------===//

func.func @broadcast_mixed_float_types(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.broadcast' op requires one float element type, got 'f32' and 'f16'}}
  %0 = lp.broadcast %x : (tensor<4xf32>) -> tensor<2x4xf16>
  return
}

// -----

func.func @conv2d_grad_input_mixed_float_types(%dy: tensor<1x4x6x6xf32>, %w: tensor<4x3x3x3xbf16>) {
  // expected-error@+1 {{'lp.conv2d_grad_input' op requires one float element type, got 'f32' and 'bf16'}}
  %0 = lp.conv2d_grad_input %dy, %w : (tensor<1x4x6x6xf32>, tensor<4x3x3x3xbf16>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv2d_grad_filter_mixed_result_type(%x: tensor<1x3x8x8xf16>, %dy: tensor<1x4x6x6xf16>) {
  // expected-error@+1 {{'lp.conv2d_grad_filter' op requires one float element type, got 'f16' and 'f32'}}
  %0 = lp.conv2d_grad_filter %x, %dy : (tensor<1x3x8x8xf16>, tensor<1x4x6x6xf16>) -> tensor<4x3x3x3xf32>
  return
}

// -----

func.func @max_pool2d_grad_mixed_float_types(%x: tensor<1x1x4x4xf32>, %dy: tensor<1x1x2x2xf64>) {
  // expected-error@+1 {{'lp.max_pool2d_grad' op requires one float element type, got 'f32' and 'f64'}}
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_grad_mixed_float_types(%dy: tensor<1x1x2x2xf16>) {
  // expected-error@+1 {{'lp.avg_pool2d_grad' op requires one float element type, got 'f16' and 'bf16'}}
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>} : (tensor<1x1x2x2xf16>) -> tensor<1x1x4x4xbf16>
  return
}

// -----

func.func @embedding_grad_mixed_float_types(%ids: tensor<3xi64>, %dy: tensor<3x4xf32>) {
  // expected-error@+1 {{'lp.embedding_grad' op requires one float element type, got 'f32' and 'f16'}}
  %0 = lp.embedding_grad %ids, %dy : (tensor<3xi64>, tensor<3x4xf32>) -> tensor<10x4xf16>
  return
}

// -----

func.func @cross_entropy_grad_mixed_scalar_type(%l: tensor<4x3xbf16>, %y: tensor<4xi64>, %d: tensor<f32>) {
  // expected-error@+1 {{'lp.cross_entropy_grad' op requires one float element type, got 'bf16' and 'f32'}}
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<4x3xbf16>, tensor<4xi64>, tensor<f32>) -> tensor<4x3xbf16>
  return
}

// -----

func.func @reduce_max_grad_mixed_float_types(%x: tensor<4x8xf32>, %dy: tensor<4xf16>) {
  // expected-error@+1 {{'lp.reduce_max_grad' op requires one float element type, got 'f32' and 'f16'}}
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: 1>} : (tensor<4x8xf32>, tensor<4xf16>) -> tensor<4x8xf32>
  return
}

// -----

func.func @sgd_update_mixed_buffer_type(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xbf16>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op momentum buffer must have the param's type}}
  %0:2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.9 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xbf16>, tensor<f32>) -> (tensor<4xf32>, tensor<4xbf16>)
  return
}

// -----

func.func @adam_update_mixed_moment_type(%p: tensor<4xf16>, %g: tensor<4xf16>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op param, grad, moments and results must have one type}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf16>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf16>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.broadcast
//===----------------------------------------------------------------------===//

func.func @broadcast_incompatible_dims(%x: tensor<3xf32>) {
  // expected-error@+1 {{'lp.broadcast' op cannot broadcast 'tensor<3xf32>' to 'tensor<2x4xf32>'}}
  %0 = lp.broadcast %x : (tensor<3xf32>) -> tensor<2x4xf32>
  return
}

// -----

// The shapes broadcast together, but to [4, 8], not to the result.
func.func @broadcast_to_smaller_shape(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.broadcast' op cannot broadcast 'tensor<4x8xf32>' to 'tensor<1x8xf32>'}}
  %0 = lp.broadcast %x : (tensor<4x8xf32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @broadcast_to_lower_rank(%x: tensor<2x4xf16>) {
  // expected-error@+1 {{'lp.broadcast' op cannot broadcast 'tensor<2x4xf16>' to 'tensor<4xf16>'}}
  %0 = lp.broadcast %x : (tensor<2x4xf16>) -> tensor<4xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.conv2d_grad_input, lp.conv2d_grad_filter
//===----------------------------------------------------------------------===//

func.func @conv2d_grad_input_rank3_result(%dy: tensor<1x4x6x6xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_input' op input, filter and gradient must have rank 4}}
  %0 = lp.conv2d_grad_input %dy, %w : (tensor<1x4x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<3x8x8xf32>
  return
}

// -----

func.func @conv2d_grad_input_rank3_filter(%dy: tensor<1x4x6x6xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_input' op input, filter and gradient must have rank 4}}
  %0 = lp.conv2d_grad_input %dy, %w : (tensor<1x4x6x6xf32>, tensor<4x3x3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv2d_grad_filter_rank3_gradient(%x: tensor<1x3x8x8xf32>, %dy: tensor<4x6x6xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_filter' op input, filter and gradient must have rank 4}}
  %0 = lp.conv2d_grad_filter %x, %dy : (tensor<1x3x8x8xf32>, tensor<4x6x6xf32>) -> tensor<4x3x3x3xf32>
  return
}

// -----

func.func @conv2d_grad_input_stride_one_entry(%dy: tensor<1x4x6x6xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_input' op stride must be 2 positive and padding 2 non-negative values}}
  %0 = lp.conv2d_grad_input %dy, %w {stride = array<i64: 1>} : (tensor<1x4x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv2d_grad_input_zero_stride(%dy: tensor<1x4x6x6xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_input' op stride must be 2 positive and padding 2 non-negative values}}
  %0 = lp.conv2d_grad_input %dy, %w {stride = array<i64: 1, 0>} : (tensor<1x4x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv2d_grad_filter_padding_three_entries(%x: tensor<1x3x8x8xf32>, %dy: tensor<1x4x6x6xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_filter' op stride must be 2 positive and padding 2 non-negative values}}
  %0 = lp.conv2d_grad_filter %x, %dy {padding = array<i64: 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<1x4x6x6xf32>) -> tensor<4x3x3x3xf32>
  return
}

// -----

func.func @conv2d_grad_filter_negative_padding(%x: tensor<1x3x8x8xf32>, %dy: tensor<1x4x4x6xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_filter' op stride must be 2 positive and padding 2 non-negative values}}
  %0 = lp.conv2d_grad_filter %x, %dy {padding = array<i64: -1, 0>} : (tensor<1x3x8x8xf32>, tensor<1x4x4x6xf32>) -> tensor<4x3x3x3xf32>
  return
}

// -----

func.func @conv2d_grad_input_channel_mismatch(%dy: tensor<1x4x6x6xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_input' op input, filter and gradient shapes disagree}}
  %0 = lp.conv2d_grad_input %dy, %w : (tensor<1x4x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<1x2x8x8xf32>
  return
}

// -----

func.func @conv2d_grad_input_filter_count_mismatch(%dy: tensor<1x5x6x6xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_input' op input, filter and gradient shapes disagree}}
  %0 = lp.conv2d_grad_input %dy, %w : (tensor<1x5x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv2d_grad_filter_batch_mismatch(%x: tensor<2x3x8x8xf32>, %dy: tensor<1x4x6x6xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_filter' op input, filter and gradient shapes disagree}}
  %0 = lp.conv2d_grad_filter %x, %dy : (tensor<2x3x8x8xf32>, tensor<1x4x6x6xf32>) -> tensor<4x3x3x3xf32>
  return
}

// -----

func.func @conv2d_grad_input_wrong_spatial_size(%dy: tensor<1x4x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_input' op gradient spatial size does not match the convolution's output}}
  %0 = lp.conv2d_grad_input %dy, %w : (tensor<1x4x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

// OW = (8 - 3) / 2 + 1 = 3, not 4.
func.func @conv2d_grad_filter_wrong_strided_width(%x: tensor<1x3x8x8xf32>, %dy: tensor<1x4x3x4xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_filter' op gradient spatial size does not match the convolution's output}}
  %0 = lp.conv2d_grad_filter %x, %dy {stride = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<1x4x3x4xf32>) -> tensor<4x3x3x3xf32>
  return
}

// -----

func.func @conv2d_grad_filter_window_too_large(%x: tensor<1x1x2x8xf32>, %dy: tensor<1x4x1x8xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_filter' op gradient spatial size does not match the convolution's output}}
  %0 = lp.conv2d_grad_filter %x, %dy {padding = array<i64: 1, 1>} : (tensor<1x1x2x8xf32>, tensor<1x4x1x8xf32>) -> tensor<4x1x5x3xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.max_pool2d_grad, lp.avg_pool2d_grad
//===----------------------------------------------------------------------===//

func.func @max_pool2d_grad_result_type(%x: tensor<1x1x4x4xf32>, %dy: tensor<1x1x2x2xf32>) {
  // expected-error@+1 {{'lp.max_pool2d_grad' op result must have the input's type}}
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x5x4xf32>
  return
}

// -----

// The type check comes before the element-type check.
func.func @max_pool2d_grad_result_element_type(%x: tensor<1x1x4x4xf32>, %dy: tensor<1x1x2x2xf32>) {
  // expected-error@+1 {{'lp.max_pool2d_grad' op result must have the input's type}}
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf16>
  return
}

// -----

func.func @max_pool2d_grad_rank3(%x: tensor<16x4x4xf32>, %dy: tensor<16x2x2xf32>) {
  // expected-error@+1 {{'lp.max_pool2d_grad' op expects NCHW tensors and 2-d window attributes}}
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 2, 2>} : (tensor<16x4x4xf32>, tensor<16x2x2xf32>) -> tensor<16x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_grad_rank3_gradient(%dy: tensor<1x2x2xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d_grad' op expects NCHW tensors and 2-d window attributes}}
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>} : (tensor<1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool2d_grad_kernel_one_entry(%x: tensor<1x1x4x4xf32>, %dy: tensor<1x1x2x2xf32>) {
  // expected-error@+1 {{'lp.max_pool2d_grad' op expects NCHW tensors and 2-d window attributes}}
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_grad_stride_three_entries(%dy: tensor<1x1x2x2xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d_grad' op expects NCHW tensors and 2-d window attributes}}
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2, 2>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_grad_padding_one_entry(%dy: tensor<1x1x2x2xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d_grad' op expects NCHW tensors and 2-d window attributes}}
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>, padding = array<i64: 0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool2d_grad_channel_mismatch(%x: tensor<1x2x4x4xf32>, %dy: tensor<1x3x2x2xf32>) {
  // expected-error@+1 {{'lp.max_pool2d_grad' op input and gradient batch/channels differ}}
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<1x3x2x2xf32>) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_grad_batch_mismatch(%dy: tensor<2x1x2x2xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d_grad' op input and gradient batch/channels differ}}
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>} : (tensor<2x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool2d_grad_zero_kernel(%x: tensor<1x1x4x4xf32>, %dy: tensor<1x1x4x2xf32>) {
  // expected-error@+1 {{'lp.max_pool2d_grad' op gradient spatial size does not match the pooling's output}}
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 0, 2>, stride = array<i64: 1, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x4x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_grad_zero_stride(%dy: tensor<1x1x2x2xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d_grad' op gradient spatial size does not match the pooling's output}}
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>, stride = array<i64: 2, 0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_grad_negative_padding(%dy: tensor<1x1x1x2xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d_grad' op gradient spatial size does not match the pooling's output}}
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>, padding = array<i64: -1, 0>} : (tensor<1x1x1x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool2d_grad_window_too_large(%x: tensor<1x1x4x2xf32>, %dy: tensor<1x1x1x1xf32>) {
  // expected-error@+1 {{'lp.max_pool2d_grad' op gradient spatial size does not match the pooling's output}}
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 3, 3>} : (tensor<1x1x4x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x2xf32>
  return
}

// -----

func.func @avg_pool2d_grad_wrong_spatial_size(%dy: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d_grad' op gradient spatial size does not match the pooling's output}}
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.embedding_grad
//===----------------------------------------------------------------------===//

func.func @embedding_grad_rank1_result(%ids: tensor<3xi64>, %dy: tensor<3x4xf32>) {
  // expected-error@+1 {{'lp.embedding_grad' op result (the table gradient) must have rank 2}}
  %0 = lp.embedding_grad %ids, %dy : (tensor<3xi64>, tensor<3x4xf32>) -> tensor<40xf32>
  return
}

// -----

func.func @embedding_grad_wrong_row_width(%ids: tensor<2x3xi32>, %dy: tensor<2x3x4xf32>) {
  // expected-error@+1 {{'lp.embedding_grad' op gradient must have shape [2, 3, 8], got 'tensor<2x3x4xf32>'}}
  %0 = lp.embedding_grad %ids, %dy : (tensor<2x3xi32>, tensor<2x3x4xf32>) -> tensor<10x8xf32>
  return
}

// -----

func.func @embedding_grad_flattened_gradient(%ids: tensor<2x3xi64>, %dy: tensor<6x4xf32>) {
  // expected-error@+1 {{'lp.embedding_grad' op gradient must have shape [2, 3, 4], got 'tensor<6x4xf32>'}}
  %0 = lp.embedding_grad %ids, %dy : (tensor<2x3xi64>, tensor<6x4xf32>) -> tensor<10x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.cross_entropy_grad
//===----------------------------------------------------------------------===//

func.func @cross_entropy_grad_rank1_logits(%l: tensor<10xf32>, %y: tensor<10xi64>, %d: tensor<f32>) {
  // expected-error@+1 {{'lp.cross_entropy_grad' op logits must have rank 2}}
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<10xf32>, tensor<10xi64>, tensor<f32>) -> tensor<10xf32>
  return
}

// -----

func.func @cross_entropy_grad_result_shape(%l: tensor<4x10xf32>, %y: tensor<4xi64>, %d: tensor<f32>) {
  // expected-error@+1 {{'lp.cross_entropy_grad' op result must have the logits' type}}
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<4x10xf32>, tensor<4xi64>, tensor<f32>) -> tensor<10x4xf32>
  return
}

// -----

func.func @cross_entropy_grad_labels_size(%l: tensor<4x10xf32>, %y: tensor<10xi64>, %d: tensor<f32>) {
  // expected-error@+1 {{'lp.cross_entropy_grad' op labels must have shape [4], got 'tensor<10xi64>'}}
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<4x10xf32>, tensor<10xi64>, tensor<f32>) -> tensor<4x10xf32>
  return
}

// -----

func.func @cross_entropy_grad_labels_rank(%l: tensor<4x10xf32>, %y: tensor<4x1xi32>, %d: tensor<f32>) {
  // expected-error@+1 {{'lp.cross_entropy_grad' op labels must have shape [4], got 'tensor<4x1xi32>'}}
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<4x10xf32>, tensor<4x1xi32>, tensor<f32>) -> tensor<4x10xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.reduce_max_grad
//===----------------------------------------------------------------------===//

func.func @reduce_max_grad_result_type(%x: tensor<4x8xf32>, %dy: tensor<4xf32>) {
  // expected-error@+1 {{'lp.reduce_max_grad' op result must have the input's type}}
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: 1>} : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<8x4xf32>
  return
}

// -----

func.func @reduce_max_grad_axis_too_large(%x: tensor<4x8xf32>, %dy: tensor<4xf32>) {
  // expected-error@+1 {{'lp.reduce_max_grad' op axis 2 is out of range}}
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: 2>} : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @reduce_max_grad_axis_too_negative(%x: tensor<4x8xf32>, %dy: tensor<4xf32>) {
  // expected-error@+1 {{'lp.reduce_max_grad' op axis -3 is out of range}}
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: -3>} : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @reduce_max_grad_wrong_gradient_shape(%x: tensor<4x8xf32>, %dy: tensor<8xf32>) {
  // expected-error@+1 {{'lp.reduce_max_grad' op gradient must have the reduce_max result's shape}}
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: 1>} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

// Neither [4] nor the keepdims shape [4, 1].
func.func @reduce_max_grad_partial_keepdims(%x: tensor<2x4x8xf32>, %dy: tensor<4x1xf32>) {
  // expected-error@+1 {{'lp.reduce_max_grad' op gradient must have the reduce_max result's shape}}
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: 0, 2>} : (tensor<2x4x8xf32>, tensor<4x1xf32>) -> tensor<2x4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.sgd_update
//===----------------------------------------------------------------------===//

func.func @sgd_update_grad_shape(%p: tensor<4xf32>, %g: tensor<2x2xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op param, grad and new param must have one type}}
  %0 = lp.sgd_update %p, %g lr %lr {momentum = 0.0 : f64} : (tensor<4xf32>, tensor<2x2xf32>, tensor<f32>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_update_new_param_shape(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op param, grad and new param must have one type}}
  %0 = lp.sgd_update %p, %g lr %lr {momentum = 0.0 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<8xf32>
  return
}

// -----

func.func @sgd_update_buffer_without_result(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op momentum buffer operand and result go together}}
  %0 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.9 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_update_result_without_buffer(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op momentum buffer operand and result go together}}
  %0:2 = lp.sgd_update %p, %g lr %lr {momentum = 0.9 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @sgd_update_momentum_without_buffer(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op a momentum buffer is present exactly when momentum is non-zero}}
  %0 = lp.sgd_update %p, %g lr %lr {momentum = 0.9 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_update_buffer_without_momentum(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op a momentum buffer is present exactly when momentum is non-zero}}
  %0:2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.0 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// -0.0 compares equal to 0.0: no momentum.
func.func @sgd_update_buffer_with_negative_zero_momentum(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op a momentum buffer is present exactly when momentum is non-zero}}
  %0:2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = -0.0 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @sgd_update_buffer_shape(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<2x2xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op momentum buffer must have the param's type}}
  %0:2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.9 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<2x2xf32>)
  return
}

// -----

func.func @sgd_update_new_buffer_shape(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op momentum buffer must have the param's type}}
  %0:2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.9 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<8xf32>)
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.adam_update
//===----------------------------------------------------------------------===//

func.func @adam_update_grad_shape(%p: tensor<4xf32>, %g: tensor<2x2xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op param, grad, moments and results must have one type}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_second_moment_shape(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<1xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op param, grad, moments and results must have one type}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_new_v_shape(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op param, grad, moments and results must have one type}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>)
  return
}

// -----

func.func @adam_update_beta1_one(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op betas must be in [0, 1)}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 1.0 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_beta2_negative(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op betas must be in [0, 1)}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = -0.5 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_beta1_nan(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op betas must be in [0, 1)}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0x7FF8000000000000 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_negative_eps(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op eps must be non-negative}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = -1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_nan_eps(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op eps must be non-negative}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 0x7FF8000000000000 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

//===----------------------------------------------------------------------===//
// ODS: types, traits and attributes
//===----------------------------------------------------------------------===//

// The float-tensor messages match the list of accepted float types with a
// regex, so that adding a float type to LP_FloatTensor does not break them.

func.func @sqrt_integer_tensor(%x: tensor<4xi32>) {
  // expected-error-re@+1 {{'lp.sqrt' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<4xi32>'}}
  %0 = lp.sqrt %x : (tensor<4xi32>) -> tensor<4xi32>
  return
}

// -----

func.func @sqrt_shape_change(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.sqrt' op requires the same type for all operands and results}}
  %0 = lp.sqrt %x : (tensor<4xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @broadcast_dynamic_result(%x: tensor<4xf32>) {
  // expected-error-re@+1 {{'lp.broadcast' op result #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<?x4xf32>'}}
  %0 = lp.broadcast %x : (tensor<4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @relu_grad_mixed_types(%x: tensor<4xf32>, %dy: tensor<4xf16>) {
  // expected-error@+1 {{'lp.relu_grad' op failed to verify that all of {input, grad, result} have same type}}
  %0 = lp.relu_grad %x, %dy : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

func.func @relu_grad_result_shape(%x: tensor<4xf32>, %dy: tensor<4xf32>) {
  // expected-error@+1 {{'lp.relu_grad' op failed to verify that all of {input, grad, result} have same type}}
  %0 = lp.relu_grad %x, %dy : (tensor<4xf32>, tensor<4xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @gelu_grad_shape_mismatch(%x: tensor<4x2xbf16>, %dy: tensor<2x4xbf16>) {
  // expected-error@+1 {{'lp.gelu_grad' op failed to verify that all of {input, grad, result} have same type}}
  %0 = lp.gelu_grad %x, %dy : (tensor<4x2xbf16>, tensor<2x4xbf16>) -> tensor<4x2xbf16>
  return
}

// -----

func.func @gelu_grad_unranked(%x: tensor<*xf32>, %dy: tensor<*xf32>) {
  // expected-error-re@+1 {{'lp.gelu_grad' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<*xf32>'}}
  %0 = lp.gelu_grad %x, %dy : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @gelu_grad_approximate_not_enum(%x: tensor<4xf32>, %dy: tensor<4xf32>) {
  // expected-error@+1 {{'lp.gelu_grad' op attribute 'approximate' failed to satisfy constraint: GELU formula}}
  %0 = lp.gelu_grad %x, %dy {approximate = 1 : i32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @conv2d_grad_input_dynamic_gradient(%dy: tensor<?x4x6x6xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error-re@+1 {{'lp.conv2d_grad_input' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<?x4x6x6xf32>'}}
  %0 = lp.conv2d_grad_input %dy, %w : (tensor<?x4x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv2d_grad_filter_stride_i32_array(%x: tensor<1x3x8x8xf32>, %dy: tensor<1x4x6x6xf32>) {
  // expected-error@+1 {{'lp.conv2d_grad_filter' op attribute 'stride' failed to satisfy constraint: i64 dense array attribute}}
  %0 = lp.conv2d_grad_filter %x, %dy {stride = array<i32: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<1x4x6x6xf32>) -> tensor<4x3x3x3xf32>
  return
}

// -----

func.func @max_pool2d_grad_missing_kernel(%x: tensor<1x1x4x4xf32>, %dy: tensor<1x1x2x2xf32>) {
  // expected-error@+1 {{'lp.max_pool2d_grad' op requires attribute 'kernel'}}
  %0 = lp.max_pool2d_grad %x, %dy : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_grad_missing_kernel(%dy: tensor<1x1x2x2xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d_grad' op requires attribute 'kernel'}}
  %0 = lp.avg_pool2d_grad %dy : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @embedding_grad_float_indices(%ids: tensor<3xf32>, %dy: tensor<3x4xf32>) {
  // expected-error@+1 {{'lp.embedding_grad' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<3xf32>'}}
  %0 = lp.embedding_grad %ids, %dy : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<10x4xf32>
  return
}

// -----

func.func @cross_entropy_grad_non_scalar_gradient(%l: tensor<4x10xf32>, %y: tensor<4xi64>, %d: tensor<1xf32>) {
  // expected-error-re@+1 {{'lp.cross_entropy_grad' op operand #2 must be 0D tensor of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<1xf32>'}}
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<4x10xf32>, tensor<4xi64>, tensor<1xf32>) -> tensor<4x10xf32>
  return
}

// -----

func.func @cross_entropy_grad_unsigned_labels(%l: tensor<4x10xf32>, %y: tensor<4xui32>, %d: tensor<f32>) {
  // expected-error@+1 {{'lp.cross_entropy_grad' op operand #1 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<4xui32>'}}
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<4x10xf32>, tensor<4xui32>, tensor<f32>) -> tensor<4x10xf32>
  return
}

// -----

func.func @reduce_max_grad_missing_axes(%x: tensor<4xf32>, %dy: tensor<f32>) {
  // expected-error@+1 {{'lp.reduce_max_grad' op requires attribute 'axes'}}
  %0 = lp.reduce_max_grad %x, %dy : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_update_lr_f16(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f16>) {
  // expected-error@+1 {{'lp.sgd_update' op operand #2 must be 0D tensor of 32-bit float or 64-bit float values, but got 'tensor<f16>'}}
  %0 = lp.sgd_update %p, %g lr %lr {momentum = 0.0 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<f16>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_update_missing_momentum(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op requires attribute 'momentum'}}
  %0 = lp.sgd_update %p, %g lr %lr : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_update_skip_not_i1(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i8>) {
  // expected-error@+1 {{'lp.sgd_update' op operand #3 must be 0D tensor of 1-bit signless integer values, but got 'tensor<i8>'}}
  %0 = lp.sgd_update %p, %g lr %lr skip_if %s {momentum = 0.0 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_update_integer_param(%p: tensor<4xi32>, %g: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error-re@+1 {{'lp.sgd_update' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<4xi32>'}}
  %0 = lp.sgd_update %p, %g lr %lr {momentum = 0.0 : f64} : (tensor<4xi32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_update_two_buffers(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{expected 'lr'}}
  %0:2 = lp.sgd_update %p, %g momentum_buffer %b, %b lr %lr {momentum = 0.9 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_missing_eps(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op requires attribute 'eps'}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_decoupled_not_bool(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op attribute 'decoupled' failed to satisfy constraint: bool attribute}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, decoupled = 1 : i64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_i32_step(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op operand #4 must be 0D tensor of 64-bit signless integer values, but got 'tensor<i32>'}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_rank1_step(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<1xi64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op operand #4 must be 0D tensor of 64-bit signless integer values, but got 'tensor<1xi64>'}}
  %0:3 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<1xi64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @max_pool2d_grad_padding_over_half_kernel(%x: tensor<1x1x4x4xf32>, %dy: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{padding must be at most half the kernel size}}
  %r = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 3, 3>, stride = array<i64: 3, 3>, padding = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %r : tensor<1x1x4x4xf32>
}

// -----

func.func @reduce_max_grad_empty_axes(%x: tensor<4x8xf32>, %dy: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{axes must not be empty}}
  %r = lp.reduce_max_grad %x, %dy {axes = array<i64>} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

func.func @reduce_max_grad_repeated_axis(%x: tensor<4x8xf32>, %dy: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{axis -1 is repeated}}
  %r = lp.reduce_max_grad %x, %dy {axes = array<i64: 1, -1>} : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

func.func @gradients_names_count(%a: tensor<4xf32>, %b: tensor<2xf32>) {
  // expected-error@+1 {{'lp.gradients' op needs one parameter name and one result per gradient, got 2 gradients, 1 names and 2 results}}
  %0:2 = lp.gradients %a, %b {params = ["w"]} : (tensor<4xf32>, tensor<2xf32>) -> (tensor<4xf32>, tensor<2xf32>)
  return
}

// -----

func.func @gradients_result_type(%a: tensor<4xf32>) {
  // expected-error@+1 {{'lp.gradients' op result #0 must have the type of gradient #0, 'tensor<4xf32>'}}
  %0 = lp.gradients %a {params = ["w"]} : (tensor<4xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @gradients_repeated_name(%a: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'lp.gradients' op parameter name #1 is empty or repeated: 'w'}}
  %0:2 = lp.gradients %a, %b {params = ["w", "w"]} : (tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @gradients_negative_phase(%a: tensor<4xf32>) {
  // expected-error@+1 {{'lp.gradients' op phase must be non-negative}}
  %0 = lp.gradients %a {params = ["w"], phase = -1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @loss_seed_not_scalar(%l: tensor<2xf32>) {
  // expected-error@+1 {{'lp.loss_seed' op operand #0 must be 0D tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<2xf32>'}}
  %0 = lp.loss_seed %l {weight = 1.0 : f64} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @all_finite_no_operand() {
  // expected-error@+1 {{'lp.all_finite' op needs at least one operand}}
  %0 = lp.all_finite : () -> tensor<i1>
  return
}

// -----

func.func @sgd_update_nesterov_with_dampening(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op nesterov needs momentum and zero dampening}}
  %0:2 = lp.sgd_update %p, %g momentum_buffer %b count %t lr %lr {momentum = 0.9 : f64, dampening = 0.5 : f64, nesterov = true} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @sgd_update_dampening_without_count(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op a count is present exactly when momentum and dampening are non-zero}}
  %0:2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.9 : f64, dampening = 0.5 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @sgd_update_dampening_out_of_range(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.sgd_update' op dampening must be in [0, 1], got 2}}
  %0:2 = lp.sgd_update %p, %g momentum_buffer %b count %t lr %lr {momentum = 0.9 : f64, dampening = 2.0 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @adam_update_max_v_without_result(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %vm: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) {
  // expected-error@+1 {{'lp.adam_update' op max_v operand and result go together}}
  %0:3 = lp.adam_update %p, %g, %m, %v max_v %vm count %t lr %lr {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}
