//===- ClipGradients.cpp - the lp-clip-gradients pass ---------------------===//
//
// A gradient transform of phase `clip` (docs/Architecture.md, "The gradient
// contract"): PyTorch's clip_grad_norm_ (the global 2-norm of all
// parameter gradients; every gradient times min(max_norm / (norm + 1e-6),
// 1); the step returns the norm before clipping as `grad_norm`) or
// clip_grad_value_ (every element clamped to [-v, v]; a NaN stays NaN).
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/AbiNames.h"
#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Transforms/Passes.h"
#include "lp/Transforms/TrainStep.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace lp {
#define GEN_PASS_DEF_CLIPGRADIENTS
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

struct ClipGradients : lp::impl::ClipGradientsBase<ClipGradients> {
  using ClipGradientsBase::ClipGradientsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if ((maxNorm > 0) == (maxValue > 0) || maxNorm < 0 || maxValue < 0) {
      module.emitError("lp-clip-gradients needs exactly one of max-norm and "
                       "max-value, positive");
      return signalPassFailure();
    }
    FailureOr<SmallVector<func::FuncOp>> steps =
        findGradientSteps(module, "lp-clip-gradients");
    if (failed(steps))
      return signalPassFailure();
    for (func::FuncOp step : *steps) {
      FailureOr<GradientsOp> grads = findGradients(step, "lp-clip-gradients");
      if (failed(grads) ||
          failed(enterPhase(*grads, GradientPhase::Clip, "lp-clip-gradients")))
        return signalPassFailure();
      if (failed(maxNorm > 0 ? clipNorm(step, *grads) : clipValue(*grads)))
        return signalPassFailure();
    }
  }

  /// g' = clamp(g, -v, v) elementwise (arith.maximumf/minimumf propagate
  /// NaN, as torch.clamp).
  LogicalResult clipValue(GradientsOp grads) {
    OpBuilder b(grads);
    Location loc = grads.getLoc();
    SmallVector<Value> clipped;
    for (Value g : grads.getGrads()) {
      auto type = cast<RankedTensorType>(g.getType());
      Value low = arith::MaximumFOp::create(
          b, loc, g, splatConstant(b, loc, type, -maxValue));
      clipped.push_back(arith::MinimumFOp::create(
          b, loc, low, splatConstant(b, loc, type, maxValue)));
    }
    grads.getGradsMutable().assign(clipped);
    return success();
  }

  /// The global 2-norm in f32 (f64 when a gradient is f64), the clip
  /// coefficient, every gradient times it; `grad_norm` is returned.
  LogicalResult clipNorm(func::FuncOp step, GradientsOp grads) {
    if (grads.getGrads().empty())
      return success(); // no parameter: nothing to clip
    OpBuilder b(grads);
    Location loc = grads.getLoc();
    // Loss scaling returns the norm of the unscaled gradients already:
    // clipping reads the same values.
    Value norm = findStepResult(step, kGradNorm);
    bool returned = norm != nullptr;
    if (!returned)
      norm = buildGlobalNorm(b, loc, grads.getGrads());
    auto scalar = cast<RankedTensorType>(norm.getType());
    Value coef =
        DivOp::create(b, loc, scalar, splatConstant(b, loc, scalar, maxNorm),
                      AddOp::create(b, loc, scalar, norm,
                                    splatConstant(b, loc, scalar, 1e-6)));
    coef = arith::MinimumFOp::create(b, loc, coef,
                                     splatConstant(b, loc, scalar, 1.0));
    SmallVector<Value> clipped;
    for (Value g : grads.getGrads()) {
      auto type = cast<RankedTensorType>(g.getType());
      Value c = coef;
      if (type.getElementType() != scalar.getElementType())
        c = CastOp::create(
            b, loc, RankedTensorType::get({}, type.getElementType()), coef);
      clipped.push_back(MulOp::create(b, loc, type, g, c));
    }
    grads.getGradsMutable().assign(clipped);
    return returned ? success() : addStepResult(step, kGradNorm, norm);
  }
};

} // namespace
