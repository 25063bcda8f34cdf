//===- TestUnscaleGradients.cpp - lp-test-unscale-gradients ---------------===//
//
// A test-only gradient transform of phase unscale: every gradient of a
// train step's lp.gradients op is multiplied by 1 / `factor`; when any of
// them is not finite the step skips its update (skip_if), counts the skip
// in a state slot `test.skipped_steps` and returns `test.found_inf`. It
// exercises every hook a loss scaler needs: rewritten gradients, a skip
// predicate, a state slot and a step result.
//
//===----------------------------------------------------------------------===//

#include "TestPasses.h"

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Transforms/TrainStep.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace {
struct TestUnscaleGradients
    : PassWrapper<TestUnscaleGradients, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestUnscaleGradients)

  TestUnscaleGradients() = default;
  TestUnscaleGradients(const TestUnscaleGradients &pass) : PassWrapper(pass) {}

  StringRef getArgument() const final { return "lp-test-unscale-gradients"; }
  StringRef getDescription() const final {
    return "Test only: divide a train step's gradients by `factor` and skip "
           "the update when one is not finite (gradient phase unscale)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, lp::LPDialect>();
  }

  Option<double> factor{*this, "factor",
                        llvm::cl::desc("What the gradients are divided by"),
                        llvm::cl::init(1024.0)};

  LogicalResult rewrite(func::FuncOp step) {
    FailureOr<lp::GradientsOp> found = lp::findGradients(step, getArgument());
    if (failed(found) ||
        failed(
            lp::enterPhase(*found, lp::GradientPhase::Unscale, getArgument())))
      return failure();
    lp::GradientsOp grads = *found;
    Location loc = grads.getLoc();
    OpBuilder b(grads);
    SmallVector<Value> unscaled;
    for (Value g : grads.getGrads()) {
      auto type = cast<RankedTensorType>(g.getType());
      auto scalar = RankedTensorType::get({}, type.getElementType());
      Value inv = arith::ConstantOp::create(
          b, loc, scalar,
          DenseElementsAttr::get(
              scalar, b.getFloatAttr(type.getElementType(), 1.0 / factor)));
      unscaled.push_back(lp::MulOp::create(b, loc, type, g, inv));
    }
    grads.getGradsMutable().assign(unscaled);
    auto i1 = RankedTensorType::get({}, b.getI1Type());
    auto i64 = RankedTensorType::get({}, b.getI64Type());
    Value finite = lp::AllFiniteOp::create(b, loc, i1, unscaled);
    Value yes =
        arith::ConstantOp::create(b, loc, i1, DenseElementsAttr::get(i1, true));
    Value foundInf = arith::XOrIOp::create(b, loc, finite, yes);
    lp::addSkipPredicate(grads, foundInf);

    FailureOr<BlockArgument> count =
        lp::addStateSlot(step, "test.skipped_steps", i64);
    if (failed(count))
      return failure();
    Value next = arith::AddIOp::create(
        b, loc, *count, arith::ExtUIOp::create(b, loc, i64, foundInf));
    if (failed(lp::addStepResult(step, "test.skipped_steps", next)) ||
        failed(lp::addStepResult(step, "test.found_inf", foundInf)))
      return failure();
    return success();
  }

  void runOnOperation() override {
    FailureOr<SmallVector<func::FuncOp>> steps =
        lp::findGradientSteps(getOperation(), getArgument());
    if (failed(steps))
      return signalPassFailure();
    for (func::FuncOp step : *steps)
      if (failed(rewrite(step)))
        return signalPassFailure();
  }
};
} // namespace

void lp::test::registerTestUnscaleGradients() {
  PassRegistration<TestUnscaleGradients>();
}
