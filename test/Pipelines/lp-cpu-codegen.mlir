// RUN: lp-opt %s --lp-cpu-codegen | FileCheck %s
// RUN: lp-opt %s --lp-cpu-codegen | lp-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR
// RUN: lp-opt %s --lp-cpu-codegen="threads=4" | FileCheck %s --check-prefix=FOUR
// RUN: lp-opt %s --lp-cpu-codegen="threads=1" | FileCheck %s --check-prefix=ONE --implicit-check-not=omp.
// RUN: lp-opt %s --lp-cpu-codegen="parallel=0" | FileCheck %s --check-prefix=SEQ --implicit-check-not=omp.
// RUN: lp-opt %s --lp-cpu-codegen="matmul=loops" | FileCheck %s --check-prefix=LOOPS

// linalg on buffers to LLVM for the CPU. The product (2^20 multiply-adds)
// becomes blocks of cblas_sgemm calls, the large elementwise op (2^18
// points) blocks of rows, each block a call of its own kernel, both loops
// OpenMP. How many blocks is the `threads` option, 2 by default: the output
// is the same on every machine.
// CHECK-LABEL: llvm.func @product_and_tanh(
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: llvm.call @cblas_sgemm(
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: llvm.switch
// CHECK: llvm.call @product_and_tanh_kernel{{[0-9]}}(
// CHECK: llvm.func @product_and_tanh_kernel1(
// CHECK-NOT: llvm.func @product_and_tanh_kernel2(

// LLVMIR: call void {{.*}}@__kmpc_fork_call(

// FOUR-LABEL: llvm.func @product_and_tanh(
// FOUR: llvm.call @cblas_sgemm(
// FOUR: llvm.func @product_and_tanh_kernel3(
// FOUR-NOT: llvm.func @product_and_tanh_kernel4(

// One thread: nothing is split, and no OpenMP is left.
// ONE-LABEL: llvm.func @product_and_tanh(
// ONE: llvm.call @cblas_sgemm(
// ONE: llvm.call @product_and_tanh_kernel0(
// ONE-NOT: llvm.func @product_and_tanh_kernel1(

// SEQ-LABEL: llvm.func @product_and_tanh(
// SEQ: llvm.call @cblas_sgemm(
// SEQ-NOT: llvm.func @product_and_tanh_kernel1(

// LOOPS-NOT: cblas_sgemm
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @product_and_tanh(%a: memref<256x64xf32>, %b: memref<64x64xf32>, %c: memref<256x64xf32>,
                            %x: memref<1024x256xf32>, %y: memref<1024x256xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<256x64xf32>)
  linalg.matmul ins(%a, %b : memref<256x64xf32>, memref<64x64xf32>) outs(%c : memref<256x64xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<1024x256xf32>) outs(%y : memref<1024x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  }
  return
}
