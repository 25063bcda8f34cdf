//===- JitRunner.h - compile a lowered module and call it -------*- C++ -*-===//

#ifndef LP_RUNNER_JITRUNNER_H
#define LP_RUNNER_JITRUNNER_H

#include "lp/Runner/ModelSignature.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
}

namespace lp {

/// A module compiled once by the MLIR ExecutionEngine. The module must have
/// been lowered by lp-lower-to-llvm (results as out-parameters).
class JitRunner {
public:
  static llvm::Expected<std::unique_ptr<JitRunner>>
  create(mlir::ModuleOp module);
  ~JitRunner();

  /// Calls `signature.function` on `args` (validated against the
  /// signature) and writes `results`, allocated here with the result
  /// shapes (reused when they already have them).
  llvm::Error run(const ModelSignature &signature,
                  const std::vector<npy::Array *> &args,
                  std::vector<npy::Array> &results);

  /// As `run`, on the arguments' element bytes, laid out as the signature
  /// says; the caller has validated them (dtype, shape, index bounds).
  /// Binds data in place, without a copy.
  llvm::Error runUnchecked(const ModelSignature &signature,
                           const std::vector<void *> &argData,
                           std::vector<npy::Array> &results);

private:
  explicit JitRunner(std::unique_ptr<mlir::ExecutionEngine> engine);
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

/// Checks that `array` matches `slot` (dtype, shape, index bounds); returns
/// an empty string or a message naming the argument.
std::string checkArgument(const TensorSlot &slot, const npy::Array &array);

} // namespace lp

#endif // LP_RUNNER_JITRUNNER_H
