// RUN: lp-opt %s --convert-lp-to-linalg="conv-library=1" --split-input-file --mlir-print-local-scope | FileCheck %s
// RUN: lp-opt %s --convert-lp-to-linalg --split-input-file | FileCheck %s --check-prefix=IM2COL
// convert-lp-to-linalg conv-library: f32 conv2d and its gradients as one
// linalg.generic each with the convolution's semantics, marked for the
// runtime (library_call, lp.conv = [sh, sw, ph, pw]); without the option
// they stay im2col and products.

// Forward: the padded input read at (oh*sh + kh, ow*sw + kw), summed over
// (c, kh, kw) into a zero-filled f32 result; the bias is added after.
// CHECK-LABEL: func.func @forward
// CHECK: %[[XP:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4x4x4xf32>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 * 2 + d5, d3 * 2 + d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"], library_call = "lp_conv2d_f32"}
// CHECK-SAME: ins(%[[XP]], %arg1 : tensor<2x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%[[Z]] : tensor<2x4x4x4xf32>)
// CHECK: lp.conv = array<i64: 2, 2, 1, 1>
// CHECK: arith.addf
// IM2COL-LABEL: func.func @forward
// IM2COL-NOT: library_call
// IM2COL: linalg.matmul
func.func @forward(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x4x4xf32> {
  %y = lp.conv2d %x, %w, %b {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x4x4xf32>
  return %y : tensor<2x4x4x4xf32>
}

// -----

// Filter gradient: loops (f, c, kh, kw, n, oh, ow).
// CHECK-LABEL: func.func @grad_filter
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d1, d5 * 2 + d2, d6 * 2 + d3)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>]
// CHECK-SAME: library_call = "lp_conv2d_grad_filter_f32"
func.func @grad_filter(%x: tensor<2x3x8x8xf32>, %dy: tensor<2x4x4x4xf32>) -> tensor<4x3x3x3xf32> {
  %g = lp.conv2d_grad_filter %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<2x3x8x8xf32>, tensor<2x4x4x4xf32>) -> tensor<4x3x3x3xf32>
  return %g : tensor<4x3x3x3xf32>
}

// -----

// Input gradient: dy spread 2 apart at (KH-1-ph, KW-1-pw) = (1, 1) in zeros
// of [N, F, H+KH-1, W+KW-1], the filter flipped, a stride-1 correlation.
// CHECK-LABEL: func.func @grad_input
// CHECK: %[[SPREAD:.*]] = tensor.insert_slice %arg0 into %{{.*}}[0, 0, 1, 1] [2, 4, 4, 4] [1, 1, 2, 2] : tensor<2x4x4x4xf32> into tensor<2x4x10x10xf32>
// CHECK: %[[FLIP:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, -d2 + 2, -d3 + 2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d1, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>]
// CHECK-SAME: library_call = "lp_conv2d_grad_input_f32"
// CHECK-SAME: ins(%[[SPREAD]], %[[FLIP]] : tensor<2x4x10x10xf32>, tensor<4x3x3x3xf32>)
func.func @grad_input(%dy: tensor<2x4x4x4xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x3x8x8xf32> {
  %g = lp.conv2d_grad_input %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<2x4x4x4xf32>, tensor<4x3x3x3xf32>) -> tensor<2x3x8x8xf32>
  return %g : tensor<2x3x8x8xf32>
}

// -----

// Padding of at least the kernel size: the input gradient keeps im2col;
// f64 convolutions too.
// CHECK-LABEL: func.func @wide_padding
// CHECK-NOT: lp_conv2d_grad_input_f32
// CHECK: linalg.matmul
// CHECK-LABEL: func.func @f64_forward
// CHECK-NOT: library_call
// CHECK: linalg.matmul
func.func @wide_padding(%dy: tensor<1x2x6x8xf32>, %w: tensor<2x2x2x2xf32>) -> tensor<1x2x5x5xf32> {
  %g = lp.conv2d_grad_input %dy, %w {stride = array<i64: 1, 1>, padding = array<i64: 1, 2>} : (tensor<1x2x6x8xf32>, tensor<2x2x2x2xf32>) -> tensor<1x2x5x5xf32>
  return %g : tensor<1x2x5x5xf32>
}
func.func @f64_forward(%x: tensor<1x2x5x5xf64>, %w: tensor<2x2x3x3xf64>) -> tensor<1x2x3x3xf64> {
  %y = lp.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0>} : (tensor<1x2x5x5xf64>, tensor<2x2x3x3xf64>) -> tensor<1x2x3x3xf64>
  return %y : tensor<1x2x3x3xf64>
}
