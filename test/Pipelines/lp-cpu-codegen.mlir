// RUN: lp-opt %s --lp-cpu-codegen | FileCheck %s
// RUN: lp-opt %s --lp-cpu-codegen | lp-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR
// RUN: lp-opt %s --lp-cpu-codegen="threads=4" | FileCheck %s --check-prefix=FOUR
// RUN: lp-opt %s --lp-cpu-codegen="threads=1" | FileCheck %s --check-prefix=ONE --implicit-check-not=omp.
// RUN: lp-opt %s --lp-cpu-codegen="parallel=0" | FileCheck %s --check-prefix=SEQ --implicit-check-not=omp.
// RUN: lp-opt %s --lp-cpu-codegen="matmul=loops" | FileCheck %s --check-prefix=LOOPS

// linalg on buffers to LLVM for the CPU. The product (2^20 multiply-adds)
// becomes blocks of cblas_sgemm calls, the large elementwise op (2^18
// points) blocks of rows, every block a call of the same kernel, both loops
// OpenMP. How many blocks is the `threads` option; by default (0) the
// runtime's thread count, asked when the step runs, so the output is the
// same on every machine.
// CHECK: llvm.func @lp_num_threads() -> i64
// CHECK-LABEL: llvm.func @product_and_tanh(
// CHECK: llvm.call @lp_num_threads()
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: llvm.call @cblas_sgemm(
// CHECK: llvm.call @cblas_sgemm(
// CHECK: llvm.call @lp_num_threads()
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: llvm.call @product_and_tanh_kernel0(
// CHECK-NOT: llvm.func @product_and_tanh_kernel1(

// LLVMIR: call void {{.*}}@__kmpc_fork_call(

// A fixed count: constants, no call of the runtime.
// FOUR-NOT: lp_num_threads
// FOUR-LABEL: llvm.func @product_and_tanh(
// FOUR: omp.wsloop
// FOUR: llvm.call @cblas_sgemm(
// FOUR: omp.wsloop
// FOUR: llvm.call @product_and_tanh_kernel0(
// FOUR-NOT: llvm.func @product_and_tanh_kernel1(
// FOUR-NOT: lp_num_threads

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
