//===- TrainStep.h - the places of a train step and its state ---*- C++ -*-===//
//
// lp-build-train-step runs in stages (docs/Architecture.md, "The train
// step"): lp-build-gradients, then gradient transforms in a fixed order,
// then lp-apply-optimizer. This is what the stages share: the phases of
// the gradient contract, finding the step's lp.gradients op, and adding
// state slots and results to the step function by name (the runtime binds
// them by name, so a slot needs no code anywhere else: it is initialised,
// threaded and checkpointed like every other).
//
//===----------------------------------------------------------------------===//

#ifndef LP_TRANSFORMS_TRAINSTEP_H
#define LP_TRANSFORMS_TRAINSTEP_H

#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace lp {

/// The phases of the gradient contract, in the order they must run: a
/// transform of a phase runs after every transform of an earlier one.
enum class GradientPhase : int64_t {
  None = 0,
  ScaleSeeds = 1, ///< rewrite the lp.loss_seed values (loss scaling)
  Unscale = 2,    ///< unscale the gradients, check them, set skip_if
  Clip = 3,       ///< clip the gradients (by norm or value)
  AllReduce = 4,  ///< combine the gradients of several devices
  Apply = 5,      ///< lp-apply-optimizer: the updates read the gradients
};

/// "scale-seeds", "unscale", "clip", "all-reduce", "apply" ("none" for
/// None).
llvm::StringRef stringifyGradientPhase(GradientPhase phase);

/// The functions of `module` that hold an lp.gradients op: train steps
/// between lp-build-gradients and lp-apply-optimizer. Fails with an error
/// naming `pass` when there is none.
mlir::FailureOr<llvm::SmallVector<mlir::func::FuncOp>>
findGradientSteps(mlir::ModuleOp module, llvm::StringRef pass);

/// The one lp.gradients op of `step`; an error naming `pass` otherwise.
mlir::FailureOr<GradientsOp> findGradients(mlir::func::FuncOp step,
                                           llvm::StringRef pass);

/// Checks that a transform of `phase` may run now (the phases applied so
/// far all come before it) and records it on `grads`; otherwise a located
/// error naming `pass` and the phase already applied.
mlir::LogicalResult enterPhase(GradientsOp grads, GradientPhase phase,
                               llvm::StringRef pass);

/// An arith.constant of `type` with every element `element`.
mlir::Value splatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::RankedTensorType type, mlir::Attribute element);
/// An arith.constant of `type` (a float tensor) with every element `v`.
mlir::Value splatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::RankedTensorType type, double v);

/// The global 2-norm of `grads` (clip_grad_norm_'s total norm): a rank-0
/// tensor, f32 (f64 when a gradient is f64), every gradient widened to it
/// before it is squared; inf or NaN when one is.
mlir::Value buildGlobalNorm(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::ValueRange grads);

/// The value `step` returns as result `name`; null when it has none.
mlir::Value findStepResult(mlir::func::FuncOp step, llvm::StringRef name);

/// Ors `skip` (a tensor<i1>, defined before `grads`) into the skip
/// predicate of `grads`.
void addSkipPredicate(GradientsOp grads, mlir::Value skip);

/// Registers a state slot of the step: a new argument `name` (`lp.role =
/// "state"`, initialiser `init`) after the step's parameters and state,
/// returned. Its next value is given by addStepResult with the same name.
/// Fails with an error when an argument of that name exists.
mlir::FailureOr<mlir::BlockArgument>
addStateSlot(mlir::func::FuncOp step, llvm::StringRef name, mlir::Type type,
             llvm::StringRef init = "zeros");

/// Adds result `name` = `value` to the step (after its state results when
/// `name` is a state slot's, else last). Fails with an error when a result
/// of that name exists.
mlir::LogicalResult addStepResult(mlir::func::FuncOp step, llvm::StringRef name,
                                  mlir::Value value);

} // namespace lp

#endif // LP_TRANSFORMS_TRAINSTEP_H
