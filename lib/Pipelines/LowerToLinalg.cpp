//===- LowerToLinalg.cpp - the lp-lower-to-linalg front pipeline ----------===//
//
// lp -> linalg on tensors, fused. Target independent: the CPU pipeline and a
// GPU one start from its output.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Conversion/Passes.h"
#include "lp/Pipelines/Pipelines.h"
#include "lp/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void lp::buildLowerToLinalgPipeline(OpPassManager &pm,
                                    const LowerToLinalgOptions &options) {
  // The calling convention, read while the model is in the lp dialect
  // (lp-emit-entry-points emits it at the end of a back end).
  pm.addPass(lp::createRecordSignature());
  // Before CSE and outlining: products of 16-bit types the target has no
  // native products for read their operands widened once.
  if (!options.widenLowp.empty()) {
    WidenLowpProductsOptions widen;
    widen.types.assign(options.widenLowp.begin(), options.widenLowp.end());
    pm.addPass(lp::createWidenLowpProducts(widen));
  }
  // lp's own folds (the bit-preserving cast cleanup) and CSE of identical
  // casts, while the step is still in the lp dialect.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.outlineBlocks)
    pm.addPass(lp::createOutlineBlocks());
  ConvertLPToLinalgOptions convert;
  convert.convLibrary = options.conv == ConvLowering::Library;
  pm.addPass(lp::createConvertLPToLinalg(convert));
  // arith on tensors (the step counter) becomes linalg too.
  pm.addPass(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.fuseElementwise)
    pm.addPass(lp::createFuseElementwise());
  pm.addPass(lp::createFoldTransposeIntoMatmul());
  pm.addPass(createCanonicalizerPass());
  // Last: CSE had merged the zero fills of the products.
  pm.addPass(lp::createSplitSharedInits());
}
