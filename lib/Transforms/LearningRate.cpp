//===- LearningRate.cpp - learning-rate schedules of a train step ---------===//

#include "lp/Transforms/LearningRate.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

std::string lp::checkSchedule(const LearningRateSchedule &s) {
  if (s.kind == "constant")
    return "";
  if (s.kind == "linear-warmup")
    return s.warmupSteps > 0 && s.warmupStartFactor >= 0 &&
                   s.warmupStartFactor <= 1
               ? ""
               : "the linear-warmup schedule needs warmup-steps > 0 and a "
                 "start factor in [0, 1]";
  if (s.kind == "cosine")
    return s.totalSteps > 0 && s.minLr >= 0
               ? ""
               : "the cosine schedule needs total-steps > 0 and min-lr >= 0";
  if (s.kind == "step")
    return s.stepSize > 0 && s.gamma > 0
               ? ""
               : "the step schedule needs step-size > 0 and gamma > 0";
  return "unknown learning-rate schedule '" + s.kind +
         "' (expected constant, linear-warmup, cosine or step)";
}

FailureOr<Value> lp::buildLearningRate(OpBuilder &b, Location loc,
                                       func::FuncOp step,
                                       const LearningRateSchedule &s,
                                       Type elementType) {
  auto type = RankedTensorType::get({}, elementType);
  if (s.kind == "constant")
    return Value(arith::ConstantOp::create(
        b, loc, type,
        DenseElementsAttr::get(
            type,
            b.getFloatAttr(elementType,
                           elementType.isF64() ? s.lr : double(float(s.lr))))));
  std::optional<unsigned> counter = findStateArg(step, kStepName);
  if (!counter)
    return step.emitError() << "the " << s.kind
                            << " learning-rate schedule needs the step's '"
                            << kStepName << "' argument",
           failure();
  auto f64 = RankedTensorType::get({}, b.getF64Type());
  auto c = [&](double v) -> Value {
    return arith::ConstantOp::create(
        b, loc, f64, DenseElementsAttr::get(f64, b.getF64FloatAttr(v)));
  };
  auto mul = [&](Value x, Value y) -> Value {
    return arith::MulFOp::create(b, loc, x, y);
  };
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddFOp::create(b, loc, x, y);
  };
  auto div = [&](Value x, Value y) -> Value {
    return arith::DivFOp::create(b, loc, x, y);
  };
  Value i = arith::SIToFPOp::create(b, loc, f64, step.getArgument(*counter));
  Value lr;
  if (s.kind == "linear-warmup") {
    double w = double(s.warmupSteps), f = s.warmupStartFactor;
    Value done = div(arith::MinimumFOp::create(b, loc, i, c(w)), c(w));
    lr = mul(c(s.lr), add(c(f), mul(c(1.0 - f), done)));
  } else if (s.kind == "cosine") {
    Value angle = div(mul(c(M_PI), i), c(double(s.totalSteps)));
    Value half = mul(add(c(1.0), math::CosOp::create(b, loc, angle)), c(0.5));
    lr = add(c(s.minLr), mul(c(s.lr - s.minLr), half));
  } else {
    Value k = math::FloorOp::create(b, loc, div(i, c(double(s.stepSize))));
    lr = mul(c(s.lr), math::PowFOp::create(b, loc, c(s.gamma), k));
  }
  if (elementType.isF64())
    return lr;
  return Value(arith::TruncFOp::create(b, loc, type, lr));
}
