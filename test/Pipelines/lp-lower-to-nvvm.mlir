// REQUIRES: ptxas
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit" | FileCheck %s
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit" | lp-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit chip=sm_80 format=isa" | FileCheck %s --check-prefix=PTX80
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit format=isa" | FileCheck %s --check-prefix=PTX90
// RUN: not lp-opt %s --lp-lower-to-nvvm="toolkit=%t.none" 2>&1 | FileCheck %s --check-prefix=NOTOOLKIT
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit matmul=cublaslt" | FileCheck %s --check-prefix=CUBLASLT
// RUN: lp-opt %s --lp-build-train-step --lp-lower-to-nvvm="toolkit=%cuda_toolkit matmul=cublaslt" | FileCheck %s --check-prefix=CUBLASLT-STEP
// RUN: lp-opt %s --lp-build-train-step="precision=bf16" --lp-lower-to-nvvm="toolkit=%cuda_toolkit matmul=cublaslt" | FileCheck %s --check-prefix=CUBLASLT-BF16
// The pipeline is its three stages in order (the binary's properties hold
// compile times).
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit block-size=128" | sed 's/properties = {[^}]*}//' > %t.whole
// RUN: lp-opt %s --lp-lower-to-linalg="conv=im2col" --lp-bufferize --lp-gpu-codegen="toolkit=%cuda_toolkit block-size=128" | sed 's/properties = {[^}]*}//' > %t.staged
// RUN: diff %t.whole %t.staged

// One cubin for sm_90 with every kernel; the host function allocates
// through the runtime, launches on the step's stream and touches no memory
// itself; the runtime finds it through its entry point.
// CHECK-LABEL: llvm.func @mlp_loss(
// CHECK-NOT: llvm.load
// CHECK-NOT: llvm.store
// CHECK: llvm.call @lp_cuda_alloc
// CHECK: %[[S:.*]] = llvm.call @lp_cuda_step_stream()
// CHECK-NEXT: gpu.launch_func <%[[S]] : !llvm.ptr> @mlp_loss_kernel::@mlp_loss_kernel
// CHECK: llvm.call @lp_cuda_free
// CHECK: llvm.return
// CHECK: gpu.binary @mlp_loss_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">, properties = {{.*}}, bin = "
// CHECK-NOT: gpu.binary
// CHECK: llvm.func @lp_entry_mlp_loss(
// CHECK-NOT: memref.
// CHECK-NOT: linalg.

// LLVMIR-DAG: call ptr @mgpuModuleLoad(
// LLVMIR-DAG: call ptr @mgpuModuleGetFunction(
// LLVMIR-DAG: call void @mgpuLaunchKernel(
// LLVMIR-NOT: mgpuStreamCreate

// The tanh and the log of the loss are NVVM's; PTX for the chip asked for.
// PTX80: .version 8.0
// PTX80: .target sm_80
// PTX90: .target sm_90

// With matmul=cublaslt the product is a runtime call on device pointers,
// with the linear layer's bias added by cuBLASLt's epilogue.
// CUBLASLT-LABEL: llvm.func @mlp_loss(
// CUBLASLT: llvm.call @lp_cuda_sgemm_bias(
// CUBLASLT: gpu.launch_func

// The train step's weight gradient X^T dY computes the bias gradient, the
// sum of dY, in the same call (cuBLASLt's bias-gradient epilogue).
// CUBLASLT-STEP-LABEL: llvm.func @mlp_loss_train_step(
// CUBLASLT-STEP: llvm.call @lp_cuda_sgemm_bias(
// CUBLASLT-STEP: llvm.call @lp_cuda_sgemm_bgrad(
// In bf16 (autocast) the bias gradient sums the bf16 output gradient in f32.
// CUBLASLT-BF16-LABEL: llvm.func @mlp_loss_train_step(
// CUBLASLT-BF16: llvm.call @lp_cuda_gemm_bf16_bgrad(

// NOTOOLKIT: error: CUDA path: {{.*}}.none does not exist or is not a directory

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
