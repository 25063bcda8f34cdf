//===- LowerToLLVM.cpp - the lp-lower-to-llvm CPU pipeline ----------------===//
//
// The whole CPU lowering: lp-lower-to-linalg, lp-bufferize and
// lp-cpu-codegen, each given its options by field. Also registers the four
// pipelines.
//
//===----------------------------------------------------------------------===//

#include "lp/Pipelines/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

void lp::buildLowerToLLVMStage(OpPassManager &pm,
                               const LowerToLLVMOptions &options,
                               LowerToLLVMStage stage) {
  switch (stage) {
  case LowerToLLVMStage::Linalg: {
    LowerToLinalgOptions front;
    front.outlineBlocks = options.outlineBlocks;
    front.fuseElementwise = options.fuseElementwise;
    front.conv = options.conv;
    front.widenLowp = ArrayRef<std::string>(options.widenLowp);
    buildLowerToLinalgPipeline(pm, front);
    return;
  }
  case LowerToLLVMStage::Bufferize: {
    BufferizeOptions bufferize;
    bufferize.inplaceResults = options.inplaceResults;
    bufferize.resultsToOutParams = options.resultsToOutParams;
    buildBufferizePipeline(pm, bufferize);
    return;
  }
  case LowerToLLVMStage::Codegen: {
    CPUCodegenOptions codegen;
    codegen.matmul = options.matmul;
    codegen.outlineKernels = options.outlineKernels;
    codegen.parallel = options.parallel;
    codegen.threads = options.threads;
    codegen.approximateMath = options.approximateMath;
    codegen.gpuLaunches = options.gpuLaunches;
    buildCPUCodegenPipeline(pm, codegen);
    return;
  }
  }
}

void lp::buildLowerToLLVMPipeline(OpPassManager &pm,
                                  const LowerToLLVMOptions &options) {
  for (LowerToLLVMStage stage :
       {LowerToLLVMStage::Linalg, LowerToLLVMStage::Bufferize,
        LowerToLLVMStage::Codegen})
    buildLowerToLLVMStage(pm, options, stage);
}

void lp::registerPipelines() {
  PassPipelineRegistration<LowerToLinalgOptions>(
      "lp-lower-to-linalg",
      "Lower lp to linalg on tensors, fused (the target-independent front): "
      "lp-outline-blocks, convert-lp-to-linalg, elementwise fusion, "
      "transposes folded into matmuls",
      buildLowerToLinalgPipeline);
  PassPipelineRegistration<BufferizeOptions>(
      "lp-bufferize",
      "Bufferize linalg on tensors across functions: one-shot "
      "bufferization, results through out-parameters, buffer deallocation",
      buildBufferizePipeline);
  PassPipelineRegistration<CPUCodegenOptions>(
      "lp-cpu-codegen",
      "Lower linalg on buffers to the LLVM dialect for the CPU: BLAS calls, "
      "kernels split over `threads` with OpenMP, outlined kernels, loops, "
      "and the LLVM conversions",
      buildCPUCodegenPipeline);
  PassPipelineRegistration<LowerToLLVMOptions>(
      "lp-lower-to-llvm",
      "Lower lp (or linalg on tensors) to the LLVM dialect for the CPU: "
      "lp-lower-to-linalg, lp-bufferize and lp-cpu-codegen",
      buildLowerToLLVMPipeline);
  PassPipelineRegistration<GPUCodegenOptions>(
      "lp-gpu-codegen",
      "Lower linalg on buffers to NVIDIA GPUs: every loop nest in a "
      "gpu.launch (lp-map-to-gpu), kernels outlined and compiled to a cubin "
      "for `chip` by the toolkit's ptxas, host code to the LLVM dialect "
      "calling LP's runtime",
      buildGPUCodegenPipeline);
  PassPipelineRegistration<LowerToNVVMOptions>(
      "lp-lower-to-nvvm",
      "Lower lp (or linalg on tensors) to NVIDIA GPUs: lp-lower-to-linalg "
      "(conv=im2col), lp-bufferize and lp-gpu-codegen",
      buildLowerToNVVMPipeline);
}
