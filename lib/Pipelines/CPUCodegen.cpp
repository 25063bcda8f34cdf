//===- CPUCodegen.cpp - the lp-cpu-codegen back end pipeline --------------===//
//
// linalg on buffers -> LLVM dialect for the CPU. How many blocks a large
// kernel or product is split into is the `threads` option: nothing here
// reads the compiling machine.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/GPUPasses.h"
#include "lp/Codegen/Passes.h"
#include "lp/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Products of at least this many multiply-adds are split over the threads
/// (2^20); smaller products of a batch run side by side below 2^22.
static constexpr int64_t kSplitProductsFrom = int64_t(1) << 20;

void lp::buildCPUCodegenPipeline(OpPassManager &pm,
                                 const CPUCodegenOptions &options) {
  pm.addPass(lp::createStripMarkers());
  if (options.gpuLaunches) {
    pm.addPass(lp::createSplitReductions());
    pm.addPass(lp::createMapToGpu());
    pm.addPass(lp::createEmulateGpuLaunches());
  }
  // Before any splitting or outlining: a marked convolution is one call.
  pm.addPass(lp::createConvsToLibrary());
  if (options.matmul == MatmulLowering::Blas) {
    LinalgToBlasOptions blas;
    if (options.parallel) {
      blas.parallelBatches = true;
      blas.splitMin = kSplitProductsFrom;
      blas.threads = options.threads;
    }
    pm.addPass(lp::createLinalgToBlas(blas));
  }
  pm.addPass(lp::createReassociateReductions());
  pm.addPass(lp::createGuardExpUnderflow());
  // Chunks first, so that each chunk is a call of an ordinary kernel.
  if (options.parallel) {
    ParallelizeKernelsOptions chunks;
    chunks.threads = options.threads;
    pm.addPass(lp::createParallelizeKernels(chunks));
  }
  if (options.outlineKernels)
    pm.addPass(lp::createOutlineKernels());
  if (options.matmul == MatmulLowering::Vector)
    pm.addNestedPass<func::FuncOp>(lp::createVectorizeMatmul());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.parallel) {
    pm.addPass(createConvertSCFToOpenMPPass());
    pm.addPass(lp::createInlineAllocaScopes());
  }
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());

  if (options.approximateMath)
    pm.addPass(lp::createApproximateMath());
  pm.addPass(lp::createExpandArith());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  // Buffers are allocated through the runtime's hooks
  // (_mlir_memref_to_llvm_alloc/_aligned_alloc/_free), not malloc itself.
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  if (options.parallel)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(lp::createEmitEntryPoints());
}
