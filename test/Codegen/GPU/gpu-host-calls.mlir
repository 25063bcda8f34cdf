// RUN: lp-opt %s --lp-gpu-host-calls | FileCheck %s

// Buffers come from the runtime's device allocator, and a synchronous
// launch runs on the step's stream.
// CHECK-NOT: llvm.func @_mlir_memref_to_llvm_alloc
// CHECK-DAG: llvm.func @lp_cuda_alloc(i64) -> !llvm.ptr
// CHECK-DAG: llvm.func @lp_cuda_free(!llvm.ptr)
// CHECK-DAG: llvm.func @lp_cuda_step_stream() -> !llvm.ptr
// CHECK-LABEL: llvm.func @f
// CHECK: %[[P:.*]] = llvm.call @lp_cuda_alloc(%{{.*}})
// CHECK: %[[S:.*]] = llvm.call @lp_cuda_step_stream()
// CHECK: gpu.launch_func <%[[S]] : !llvm.ptr> @k::@k
// CHECK: llvm.call @lp_cuda_free(%[[P]])
module attributes {gpu.container_module} {
  llvm.func @_mlir_memref_to_llvm_alloc(i64) -> !llvm.ptr
  llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
  gpu.binary @k [#gpu.object<#nvvm.target, "">]
  llvm.func @f() {
    %c1 = llvm.mlir.constant(1 : index) : i64
    %c64 = llvm.mlir.constant(64 : index) : i64
    %p = llvm.call @_mlir_memref_to_llvm_alloc(%c64) : (i64) -> !llvm.ptr
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) : i64 args(%p : !llvm.ptr)
    llvm.call @_mlir_memref_to_llvm_free(%p) : (!llvm.ptr) -> ()
    llvm.return
  }
}
