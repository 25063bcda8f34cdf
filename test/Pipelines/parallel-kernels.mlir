// RUN: lp-opt %s --lp-lower-to-llvm | FileCheck %s
// RUN: lp-opt %s --lp-lower-to-llvm="parallel=0" | FileCheck %s --check-prefix=SEQ
// RUN: lp-opt %s --lp-lower-to-llvm | lp-translate --mlir-to-llvmir | FileCheck %s --check-prefix=IR
// RUN: lp-opt %s --lp-lower-to-llvm > %t.whole-default
// RUN: lp-opt %s --lp-lower-to-linalg --lp-bufferize --lp-cpu-codegen > %t.staged-default
// RUN: diff %t.whole-default %t.staged-default
// RUN: lp-opt %s --lp-lower-to-llvm="threads=3" > %t.whole
// RUN: lp-opt %s --lp-lower-to-linalg --lp-bufferize --lp-cpu-codegen="threads=3" > %t.staged
// RUN: diff %t.whole %t.staged

// A large elementwise op runs as an OpenMP loop over row chunks, each chunk
// a call of the ordinary (vectorisable) kernel; the small one stays a plain
// call.
// CHECK-LABEL: llvm.func @f(
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: llvm.call @f_kernel{{[0-9]+}}(
// CHECK: llvm.call @f_kernel{{[0-9]+}}(
// SEQ-NOT: omp.
// IR: call void {{.*}}@__kmpc_fork_call(

func.func @f(%x: tensor<1024x256xf32>, %y: tensor<4x4xf32>) -> (tensor<1024x256xf32>, tensor<4x4xf32>) {
  %0 = lp.gelu %x : (tensor<1024x256xf32>) -> tensor<1024x256xf32>
  %1 = lp.relu %y : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0, %1 : tensor<1024x256xf32>, tensor<4x4xf32>
}
