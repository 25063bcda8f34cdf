//===- LPToLinalg.cpp - the convert-lp-to-linalg pass ---------------------===//
//
// Only wires up the populate functions: the patterns live in
// ElementwisePatterns.cpp, ContractionPatterns.cpp, ReductionPatterns.cpp,
// GradientPatterns.cpp, OptimizerPatterns.cpp, StepPatterns.cpp and
// QuantPatterns.cpp.
//
//===----------------------------------------------------------------------===//

#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Conversion/Passes.h"
#include "lp/Dialect/LP/IR/LPDialect.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Transforms/DialectConversion.h"

namespace lp {
#define GEN_PASS_DEF_CONVERTLPTOLINALG
#include "lp/Conversion/Passes.h.inc"
} // namespace lp

using namespace mlir;

void lp::populateLPToLinalgConversionPatterns(RewritePatternSet &patterns) {
  populateLPElementwiseToLinalgPatterns(patterns);
  populateLPContractionToLinalgPatterns(patterns);
  populateLPReductionToLinalgPatterns(patterns);
  populateLPGradientToLinalgPatterns(patterns);
  populateLPOptimizerToLinalgPatterns(patterns);
  populateLPStepToLinalgPatterns(patterns);
  populateLPQuantToLinalgPatterns(patterns);
  populateLPObserverToLinalgPatterns(patterns);
}

namespace {
struct ConvertLPToLinalg
    : lp::impl::ConvertLPToLinalgBase<ConvertLPToLinalg> {
  using ConvertLPToLinalgBase::ConvertLPToLinalgBase;
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalDialect<lp::LPDialect>();
    // A place, not a computation: kept for analyses of the lowered IR.
    target.addLegalOp<lp::BackwardBeginOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    lp::populateLPToLinalgConversionPatterns(patterns);
    if (convLibrary)
      lp::populateLPConvToLibraryPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
