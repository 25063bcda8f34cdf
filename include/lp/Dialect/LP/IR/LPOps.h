//===- LPOps.h - lp dialect operations ---------------------------*- C++ -*-===//

#ifndef LP_DIALECT_LP_IR_LPOPS_H
#define LP_DIALECT_LP_IR_LPOPS_H

#include "lp/Dialect/LP/IR/LPDialect.h"
#include "lp/Dialect/LP/IR/PrecisionClass.h"
#include "lp/Dialect/LP/IR/TensorLimits.h"

#include "lp/Dialect/LP/IR/LPInterfaces.h.inc"

#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace lp {
/// The resource lp.backward_begin writes (LPStepOps.td): a place in a
/// train step, not memory.
struct TrainStepPhase : mlir::SideEffects::Resource::Base<TrainStepPhase> {
  llvm::StringRef getName() override { return "lp.train_step_phase"; }
};
} // namespace lp

#define GET_OP_CLASSES
#include "lp/Dialect/LP/IR/LPOps.h.inc"

#endif // LP_DIALECT_LP_IR_LPOPS_H
