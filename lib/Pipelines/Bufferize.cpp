//===- Bufferize.cpp - the lp-bufferize pipeline --------------------------===//
//
// linalg on tensors -> linalg on buffers, with the calling convention of the
// compiled functions (results in caller-allocated out-parameters, results
// updated in place dropped). Target independent.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Pipelines/Pipelines.h"

#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void lp::buildBufferizePipeline(OpPassManager &pm,
                                const BufferizeOptions &options) {
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
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addPass(createCanonicalizerPass());
  // The pipeline frees at the end of each block: a step would hold every
  // buffer until it returns.
  pm.addPass(lp::createFreeAfterLastUse());
}
