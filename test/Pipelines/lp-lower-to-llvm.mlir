// RUN: lp-opt %s --lp-lower-to-llvm | FileCheck %s
// The lowered module is plain upstream IR: mlir-opt and mlir-translate accept it.
// RUN: lp-opt %s --lp-lower-to-llvm | %mlir_opt | FileCheck %s
// RUN: lp-opt %s --lp-lower-to-llvm | lp-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR
// RUN: lp-opt %s --lp-lower-to-llvm="results-to-out-params=false" | FileCheck %s --check-prefix=RESULTS
// RUN: lp-opt %s --lp-lower-to-llvm="approximate-math" | FileCheck %s --check-prefix=APPROX
// RUN: lp-opt %s --lp-lower-to-llvm="matmul=loops" | FileCheck %s --check-prefix=LOOPS
// RUN: lp-opt %s --lp-lower-to-llvm="matmul=vector" | FileCheck %s --check-prefix=VECTOR
// RUN: lp-opt %s --lp-lower-to-llvm="matmul=vector" | lp-translate --mlir-to-llvmir > /dev/null
// RUN: not lp-opt %s --lp-lower-to-llvm="matmul=gpu" 2>&1 | FileCheck %s --check-prefix=BADOPT
// The pipeline is its three stages in order, with the same options.
// RUN: lp-opt %s --lp-lower-to-llvm > %t.whole
// RUN: lp-opt %s --lp-lower-to-linalg --lp-bufferize --lp-cpu-codegen > %t.staged
// RUN: diff %t.whole %t.staged
// RUN: lp-opt %s --lp-lower-to-llvm="fuse-elementwise=0 matmul=vector outline-kernels=0 results-to-out-params=0 threads=3" > %t.whole-options
// RUN: lp-opt %s --lp-lower-to-linalg="fuse-elementwise=0" --lp-bufferize="results-to-out-params=0" --lp-cpu-codegen="matmul=vector outline-kernels=0 threads=3" > %t.staged-options
// RUN: diff %t.whole-options %t.staged-options

// The matmul and its bias are an lp_sgemm_bias call (lp-linalg-to-blas:
// beta 0 from the zero fill, the bias add as its epilogue); every other
// linalg op is a call to a noinline kernel (lp-outline-kernels), and what is
// left of the function is straight-line code compiled without optimisation
// (noinline optnone).
// CHECK: llvm.func @lp_sgemm_bias(i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, !llvm.ptr, i32, f32, !llvm.ptr, i32, !llvm.ptr)
// The loss comes back through a caller-allocated out-parameter (the last
// memref descriptor), so the function returns nothing.
// CHECK-LABEL: llvm.func @mlp_loss
// CHECK-SAME: (%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: i64, %arg3: i64, %arg4: i64, %arg5: i64, %arg6: i64,
// CHECK-NOT: -> !llvm.struct
// CHECK-SAME: passthrough = ["noinline", "optnone"]
// CHECK: %[[BETA:.*]] = llvm.mlir.constant(0.000000e+00 : f32) : f32
// CHECK: llvm.call @lp_sgemm_bias({{.*}}, %[[BETA]], {{.*}}) :
// CHECK: llvm.call @mlp_loss_kernel0(
// CHECK: llvm.return{{$}}
// CHECK: llvm.func @mlp_loss_kernel0(
// CHECK-SAME: passthrough = ["noinline"]
// CHECK: llvm.intr.tanh
// CHECK-NOT: lp.
// CHECK-NOT: linalg.
// CHECK-NOT: memref.

// LLVMIR: define void @mlp_loss(ptr
// LLVMIR: call float @llvm.tanh.f32(float

// With approximate-math, tanh is arithmetic (no intrinsic, no libm call).
// APPROX-LABEL: llvm.func @mlp_loss_kernel0(
// APPROX-NOT: tanh
// APPROX: llvm.return

// LOOPS-NOT: cblas_sgemm
// VECTOR-NOT: cblas_sgemm
// VECTOR: llvm.intr.fmuladd{{.*}} : (vector<{{[0-9]+}}xf32>
// BADOPT: for the --matmul option: Cannot find option named 'gpu'!

// RESULTS-LABEL: llvm.func @mlp_loss
// RESULTS-SAME: -> (!llvm.struct<(ptr, ptr, i64)>
func.func @mlp_loss(%x: tensor<4x8xf32> {lp.role = "input"},
                    %y: tensor<4xi64> {lp.role = "label"},
                    %w: tensor<8x3xf32> {lp.role = "param", lp.init = "glorot_uniform"},
                    %b: tensor<3xf32> {lp.role = "param", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w, %b : (tensor<4x8xf32>, tensor<8x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %t = lp.tanh %h : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %l = lp.cross_entropy %t, %y : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
