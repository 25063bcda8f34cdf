// RUN: lp-opt %s --lp-lower-to-linalg="widen-lowp=bf16" | FileCheck %s
// RUN: lp-opt %s --lp-lower-to-linalg | FileCheck %s --check-prefix=NATIVE
// With widen-lowp=bf16 (a CPU without bf16 products) the bf16 products
// are f32 products: the weight is rounded to bf16 and widened back in one
// elementwise pass (the cast and its widening fused), once for the forward
// product and the backward one, whose transpose still folds into the
// product; results are rounded once, fused with what follows them.

// CHECK-LABEL: func.func @step(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<4x16xf32>, %[[W32:[a-z0-9]+]]: tensor<16x8xf32>, %[[DY:[a-z0-9]+]]: tensor<4x8xbf16>
// CHECK: %[[WDY:.*]] = linalg.generic {{.*}} ins(%[[DY]] : tensor<4x8xbf16>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.extf
// CHECK-NEXT: linalg.yield
// CHECK: %[[WX:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4x16xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.truncf
// CHECK-NEXT: arith.extf
// CHECK-NEXT: linalg.yield
// CHECK: %[[WW:.*]] = linalg.generic {{.*}} ins(%[[W32]] : tensor<16x8xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[T:.*]] = arith.truncf {{.*}} : f32 to bf16
// CHECK-NEXT: %[[E:.*]] = arith.extf %[[T]] : bf16 to f32
// CHECK-NEXT: linalg.yield %[[E]]
// CHECK: %[[H:.*]] = linalg.matmul ins(%[[WX]], %[[WW]] : tensor<4x16xf32>, tensor<16x8xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<4x8xf32>) outs({{.*}} : tensor<4x8xbf16>)
// CHECK: arith.truncf
// CHECK: arith.maximumf
// CHECK: %[[DX:.*]] = linalg.matmul indexing_maps = {{.*}} ins(%[[WDY]], %[[WW]] : tensor<4x8xf32>, tensor<16x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[DX]] : tensor<4x16xf32>) outs({{.*}} : tensor<4x16xbf16>)
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.matmul
// CHECK: return

// Without it, the products read bf16 operands (the runtime's bf16 products).
// NATIVE-LABEL: func.func @step(
// NATIVE: linalg.matmul ins({{.*}} : tensor<4x16xbf16>, tensor<16x8xbf16>) outs({{.*}} : tensor<4x8xf32>)
// NATIVE: linalg.matmul indexing_maps = {{.*}} ins({{.*}} : tensor<4x8xbf16>, tensor<16x8xbf16>) outs({{.*}} : tensor<4x16xf32>)
func.func @step(%x: tensor<4x16xf32>, %w32: tensor<16x8xf32>, %dy: tensor<4x8xbf16>) -> (tensor<4x8xbf16>, tensor<4x16xbf16>) {
  %xb = lp.cast %x : (tensor<4x16xf32>) -> tensor<4x16xbf16>
  %w = lp.cast %w32 : (tensor<16x8xf32>) -> tensor<16x8xbf16>
  %h = lp.matmul %xb, %w : (tensor<4x16xbf16>, tensor<16x8xbf16>) -> tensor<4x8xbf16>
  %y = lp.relu %h : (tensor<4x8xbf16>) -> tensor<4x8xbf16>
  %wt = lp.transpose %w {permutation = array<i64: 1, 0>} : (tensor<16x8xbf16>) -> tensor<8x16xbf16>
  %dx = lp.matmul %dy, %wt : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xbf16>
  return %y, %dx : tensor<4x8xbf16>, tensor<4x16xbf16>
}
