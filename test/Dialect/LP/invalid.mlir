// RUN: lp-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the verifiers in lib/Dialect/LP/IR/LPOps.cpp,
// grouped by op, then the ODS-level constraints from LPOps.td/LPDialect.td.

//===----------------------------------------------------------------------===//
// Shared checks: static shapes, one float element type, result shape
//===----------------------------------------------------------------------===//

// Float and index tensors are statically shaped by their ODS constraint, so
// only the ops on any ranked tensor (lp.reshape, lp.transpose) reach the
// verifier's static-shape check. The float-tensor messages match the list of
// accepted float types with a regex (see the ODS section below).

func.func @linear_dynamic_input(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>) {
  // expected-error-re@+1 {{'lp.linear' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<?x8xf32>'}}
  %0 = lp.linear %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @add_dynamic_result(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) {
  // expected-error-re@+1 {{'lp.add' op result #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<?x8xf32>'}}
  %0 = lp.add %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @softmax_dynamic(%x: tensor<4x?xf32>) {
  // expected-error-re@+1 {{'lp.softmax' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<4x?xf32>'}}
  %0 = lp.softmax %x {axis = -1 : i64} : (tensor<4x?xf32>) -> tensor<4x?xf32>
  return
}

// -----

func.func @reshape_dynamic(%x: tensor<?xf32>) {
  // expected-error@+1 {{'lp.reshape' op requires static shapes, got 'tensor<?xf32>'}}
  %0 = lp.reshape %x : (tensor<?xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @transpose_dynamic(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.transpose' op requires static shapes, got 'tensor<?x4xf32>'}}
  %0 = lp.transpose %x {permutation = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @cast_dynamic(%x: tensor<?xf32>) {
  // expected-error-re@+1 {{'lp.cast' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<?xf32>'}}
  %0 = lp.cast %x : (tensor<?xf32>) -> tensor<?xf16>
  return
}

// -----

func.func @embedding_dynamic_indices(%ids: tensor<?xi64>, %t: tensor<10x4xf32>) {
  // expected-error@+1 {{'lp.embedding' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<?xi64>'}}
  %0 = lp.embedding %ids, %t : (tensor<?xi64>, tensor<10x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @cross_entropy_dynamic_labels(%l: tensor<4x10xf32>, %y: tensor<?xi32>) {
  // expected-error@+1 {{'lp.cross_entropy' op operand #1 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<?xi32>'}}
  %0 = lp.cross_entropy %l, %y : (tensor<4x10xf32>, tensor<?xi32>) -> tensor<f32>
  return
}

// -----

func.func @add_mixed_float_types(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error@+1 {{'lp.add' op requires one float element type, got 'f32' and 'f16'}}
  %0 = lp.add %a, %b : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

func.func @mul_mixed_f32_f64(%a: tensor<4xf64>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'lp.mul' op requires one float element type, got 'f64' and 'f32'}}
  %0 = lp.mul %a, %b : (tensor<4xf64>, tensor<4xf32>) -> tensor<4xf64>
  return
}

// -----

func.func @linear_mixed_bias_type(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xbf16>) {
  // expected-error@+1 {{'lp.linear' op requires one float element type, got 'f32' and 'bf16'}}
  %0 = lp.linear %x, %w, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xbf16>) -> tensor<4x16xf32>
  return
}

// -----

// A contraction's result has its operands' type, or f32 for f16/bf16
// operands (lp-autocast lowp-result=f32); nothing else.
func.func @matmul_mixed_result_type(%a: tensor<4x8xf16>, %b: tensor<8x2xf16>) {
  // expected-error@+1 {{'lp.matmul' op result element type 'bf16' must be the operands' ('f16'), or f32 for f16/bf16 operands}}
  %0 = lp.matmul %a, %b : (tensor<4x8xf16>, tensor<8x2xf16>) -> tensor<4x2xbf16>
  return
}

// -----

func.func @linear_narrowing_result(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>) {
  // expected-error@+1 {{'lp.linear' op result element type 'f16' must be the operands' ('f32'), or f32 for f16/bf16 operands}}
  %0 = lp.linear %a, %b : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf16>
  return
}

// -----

func.func @matmul_mixed_operands(%a: tensor<4x8xf16>, %b: tensor<8x2xbf16>) {
  // expected-error@+1 {{'lp.matmul' op requires one float element type, got 'f16' and 'bf16'}}
  %0 = lp.matmul %a, %b : (tensor<4x8xf16>, tensor<8x2xbf16>) -> tensor<4x2xf32>
  return
}

// -----

func.func @cross_entropy_mixed_result_type(%l: tensor<4x3xbf16>, %y: tensor<4xi64>) {
  // expected-error@+1 {{'lp.cross_entropy' op requires one float element type, got 'bf16' and 'f32'}}
  %0 = lp.cross_entropy %l, %y : (tensor<4x3xbf16>, tensor<4xi64>) -> tensor<f32>
  return
}

// -----

func.func @embedding_mixed_float_types(%ids: tensor<3xi32>, %t: tensor<10x4xf32>) {
  // expected-error@+1 {{'lp.embedding' op requires one float element type, got 'f32' and 'f16'}}
  %0 = lp.embedding %ids, %t : (tensor<3xi32>, tensor<10x4xf32>) -> tensor<3x4xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.linear
//===----------------------------------------------------------------------===//

func.func @linear_rank0_input(%x: tensor<f32>, %w: tensor<8x16xf32>) {
  // expected-error@+1 {{'lp.linear' op input must have rank >= 1}}
  %0 = lp.linear %x, %w : (tensor<f32>, tensor<8x16xf32>) -> tensor<16xf32>
  return
}

// -----

func.func @linear_rank3_weight(%x: tensor<4x8xf32>, %w: tensor<2x8x16xf32>) {
  // expected-error@+1 {{'lp.linear' op weight must have rank 2 ([K, N]), got rank 3}}
  %0 = lp.linear %x, %w : (tensor<4x8xf32>, tensor<2x8x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @linear_inner_dimension_mismatch(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>) {
  // expected-error@+1 {{'lp.linear' op input inner dimension 8 does not match weight rows 16}}
  %0 = lp.linear %x, %w : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @linear_bias_size_mismatch(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<8xf32>) {
  // expected-error@+1 {{'lp.linear' op bias shape [8] does not match [16]}}
  %0 = lp.linear %x, %w, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @linear_bias_rank_mismatch(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<1x16xf32>) {
  // expected-error@+1 {{'lp.linear' op bias shape [1, 16] does not match [16]}}
  %0 = lp.linear %x, %w, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @linear_wrong_result_shape(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) {
  // expected-error@+1 {{'lp.linear' op result shape [16, 4] does not match the expected shape [4, 16]}}
  %0 = lp.linear %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<16x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.matmul
//===----------------------------------------------------------------------===//

func.func @matmul_rank1(%a: tensor<8xf32>, %b: tensor<8xf32>) {
  // expected-error@+1 {{'lp.matmul' op operands must have the same rank, 2 to 4; got 1 and 1}}
  %0 = lp.matmul %a, %b : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
  return
}

// -----

func.func @matmul_rank5(%a: tensor<1x1x1x2x3xf32>, %b: tensor<1x1x1x3x2xf32>) {
  // expected-error@+1 {{'lp.matmul' op operands must have the same rank, 2 to 4; got 5 and 5}}
  %0 = lp.matmul %a, %b : (tensor<1x1x1x2x3xf32>, tensor<1x1x1x3x2xf32>) -> tensor<1x1x1x2x2xf32>
  return
}

// -----

func.func @matmul_rank_mismatch(%a: tensor<2x4x8xf32>, %b: tensor<8x16xf32>) {
  // expected-error@+1 {{'lp.matmul' op operands must have the same rank, 2 to 4; got 3 and 2}}
  %0 = lp.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
  return
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x16xf32>) {
  // expected-error@+1 {{'lp.matmul' op batch dimensions [2] and [3] differ}}
  %0 = lp.matmul %a, %b : (tensor<2x4x8xf32>, tensor<3x8x16xf32>) -> tensor<2x4x16xf32>
  return
}

// -----

func.func @matmul_contraction_mismatch(%a: tensor<4x8xf32>, %b: tensor<16x8xf32>) {
  // expected-error@+1 {{'lp.matmul' op contraction dimensions 8 and 16 differ}}
  %0 = lp.matmul %a, %b : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @matmul_wrong_result_shape(%a: tensor<2x4x8xf16>, %b: tensor<2x8x16xf16>) {
  // expected-error@+1 {{'lp.matmul' op result shape [4, 16] does not match the expected shape [2, 4, 16]}}
  %0 = lp.matmul %a, %b : (tensor<2x4x8xf16>, tensor<2x8x16xf16>) -> tensor<4x16xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.conv2d
//===----------------------------------------------------------------------===//

func.func @conv2d_rank3_input(%x: tensor<1x8x8xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op input [N, C, H, W] and filter [F, C, KH, KW] must have rank 4}}
  %0 = lp.conv2d %x, %w : (tensor<1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_rank3_filter(%x: tensor<1x1x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op input [N, C, H, W] and filter [F, C, KH, KW] must have rank 4}}
  %0 = lp.conv2d %x, %w : (tensor<1x1x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_channel_mismatch(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op input channels 3 do not match filter channels 2}}
  %0 = lp.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_bias_mismatch(%x: tensor<1x1x8x8xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<1xf32>) {
  // expected-error@+1 {{'lp.conv2d' op bias shape [1] does not match [4]}}
  %0 = lp.conv2d %x, %w, %b : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<1xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_stride_one_entry(%x: tensor<1x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op kernel, stride and padding must have 2 entries}}
  %0 = lp.conv2d %x, %w {stride = array<i64: 1>} : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_padding_three_entries(%x: tensor<1x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op kernel, stride and padding must have 2 entries}}
  %0 = lp.conv2d %x, %w {padding = array<i64: 0, 0, 0>} : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_zero_stride(%x: tensor<1x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op kernel and stride must be positive and padding non-negative}}
  %0 = lp.conv2d %x, %w {stride = array<i64: 1, 0>} : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_negative_padding(%x: tensor<1x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op kernel and stride must be positive and padding non-negative}}
  %0 = lp.conv2d %x, %w {padding = array<i64: -1, 0>} : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x6xf32>
  return
}

// -----

func.func @conv2d_empty_filter_window(%x: tensor<1x1x8x8xf32>, %w: tensor<4x1x0x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op operand #1 must be statically shaped tensor of rank 8 or less without zero-size dimensions}}
  %0 = lp.conv2d %x, %w : (tensor<1x1x8x8xf32>, tensor<4x1x0x3xf32>) -> tensor<1x4x9x6xf32>
  return
}

// -----

func.func @conv2d_window_too_large(%x: tensor<1x1x2x8xf32>, %w: tensor<4x1x5x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op window 5 does not fit input 2 with padding 1}}
  %0 = lp.conv2d %x, %w {padding = array<i64: 1, 1>} : (tensor<1x1x2x8xf32>, tensor<4x1x5x3xf32>) -> tensor<1x4x1x8xf32>
  return
}

// -----

func.func @conv2d_wrong_result_shape(%x: tensor<1x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op result shape [1, 4, 8, 8] does not match the expected shape [1, 4, 6, 6]}}
  %0 = lp.conv2d %x, %w : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.max_pool2d, lp.avg_pool2d
//===----------------------------------------------------------------------===//

func.func @max_pool2d_rank3_input(%x: tensor<16x8x8xf32>) {
  // expected-error@+1 {{'lp.max_pool2d' op input must be NCHW (rank 4)}}
  %0 = lp.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<16x8x8xf32>) -> tensor<16x4x4xf32>
  return
}

// -----

func.func @max_pool2d_kernel_one_entry(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+1 {{'lp.max_pool2d' op kernel, stride and padding must have 2 entries}}
  %0 = lp.max_pool2d %x {kernel = array<i64: 2>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_stride_three_entries(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d' op kernel, stride and padding must have 2 entries}}
  %0 = lp.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2, 2>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_padding_one_entry(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d' op kernel, stride and padding must have 2 entries}}
  %0 = lp.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 0>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

// A zero kernel is also the default stride, so neither can divide by zero.
func.func @max_pool2d_zero_kernel(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+1 {{'lp.max_pool2d' op kernel and stride must be positive and padding non-negative}}
  %0 = lp.max_pool2d %x {kernel = array<i64: 0, 2>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x8x4xf32>
  return
}

// -----

func.func @avg_pool2d_negative_stride(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d' op kernel and stride must be positive and padding non-negative}}
  %0 = lp.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, -1>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @avg_pool2d_negative_padding(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d' op kernel and stride must be positive and padding non-negative}}
  %0 = lp.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 0, -1>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool2d_padding_over_half_kernel(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+1 {{'lp.max_pool2d' op padding must be at most half the kernel size}}
  %0 = lp.max_pool2d %x {kernel = array<i64: 3, 3>, padding = array<i64: 1, 2>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x3x4xf32>
  return
}

// -----

func.func @avg_pool2d_window_too_large(%x: tensor<1x1x8x2xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d' op window 3 does not fit input 2 with padding 0}}
  %0 = lp.avg_pool2d %x {kernel = array<i64: 3, 3>} : (tensor<1x1x8x2xf32>) -> tensor<1x1x2x1xf32>
  return
}

// -----

func.func @max_pool2d_wrong_result_shape(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+1 {{'lp.max_pool2d' op result shape [1, 1, 8, 8] does not match the expected shape [1, 1, 4, 4]}}
  %0 = lp.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  return
}

// -----

func.func @avg_pool2d_wrong_result_shape(%x: tensor<1x1x8x8xf32>) {
  // expected-error@+1 {{'lp.avg_pool2d' op result shape [1, 1, 4, 4] does not match the expected shape [1, 1, 7, 7]}}
  %0 = lp.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.add, lp.sub, lp.mul, lp.div
//===----------------------------------------------------------------------===//

func.func @sub_shapes_do_not_broadcast(%a: tensor<4x8xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'lp.sub' op operand shapes [4, 8] and [4] do not broadcast}}
  %0 = lp.sub %a, %b : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @mul_wrong_result_shape(%a: tensor<4x1xf16>, %b: tensor<8xf16>) {
  // expected-error@+1 {{'lp.mul' op result shape [4, 1] does not match the expected shape [4, 8]}}
  %0 = lp.mul %a, %b : (tensor<4x1xf16>, tensor<8xf16>) -> tensor<4x1xf16>
  return
}

// -----

func.func @div_mixed_float_types(%a: tensor<4xbf16>, %b: tensor<4xbf16>) {
  // expected-error@+1 {{'lp.div' op requires one float element type, got 'bf16' and 'f16'}}
  %0 = lp.div %a, %b : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<4xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.softmax, lp.log_softmax
//===----------------------------------------------------------------------===//

func.func @softmax_axis_too_large(%x: tensor<4x10xf32>) {
  // expected-error@+1 {{'lp.softmax' op axis 2 is out of range for rank 2}}
  %0 = lp.softmax %x {axis = 2 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  return
}

// -----

func.func @log_softmax_axis_too_negative(%x: tensor<4x10xf32>) {
  // expected-error@+1 {{'lp.log_softmax' op axis -3 is out of range for rank 2}}
  %0 = lp.log_softmax %x {axis = -3 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  return
}

// -----

func.func @softmax_rank0(%x: tensor<f32>) {
  // expected-error@+1 {{'lp.softmax' op axis 0 is out of range for rank 0}}
  %0 = lp.softmax %x {axis = 0 : i64} : (tensor<f32>) -> tensor<f32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.layer_norm
//===----------------------------------------------------------------------===//

func.func @layer_norm_axis_out_of_range(%x: tensor<4x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) {
  // expected-error@+1 {{'lp.layer_norm' op axis 2 is out of range for rank 2}}
  %0 = lp.layer_norm %x, %g, %b {axis = 2 : i64} : (tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @layer_norm_gamma_shape(%x: tensor<4x16xf32>, %g: tensor<4x16xf32>, %b: tensor<16xf32>) {
  // expected-error@+1 {{'lp.layer_norm' op gamma and beta must have the normalized shape [16], got [4, 16]}}
  %0 = lp.layer_norm %x, %g, %b : (tensor<4x16xf32>, tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @layer_norm_beta_shape(%x: tensor<2x4x16xf32>, %g: tensor<4x16xf32>, %b: tensor<16xf32>) {
  // expected-error@+1 {{'lp.layer_norm' op gamma and beta must have the normalized shape [4, 16], got [16]}}
  %0 = lp.layer_norm %x, %g, %b {axis = -2 : i64} : (tensor<2x4x16xf32>, tensor<4x16xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  return
}

// -----

func.func @layer_norm_zero_epsilon(%x: tensor<4x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) {
  // expected-error@+1 {{'lp.layer_norm' op epsilon must be positive}}
  %0 = lp.layer_norm %x, %g, %b {epsilon = 0.0 : f64} : (tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @layer_norm_negative_epsilon(%x: tensor<4x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) {
  // expected-error@+1 {{'lp.layer_norm' op epsilon must be positive}}
  %0 = lp.layer_norm %x, %g, %b {epsilon = -1.0e-5 : f64} : (tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @layer_norm_nan_epsilon(%x: tensor<4x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) {
  // expected-error@+1 {{'lp.layer_norm' op epsilon must be positive}}
  %0 = lp.layer_norm %x, %g, %b {epsilon = 0x7FF8000000000000 : f64} : (tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @layer_norm_wrong_result_shape(%x: tensor<4x16xbf16>, %g: tensor<16xbf16>, %b: tensor<16xbf16>) {
  // expected-error@+1 {{'lp.layer_norm' op result shape [16, 4] does not match the expected shape [4, 16]}}
  %0 = lp.layer_norm %x, %g, %b : (tensor<4x16xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> tensor<16x4xbf16>
  return
}

// -----

func.func @layer_norm_mixed_float_types(%x: tensor<4x16xf16>, %g: tensor<16xf32>, %b: tensor<16xf32>) {
  // expected-error@+1 {{'lp.layer_norm' op requires one float element type, got 'f16' and 'f32'}}
  %0 = lp.layer_norm %x, %g, %b : (tensor<4x16xf16>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.reduce_sum, lp.reduce_mean, lp.reduce_max
//===----------------------------------------------------------------------===//

func.func @reduce_sum_empty_axes(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.reduce_sum' op axes must not be empty}}
  %0 = lp.reduce_sum %x {axes = array<i64>} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @reduce_mean_axis_out_of_range(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.reduce_mean' op axis -3 is out of range for rank 2}}
  %0 = lp.reduce_mean %x {axes = array<i64: -3>} : (tensor<4x8xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @reduce_max_repeated_axis(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.reduce_max' op axis 1 is repeated}}
  %0 = lp.reduce_max %x {axes = array<i64: 1, 1>} : (tensor<4x8xf32>) -> tensor<4xf32>
  return
}

// -----

// -1 and 1 name the same axis of a rank-2 tensor.
func.func @reduce_sum_repeated_negative_axis(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.reduce_sum' op axis -1 is repeated}}
  %0 = lp.reduce_sum %x {axes = array<i64: 1, -1>} : (tensor<4x8xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @reduce_sum_rank0(%x: tensor<f32>) {
  // expected-error@+1 {{'lp.reduce_sum' op axis 0 is out of range for rank 0}}
  %0 = lp.reduce_sum %x {axes = array<i64: 0>} : (tensor<f32>) -> tensor<f32>
  return
}

// -----

func.func @reduce_mean_keepdims_wrong_result_shape(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.reduce_mean' op result shape [4] does not match the expected shape [4, 1]}}
  %0 = lp.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : (tensor<4x8xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @reduce_max_wrong_result_shape(%x: tensor<4x8xf16>) {
  // expected-error@+1 {{'lp.reduce_max' op result shape [4, 1] does not match the expected shape [4]}}
  %0 = lp.reduce_max %x {axes = array<i64: 1>} : (tensor<4x8xf16>) -> tensor<4x1xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.reshape, lp.transpose
//===----------------------------------------------------------------------===//

func.func @reshape_element_type_change(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.reshape' op element type must not change}}
  %0 = lp.reshape %x : (tensor<4xf32>) -> tensor<2x2xf16>
  return
}

// -----

func.func @reshape_element_count_mismatch(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.reshape' op cannot reshape 32 elements into 30}}
  %0 = lp.reshape %x : (tensor<4x8xf32>) -> tensor<5x6xf32>
  return
}

// -----

func.func @transpose_element_type_change(%x: tensor<4x8xi32>) {
  // expected-error@+1 {{'lp.transpose' op element type must not change}}
  %0 = lp.transpose %x {permutation = array<i64: 1, 0>} : (tensor<4x8xi32>) -> tensor<8x4xi64>
  return
}

// -----

func.func @transpose_permutation_size(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.transpose' op permutation has 3 entries for rank 2}}
  %0 = lp.transpose %x {permutation = array<i64: 2, 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  return
}

// -----

func.func @transpose_permutation_repeated(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.transpose' op permutation [0, 0] is not a permutation of 0..1}}
  %0 = lp.transpose %x {permutation = array<i64: 0, 0>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @transpose_permutation_out_of_range(%x: tensor<2x3x4xf32>) {
  // expected-error@+1 {{'lp.transpose' op permutation [0, 3, 1] is not a permutation of 0..2}}
  %0 = lp.transpose %x {permutation = array<i64: 0, 3, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @transpose_permutation_negative(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.transpose' op permutation [-1, 0] is not a permutation of 0..1}}
  %0 = lp.transpose %x {permutation = array<i64: -1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  return
}

// -----

func.func @transpose_wrong_result_shape(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.transpose' op result shape [4, 8] does not match the expected shape [8, 4]}}
  %0 = lp.transpose %x {permutation = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.embedding
//===----------------------------------------------------------------------===//

func.func @embedding_rank1_table(%ids: tensor<3xi64>, %t: tensor<10xf32>) {
  // expected-error@+1 {{'lp.embedding' op table must have rank 2 ([V, D])}}
  %0 = lp.embedding %ids, %t : (tensor<3xi64>, tensor<10xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @embedding_wrong_result_shape(%ids: tensor<2x3xi32>, %t: tensor<10x4xf32>) {
  // expected-error@+1 {{'lp.embedding' op result shape [6, 4] does not match the expected shape [2, 3, 4]}}
  %0 = lp.embedding %ids, %t : (tensor<2x3xi32>, tensor<10x4xf32>) -> tensor<6x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.cross_entropy, lp.mse_loss
//===----------------------------------------------------------------------===//

func.func @cross_entropy_rank1_logits(%l: tensor<10xf32>, %y: tensor<10xi64>) {
  // expected-error@+1 {{'lp.cross_entropy' op logits must have rank 2 ([N, C])}}
  %0 = lp.cross_entropy %l, %y : (tensor<10xf32>, tensor<10xi64>) -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_labels_size(%l: tensor<4x10xf32>, %y: tensor<10xi64>) {
  // expected-error@+1 {{'lp.cross_entropy' op labels shape [10] does not match [4]}}
  %0 = lp.cross_entropy %l, %y : (tensor<4x10xf32>, tensor<10xi64>) -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_labels_rank(%l: tensor<4x10xf32>, %y: tensor<4x1xi32>) {
  // expected-error@+1 {{'lp.cross_entropy' op labels shape [4, 1] does not match [4]}}
  %0 = lp.cross_entropy %l, %y : (tensor<4x10xf32>, tensor<4x1xi32>) -> tensor<f32>
  return
}

// -----

func.func @mse_loss_shape_mismatch(%p: tensor<4x2xf32>, %t: tensor<2x4xf32>) {
  // expected-error@+1 {{'lp.mse_loss' op prediction 'tensor<4x2xf32>' and target 'tensor<2x4xf32>' must have the same type}}
  %0 = lp.mse_loss %p, %t : (tensor<4x2xf32>, tensor<2x4xf32>) -> tensor<f32>
  return
}

// -----

func.func @mse_loss_mixed_float_types(%p: tensor<4xf32>, %t: tensor<4xf16>) {
  // expected-error@+1 {{'lp.mse_loss' op requires one float element type, got 'f32' and 'f16'}}
  %0 = lp.mse_loss %p, %t : (tensor<4xf32>, tensor<4xf16>) -> tensor<f32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lp.cast
//===----------------------------------------------------------------------===//

func.func @cast_shape_change(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.cast' op shape must not change, got [4, 8] and [8, 4]}}
  %0 = lp.cast %x : (tensor<4x8xf32>) -> tensor<8x4xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// ODS: element types
//===----------------------------------------------------------------------===//

// The float-tensor messages match the list of accepted float types with a
// regex, so that adding a float type to LP_FloatTensor does not break them.

func.func @relu_integer_tensor(%x: tensor<4xi32>) {
  // expected-error-re@+1 {{'lp.relu' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<4xi32>'}}
  %0 = lp.relu %x : (tensor<4xi32>) -> tensor<4xi32>
  return
}

// -----

func.func @exp_f128_tensor(%x: tensor<4xf128>) {
  // expected-error-re@+1 {{'lp.exp' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<4xf128>'}}
  %0 = lp.exp %x : (tensor<4xf128>) -> tensor<4xf128>
  return
}

// -----

func.func @linear_integer_weight(%x: tensor<4x8xf32>, %w: tensor<8x16xi32>) {
  // expected-error-re@+1 {{'lp.linear' op operand #1 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<8x16xi32>'}}
  %0 = lp.linear %x, %w : (tensor<4x8xf32>, tensor<8x16xi32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @add_integer_result(%a: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error-re@+1 {{'lp.add' op result #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<4xi64>'}}
  %0 = lp.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi64>
  return
}

// -----

func.func @cast_to_f8E4M3FN(%x: tensor<4xf32>) {
  // expected-error-re@+1 {{'lp.cast' op result #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<4xf8E4M3FN>'}}
  %0 = lp.cast %x : (tensor<4xf32>) -> tensor<4xf8E4M3FN>
  return
}

// -----

func.func @embedding_float_indices(%ids: tensor<3xf32>, %t: tensor<10x4xf32>) {
  // expected-error@+1 {{'lp.embedding' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<3xf32>'}}
  %0 = lp.embedding %ids, %t : (tensor<3xf32>, tensor<10x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @embedding_i16_indices(%ids: tensor<3xi16>, %t: tensor<10x4xf32>) {
  // expected-error@+1 {{'lp.embedding' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<3xi16>'}}
  %0 = lp.embedding %ids, %t : (tensor<3xi16>, tensor<10x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @cross_entropy_unsigned_labels(%l: tensor<4x10xf32>, %y: tensor<4xui32>) {
  // expected-error@+1 {{'lp.cross_entropy' op operand #1 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<4xui32>'}}
  %0 = lp.cross_entropy %l, %y : (tensor<4x10xf32>, tensor<4xui32>) -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_non_scalar_result(%l: tensor<4x10xf32>, %y: tensor<4xi64>) {
  // expected-error-re@+1 {{'lp.cross_entropy' op result #0 must be 0D tensor of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<4xf32>'}}
  %0 = lp.cross_entropy %l, %y : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @mse_loss_non_scalar_result(%p: tensor<4xf32>, %t: tensor<4xf32>) {
  // expected-error-re@+1 {{'lp.mse_loss' op result #0 must be 0D tensor of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<1xf32>'}}
  %0 = lp.mse_loss %p, %t : (tensor<4xf32>, tensor<4xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @tanh_unranked(%x: tensor<*xf32>) {
  // expected-error-re@+1 {{'lp.tanh' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'tensor<*xf32>'}}
  %0 = lp.tanh %x : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @reshape_unranked(%x: tensor<*xf32>) {
  // expected-error@+1 {{'lp.reshape' op operand #0 must be ranked tensor of any type values, but got 'tensor<*xf32>'}}
  %0 = lp.reshape %x : (tensor<*xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @sigmoid_memref(%x: memref<4xf32>) {
  // expected-error-re@+1 {{'lp.sigmoid' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type{{.*}} values, but got 'memref<4xf32>'}}
  %0 = lp.sigmoid %x : (memref<4xf32>) -> memref<4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// ODS: SameOperandsAndResultType
//===----------------------------------------------------------------------===//

func.func @relu_mixed_float_types(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.relu' op requires the same type for all operands and results}}
  %0 = lp.relu %x : (tensor<4xf32>) -> tensor<4xf16>
  return
}

// -----

func.func @log_shape_change(%x: tensor<4xbf16>) {
  // expected-error@+1 {{'lp.log' op requires the same type for all operands and results}}
  %0 = lp.log %x : (tensor<4xbf16>) -> tensor<2x2xbf16>
  return
}

// -----

func.func @gelu_mixed_float_types(%x: tensor<4xf16>) {
  // expected-error@+1 {{'lp.gelu' op requires the same type for all operands and results}}
  %0 = lp.gelu %x : (tensor<4xf16>) -> tensor<4xbf16>
  return
}

// -----

func.func @softmax_mixed_float_types(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.softmax' op requires the same type for all operands and results}}
  %0 = lp.softmax %x {axis = 0 : i64} : (tensor<4xf32>) -> tensor<4xbf16>
  return
}

// -----

func.func @log_softmax_shape_change(%x: tensor<4x2xf32>) {
  // expected-error@+1 {{'lp.log_softmax' op requires the same type for all operands and results}}
  %0 = lp.log_softmax %x {axis = 0 : i64} : (tensor<4x2xf32>) -> tensor<2x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// ODS: operands and attributes
//===----------------------------------------------------------------------===//

func.func @linear_too_many_operands(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) {
  // expected-error@+1 {{'lp.linear' op operand group starting at #2 requires 0 or 1 element, but found 2}}
  %0 = lp.linear %x, %w, %b, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @softmax_missing_axis(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.softmax' op requires attribute 'axis'}}
  %0 = lp.softmax %x : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @reduce_sum_missing_axes(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.reduce_sum' op requires attribute 'axes'}}
  %0 = lp.reduce_sum %x : (tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @max_pool2d_missing_kernel(%x: tensor<1x1x4x4xf32>) {
  // expected-error@+1 {{'lp.max_pool2d' op requires attribute 'kernel'}}
  %0 = lp.max_pool2d %x : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @transpose_missing_permutation(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'lp.transpose' op requires attribute 'permutation'}}
  %0 = lp.transpose %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @reduce_sum_axes_not_dense_array(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.reduce_sum' op attribute 'axes' failed to satisfy constraint: i64 dense array attribute}}
  %0 = lp.reduce_sum %x {axes = [0]} : (tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @softmax_axis_i32(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.softmax' op attribute 'axis' failed to satisfy constraint: 64-bit signless integer attribute}}
  %0 = lp.softmax %x {axis = 0 : i32} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @layer_norm_epsilon_f32(%x: tensor<4x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) {
  // expected-error@+1 {{'lp.layer_norm' op attribute 'epsilon' failed to satisfy constraint: 64-bit float attribute}}
  %0 = lp.layer_norm %x, %g, %b {epsilon = 1.0e-5 : f32} : (tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @reduce_mean_keepdims_not_bool(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.reduce_mean' op attribute 'keepdims' failed to satisfy constraint: bool attribute}}
  %0 = lp.reduce_mean %x {axes = array<i64: 0>, keepdims = 1 : i64} : (tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @conv2d_stride_i32_array(%x: tensor<1x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error@+1 {{'lp.conv2d' op attribute 'stride' failed to satisfy constraint: i64 dense array attribute}}
  %0 = lp.conv2d %x, %w {stride = array<i32: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @gelu_approximate_not_enum(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.gelu' op attribute 'approximate' failed to satisfy constraint: GELU formula}}
  %0 = lp.gelu %x {approximate = 1 : i32} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @cast_rounding_wrong_enum(%x: tensor<4xf32>) {
  // expected-error@+1 {{'lp.cast' op attribute 'rounding' failed to satisfy constraint: float rounding mode}}
  %0 = lp.cast %x {rounding = #lp<gelu_approximation tanh>} : (tensor<4xf32>) -> tensor<4xf16>
  return
}

// -----

func.func @gelu_unknown_approximation(%x: tensor<4xf32>) {
  // expected-error@+2 {{expected ::lp::GeluApproximation to be one of: none, tanh}}
  // expected-error@+1 {{failed to parse LP_GeluApproximationAttr parameter 'value' which is to be a `::lp::GeluApproximation`}}
  %0 = lp.gelu %x {approximate = #lp<gelu_approximation erf>} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @cast_unknown_rounding(%x: tensor<4xf32>) {
  // expected-error@+2 {{expected ::lp::RoundingMode to be one of: nearest_even, toward_zero}}
  // expected-error@+1 {{failed to parse LP_RoundingModeAttr parameter 'value' which is to be a `::lp::RoundingMode`}}
  %0 = lp.cast %x {rounding = #lp<rounding up>} : (tensor<4xf32>) -> tensor<4xf16>
  return
}

// -----

// Zero-size dimensions have no meaning in lp (issue 19): rejected at the op.
func.func @zero_k(%x: tensor<4x0xf32>, %w: tensor<0x3xf32>) -> tensor<4x3xf32> {
  // expected-error@+1 {{'lp.linear' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<4x0xf32>'}}
  %0 = lp.linear %x, %w : (tensor<4x0xf32>, tensor<0x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @zero_classes(%l: tensor<4x0xf32>, %y: tensor<4xi64>) -> tensor<f32> {
  // expected-error@+1 {{'lp.cross_entropy' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions}}
  %0 = lp.cross_entropy %l, %y : (tensor<4x0xf32>, tensor<4xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @empty_table(%ids: tensor<2xi64>, %t: tensor<0x3xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'lp.embedding' op operand #1 must be statically shaped tensor of rank 8 or less without zero-size dimensions}}
  %0 = lp.embedding %ids, %t : (tensor<2xi64>, tensor<0x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @empty_reshape(%x: tensor<0x4xf32>) -> tensor<4x0xf32> {
  // expected-error@+1 {{'lp.reshape' op requires tensors of rank 8 or less without zero-size dimensions, got 'tensor<0x4xf32>'}}
  %0 = lp.reshape %x : (tensor<0x4xf32>) -> tensor<4x0xf32>
  return %0 : tensor<4x0xf32>
}

// -----

func.func @rank9(%x: tensor<1x1x1x1x1x1x1x1x2xf32>) -> tensor<1x1x1x1x1x1x1x1x2xf32> {
  // expected-error@+1 {{'lp.relu' op operand #0 must be statically shaped tensor of rank 8 or less without zero-size dimensions}}
  %0 = lp.relu %x : (tensor<1x1x1x1x1x1x1x1x2xf32>) -> tensor<1x1x1x1x1x1x1x1x2xf32>
  return %0 : tensor<1x1x1x1x1x1x1x1x2xf32>
}

// -----

// Sizes are counted with overflow checks and bounded (2^40 bytes).
func.func @too_large(%x: tensor<1048576x1048576xf32>) -> tensor<1048576x1048576xf32> {
  // expected-error@+1 {{'lp.relu' op tensor 'tensor<1048576x1048576xf32>' has 4398046511104 bytes, more than LP's limit of 2^40 (1 TiB)}}
  %0 = lp.relu %x : (tensor<1048576x1048576xf32>) -> tensor<1048576x1048576xf32>
  return %0 : tensor<1048576x1048576xf32>
}

// -----

func.func @size_overflows(%x: tensor<4294967296x4294967296xf32>) -> tensor<4294967296x4294967296xf32> {
  // expected-error@+1 {{'lp.relu' op tensor 'tensor<4294967296x4294967296xf32>' is too large: its byte size overflows 64-bit integers}}
  %0 = lp.relu %x : (tensor<4294967296x4294967296xf32>) -> tensor<4294967296x4294967296xf32>
  return %0 : tensor<4294967296x4294967296xf32>
}

// -----

// A pool's padding is checked against half its kernel first, without
// overflowing (2 * 2^62 wrapped to a negative number before).
func.func @padding_overflows(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error@+1 {{'lp.max_pool2d' op padding must be at most half the kernel size}}
  %0 = lp.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 4611686018427387904, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @conv_grad_padding_overflows(%dy: tensor<1x2x3x3xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error@+1 {{'lp.conv2d_grad_input' op input 5 with padding 4611686018427387904 overflows 64-bit integers}}
  %0 = lp.conv2d_grad_input %dy, %w {padding = array<i64: 4611686018427387904, 1>} : (tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}
