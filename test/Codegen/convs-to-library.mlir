// RUN: lp-opt %s --lp-convs-to-library --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-convs-to-library --split-input-file | %mlir_opt --split-input-file > /dev/null
// lp-convs-to-library: marked convolution generics on contiguous buffers
// become runtime calls with the three addresses and 13 sizes; the zero
// fill before them goes (the runtime writes every element).

// CHECK: func.func private @lp_conv2d_f32(!llvm.ptr, !llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func.func @forward
// CHECK-NOT: linalg.fill
// The sizes N, C, H, W (of the padded input), F, KH, KW, OH, OW, stride
// and padding (0: the input is padded), in this order.
// CHECK: arith.constant 2 : i64
// CHECK-NEXT: arith.constant 3 : i64
// CHECK-NEXT: arith.constant 10 : i64
// CHECK-NEXT: arith.constant 10 : i64
// CHECK-NEXT: arith.constant 4 : i64
// CHECK-NEXT: arith.constant 3 : i64
// CHECK-NEXT: arith.constant 3 : i64
// CHECK-NEXT: arith.constant 4 : i64
// CHECK-NEXT: arith.constant 4 : i64
// CHECK-NEXT: arith.constant 2 : i64
// CHECK-NEXT: arith.constant 2 : i64
// CHECK-NEXT: arith.constant 0 : i64
// CHECK-NEXT: arith.constant 0 : i64
// CHECK-NEXT: call @lp_conv2d_f32(
// CHECK-NOT: linalg.generic
#x = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#w = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#y = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
func.func @forward(%xp: memref<2x3x10x10xf32>, %w: memref<4x3x3x3xf32>, %y: memref<2x4x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<2x4x4x4xf32>)
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"], library_call = "lp_conv2d_f32"}
      ins(%xp, %w : memref<2x3x10x10xf32>, memref<4x3x3x3xf32>) outs(%y : memref<2x4x4x4xf32>) attrs = {lp.conv = array<i64: 2, 2, 1, 1>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left as they are (correct, slow loops): a result without the zero fill
// right before, and maps other than the marked convolution's.
// CHECK-LABEL: func.func @no_fill
// CHECK: linalg.generic
// CHECK-LABEL: func.func @other_maps
// CHECK: linalg.generic
// CHECK-NOT: call @lp_conv2d
#x = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#x1 = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw)>
#w = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#y = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
func.func @no_fill(%xp: memref<2x3x10x10xf32>, %w: memref<4x3x3x3xf32>, %y: memref<2x4x4x4xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"], library_call = "lp_conv2d_f32"}
      ins(%xp, %w : memref<2x3x10x10xf32>, memref<4x3x3x3xf32>) outs(%y : memref<2x4x4x4xf32>) attrs = {lp.conv = array<i64: 2, 2, 1, 1>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @other_maps(%xp: memref<2x3x6x6xf32>, %w: memref<4x3x3x3xf32>, %y: memref<2x4x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<2x4x4x4xf32>)
  linalg.generic {indexing_maps = [#x1, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"], library_call = "lp_conv2d_f32"}
      ins(%xp, %w : memref<2x3x6x6xf32>, memref<4x3x3x3xf32>) outs(%y : memref<2x4x4x4xf32>) attrs = {lp.conv = array<i64: 2, 2, 1, 1>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
