//===- TestScaleSeeds.cpp - lp-test-scale-seeds ---------------------------===//
//
// A test-only gradient transform of phase scale-seeds: every lp.loss_seed
// of a train step is multiplied by `factor`, so that the reverse pass
// computes factor x the gradients (what loss scaling does with its scale).
//
//===----------------------------------------------------------------------===//

#include "TestPasses.h"

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Transforms/TrainStep.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace {
struct TestScaleSeeds : PassWrapper<TestScaleSeeds, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestScaleSeeds)

  TestScaleSeeds() = default;
  TestScaleSeeds(const TestScaleSeeds &pass) : PassWrapper(pass) {}

  StringRef getArgument() const final { return "lp-test-scale-seeds"; }
  StringRef getDescription() const final {
    return "Test only: multiply every loss seed of a train step by `factor` "
           "(gradient phase scale-seeds)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, lp::LPDialect>();
  }

  Option<double> factor{*this, "factor",
                        llvm::cl::desc("What every seed is multiplied by"),
                        llvm::cl::init(1024.0)};

  void runOnOperation() override {
    FailureOr<SmallVector<func::FuncOp>> steps =
        lp::findGradientSteps(getOperation(), getArgument());
    if (failed(steps))
      return signalPassFailure();
    for (func::FuncOp step : *steps) {
      FailureOr<lp::GradientsOp> grads = lp::findGradients(step, getArgument());
      if (failed(grads) ||
          failed(lp::enterPhase(*grads, lp::GradientPhase::ScaleSeeds,
                                getArgument())))
        return signalPassFailure();
      step.walk([&](lp::LossSeedOp seed) {
        OpBuilder b(seed->getContext());
        b.setInsertionPointAfter(seed);
        auto type = cast<RankedTensorType>(seed.getType());
        Value f = arith::ConstantOp::create(
            b, seed.getLoc(), type,
            DenseElementsAttr::get(
                type, b.getFloatAttr(type.getElementType(), factor)));
        Value scaled =
            lp::MulOp::create(b, seed.getLoc(), type, seed.getResult(), f);
        seed.getResult().replaceAllUsesExcept(scaled, scaled.getDefiningOp());
      });
    }
  }
};
} // namespace

void lp::test::registerTestScaleSeeds() { PassRegistration<TestScaleSeeds>(); }
