//===- Outlining.h - cloning ops into a private function --------*- C++ -*-===//
//
// lp-outline-blocks (runs of a repeated block) and lp-outline-kernels (one
// linalg op each) both move ops into a function called in their place;
// this is the part they share: what the ops capture, the function built
// from clones of them, and the text that identifies equal code.
//
//===----------------------------------------------------------------------===//

#ifndef LP_UTILS_OUTLINING_H
#define LP_UTILS_OUTLINING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/SetVector.h"

namespace lp {

/// Values `op` uses that are defined outside it (its operands, then the
/// values its regions use from above), in first-use order.
llvm::SetVector<mlir::Value> capturedValues(mlir::Operation *op);

/// Whether `v` is the result of a constant-like op (cloned into an outlined
/// function rather than passed to it).
bool isConstant(mlir::Value v);

/// Creates, at `b`'s insertion point, a private function `name` whose
/// arguments stand for `args` and whose body is clones of `ops` (in order;
/// constants they capture are cloned in front of their first user), ending
/// in a return of the clones of `results`. Every other value the ops
/// capture must be in `args`.
mlir::func::FuncOp outlineIntoFunction(mlir::OpBuilder &b, mlir::Location loc,
                                       llvm::StringRef name,
                                       llvm::ArrayRef<mlir::Operation *> ops,
                                       mlir::ValueRange args,
                                       mlir::ValueRange results);

/// `op` printed in generic form: equal text, equal code.
std::string genericText(mlir::Operation *op);

} // namespace lp

#endif // LP_UTILS_OUTLINING_H
