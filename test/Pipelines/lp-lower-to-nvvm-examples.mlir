// REQUIRES: ptxas
// The train step of every example, for sm_80 and sm_90, assembled by ptxas
// (gpu-module-to-binary fails on any ptxas error); bf16 casts are native.
// RUN: lp-opt %lp_src/examples/digits_mlp.mlir --lp-build-train-step --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit" | FileCheck %s
// RUN: lp-opt %lp_src/examples/digits_mlp.mlir --lp-build-train-step --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: lp-opt %lp_src/examples/digits_cnn.mlir --lp-build-train-step="optimizer=adam" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit" | FileCheck %s
// RUN: lp-opt %lp_src/examples/digits_cnn.mlir --lp-build-train-step="optimizer=adam" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: lp-opt %lp_src/examples/char_lm.mlir --lp-build-train-step="optimizer=adamw clip-norm=1" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit" | FileCheck %s
// RUN: lp-opt %lp_src/examples/char_lm.mlir --lp-build-train-step="optimizer=adamw clip-norm=1" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: lp-opt %lp_src/examples/distill_mlp.mlir --lp-build-train-step --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit" | FileCheck %s
// RUN: lp-opt %lp_src/examples/distill_mlp.mlir --lp-build-train-step --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit chip=sm_80" | FileCheck %s --check-prefix=SM80
// The precision passes' steps assembled too: bf16 and f16 with dynamic
// loss scaling, QAT (fake quantization), and the tensor-core products.
// RUN: lp-opt %lp_src/examples/char_lm.mlir --lp-build-train-step="precision=bf16 loss-scale=dynamic" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit" | FileCheck %s
// RUN: lp-opt %lp_src/examples/char_lm.mlir --lp-build-train-step="precision=bf16 loss-scale=dynamic" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: lp-opt %lp_src/examples/digits_mlp.mlir --lp-build-train-step="precision=f16 loss-scale=dynamic" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit" | FileCheck %s
// RUN: lp-opt %lp_src/examples/digits_mlp.mlir --lp-build-train-step="precision=f16 loss-scale=dynamic" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: lp-opt %lp_src/examples/digits_mlp.mlir --lp-fake-quant="weights=int8 activations=int8" --lp-build-train-step --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit" | FileCheck %s
// RUN: lp-opt %lp_src/examples/digits_mlp.mlir --lp-fake-quant="weights=int4 activations=int8" --lp-build-train-step --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: lp-opt %lp_src/examples/char_lm.mlir --lp-build-train-step="precision=bf16" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit matmul=mma" | FileCheck %s
// RUN: lp-opt %lp_src/examples/digits_mlp.mlir --lp-build-train-step="precision=f16 loss-scale=dynamic" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit chip=sm_80 matmul=mma" | FileCheck %s --check-prefix=SM80
// In the PTX, native casts, fake quantization's round half to even, and no
// kernel allocates (no malloc: every buffer is the host's allocation).
// RUN: lp-opt %lp_src/examples/char_lm.mlir --lp-build-train-step="precision=bf16 loss-scale=dynamic" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit format=isa" | FileCheck %s --check-prefix=BF16 --implicit-check-not=malloc
// RUN: lp-opt %lp_src/examples/digits_mlp.mlir --lp-build-train-step="precision=f16 loss-scale=dynamic" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit format=isa" | FileCheck %s --check-prefix=F16 --implicit-check-not=malloc
// RUN: lp-opt %lp_src/examples/digits_mlp.mlir --lp-fake-quant="weights=int8 activations=int8" --lp-build-train-step --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit format=isa" | FileCheck %s --check-prefix=QAT --implicit-check-not=malloc
// RUN: lp-opt %lp_src/examples/digits_cnn.mlir --lp-build-train-step="optimizer=adam" --lp-lower-to-nvvm="inplace-results toolkit=%cuda_toolkit format=isa" | FileCheck %s --check-prefix=PTX --implicit-check-not=malloc

// CHECK: gpu.launch_func
// CHECK: gpu.binary @{{.*}} [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">, properties = {{.*}}, bin = "
// CHECK-NOT: gpu.binary
// CHECK: llvm.func @lp_entry_{{.*}}_train_step(
// SM80: gpu.binary @{{.*}} [#gpu.object<#nvvm.target<O = 3, chip = "sm_80", features = "+ptx80">, properties = {{.*}}, bin = "
// BF16: cvt.rn.bf16.f32
// F16: cvt.rn.f16.f32
// QAT: cvt.rni.f32.f32
// PTX: .entry
