// RUN: lp-opt %s | lp-opt | FileCheck %s
// RUN: lp-opt %s --mlir-print-op-generic | lp-opt | FileCheck %s

// Round-trip of every forward op in LPOps.td: each attribute form (explicit,
// defaulted, explicit value equal to the default, which prints elided),
// element types f32, f16 and bf16 (and f64, in the last section), i32 and i64
// index tensors, and optional operands present and absent. lp.sqrt and the
// ops of LPGradOps.td and LPOptimizerOps.td are in grad-ops.mlir. Both RUN
// lines end in the custom form, so they share one prefix; the second one goes
// through the generic form first.

//===----------------------------------------------------------------------===//
// lp.linear
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @linear_with_bias_f32
// CHECK: lp.linear %arg0, %arg1, %arg2 : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
func.func @linear_with_bias_f32(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %0 = lp.linear %x, %w, %b : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// CHECK-LABEL: func.func @linear_without_bias_f32
// CHECK: lp.linear %arg0, %arg1 : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
func.func @linear_without_bias_f32(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = lp.linear %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// CHECK-LABEL: func.func @linear_with_bias_f16
// CHECK: lp.linear %arg0, %arg1, %arg2 : (tensor<4x8xf16>, tensor<8x16xf16>, tensor<16xf16>) -> tensor<4x16xf16>
func.func @linear_with_bias_f16(%x: tensor<4x8xf16>, %w: tensor<8x16xf16>, %b: tensor<16xf16>) -> tensor<4x16xf16> {
  %0 = lp.linear %x, %w, %b : (tensor<4x8xf16>, tensor<8x16xf16>, tensor<16xf16>) -> tensor<4x16xf16>
  return %0 : tensor<4x16xf16>
}

// CHECK-LABEL: func.func @linear_without_bias_bf16
// CHECK: lp.linear %arg0, %arg1 : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xbf16>
func.func @linear_without_bias_bf16(%x: tensor<4x8xbf16>, %w: tensor<8x16xbf16>) -> tensor<4x16xbf16> {
  %0 = lp.linear %x, %w : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xbf16>
  return %0 : tensor<4x16xbf16>
}

// CHECK-LABEL: func.func @linear_rank1_input_f32
// CHECK: lp.linear %arg0, %arg1, %arg2 : (tensor<8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<16xf32>
func.func @linear_rank1_input_f32(%x: tensor<8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<16xf32> {
  %0 = lp.linear %x, %w, %b : (tensor<8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// CHECK-LABEL: func.func @linear_rank3_input_bf16
// CHECK: lp.linear %arg0, %arg1, %arg2 : (tensor<2x4x8xbf16>, tensor<8x16xbf16>, tensor<16xbf16>) -> tensor<2x4x16xbf16>
func.func @linear_rank3_input_bf16(%x: tensor<2x4x8xbf16>, %w: tensor<8x16xbf16>, %b: tensor<16xbf16>) -> tensor<2x4x16xbf16> {
  %0 = lp.linear %x, %w, %b : (tensor<2x4x8xbf16>, tensor<8x16xbf16>, tensor<16xbf16>) -> tensor<2x4x16xbf16>
  return %0 : tensor<2x4x16xbf16>
}

//===----------------------------------------------------------------------===//
// lp.matmul
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @matmul_rank2_f32
// CHECK: lp.matmul %arg0, %arg1 : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
func.func @matmul_rank2_f32(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = lp.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// A bf16 product may keep its f32 accumulator as the result.
// CHECK-LABEL: func.func @matmul_bf16_f32_result
// CHECK: lp.matmul %arg0, %arg1 : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xf32>
func.func @matmul_bf16_f32_result(%a: tensor<4x8xbf16>, %b: tensor<8x16xbf16>) -> tensor<4x16xf32> {
  %0 = lp.matmul %a, %b : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// CHECK-LABEL: func.func @matmul_rank3_batched_f16
// CHECK: lp.matmul %arg0, %arg1 : (tensor<4x8x16xf16>, tensor<4x16x8xf16>) -> tensor<4x8x8xf16>
func.func @matmul_rank3_batched_f16(%a: tensor<4x8x16xf16>, %b: tensor<4x16x8xf16>) -> tensor<4x8x8xf16> {
  %0 = lp.matmul %a, %b : (tensor<4x8x16xf16>, tensor<4x16x8xf16>) -> tensor<4x8x8xf16>
  return %0 : tensor<4x8x8xf16>
}

// CHECK-LABEL: func.func @matmul_rank4_batched_bf16
// CHECK: lp.matmul %arg0, %arg1 : (tensor<2x3x4x5xbf16>, tensor<2x3x5x6xbf16>) -> tensor<2x3x4x6xbf16>
func.func @matmul_rank4_batched_bf16(%a: tensor<2x3x4x5xbf16>, %b: tensor<2x3x5x6xbf16>) -> tensor<2x3x4x6xbf16> {
  %0 = lp.matmul %a, %b : (tensor<2x3x4x5xbf16>, tensor<2x3x5x6xbf16>) -> tensor<2x3x4x6xbf16>
  return %0 : tensor<2x3x4x6xbf16>
}

//===----------------------------------------------------------------------===//
// lp.conv2d
//===----------------------------------------------------------------------===//

// Defaults stride = [1, 1], padding = [0, 0].
// CHECK-LABEL: func.func @conv2d_with_bias_default_attrs_f32
// CHECK: lp.conv2d %arg0, %arg1, %arg2 : (tensor<8x1x8x8xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<8x16x6x6xf32>
func.func @conv2d_with_bias_default_attrs_f32(%x: tensor<8x1x8x8xf32>, %w: tensor<16x1x3x3xf32>, %b: tensor<16xf32>) -> tensor<8x16x6x6xf32> {
  %0 = lp.conv2d %x, %w, %b : (tensor<8x1x8x8xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<8x16x6x6xf32>
  return %0 : tensor<8x16x6x6xf32>
}

// CHECK-LABEL: func.func @conv2d_without_bias_padding_f32
// CHECK: lp.conv2d %arg0, %arg1 {padding = array<i64: 1, 1>} : (tensor<8x1x8x8xf32>, tensor<16x1x3x3xf32>) -> tensor<8x16x8x8xf32>
func.func @conv2d_without_bias_padding_f32(%x: tensor<8x1x8x8xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<8x16x8x8xf32> {
  %0 = lp.conv2d %x, %w {padding = array<i64: 1, 1>} : (tensor<8x1x8x8xf32>, tensor<16x1x3x3xf32>) -> tensor<8x16x8x8xf32>
  return %0 : tensor<8x16x8x8xf32>
}

// Asymmetric stride and padding: OH = (9 + 2*1 - 3) / 2 + 1 = 5,
// OW = (9 + 2*0 - 3) / 3 + 1 = 3.
// CHECK-LABEL: func.func @conv2d_with_bias_stride_padding_f16
// CHECK: lp.conv2d %arg0, %arg1, %arg2 {padding = array<i64: 1, 0>, stride = array<i64: 2, 3>} : (tensor<2x3x9x9xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>) -> tensor<2x4x5x3xf16>
func.func @conv2d_with_bias_stride_padding_f16(%x: tensor<2x3x9x9xf16>, %w: tensor<4x3x3x3xf16>, %b: tensor<4xf16>) -> tensor<2x4x5x3xf16> {
  %0 = lp.conv2d %x, %w, %b {stride = array<i64: 2, 3>, padding = array<i64: 1, 0>} : (tensor<2x3x9x9xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>) -> tensor<2x4x5x3xf16>
  return %0 : tensor<2x4x5x3xf16>
}

// Spelling out the default values prints them elided.
// CHECK-LABEL: func.func @conv2d_explicit_default_attrs_bf16
// CHECK: lp.conv2d %arg0, %arg1 : (tensor<1x2x5x5xbf16>, tensor<3x2x2x2xbf16>) -> tensor<1x3x4x4xbf16>
func.func @conv2d_explicit_default_attrs_bf16(%x: tensor<1x2x5x5xbf16>, %w: tensor<3x2x2x2xbf16>) -> tensor<1x3x4x4xbf16> {
  %0 = lp.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0>} : (tensor<1x2x5x5xbf16>, tensor<3x2x2x2xbf16>) -> tensor<1x3x4x4xbf16>
  return %0 : tensor<1x3x4x4xbf16>
}

// CHECK-LABEL: func.func @conv2d_with_bias_stride_bf16
// CHECK: lp.conv2d %arg0, %arg1, %arg2 {stride = array<i64: 2, 2>} : (tensor<1x2x6x6xbf16>, tensor<3x2x2x2xbf16>, tensor<3xbf16>) -> tensor<1x3x3x3xbf16>
func.func @conv2d_with_bias_stride_bf16(%x: tensor<1x2x6x6xbf16>, %w: tensor<3x2x2x2xbf16>, %b: tensor<3xbf16>) -> tensor<1x3x3x3xbf16> {
  %0 = lp.conv2d %x, %w, %b {stride = array<i64: 2, 2>} : (tensor<1x2x6x6xbf16>, tensor<3x2x2x2xbf16>, tensor<3xbf16>) -> tensor<1x3x3x3xbf16>
  return %0 : tensor<1x3x3x3xbf16>
}

//===----------------------------------------------------------------------===//
// lp.max_pool2d, lp.avg_pool2d
//===----------------------------------------------------------------------===//

// The stride defaults to the kernel and is absent from the output.
// CHECK-LABEL: func.func @max_pool2d_default_stride_f32
// CHECK: lp.max_pool2d %arg0 {kernel = array<i64: 2, 2>} : (tensor<8x16x8x8xf32>) -> tensor<8x16x4x4xf32>
func.func @max_pool2d_default_stride_f32(%x: tensor<8x16x8x8xf32>) -> tensor<8x16x4x4xf32> {
  %0 = lp.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<8x16x8x8xf32>) -> tensor<8x16x4x4xf32>
  return %0 : tensor<8x16x4x4xf32>
}

// OH = (7 + 2*1 - 3) / 2 + 1 = 4, OW = (7 + 0 - 2) / 1 + 1 = 6.
// CHECK-LABEL: func.func @max_pool2d_stride_padding_f16
// CHECK: lp.max_pool2d %arg0 {kernel = array<i64: 3, 2>, padding = array<i64: 1, 0>, stride = array<i64: 2, 1>} : (tensor<1x2x7x7xf16>) -> tensor<1x2x4x6xf16>
func.func @max_pool2d_stride_padding_f16(%x: tensor<1x2x7x7xf16>) -> tensor<1x2x4x6xf16> {
  %0 = lp.max_pool2d %x {kernel = array<i64: 3, 2>, stride = array<i64: 2, 1>, padding = array<i64: 1, 0>} : (tensor<1x2x7x7xf16>) -> tensor<1x2x4x6xf16>
  return %0 : tensor<1x2x4x6xf16>
}

// An explicit stride equal to the kernel stays explicit (it is optional, not
// defaulted); an explicit padding of [0, 0] is elided.
// CHECK-LABEL: func.func @max_pool2d_explicit_stride_bf16
// CHECK: lp.max_pool2d %arg0 {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>} : (tensor<1x1x4x4xbf16>) -> tensor<1x1x2x2xbf16>
func.func @max_pool2d_explicit_stride_bf16(%x: tensor<1x1x4x4xbf16>) -> tensor<1x1x2x2xbf16> {
  %0 = lp.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>} : (tensor<1x1x4x4xbf16>) -> tensor<1x1x2x2xbf16>
  return %0 : tensor<1x1x2x2xbf16>
}

// CHECK-LABEL: func.func @avg_pool2d_default_stride_f32
// CHECK: lp.avg_pool2d %arg0 {kernel = array<i64: 2, 2>} : (tensor<8x16x8x8xf32>) -> tensor<8x16x4x4xf32>
func.func @avg_pool2d_default_stride_f32(%x: tensor<8x16x8x8xf32>) -> tensor<8x16x4x4xf32> {
  %0 = lp.avg_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<8x16x8x8xf32>) -> tensor<8x16x4x4xf32>
  return %0 : tensor<8x16x4x4xf32>
}

// OH = OW = (5 + 2*1 - 3) / 1 + 1 = 5.
// CHECK-LABEL: func.func @avg_pool2d_stride_padding_f16
// CHECK: lp.avg_pool2d %arg0 {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x3x5x5xf16>) -> tensor<2x3x5x5xf16>
func.func @avg_pool2d_stride_padding_f16(%x: tensor<2x3x5x5xf16>) -> tensor<2x3x5x5xf16> {
  %0 = lp.avg_pool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>, padding = array<i64: 1, 1>} : (tensor<2x3x5x5xf16>) -> tensor<2x3x5x5xf16>
  return %0 : tensor<2x3x5x5xf16>
}

// Default stride with padding: OH = OW = (6 + 2*1 - 2) / 2 + 1 = 4.
// CHECK-LABEL: func.func @avg_pool2d_default_stride_padding_bf16
// CHECK: lp.avg_pool2d %arg0 {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<1x4x6x6xbf16>) -> tensor<1x4x4x4xbf16>
func.func @avg_pool2d_default_stride_padding_bf16(%x: tensor<1x4x6x6xbf16>) -> tensor<1x4x4x4xbf16> {
  %0 = lp.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<1x4x6x6xbf16>) -> tensor<1x4x4x4xbf16>
  return %0 : tensor<1x4x4x4xbf16>
}

//===----------------------------------------------------------------------===//
// lp.add, lp.sub, lp.mul, lp.div
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @add_same_shape_f32
// CHECK: lp.add %arg0, %arg1 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
func.func @add_same_shape_f32(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = lp.add %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @add_broadcast_rank_f16
// CHECK: lp.add %arg0, %arg1 : (tensor<4x8xf16>, tensor<8xf16>) -> tensor<4x8xf16>
func.func @add_broadcast_rank_f16(%a: tensor<4x8xf16>, %b: tensor<8xf16>) -> tensor<4x8xf16> {
  %0 = lp.add %a, %b : (tensor<4x8xf16>, tensor<8xf16>) -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// CHECK-LABEL: func.func @add_broadcast_size1_bf16
// CHECK: lp.add %arg0, %arg1 : (tensor<4x1xbf16>, tensor<1x8xbf16>) -> tensor<4x8xbf16>
func.func @add_broadcast_size1_bf16(%a: tensor<4x1xbf16>, %b: tensor<1x8xbf16>) -> tensor<4x8xbf16> {
  %0 = lp.add %a, %b : (tensor<4x1xbf16>, tensor<1x8xbf16>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// CHECK-LABEL: func.func @sub_same_shape_f32
// CHECK: lp.sub %arg0, %arg1 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
func.func @sub_same_shape_f32(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = lp.sub %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @sub_broadcast_scalar_f16
// CHECK: lp.sub %arg0, %arg1 : (tensor<f16>, tensor<2x3xf16>) -> tensor<2x3xf16>
func.func @sub_broadcast_scalar_f16(%a: tensor<f16>, %b: tensor<2x3xf16>) -> tensor<2x3xf16> {
  %0 = lp.sub %a, %b : (tensor<f16>, tensor<2x3xf16>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// CHECK-LABEL: func.func @sub_broadcast_rank_bf16
// CHECK: lp.sub %arg0, %arg1 : (tensor<8xbf16>, tensor<2x4x8xbf16>) -> tensor<2x4x8xbf16>
func.func @sub_broadcast_rank_bf16(%a: tensor<8xbf16>, %b: tensor<2x4x8xbf16>) -> tensor<2x4x8xbf16> {
  %0 = lp.sub %a, %b : (tensor<8xbf16>, tensor<2x4x8xbf16>) -> tensor<2x4x8xbf16>
  return %0 : tensor<2x4x8xbf16>
}

// CHECK-LABEL: func.func @mul_scalars_f32
// CHECK: lp.mul %arg0, %arg1 : (tensor<f32>, tensor<f32>) -> tensor<f32>
func.func @mul_scalars_f32(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %0 = lp.mul %a, %b : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @mul_broadcast_size1_f16
// CHECK: lp.mul %arg0, %arg1 : (tensor<3x1x5xf16>, tensor<4x1xf16>) -> tensor<3x4x5xf16>
func.func @mul_broadcast_size1_f16(%a: tensor<3x1x5xf16>, %b: tensor<4x1xf16>) -> tensor<3x4x5xf16> {
  %0 = lp.mul %a, %b : (tensor<3x1x5xf16>, tensor<4x1xf16>) -> tensor<3x4x5xf16>
  return %0 : tensor<3x4x5xf16>
}

// CHECK-LABEL: func.func @mul_same_shape_bf16
// CHECK: lp.mul %arg0, %arg1 : (tensor<4x8xbf16>, tensor<4x8xbf16>) -> tensor<4x8xbf16>
func.func @mul_same_shape_bf16(%a: tensor<4x8xbf16>, %b: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %0 = lp.mul %a, %b : (tensor<4x8xbf16>, tensor<4x8xbf16>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// CHECK-LABEL: func.func @div_broadcast_scalar_f32
// CHECK: lp.div %arg0, %arg1 : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
func.func @div_broadcast_scalar_f32(%a: tensor<4x8xf32>, %b: tensor<f32>) -> tensor<4x8xf32> {
  %0 = lp.div %a, %b : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @div_same_shape_f16
// CHECK: lp.div %arg0, %arg1 : (tensor<4x8xf16>, tensor<4x8xf16>) -> tensor<4x8xf16>
func.func @div_same_shape_f16(%a: tensor<4x8xf16>, %b: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %0 = lp.div %a, %b : (tensor<4x8xf16>, tensor<4x8xf16>) -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// CHECK-LABEL: func.func @div_broadcast_rank_bf16
// CHECK: lp.div %arg0, %arg1 : (tensor<4x8xbf16>, tensor<8xbf16>) -> tensor<4x8xbf16>
func.func @div_broadcast_rank_bf16(%a: tensor<4x8xbf16>, %b: tensor<8xbf16>) -> tensor<4x8xbf16> {
  %0 = lp.div %a, %b : (tensor<4x8xbf16>, tensor<8xbf16>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

//===----------------------------------------------------------------------===//
// lp.relu, lp.tanh, lp.sigmoid, lp.exp, lp.log
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @unary_elementwise_f32
// CHECK: %[[RELU:.*]] = lp.relu %arg0 : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[TANH:.*]] = lp.tanh %[[RELU]] : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[SIGMOID:.*]] = lp.sigmoid %[[TANH]] : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[EXP:.*]] = lp.exp %[[SIGMOID]] : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[LOG:.*]] = lp.log %[[EXP]] : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: return %[[LOG]]
func.func @unary_elementwise_f32(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = lp.relu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = lp.tanh %0 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = lp.sigmoid %1 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = lp.exp %2 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = lp.log %3 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %4 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @unary_elementwise_f16
// CHECK: %[[RELU:.*]] = lp.relu %arg0 : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
// CHECK: %[[TANH:.*]] = lp.tanh %[[RELU]] : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
// CHECK: %[[SIGMOID:.*]] = lp.sigmoid %[[TANH]] : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
// CHECK: %[[EXP:.*]] = lp.exp %[[SIGMOID]] : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
// CHECK: %[[LOG:.*]] = lp.log %[[EXP]] : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
// CHECK: return %[[LOG]]
func.func @unary_elementwise_f16(%x: tensor<2x3x4xf16>) -> tensor<2x3x4xf16> {
  %0 = lp.relu %x : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
  %1 = lp.tanh %0 : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
  %2 = lp.sigmoid %1 : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
  %3 = lp.exp %2 : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
  %4 = lp.log %3 : (tensor<2x3x4xf16>) -> tensor<2x3x4xf16>
  return %4 : tensor<2x3x4xf16>
}

// CHECK-LABEL: func.func @unary_elementwise_bf16
// CHECK: %[[RELU:.*]] = lp.relu %arg0 : (tensor<8xbf16>) -> tensor<8xbf16>
// CHECK: %[[TANH:.*]] = lp.tanh %[[RELU]] : (tensor<8xbf16>) -> tensor<8xbf16>
// CHECK: %[[SIGMOID:.*]] = lp.sigmoid %[[TANH]] : (tensor<8xbf16>) -> tensor<8xbf16>
// CHECK: %[[EXP:.*]] = lp.exp %[[SIGMOID]] : (tensor<8xbf16>) -> tensor<8xbf16>
// CHECK: %[[LOG:.*]] = lp.log %[[EXP]] : (tensor<8xbf16>) -> tensor<8xbf16>
// CHECK: return %[[LOG]]
func.func @unary_elementwise_bf16(%x: tensor<8xbf16>) -> tensor<8xbf16> {
  %0 = lp.relu %x : (tensor<8xbf16>) -> tensor<8xbf16>
  %1 = lp.tanh %0 : (tensor<8xbf16>) -> tensor<8xbf16>
  %2 = lp.sigmoid %1 : (tensor<8xbf16>) -> tensor<8xbf16>
  %3 = lp.exp %2 : (tensor<8xbf16>) -> tensor<8xbf16>
  %4 = lp.log %3 : (tensor<8xbf16>) -> tensor<8xbf16>
  return %4 : tensor<8xbf16>
}

// CHECK-LABEL: func.func @unary_elementwise_scalar_f32
// CHECK: lp.relu %arg0 : (tensor<f32>) -> tensor<f32>
func.func @unary_elementwise_scalar_f32(%x: tensor<f32>) -> tensor<f32> {
  %0 = lp.relu %x : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//===----------------------------------------------------------------------===//
// lp.gelu
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @gelu_default_approximation_f32
// CHECK: lp.gelu %arg0 : (tensor<4x8xf32>) -> tensor<4x8xf32>
func.func @gelu_default_approximation_f32(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = lp.gelu %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @gelu_tanh_approximation_f16
// CHECK: lp.gelu %arg0 {approximate = #lp<gelu_approximation tanh>} : (tensor<4x8xf16>) -> tensor<4x8xf16>
func.func @gelu_tanh_approximation_f16(%x: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %0 = lp.gelu %x {approximate = #lp<gelu_approximation tanh>} : (tensor<4x8xf16>) -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// An explicit `none` equals the default and prints elided.
// CHECK-LABEL: func.func @gelu_explicit_none_approximation_bf16
// CHECK: lp.gelu %arg0 : (tensor<4x8xbf16>) -> tensor<4x8xbf16>
func.func @gelu_explicit_none_approximation_bf16(%x: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %0 = lp.gelu %x {approximate = #lp<gelu_approximation none>} : (tensor<4x8xbf16>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// CHECK-LABEL: func.func @gelu_tanh_approximation_bf16
// CHECK: lp.gelu %arg0 {approximate = #lp<gelu_approximation tanh>} : (tensor<8xbf16>) -> tensor<8xbf16>
func.func @gelu_tanh_approximation_bf16(%x: tensor<8xbf16>) -> tensor<8xbf16> {
  %0 = lp.gelu %x {approximate = #lp<gelu_approximation tanh>} : (tensor<8xbf16>) -> tensor<8xbf16>
  return %0 : tensor<8xbf16>
}

//===----------------------------------------------------------------------===//
// lp.softmax, lp.log_softmax
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @softmax_negative_axis_f32
// CHECK: lp.softmax %arg0 {axis = -1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
func.func @softmax_negative_axis_f32(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = lp.softmax %x {axis = -1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// CHECK-LABEL: func.func @softmax_leading_axis_f16
// CHECK: lp.softmax %arg0 {axis = 0 : i64} : (tensor<4x10xf16>) -> tensor<4x10xf16>
func.func @softmax_leading_axis_f16(%x: tensor<4x10xf16>) -> tensor<4x10xf16> {
  %0 = lp.softmax %x {axis = 0 : i64} : (tensor<4x10xf16>) -> tensor<4x10xf16>
  return %0 : tensor<4x10xf16>
}

// CHECK-LABEL: func.func @softmax_middle_axis_bf16
// CHECK: lp.softmax %arg0 {axis = -2 : i64} : (tensor<2x3x4xbf16>) -> tensor<2x3x4xbf16>
func.func @softmax_middle_axis_bf16(%x: tensor<2x3x4xbf16>) -> tensor<2x3x4xbf16> {
  %0 = lp.softmax %x {axis = -2 : i64} : (tensor<2x3x4xbf16>) -> tensor<2x3x4xbf16>
  return %0 : tensor<2x3x4xbf16>
}

// CHECK-LABEL: func.func @log_softmax_last_axis_f32
// CHECK: lp.log_softmax %arg0 {axis = 1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
func.func @log_softmax_last_axis_f32(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = lp.log_softmax %x {axis = 1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// CHECK-LABEL: func.func @log_softmax_rank1_f16
// CHECK: lp.log_softmax %arg0 {axis = -1 : i64} : (tensor<10xf16>) -> tensor<10xf16>
func.func @log_softmax_rank1_f16(%x: tensor<10xf16>) -> tensor<10xf16> {
  %0 = lp.log_softmax %x {axis = -1 : i64} : (tensor<10xf16>) -> tensor<10xf16>
  return %0 : tensor<10xf16>
}

// CHECK-LABEL: func.func @log_softmax_negative_axis_bf16
// CHECK: lp.log_softmax %arg0 {axis = -1 : i64} : (tensor<4x10xbf16>) -> tensor<4x10xbf16>
func.func @log_softmax_negative_axis_bf16(%x: tensor<4x10xbf16>) -> tensor<4x10xbf16> {
  %0 = lp.log_softmax %x {axis = -1 : i64} : (tensor<4x10xbf16>) -> tensor<4x10xbf16>
  return %0 : tensor<4x10xbf16>
}

//===----------------------------------------------------------------------===//
// lp.layer_norm
//===----------------------------------------------------------------------===//

// Defaults axis = -1, epsilon = 1.0e-5.
// CHECK-LABEL: func.func @layer_norm_default_attrs_f32
// CHECK: lp.layer_norm %arg0, %arg1, %arg2 : (tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
func.func @layer_norm_default_attrs_f32(%x: tensor<4x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %0 = lp.layer_norm %x, %g, %b : (tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// Normalised over the two trailing dimensions.
// CHECK-LABEL: func.func @layer_norm_axis_epsilon_f16
// CHECK: lp.layer_norm %arg0, %arg1, %arg2 {axis = -2 : i64, epsilon = 1.000000e-03 : f64} : (tensor<2x4x16xf16>, tensor<4x16xf16>, tensor<4x16xf16>) -> tensor<2x4x16xf16>
func.func @layer_norm_axis_epsilon_f16(%x: tensor<2x4x16xf16>, %g: tensor<4x16xf16>, %b: tensor<4x16xf16>) -> tensor<2x4x16xf16> {
  %0 = lp.layer_norm %x, %g, %b {axis = -2 : i64, epsilon = 1.0e-3 : f64} : (tensor<2x4x16xf16>, tensor<4x16xf16>, tensor<4x16xf16>) -> tensor<2x4x16xf16>
  return %0 : tensor<2x4x16xf16>
}

// A non-negative axis; explicit default epsilon prints elided.
// CHECK-LABEL: func.func @layer_norm_positive_axis_bf16
// CHECK: lp.layer_norm %arg0, %arg1, %arg2 {axis = 1 : i64} : (tensor<2x4x16xbf16>, tensor<4x16xbf16>, tensor<4x16xbf16>) -> tensor<2x4x16xbf16>
func.func @layer_norm_positive_axis_bf16(%x: tensor<2x4x16xbf16>, %g: tensor<4x16xbf16>, %b: tensor<4x16xbf16>) -> tensor<2x4x16xbf16> {
  %0 = lp.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-5 : f64} : (tensor<2x4x16xbf16>, tensor<4x16xbf16>, tensor<4x16xbf16>) -> tensor<2x4x16xbf16>
  return %0 : tensor<2x4x16xbf16>
}

// Explicit default axis and epsilon print elided.
// CHECK-LABEL: func.func @layer_norm_explicit_default_attrs_bf16
// CHECK: lp.layer_norm %arg0, %arg1, %arg2 : (tensor<4x16xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> tensor<4x16xbf16>
func.func @layer_norm_explicit_default_attrs_bf16(%x: tensor<4x16xbf16>, %g: tensor<16xbf16>, %b: tensor<16xbf16>) -> tensor<4x16xbf16> {
  %0 = lp.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.0e-5 : f64} : (tensor<4x16xbf16>, tensor<16xbf16>, tensor<16xbf16>) -> tensor<4x16xbf16>
  return %0 : tensor<4x16xbf16>
}

//===----------------------------------------------------------------------===//
// lp.reduce_sum, lp.reduce_mean, lp.reduce_max
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reduce_sum_f32
// CHECK: lp.reduce_sum %arg0 {axes = array<i64: 1>} : (tensor<4x8xf32>) -> tensor<4xf32>
func.func @reduce_sum_f32(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %0 = lp.reduce_sum %x {axes = array<i64: 1>} : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @reduce_sum_keepdims_f16
// CHECK: lp.reduce_sum %arg0 {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf16>) -> tensor<1x3x1xf16>
func.func @reduce_sum_keepdims_f16(%x: tensor<2x3x4xf16>) -> tensor<1x3x1xf16> {
  %0 = lp.reduce_sum %x {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf16>) -> tensor<1x3x1xf16>
  return %0 : tensor<1x3x1xf16>
}

// Reducing every axis gives a rank-0 tensor.
// CHECK-LABEL: func.func @reduce_sum_all_axes_bf16
// CHECK: lp.reduce_sum %arg0 {axes = array<i64: 0, 1>} : (tensor<4x8xbf16>) -> tensor<bf16>
func.func @reduce_sum_all_axes_bf16(%x: tensor<4x8xbf16>) -> tensor<bf16> {
  %0 = lp.reduce_sum %x {axes = array<i64: 0, 1>} : (tensor<4x8xbf16>) -> tensor<bf16>
  return %0 : tensor<bf16>
}

// An explicit keepdims = false equals the default and prints elided.
// CHECK-LABEL: func.func @reduce_mean_explicit_no_keepdims_f32
// CHECK: lp.reduce_mean %arg0 {axes = array<i64: -1>} : (tensor<4x8xf32>) -> tensor<4xf32>
func.func @reduce_mean_explicit_no_keepdims_f32(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %0 = lp.reduce_mean %x {axes = array<i64: -1>, keepdims = false} : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @reduce_mean_keepdims_f16
// CHECK: lp.reduce_mean %arg0 {axes = array<i64: 1>, keepdims = true} : (tensor<4x8xf16>) -> tensor<4x1xf16>
func.func @reduce_mean_keepdims_f16(%x: tensor<4x8xf16>) -> tensor<4x1xf16> {
  %0 = lp.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : (tensor<4x8xf16>) -> tensor<4x1xf16>
  return %0 : tensor<4x1xf16>
}

// CHECK-LABEL: func.func @reduce_mean_bf16
// CHECK: lp.reduce_mean %arg0 {axes = array<i64: 0>} : (tensor<4x8xbf16>) -> tensor<8xbf16>
func.func @reduce_mean_bf16(%x: tensor<4x8xbf16>) -> tensor<8xbf16> {
  %0 = lp.reduce_mean %x {axes = array<i64: 0>} : (tensor<4x8xbf16>) -> tensor<8xbf16>
  return %0 : tensor<8xbf16>
}

// CHECK-LABEL: func.func @reduce_max_negative_axes_f32
// CHECK: lp.reduce_max %arg0 {axes = array<i64: -1, -3>} : (tensor<2x3x4xf32>) -> tensor<3xf32>
func.func @reduce_max_negative_axes_f32(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = lp.reduce_max %x {axes = array<i64: -1, -3>} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @reduce_max_f16
// CHECK: lp.reduce_max %arg0 {axes = array<i64: 1>} : (tensor<4x8xf16>) -> tensor<4xf16>
func.func @reduce_max_f16(%x: tensor<4x8xf16>) -> tensor<4xf16> {
  %0 = lp.reduce_max %x {axes = array<i64: 1>} : (tensor<4x8xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// CHECK-LABEL: func.func @reduce_max_keepdims_all_axes_bf16
// CHECK: lp.reduce_max %arg0 {axes = array<i64: 1, 0>, keepdims = true} : (tensor<4x8xbf16>) -> tensor<1x1xbf16>
func.func @reduce_max_keepdims_all_axes_bf16(%x: tensor<4x8xbf16>) -> tensor<1x1xbf16> {
  %0 = lp.reduce_max %x {axes = array<i64: 1, 0>, keepdims = true} : (tensor<4x8xbf16>) -> tensor<1x1xbf16>
  return %0 : tensor<1x1xbf16>
}

//===----------------------------------------------------------------------===//
// lp.reshape
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reshape_flatten_f32
// CHECK: lp.reshape %arg0 : (tensor<8x1x8x8xf32>) -> tensor<8x64xf32>
func.func @reshape_flatten_f32(%x: tensor<8x1x8x8xf32>) -> tensor<8x64xf32> {
  %0 = lp.reshape %x : (tensor<8x1x8x8xf32>) -> tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

// CHECK-LABEL: func.func @reshape_expand_f16
// CHECK: lp.reshape %arg0 : (tensor<24xf16>) -> tensor<2x3x4xf16>
func.func @reshape_expand_f16(%x: tensor<24xf16>) -> tensor<2x3x4xf16> {
  %0 = lp.reshape %x : (tensor<24xf16>) -> tensor<2x3x4xf16>
  return %0 : tensor<2x3x4xf16>
}

// CHECK-LABEL: func.func @reshape_to_scalar_bf16
// CHECK: lp.reshape %arg0 : (tensor<1x1xbf16>) -> tensor<bf16>
func.func @reshape_to_scalar_bf16(%x: tensor<1x1xbf16>) -> tensor<bf16> {
  %0 = lp.reshape %x : (tensor<1x1xbf16>) -> tensor<bf16>
  return %0 : tensor<bf16>
}

// lp.reshape takes any element type, index tensors included.
// CHECK-LABEL: func.func @reshape_indices_i64
// CHECK: lp.reshape %arg0 : (tensor<4x16xi64>) -> tensor<64xi64>
func.func @reshape_indices_i64(%x: tensor<4x16xi64>) -> tensor<64xi64> {
  %0 = lp.reshape %x : (tensor<4x16xi64>) -> tensor<64xi64>
  return %0 : tensor<64xi64>
}

// CHECK-LABEL: func.func @reshape_indices_i32
// CHECK: lp.reshape %arg0 : (tensor<64xi32>) -> tensor<4x16xi32>
func.func @reshape_indices_i32(%x: tensor<64xi32>) -> tensor<4x16xi32> {
  %0 = lp.reshape %x : (tensor<64xi32>) -> tensor<4x16xi32>
  return %0 : tensor<4x16xi32>
}

//===----------------------------------------------------------------------===//
// lp.transpose
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @transpose_rank2_f32
// CHECK: lp.transpose %arg0 {permutation = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
func.func @transpose_rank2_f32(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %0 = lp.transpose %x {permutation = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// CHECK-LABEL: func.func @transpose_rank3_f16
// CHECK: lp.transpose %arg0 {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf16>) -> tensor<4x2x3xf16>
func.func @transpose_rank3_f16(%x: tensor<2x3x4xf16>) -> tensor<4x2x3xf16> {
  %0 = lp.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf16>) -> tensor<4x2x3xf16>
  return %0 : tensor<4x2x3xf16>
}

// CHECK-LABEL: func.func @transpose_identity_bf16
// CHECK: lp.transpose %arg0 {permutation = array<i64: 0, 1>} : (tensor<4x8xbf16>) -> tensor<4x8xbf16>
func.func @transpose_identity_bf16(%x: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %0 = lp.transpose %x {permutation = array<i64: 0, 1>} : (tensor<4x8xbf16>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// CHECK-LABEL: func.func @transpose_scalar_f32
// CHECK: lp.transpose %arg0 {permutation = array<i64>} : (tensor<f32>) -> tensor<f32>
func.func @transpose_scalar_f32(%x: tensor<f32>) -> tensor<f32> {
  %0 = lp.transpose %x {permutation = array<i64>} : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @transpose_indices_i32
// CHECK: lp.transpose %arg0 {permutation = array<i64: 1, 0>} : (tensor<4x16xi32>) -> tensor<16x4xi32>
func.func @transpose_indices_i32(%x: tensor<4x16xi32>) -> tensor<16x4xi32> {
  %0 = lp.transpose %x {permutation = array<i64: 1, 0>} : (tensor<4x16xi32>) -> tensor<16x4xi32>
  return %0 : tensor<16x4xi32>
}

//===----------------------------------------------------------------------===//
// lp.embedding
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @embedding_i64_indices_f32
// CHECK: lp.embedding %arg0, %arg1 : (tensor<4x16xi64>, tensor<96x32xf32>) -> tensor<4x16x32xf32>
func.func @embedding_i64_indices_f32(%ids: tensor<4x16xi64>, %table: tensor<96x32xf32>) -> tensor<4x16x32xf32> {
  %0 = lp.embedding %ids, %table : (tensor<4x16xi64>, tensor<96x32xf32>) -> tensor<4x16x32xf32>
  return %0 : tensor<4x16x32xf32>
}

// CHECK-LABEL: func.func @embedding_i32_indices_f16
// CHECK: lp.embedding %arg0, %arg1 : (tensor<16xi32>, tensor<96x32xf16>) -> tensor<16x32xf16>
func.func @embedding_i32_indices_f16(%ids: tensor<16xi32>, %table: tensor<96x32xf16>) -> tensor<16x32xf16> {
  %0 = lp.embedding %ids, %table : (tensor<16xi32>, tensor<96x32xf16>) -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}

// Rank-0 indices select one row.
// CHECK-LABEL: func.func @embedding_scalar_i32_index_bf16
// CHECK: lp.embedding %arg0, %arg1 : (tensor<i32>, tensor<96x32xbf16>) -> tensor<32xbf16>
func.func @embedding_scalar_i32_index_bf16(%ids: tensor<i32>, %table: tensor<96x32xbf16>) -> tensor<32xbf16> {
  %0 = lp.embedding %ids, %table : (tensor<i32>, tensor<96x32xbf16>) -> tensor<32xbf16>
  return %0 : tensor<32xbf16>
}

// CHECK-LABEL: func.func @embedding_i64_indices_bf16
// CHECK: lp.embedding %arg0, %arg1 : (tensor<2x3x4xi64>, tensor<10x8xbf16>) -> tensor<2x3x4x8xbf16>
func.func @embedding_i64_indices_bf16(%ids: tensor<2x3x4xi64>, %table: tensor<10x8xbf16>) -> tensor<2x3x4x8xbf16> {
  %0 = lp.embedding %ids, %table : (tensor<2x3x4xi64>, tensor<10x8xbf16>) -> tensor<2x3x4x8xbf16>
  return %0 : tensor<2x3x4x8xbf16>
}

//===----------------------------------------------------------------------===//
// lp.cross_entropy, lp.mse_loss
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @cross_entropy_i64_labels_f32
// CHECK: lp.cross_entropy %arg0, %arg1 : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
func.func @cross_entropy_i64_labels_f32(%logits: tensor<64x10xf32>, %labels: tensor<64xi64>) -> tensor<f32> {
  %0 = lp.cross_entropy %logits, %labels : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @cross_entropy_i32_labels_f16
// CHECK: lp.cross_entropy %arg0, %arg1 : (tensor<64x10xf16>, tensor<64xi32>) -> tensor<f16>
func.func @cross_entropy_i32_labels_f16(%logits: tensor<64x10xf16>, %labels: tensor<64xi32>) -> tensor<f16> {
  %0 = lp.cross_entropy %logits, %labels : (tensor<64x10xf16>, tensor<64xi32>) -> tensor<f16>
  return %0 : tensor<f16>
}

// CHECK-LABEL: func.func @cross_entropy_i64_labels_bf16
// CHECK: lp.cross_entropy %arg0, %arg1 : (tensor<8x3xbf16>, tensor<8xi64>) -> tensor<bf16>
func.func @cross_entropy_i64_labels_bf16(%logits: tensor<8x3xbf16>, %labels: tensor<8xi64>) -> tensor<bf16> {
  %0 = lp.cross_entropy %logits, %labels : (tensor<8x3xbf16>, tensor<8xi64>) -> tensor<bf16>
  return %0 : tensor<bf16>
}

// CHECK-LABEL: func.func @mse_loss_f32
// CHECK: lp.mse_loss %arg0, %arg1 : (tensor<64x4xf32>, tensor<64x4xf32>) -> tensor<f32>
func.func @mse_loss_f32(%p: tensor<64x4xf32>, %t: tensor<64x4xf32>) -> tensor<f32> {
  %0 = lp.mse_loss %p, %t : (tensor<64x4xf32>, tensor<64x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @mse_loss_rank1_f16
// CHECK: lp.mse_loss %arg0, %arg1 : (tensor<16xf16>, tensor<16xf16>) -> tensor<f16>
func.func @mse_loss_rank1_f16(%p: tensor<16xf16>, %t: tensor<16xf16>) -> tensor<f16> {
  %0 = lp.mse_loss %p, %t : (tensor<16xf16>, tensor<16xf16>) -> tensor<f16>
  return %0 : tensor<f16>
}

// CHECK-LABEL: func.func @mse_loss_scalar_bf16
// CHECK: lp.mse_loss %arg0, %arg1 : (tensor<bf16>, tensor<bf16>) -> tensor<bf16>
func.func @mse_loss_scalar_bf16(%p: tensor<bf16>, %t: tensor<bf16>) -> tensor<bf16> {
  %0 = lp.mse_loss %p, %t : (tensor<bf16>, tensor<bf16>) -> tensor<bf16>
  return %0 : tensor<bf16>
}

//===----------------------------------------------------------------------===//
// lp.cast
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @cast_f32_to_f16_default_rounding
// CHECK: lp.cast %arg0 : (tensor<4x8xf32>) -> tensor<4x8xf16>
func.func @cast_f32_to_f16_default_rounding(%x: tensor<4x8xf32>) -> tensor<4x8xf16> {
  %0 = lp.cast %x : (tensor<4x8xf32>) -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// CHECK-LABEL: func.func @cast_f32_to_bf16_toward_zero
// CHECK: lp.cast %arg0 {rounding = #lp<rounding toward_zero>} : (tensor<4x8xf32>) -> tensor<4x8xbf16>
func.func @cast_f32_to_bf16_toward_zero(%x: tensor<4x8xf32>) -> tensor<4x8xbf16> {
  %0 = lp.cast %x {rounding = #lp<rounding toward_zero>} : (tensor<4x8xf32>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// An explicit nearest_even equals the default and prints elided.
// CHECK-LABEL: func.func @cast_f32_to_bf16_explicit_nearest_even
// CHECK: lp.cast %arg0 : (tensor<4x8xf32>) -> tensor<4x8xbf16>
func.func @cast_f32_to_bf16_explicit_nearest_even(%x: tensor<4x8xf32>) -> tensor<4x8xbf16> {
  %0 = lp.cast %x {rounding = #lp<rounding nearest_even>} : (tensor<4x8xf32>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// CHECK-LABEL: func.func @cast_f32_to_f16_toward_zero
// CHECK: lp.cast %arg0 {rounding = #lp<rounding toward_zero>} : (tensor<4x8xf32>) -> tensor<4x8xf16>
func.func @cast_f32_to_f16_toward_zero(%x: tensor<4x8xf32>) -> tensor<4x8xf16> {
  %0 = lp.cast %x {rounding = #lp<rounding toward_zero>} : (tensor<4x8xf32>) -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// CHECK-LABEL: func.func @cast_f16_to_f32_widen
// CHECK: lp.cast %arg0 : (tensor<4x8xf16>) -> tensor<4x8xf32>
func.func @cast_f16_to_f32_widen(%x: tensor<4x8xf16>) -> tensor<4x8xf32> {
  %0 = lp.cast %x : (tensor<4x8xf16>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @cast_bf16_to_f32_widen
// CHECK: lp.cast %arg0 : (tensor<bf16>) -> tensor<f32>
func.func @cast_bf16_to_f32_widen(%x: tensor<bf16>) -> tensor<f32> {
  %0 = lp.cast %x : (tensor<bf16>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @cast_f16_to_bf16_toward_zero
// CHECK: lp.cast %arg0 {rounding = #lp<rounding toward_zero>} : (tensor<8xf16>) -> tensor<8xbf16>
func.func @cast_f16_to_bf16_toward_zero(%x: tensor<8xf16>) -> tensor<8xbf16> {
  %0 = lp.cast %x {rounding = #lp<rounding toward_zero>} : (tensor<8xf16>) -> tensor<8xbf16>
  return %0 : tensor<8xbf16>
}

// CHECK-LABEL: func.func @cast_bf16_to_f16
// CHECK: lp.cast %arg0 : (tensor<8xbf16>) -> tensor<8xf16>
func.func @cast_bf16_to_f16(%x: tensor<8xbf16>) -> tensor<8xf16> {
  %0 = lp.cast %x : (tensor<8xbf16>) -> tensor<8xf16>
  return %0 : tensor<8xf16>
}

//===----------------------------------------------------------------------===//
// f64 (accepted for gradient checks in double precision)
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @linear_with_bias_f64
// CHECK: lp.linear %arg0, %arg1, %arg2 : (tensor<4x8xf64>, tensor<8x16xf64>, tensor<16xf64>) -> tensor<4x16xf64>
func.func @linear_with_bias_f64(%x: tensor<4x8xf64>, %w: tensor<8x16xf64>, %b: tensor<16xf64>) -> tensor<4x16xf64> {
  %0 = lp.linear %x, %w, %b : (tensor<4x8xf64>, tensor<8x16xf64>, tensor<16xf64>) -> tensor<4x16xf64>
  return %0 : tensor<4x16xf64>
}

// CHECK-LABEL: func.func @matmul_rank3_batched_f64
// CHECK: lp.matmul %arg0, %arg1 : (tensor<2x4x8xf64>, tensor<2x8x3xf64>) -> tensor<2x4x3xf64>
func.func @matmul_rank3_batched_f64(%a: tensor<2x4x8xf64>, %b: tensor<2x8x3xf64>) -> tensor<2x4x3xf64> {
  %0 = lp.matmul %a, %b : (tensor<2x4x8xf64>, tensor<2x8x3xf64>) -> tensor<2x4x3xf64>
  return %0 : tensor<2x4x3xf64>
}

// CHECK-LABEL: func.func @conv2d_with_bias_stride_padding_f64
// CHECK: lp.conv2d %arg0, %arg1, %arg2 {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>) -> tensor<2x4x4x4xf64>
func.func @conv2d_with_bias_stride_padding_f64(%x: tensor<2x3x8x8xf64>, %w: tensor<4x3x3x3xf64>, %b: tensor<4xf64>) -> tensor<2x4x4x4xf64> {
  %0 = lp.conv2d %x, %w, %b {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<2x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>) -> tensor<2x4x4x4xf64>
  return %0 : tensor<2x4x4x4xf64>
}

// CHECK-LABEL: func.func @pools_f64
// CHECK: lp.max_pool2d %arg0 {kernel = array<i64: 2, 2>} : (tensor<1x2x4x4xf64>) -> tensor<1x2x2x2xf64>
// CHECK: lp.avg_pool2d %arg0 {kernel = array<i64: 2, 2>, stride = array<i64: 1, 1>} : (tensor<1x2x4x4xf64>) -> tensor<1x2x3x3xf64>
func.func @pools_f64(%x: tensor<1x2x4x4xf64>) -> (tensor<1x2x2x2xf64>, tensor<1x2x3x3xf64>) {
  %0 = lp.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x2x4x4xf64>) -> tensor<1x2x2x2xf64>
  %1 = lp.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 1, 1>} : (tensor<1x2x4x4xf64>) -> tensor<1x2x3x3xf64>
  return %0, %1 : tensor<1x2x2x2xf64>, tensor<1x2x3x3xf64>
}

// CHECK-LABEL: func.func @binary_broadcast_f64
// CHECK: %[[ADD:.*]] = lp.add %arg0, %arg1 : (tensor<4x8xf64>, tensor<8xf64>) -> tensor<4x8xf64>
// CHECK: %[[SUB:.*]] = lp.sub %[[ADD]], %arg1 : (tensor<4x8xf64>, tensor<8xf64>) -> tensor<4x8xf64>
// CHECK: %[[MUL:.*]] = lp.mul %[[SUB]], %arg2 : (tensor<4x8xf64>, tensor<f64>) -> tensor<4x8xf64>
// CHECK: lp.div %[[MUL]], %arg2 : (tensor<4x8xf64>, tensor<f64>) -> tensor<4x8xf64>
func.func @binary_broadcast_f64(%a: tensor<4x8xf64>, %b: tensor<8xf64>, %c: tensor<f64>) -> tensor<4x8xf64> {
  %0 = lp.add %a, %b : (tensor<4x8xf64>, tensor<8xf64>) -> tensor<4x8xf64>
  %1 = lp.sub %0, %b : (tensor<4x8xf64>, tensor<8xf64>) -> tensor<4x8xf64>
  %2 = lp.mul %1, %c : (tensor<4x8xf64>, tensor<f64>) -> tensor<4x8xf64>
  %3 = lp.div %2, %c : (tensor<4x8xf64>, tensor<f64>) -> tensor<4x8xf64>
  return %3 : tensor<4x8xf64>
}

// CHECK-LABEL: func.func @unary_elementwise_f64
// CHECK: %[[RELU:.*]] = lp.relu %arg0 : (tensor<4x8xf64>) -> tensor<4x8xf64>
// CHECK: %[[TANH:.*]] = lp.tanh %[[RELU]] : (tensor<4x8xf64>) -> tensor<4x8xf64>
// CHECK: %[[SIGMOID:.*]] = lp.sigmoid %[[TANH]] : (tensor<4x8xf64>) -> tensor<4x8xf64>
// CHECK: %[[EXP:.*]] = lp.exp %[[SIGMOID]] : (tensor<4x8xf64>) -> tensor<4x8xf64>
// CHECK: %[[LOG:.*]] = lp.log %[[EXP]] : (tensor<4x8xf64>) -> tensor<4x8xf64>
// CHECK: lp.gelu %[[LOG]] {approximate = #lp<gelu_approximation tanh>} : (tensor<4x8xf64>) -> tensor<4x8xf64>
func.func @unary_elementwise_f64(%x: tensor<4x8xf64>) -> tensor<4x8xf64> {
  %0 = lp.relu %x : (tensor<4x8xf64>) -> tensor<4x8xf64>
  %1 = lp.tanh %0 : (tensor<4x8xf64>) -> tensor<4x8xf64>
  %2 = lp.sigmoid %1 : (tensor<4x8xf64>) -> tensor<4x8xf64>
  %3 = lp.exp %2 : (tensor<4x8xf64>) -> tensor<4x8xf64>
  %4 = lp.log %3 : (tensor<4x8xf64>) -> tensor<4x8xf64>
  %5 = lp.gelu %4 {approximate = #lp<gelu_approximation tanh>} : (tensor<4x8xf64>) -> tensor<4x8xf64>
  return %5 : tensor<4x8xf64>
}

// CHECK-LABEL: func.func @softmax_layer_norm_f64
// CHECK: %[[SM:.*]] = lp.softmax %arg0 {axis = -1 : i64} : (tensor<4x16xf64>) -> tensor<4x16xf64>
// CHECK: %[[LSM:.*]] = lp.log_softmax %[[SM]] {axis = 0 : i64} : (tensor<4x16xf64>) -> tensor<4x16xf64>
// CHECK: lp.layer_norm %[[LSM]], %arg1, %arg2 {epsilon = 1.250000e-01 : f64} : (tensor<4x16xf64>, tensor<16xf64>, tensor<16xf64>) -> tensor<4x16xf64>
func.func @softmax_layer_norm_f64(%x: tensor<4x16xf64>, %g: tensor<16xf64>, %b: tensor<16xf64>) -> tensor<4x16xf64> {
  %0 = lp.softmax %x {axis = -1 : i64} : (tensor<4x16xf64>) -> tensor<4x16xf64>
  %1 = lp.log_softmax %0 {axis = 0 : i64} : (tensor<4x16xf64>) -> tensor<4x16xf64>
  %2 = lp.layer_norm %1, %g, %b {epsilon = 0.125 : f64} : (tensor<4x16xf64>, tensor<16xf64>, tensor<16xf64>) -> tensor<4x16xf64>
  return %2 : tensor<4x16xf64>
}

// CHECK-LABEL: func.func @reductions_f64
// CHECK: lp.reduce_sum %arg0 {axes = array<i64: 1>} : (tensor<4x8xf64>) -> tensor<4xf64>
// CHECK: lp.reduce_mean %arg0 {axes = array<i64: 0>, keepdims = true} : (tensor<4x8xf64>) -> tensor<1x8xf64>
// CHECK: lp.reduce_max %arg0 {axes = array<i64: 0, 1>} : (tensor<4x8xf64>) -> tensor<f64>
func.func @reductions_f64(%x: tensor<4x8xf64>) -> (tensor<4xf64>, tensor<1x8xf64>, tensor<f64>) {
  %0 = lp.reduce_sum %x {axes = array<i64: 1>} : (tensor<4x8xf64>) -> tensor<4xf64>
  %1 = lp.reduce_mean %x {axes = array<i64: 0>, keepdims = true} : (tensor<4x8xf64>) -> tensor<1x8xf64>
  %2 = lp.reduce_max %x {axes = array<i64: 0, 1>} : (tensor<4x8xf64>) -> tensor<f64>
  return %0, %1, %2 : tensor<4xf64>, tensor<1x8xf64>, tensor<f64>
}

// CHECK-LABEL: func.func @shape_ops_f64
// CHECK: %[[R:.*]] = lp.reshape %arg0 : (tensor<4x8xf64>) -> tensor<2x16xf64>
// CHECK: lp.transpose %[[R]] {permutation = array<i64: 1, 0>} : (tensor<2x16xf64>) -> tensor<16x2xf64>
func.func @shape_ops_f64(%x: tensor<4x8xf64>) -> tensor<16x2xf64> {
  %0 = lp.reshape %x : (tensor<4x8xf64>) -> tensor<2x16xf64>
  %1 = lp.transpose %0 {permutation = array<i64: 1, 0>} : (tensor<2x16xf64>) -> tensor<16x2xf64>
  return %1 : tensor<16x2xf64>
}

// CHECK-LABEL: func.func @embedding_i32_indices_f64
// CHECK: lp.embedding %arg0, %arg1 : (tensor<4xi32>, tensor<10x8xf64>) -> tensor<4x8xf64>
func.func @embedding_i32_indices_f64(%ids: tensor<4xi32>, %table: tensor<10x8xf64>) -> tensor<4x8xf64> {
  %0 = lp.embedding %ids, %table : (tensor<4xi32>, tensor<10x8xf64>) -> tensor<4x8xf64>
  return %0 : tensor<4x8xf64>
}

// CHECK-LABEL: func.func @losses_f64
// CHECK: lp.cross_entropy %arg0, %arg1 : (tensor<4x10xf64>, tensor<4xi64>) -> tensor<f64>
// CHECK: lp.mse_loss %arg0, %arg2 : (tensor<4x10xf64>, tensor<4x10xf64>) -> tensor<f64>
func.func @losses_f64(%l: tensor<4x10xf64>, %y: tensor<4xi64>, %t: tensor<4x10xf64>) -> (tensor<f64>, tensor<f64>) {
  %0 = lp.cross_entropy %l, %y : (tensor<4x10xf64>, tensor<4xi64>) -> tensor<f64>
  %1 = lp.mse_loss %l, %t : (tensor<4x10xf64>, tensor<4x10xf64>) -> tensor<f64>
  return %0, %1 : tensor<f64>, tensor<f64>
}

// CHECK-LABEL: func.func @cast_f32_to_f64_and_back
// CHECK: %[[WIDE:.*]] = lp.cast %arg0 : (tensor<4xf32>) -> tensor<4xf64>
// CHECK: lp.cast %[[WIDE]] {rounding = #lp<rounding toward_zero>} : (tensor<4xf64>) -> tensor<4xf32>
func.func @cast_f32_to_f64_and_back(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = lp.cast %x : (tensor<4xf32>) -> tensor<4xf64>
  %1 = lp.cast %0 {rounding = #lp<rounding toward_zero>} : (tensor<4xf64>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// CHECK-LABEL: func.func @cast_f64_to_bf16
// CHECK: lp.cast %arg0 : (tensor<2x3xf64>) -> tensor<2x3xbf16>
func.func @cast_f64_to_bf16(%x: tensor<2x3xf64>) -> tensor<2x3xbf16> {
  %0 = lp.cast %x : (tensor<2x3xf64>) -> tensor<2x3xbf16>
  return %0 : tensor<2x3xbf16>
}
