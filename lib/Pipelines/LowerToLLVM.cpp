//===- LowerToLLVM.cpp - the lp-lower-to-llvm CPU pipeline ----------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Conversion/Passes.h"
#include "lp/Pipelines/Pipelines.h"
#include "lp/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void lp::buildLowerToLLVMPipeline(OpPassManager &pm,
                                  const LowerToLLVMOptions &options) {
  // The calling convention, read while the model is in the lp dialect.
  pm.addPass(lp::createRecordSignature());
  if (options.outlineBlocks)
    pm.addPass(lp::createOutlineBlocks());
  pm.addPass(lp::createConvertLPToLinalg());
  // arith on tensors (the step counter) becomes linalg too.
  pm.addPass(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.fuseElementwise)
    pm.addPass(lp::createFuseElementwise());
  pm.addPass(lp::createFoldTransposeIntoMatmul());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(lp::createSplitSharedInits());

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // An outlined block that updates a buffer in place (the optimizer) no
  // longer returns it: the call's operand is used instead.
  pm.addPass(bufferization::createDropEquivalentBufferResultsPass());
  if (options.inplaceResults)
    pm.addPass(lp::createDropInplaceResults());
  {
    // Private functions (outlined blocks) always return through
    // out-parameters: buffers returned by calls make
    // buffer-deallocation-simplification grow quadratically (2 s for a
    // 2-block model). The option decides for the public ones.
    // Results are copied into the out-parameters; lp-fold-result-copies
    // then computes fresh ones in place (upstream's hoist-static-allocs
    // crashes in MLIR 22 when one buffer is returned twice, e.g. a loss
    // that is also the total).
    bufferization::BufferResultsToOutParamsPassOptions outParams;
    outParams.modifyPublicFunctions = options.resultsToOutParams;
    pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
    pm.addPass(lp::createFoldResultCopies());
  }
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addPass(createCanonicalizerPass());
  if (options.matmul == lp::MatmulLowering::Blas)
    pm.addPass(lp::createLinalgToBlas(
        lp::LinalgToBlasOptions{/*minSize=*/0,
                                /*parallelBatches=*/options.parallel,
                                /*parallelBatchesBelow=*/int64_t(1) << 22,
                                /*splitMin=*/options.parallel
                                    ? int64_t(1) << 20
                                    : 0}));
  pm.addPass(lp::createReassociateReductions());
  pm.addPass(lp::createGuardExpUnderflow());
  // Chunks first, so that each chunk is a call of an ordinary kernel.
  if (options.parallel)
    pm.addPass(lp::createParallelizeKernels());
  if (options.outlineKernels)
    pm.addPass(lp::createOutlineKernels());
  if (options.matmul == lp::MatmulLowering::Vector)
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
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
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

void lp::registerPipelines() {
  PassPipelineRegistration<LowerToLLVMOptions>(
      "lp-lower-to-llvm",
      "Lower lp (or linalg on tensors) to the LLVM dialect for the CPU: "
      "convert-lp-to-linalg, elementwise fusion, one-shot bufferization, "
      "loops, and the LLVM conversions",
      buildLowerToLLVMPipeline);
}
