// RUN: lp-opt %s --split-input-file --lp-widen-lowp-products | FileCheck %s
// RUN: lp-opt %s --split-input-file --lp-widen-lowp-products=types=bf16 | FileCheck %s --check-prefix=BF16
// RUN: not lp-opt %s --split-input-file --lp-widen-lowp-products=types=f8 2>&1 | FileCheck %s --check-prefix=BAD

// A bf16 linear reads its operands widened, computes in f32 and rounds its
// result once; the weight is widened once, right after its cast, and the
// backward product (through a transpose) reads that same widening.
// CHECK-LABEL: func.func @linear
// CHECK-SAME: (%[[X:.*]]: tensor<4x16xbf16>, %[[W32:.*]]: tensor<16x8xf32>, %[[B:.*]]: tensor<8xbf16>, %[[DY:.*]]: tensor<4x8xbf16>)
// CHECK-DAG: %[[WX:.*]] = lp.cast %[[X]] : (tensor<4x16xbf16>) -> tensor<4x16xf32>
// CHECK-DAG: %[[WB:.*]] = lp.cast %[[B]] : (tensor<8xbf16>) -> tensor<8xf32>
// CHECK-DAG: %[[WDY:.*]] = lp.cast %[[DY]] : (tensor<4x8xbf16>) -> tensor<4x8xf32>
// CHECK: %[[W:.*]] = lp.cast %[[W32]] : (tensor<16x8xf32>) -> tensor<16x8xbf16>
// CHECK-NEXT: %[[WW:.*]] = lp.cast %[[W]] : (tensor<16x8xbf16>) -> tensor<16x8xf32>
// CHECK-NEXT: %[[Y32:.*]] = lp.linear %[[WX]], %[[WW]], %[[WB]] {lp.layer = "fc"} : (tensor<4x16xf32>, tensor<16x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: %[[Y:.*]] = lp.cast %[[Y32]] {lp.layer = "fc"} : (tensor<4x8xf32>) -> tensor<4x8xbf16>
// CHECK-NEXT: %[[WT:.*]] = lp.transpose %[[WW]] {{.*}} : (tensor<16x8xf32>) -> tensor<8x16xf32>
// CHECK-NEXT: %[[DX32:.*]] = lp.matmul %[[WDY]], %[[WT]] : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT: %[[DX:.*]] = lp.cast %[[DX32]] : (tensor<4x16xf32>) -> tensor<4x16xbf16>
// CHECK-NEXT: return %[[Y]], %[[DX]]
func.func @linear(%x: tensor<4x16xbf16>, %w32: tensor<16x8xf32>, %b: tensor<8xbf16>, %dy: tensor<4x8xbf16>) -> (tensor<4x8xbf16>, tensor<4x16xbf16>) {
  %w = lp.cast %w32 : (tensor<16x8xf32>) -> tensor<16x8xbf16>
  %y = lp.linear %x, %w, %b {lp.layer = "fc"} : (tensor<4x16xbf16>, tensor<16x8xbf16>, tensor<8xbf16>) -> tensor<4x8xbf16>
  %wt = lp.transpose %w {permutation = array<i64: 1, 0>} : (tensor<16x8xbf16>) -> tensor<8x16xbf16>
  %dx = lp.matmul %dy, %wt : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xbf16>
  return %y, %dx : tensor<4x8xbf16>, tensor<4x16xbf16>
}

// BAD: lp-widen-lowp-products: unknown type 'f8' (expected bf16 or f16)

// -----

// With `lowp-result=f32` a product already returns f32: nothing is rounded
// after it. f16 products are widened by default, and left alone with
// types=bf16.
// CHECK-LABEL: func.func @f16_f32_result
// CHECK: %[[A:.*]] = lp.cast %{{.*}} : (tensor<2x3xf16>) -> tensor<2x3xf32>
// CHECK: %[[B:.*]] = lp.cast %{{.*}} : (tensor<3x5xf16>) -> tensor<3x5xf32>
// CHECK-NEXT: %[[C:.*]] = lp.matmul %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
// CHECK-NEXT: return %[[C]]
// BF16-LABEL: func.func @f16_f32_result
// BF16-NEXT: %[[C:.*]] = lp.matmul %{{.*}}, %{{.*}} : (tensor<2x3xf16>, tensor<3x5xf16>) -> tensor<2x5xf32>
// BF16-NEXT: return %[[C]]
func.func @f16_f32_result(%a: tensor<2x3xf16>, %b: tensor<3x5xf16>) -> tensor<2x5xf32> {
  %c = lp.matmul %a, %b : (tensor<2x3xf16>, tensor<3x5xf16>) -> tensor<2x5xf32>
  return %c : tensor<2x5xf32>
}

// -----

// Convolution gradients keep their attributes; f32 ops are not touched.
// CHECK-LABEL: func.func @conv_grads
// CHECK: %[[DY:.*]] = lp.cast %{{.*}} : (tensor<1x2x3x3xbf16>) -> tensor<1x2x3x3xf32>
// CHECK: %[[W:.*]] = lp.cast %{{.*}} : (tensor<2x1x3x3xbf16>) -> tensor<2x1x3x3xf32>
// CHECK: %[[DX:.*]] = lp.conv2d_grad_input %[[DY]], %[[W]] {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<1x1x5x5xf32>
// CHECK-NEXT: lp.cast %[[DX]] : (tensor<1x1x5x5xf32>) -> tensor<1x1x5x5xbf16>
// CHECK: lp.conv2d %{{.*}}, %{{.*}} : (tensor<1x1x5x5xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NOT: lp.cast
// CHECK: return
func.func @conv_grads(%dy: tensor<1x2x3x3xbf16>, %w: tensor<2x1x3x3xbf16>, %x: tensor<1x1x5x5xf32>, %w32: tensor<2x1x3x3xf32>) -> (tensor<1x1x5x5xbf16>, tensor<1x2x3x3xf32>) {
  %dx = lp.conv2d_grad_input %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<1x2x3x3xbf16>, tensor<2x1x3x3xbf16>) -> tensor<1x1x5x5xbf16>
  %y = lp.conv2d %x, %w32 : (tensor<1x1x5x5xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %dx, %y : tensor<1x1x5x5xbf16>, tensor<1x2x3x3xf32>
}
