//===- Autodiff.h - reverse-mode differentiation of a model ------*- C++ -*-===//

#ifndef LP_TRANSFORMS_AUTODIFF_H
#define LP_TRANSFORMS_AUTODIFF_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace lp {

/// The forward values and gradients built into a new function body.
struct Gradients {
  /// One per loss (a model result that is not a state update), with its
  /// name.
  llvm::SmallVector<mlir::Value> losses;
  llvm::SmallVector<std::string> lossNames;
  mlir::Value total; ///< sum_i weight_i * loss_i
  /// The model's state updates (results named like a `state` argument):
  /// name and next value. Not differentiated.
  llvm::SmallVector<std::pair<std::string, mlir::Value>> stateUpdates;
  /// The backward seed of each loss (lp.loss_seed: its weight), in the
  /// order of `losses`.
  llvm::SmallVector<mlir::Value> seeds;
  /// One per model argument: the gradient of `total` for `param`
  /// arguments, null for the others.
  llvm::SmallVector<mlir::Value> argGrads;
  /// The logits operand of the first lp.cross_entropy, if any.
  mlir::Value logits;
  /// Every lp.cross_entropy head: its logits and its labels, in order.
  llvm::SmallVector<std::pair<mlir::Value, mlir::Value>> heads;
};

/// Clones the body of `model` at `b`'s insertion point (model arguments are
/// replaced through `mapping`, which must map each of them) and builds the
/// reverse pass, started from one lp.loss_seed per loss. Emits located
/// errors (no loss, op without gradient rule) and warnings (parameter the
/// loss does not depend on).
mlir::FailureOr<Gradients> buildGradients(mlir::func::FuncOp model,
                                          mlir::OpBuilder &b,
                                          mlir::IRMapping &mapping);

/// Gives the backward pass (the ops after `lastForward` in its block) its
/// own copy of each cast in `forward` whose input is cheaper to keep from
/// forward to backward than its result (RematerializeCasts.cpp).
void rematerializeCasts(llvm::ArrayRef<mlir::Operation *> forward,
                        mlir::Operation *lastForward);

/// The model function of `module`: the one named `name`, else the only one
/// with `lp.role` arguments. Emits an error and returns null otherwise.
mlir::func::FuncOp findModel(mlir::ModuleOp module, llvm::StringRef name);

} // namespace lp

#endif // LP_TRANSFORMS_AUTODIFF_H
