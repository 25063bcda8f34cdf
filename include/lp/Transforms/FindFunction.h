//===- FindFunction.h - the function a tool or pass works on ----*- C++ -*-===//

#ifndef LP_TRANSFORMS_FINDFUNCTION_H
#define LP_TRANSFORMS_FINDFUNCTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace lp {

/// Which functions are candidates when no name is given.
enum class FunctionKind {
  Model,  ///< functions with `lp.role` arguments (the passes' model)
  Public, ///< public functions (what lp-run runs)
};

/// The defined function named `name`, else the only candidate of `kind`.
/// Emits an error on the module and returns null when there is none or
/// several; `chooseWith` says how the user names one ("the 'function'
/// option", "--function").
mlir::func::FuncOp
findFunction(mlir::ModuleOp module, llvm::StringRef name, FunctionKind kind,
             llvm::StringRef chooseWith = "the 'function' option");

} // namespace lp

#endif // LP_TRANSFORMS_FINDFUNCTION_H
