//===- ApproximateMath.cpp - the lp-approximate-math pass -----------------===//

#include "lp/Codegen/Passes.h"

#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lp {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {
struct ApproximateMath : lp::impl::ApproximateMathBase<ApproximateMath> {
  void runOnOperation() override {
    // The approximations build scalar/vector arithmetic; on tensors they
    // would produce invalid IR, so tensor math is an error here.
    WalkResult tensors = getOperation()->walk([](Operation *op) {
      if (op->getDialect() &&
          op->getDialect()->getNamespace() ==
              math::MathDialect::getDialectNamespace() &&
          llvm::any_of(op->getResultTypes(), llvm::IsaPred<TensorType>)) {
        op->emitError("lp-approximate-math works on scalars and vectors; "
                      "run it after bufferization");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (tensors.wasInterrupted())
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    // Every function upstream approximates; its patterns only match f32
    // (f16/bf16 already compute in f32 in LP; f64 keeps libm's accuracy).
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) { return true; });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
