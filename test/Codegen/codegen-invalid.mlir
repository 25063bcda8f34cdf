// RUN: lp-opt %s --split-input-file --verify-diagnostics --lp-approximate-math --lp-linalg-to-blas

// The codegen passes reject what they cannot handle with a located error.

// lp-approximate-math builds scalar/vector arithmetic: math on tensors (before
// bufferization) is an error, not invalid IR.
func.func @approximate_math_on_tensors(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{lp-approximate-math works on scalars and vectors; run it after bufferization}}
  %y = math.exp %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// lp-linalg-to-blas declares cblas_sgemm; another symbol of that name with a
// different type is an error.
// expected-error @+1 {{'cblas_sgemm' is already defined with another type; lp-linalg-to-blas needs the CBLAS one}}
func.func private @cblas_sgemm(i32)
func.func @gemm(%a: memref<4x8xf32>, %b: memref<8x3xf32>, %c: memref<4x3xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x3xf32>) outs(%c : memref<4x3xf32>)
  return
}
