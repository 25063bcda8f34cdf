//===- ModelFunction.h - lp.* attributes of a model -------------*- C++ -*-===//
//
// Typed accessors for the roles and names a model function's arguments and
// results carry (ModelAttrs.h spells the attributes, AbiNames.h the names
// a train step adds), and the check that a model leaves the reserved names
// to the train step.
//
//===----------------------------------------------------------------------===//

#ifndef LP_DIALECT_LP_IR_MODELFUNCTION_H
#define LP_DIALECT_LP_IR_MODELFUNCTION_H

#include "lp/Dialect/LP/IR/AbiNames.h"
#include "lp/Dialect/LP/IR/ModelAttrs.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

namespace lp {

/// The `lp.role` of argument `i`, or std::nullopt without one.
std::optional<ArgRole> getArgRole(mlir::FunctionOpInterface fn, unsigned i);

/// Whether argument `i` has `lp.role = "param"`.
bool isParam(mlir::FunctionOpInterface fn, unsigned i);

/// Whether argument `i` has `lp.role = "state"`: state the function
/// threads through (a model's counters and running statistics, a train
/// step's optimizer state), neither batch data nor differentiated.
bool isState(mlir::FunctionOpInterface fn, unsigned i);

/// The index of the argument with role param or state named `name`, or
/// std::nullopt.
std::optional<unsigned> findStateArg(mlir::FunctionOpInterface fn,
                                     llvm::StringRef name);

/// Whether result `i` is the next value of a state argument: a result named
/// like an argument with role `state` (a model's state update; not a
/// loss).
bool isStateResult(mlir::FunctionOpInterface fn, unsigned i);

/// Appends an argument of `type` with `lp.role = role`, `lp.name = name`
/// and `lp.init = init` to `fn`, and returns it.
mlir::BlockArgument appendModelArgument(mlir::FunctionOpInterface fn,
                                        mlir::Type type, llvm::StringRef role,
                                        llvm::StringRef name,
                                        llvm::StringRef init);

/// Sets `lp.name` on every argument and result of `fn` that has none, to
/// the name it has by position (`arg3`, `result0`), so that the name
/// survives arguments and results that come and go.
void spellDefaultNames(mlir::FunctionOpInterface fn);

/// The `lp.name` of argument `i` (default defaultArgName(i)).
std::string argName(mlir::FunctionOpInterface fn, unsigned i);

/// The `lp.name` of result `i` (default defaultResultName(i)).
std::string resultName(mlir::FunctionOpInterface fn, unsigned i);

/// Emits an error at the first argument or result of `model` whose name
/// `reserver` (the function a pass adds) reserves, naming its number, and
/// fails; succeeds if there is none. Reserved are `names` and `<p>.<kind>`
/// for each parameter `p` of `model` and each of `kinds`; by default those
/// of a train step.
mlir::LogicalResult
checkReservedNames(mlir::FunctionOpInterface model,
                   llvm::StringRef reserver = "the train step",
                   llvm::ArrayRef<std::string_view> names = kReservedNames,
                   llvm::ArrayRef<std::string_view> kinds = kReservedKinds);

} // namespace lp

#endif // LP_DIALECT_LP_IR_MODELFUNCTION_H
