// RUN: lp-opt %s --lp-convs-to-library --verify-diagnostics
// lp-convs-to-library declares the runtime's lp_conv2d_f32; another symbol
// of that name with a different type is a located error.

// expected-error @+1 {{'lp_conv2d_f32' is already defined with another type; lp-convs-to-library needs the runtime's one}}
func.func private @lp_conv2d_f32(i32)
#x = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw)>
#w = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#y = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
func.func @forward(%xp: memref<1x1x4x4xf32>, %w: memref<1x1x3x3xf32>, %y: memref<1x1x2x2xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x1x2x2xf32>)
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"], library_call = "lp_conv2d_f32"}
      ins(%xp, %w : memref<1x1x4x4xf32>, memref<1x1x3x3xf32>) outs(%y : memref<1x1x2x2xf32>) attrs = {lp.conv = array<i64: 1, 1, 0, 0>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
