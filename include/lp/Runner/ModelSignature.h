//===- ModelSignature.h - what a model function takes and returns -*- C++ -*-===//

#ifndef LP_RUNNER_MODELSIGNATURE_H
#define LP_RUNNER_MODELSIGNATURE_H

#include "lp/Dialect/LP/IR/ModelAttrs.h"
#include "lp/Runtime/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>
#include <vector>

namespace lp {

/// One argument or result of a model function, as the runner sees it.
struct TensorSlot {
  std::string name;
  ArgRole role = ArgRole::Input;
  npy::DType dtype = npy::DType::F32;
  std::vector<int64_t> shape;
  std::optional<InitSpec> init;
  /// For integer arguments used as labels or indices: values must be in
  /// [0, indexBound).
  std::optional<int64_t> indexBound;
  int64_t numElements() const;
};

struct ModelSignature {
  std::string function;
  std::vector<TensorSlot> args;
  std::vector<TensorSlot> results;
};

/// The npy dtype of an MLIR element type, if the runner supports it.
std::optional<npy::DType> dtypeOf(mlir::Type elementType);

/// Reads the signature of `fn`: names (`lp.name`, else `argN` / `resultN`),
/// roles, initialisers, static shapes and index bounds. Emits a located
/// error and fails on unsupported types.
mlir::FailureOr<ModelSignature> readSignature(mlir::func::FuncOp fn);

/// After lowering with `inplace-results`: removes from `signature` the
/// results the lowered function `function` of `module` no longer returns
/// (its `lp.inplace_results`), which it updates in place in the argument
/// of the same name. Fails if such a result does not name its argument.
mlir::LogicalResult dropInplaceResults(mlir::ModuleOp module,
                                       ModelSignature &signature);

} // namespace lp

#endif // LP_RUNNER_MODELSIGNATURE_H
