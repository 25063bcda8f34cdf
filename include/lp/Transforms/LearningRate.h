//===- LearningRate.h - learning-rate schedules of a train step -*- C++ -*-===//
//
// The learning rate every update of a train step takes as an operand: a
// constant, or a schedule computed in the step from `step` (the number of
// iterations before this one, skipped ones included, as PyTorch's
// schedulers count scheduler.step() calls), in f64 and rounded once.
//
//===----------------------------------------------------------------------===//

#ifndef LP_TRANSFORMS_LEARNINGRATE_H
#define LP_TRANSFORMS_LEARNINGRATE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace lp {

/// A schedule and its parameters (PyTorch's classes in brackets):
/// `constant`; `linear-warmup` (LinearLR(start_factor, 1.0, total_iters =
/// warmupSteps)): lr * (f + (1 - f) * min(i, W) / W); `cosine`
/// (CosineAnnealingLR(T_max = totalSteps, eta_min = minLr)): minLr + (lr -
/// minLr) * (1 + cos(pi * i / T)) / 2; `step` (StepLR(stepSize, gamma)): lr
/// * gamma^floor(i / S).
struct LearningRateSchedule {
  std::string kind = "constant";
  double lr = 0.01;
  int64_t warmupSteps = 0;
  double warmupStartFactor = 1.0 / 3.0;
  int64_t totalSteps = 0;
  double minLr = 0.0;
  int64_t stepSize = 0;
  double gamma = 0.1;
};

/// Checks the schedule's parameters; an empty string or a message.
std::string checkSchedule(const LearningRateSchedule &schedule);

/// Builds the learning rate of `step` at `b`'s insertion point as a 0-d
/// tensor of `elementType` (f32 or f64): a constant, or the schedule
/// computed in f64 from `step`'s `step` argument and rounded once. Fails
/// with an error when the function has no `step` argument.
mlir::FailureOr<mlir::Value> buildLearningRate(mlir::OpBuilder &b,
                                               mlir::Location loc,
                                               mlir::func::FuncOp step,
                                               const LearningRateSchedule &s,
                                               mlir::Type elementType);

} // namespace lp

#endif // LP_TRANSFORMS_LEARNINGRATE_H
