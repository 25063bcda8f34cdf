//===- LossScaling.cpp - the lp-loss-scaling pass -------------------------===//
//
// A gradient transform of phases scale-seeds and unscale (docs/
// Architecture.md, "The gradient contract") with PyTorch GradScaler's
// semantics (docs/MixedPrecision.md, "Loss scaling"): the seeds times the
// scale, the gradients times its f64 reciprocal rounded to f32, the step
// skipped when a scaled gradient is not finite, and, in dynamic mode, the
// scale and growth tracker updated as state slots.
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/AbiNames.h"
#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Transforms/Passes.h"
#include "lp/Transforms/TrainStep.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>
#include <cstdio>

namespace lp {
#define GEN_PASS_DEF_LOSSSCALING
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

/// `v` (a rank-0 float tensor) as element type `elem`.
Value asType(OpBuilder &b, Location loc, Value v, Type elem) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elem)
    return v;
  return CastOp::create(b, loc, RankedTensorType::get(type.getShape(), elem), v,
                        RoundingMode::nearest_even);
}

struct LossScaling : lp::impl::LossScalingBase<LossScaling> {
  using LossScalingBase::LossScalingBase;

  /// PyTorch GradScaler's constraints on the options; a message or "".
  std::string checkOptions() const {
    if (mode != "static" && mode != "dynamic")
      return "mode must be static or dynamic, got '" + mode + "'";
    if (!(initScale > 0) || !std::isfinite(initScale))
      return "init-scale must be a finite number > 0";
    if (mode == "static")
      return "";
    if (!(growthFactor > 1) || !std::isfinite(growthFactor))
      return "growth-factor must be a finite number > 1";
    if (!(backoffFactor > 0 && backoffFactor < 1))
      return "backoff-factor must lie in (0, 1)";
    if (growthInterval < 1)
      return "growth-interval must be >= 1";
    if (minScale < 0 || maxScale < 0)
      return "min-scale and max-scale must be >= 0 (0: no bound)";
    if (maxScale > 0 && minScale > maxScale)
      return "min-scale must not exceed max-scale";
    return "";
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (std::string error = checkOptions(); !error.empty()) {
      module.emitError() << getArgument() << ": " << error;
      return signalPassFailure();
    }
    FailureOr<SmallVector<func::FuncOp>> steps =
        findGradientSteps(module, getArgument());
    if (failed(steps))
      return signalPassFailure();
    for (func::FuncOp step : *steps)
      if (failed(rewrite(step)))
        return signalPassFailure();
  }

  LogicalResult rewrite(func::FuncOp step) {
    FailureOr<GradientsOp> found = findGradients(step, getArgument());
    if (failed(found) ||
        failed(enterPhase(*found, GradientPhase::ScaleSeeds, getArgument())) ||
        failed(enterPhase(*found, GradientPhase::Unscale, getArgument())))
      return failure();
    GradientsOp grads = *found;
    Location loc = grads.getLoc();
    OpBuilder b(step.getContext());
    Type f32 = b.getF32Type(), f64 = b.getF64Type(), i64 = b.getI64Type();
    auto f32Scalar = RankedTensorType::get({}, f32);
    auto f64Scalar = RankedTensorType::get({}, f64);
    auto i64Scalar = RankedTensorType::get({}, i64);
    auto i1Scalar = RankedTensorType::get({}, b.getI1Type());

    // The scale: a constant, or the state slot `loss_scale`.
    Value scale, tracker;
    b.setInsertionPointToStart(&step.getBody().front());
    if (mode == "static") {
      scale = splatConstant(b, loc, f32Scalar, initScale);
    } else {
      char init[64];
      std::snprintf(init, sizeof init, "constant(%.17g)", double(initScale));
      FailureOr<BlockArgument> s =
          addStateSlot(step, kLossScale, f32Scalar, init);
      FailureOr<BlockArgument> t =
          addStateSlot(step, kLossScaleGrowth, i64Scalar);
      if (failed(s) || failed(t))
        return failure();
      scale = *s;
      tracker = *t;
    }

    // Scale the seeds: the backward pass runs on the scaled loss.
    step.walk([&](LossSeedOp seed) {
      b.setInsertionPointAfter(seed);
      auto type = cast<RankedTensorType>(seed.getType());
      Value scaled =
          MulOp::create(b, seed.getLoc(), type, seed.getResult(),
                        asType(b, seed.getLoc(), scale, type.getElementType()));
      seed.getResult().replaceAllUsesExcept(scaled, scaled.getDefiningOp());
    });

    // Unscale: 1 / S in f64, rounded to f32; found_inf from the scaled
    // gradients (as PyTorch's check).
    b.setInsertionPoint(grads);
    Value one = splatConstant(b, loc, f64Scalar, 1.0);
    Value inv64 = DivOp::create(b, loc, RankedTensorType::get({}, f64), one,
                                asType(b, loc, scale, f64));
    Value inv = asType(b, loc, inv64, f32);
    Value finite = AllFiniteOp::create(b, loc, i1Scalar, grads.getGrads());
    SmallVector<Value> unscaled;
    for (Value g : grads.getGrads()) {
      auto type = cast<RankedTensorType>(g.getType());
      unscaled.push_back(MulOp::create(
          b, loc, type, g, asType(b, loc, inv, type.getElementType())));
    }
    grads.getGradsMutable().assign(unscaled);
    Value yes = splatConstant(b, loc, i1Scalar, b.getBoolAttr(true));
    Value foundInf = arith::XOrIOp::create(b, loc, finite, yes);
    addSkipPredicate(grads, foundInf);
    // The pre-clip norm of the unscaled gradients (what clip_grad_norm_
    // after unscale_ returns); lp-clip-gradients reuses it.
    if (failed(addStepResult(step, kFoundInf, foundInf)) ||
        failed(
            addStepResult(step, kGradNorm, buildGlobalNorm(b, loc, unscaled))))
      return failure();
    if (mode == "static")
      return success();

    // GradScaler's update: on overflow back off and reset the tracker;
    // else count, and grow at tracker + 1 == interval (not to inf).
    b.setInsertionPoint(step.getBody().front().getTerminator());
    Value oneI = splatConstant(b, loc, i64Scalar, b.getI64IntegerAttr(1));
    Value zeroI = splatConstant(b, loc, i64Scalar, b.getI64IntegerAttr(0));
    Value counted = arith::AddIOp::create(b, loc, tracker, oneI);
    Value interval =
        splatConstant(b, loc, i64Scalar, b.getI64IntegerAttr(growthInterval));
    Value grow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                       counted, interval);
    Value grown = arith::MulFOp::create(
        b, loc, scale, splatConstant(b, loc, f32Scalar, growthFactor));
    if (maxScale > 0)
      grown = arith::MinimumFOp::create(
          b, loc, grown, splatConstant(b, loc, f32Scalar, maxScale));
    Value grownFinite = AllFiniteOp::create(b, loc, i1Scalar, grown);
    Value applyGrowth = arith::AndIOp::create(b, loc, grow, grownFinite);
    Value finiteScale =
        arith::SelectOp::create(b, loc, applyGrowth, grown, scale);
    Value finiteTracker = arith::SelectOp::create(b, loc, grow, zeroI, counted);
    Value backedOff = arith::MulFOp::create(
        b, loc, scale, splatConstant(b, loc, f32Scalar, backoffFactor));
    if (minScale > 0)
      backedOff = arith::MaximumFOp::create(
          b, loc, backedOff, splatConstant(b, loc, f32Scalar, minScale));
    Value nextScale =
        arith::SelectOp::create(b, loc, foundInf, backedOff, finiteScale);
    Value nextTracker =
        arith::SelectOp::create(b, loc, foundInf, zeroI, finiteTracker);
    if (failed(addStepResult(step, kLossScale, nextScale)) ||
        failed(addStepResult(step, kLossScaleGrowth, nextTracker)))
      return failure();
    return success();
  }
};

} // namespace
