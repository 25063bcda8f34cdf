//===- JitCode.h - a lowered module compiled by the JIT ---------*- C++ -*-===//

#ifndef LP_RUNNER_JITCODE_H
#define LP_RUNNER_JITCODE_H

#include "lp/Runtime/Step.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
}

namespace lp {

/// A module lowered by lp-lower-to-llvm, compiled once by the MLIR
/// ExecutionEngine for the host CPU: the runtime's code source for the JIT.
/// The functions lowered code calls resolve to the runtime's
/// (rt::hostSymbols), libmvec and the OpenMP runtime.
class JitCode : public rt::CodeSource {
public:
  static llvm::Expected<std::unique_ptr<JitCode>> create(mlir::ModuleOp module);
  ~JitCode() override;
  void *lookup(const std::string &symbol) override;

private:
  explicit JitCode(std::unique_ptr<mlir::ExecutionEngine> engine);
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

} // namespace lp

#endif // LP_RUNNER_JITCODE_H
