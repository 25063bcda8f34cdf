// RUN: lp-opt %s --split-input-file --verify-diagnostics --lp-parallelize-kernels
// RUN: lp-opt %s --split-input-file --verify-diagnostics --lp-linalg-to-blas="split-min=1"

// Both passes call the runtime's `index lp_num_threads()` when the block
// count is decided at run time (threads=0); another symbol of that name is
// a located error, not a call of the wrong function.
// expected-error @+1 {{'lp_num_threads' is already defined with another type}}
func.func private @lp_num_threads() -> i32
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @big(%a: memref<1024x512xf32>, %b: memref<512x64xf32>, %c: memref<1024x64xf32>, %o: memref<1024x512xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<1024x512xf32>) outs(%o : memref<1024x512xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.matmul ins(%a, %b : memref<1024x512xf32>, memref<512x64xf32>) outs(%c : memref<1024x64xf32>)
  return
}
