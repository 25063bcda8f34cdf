//===- Compile.h - compile a model into runnable code -----------*- C++ -*-===//
//
// The compile API: what lp-run, and later the Python package and the GPU
// driver, call instead of assembling passes themselves. It optionally
// builds the train step (lp-build-train-step), lowers the module
// (lp-lower-to-llvm) and JIT-compiles it; the result is a runtime code
// source whose functions the runtime loads by their signatures.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNNER_COMPILE_H
#define LP_RUNNER_COMPILE_H

#include "lp/Pipelines/Pipelines.h"
#include "lp/Runner/JitCode.h"
#include "lp/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace lp {

/// A diagnostic reported while compiling, as data.
struct Diagnostic {
  enum class Severity { Error, Warning, Note, Remark };
  Severity severity;
  std::string location; ///< "file:line:col", or empty
  std::string message;
};

/// Collects diagnostics as data and passes each on to the handlers
/// registered before it (a tool's printer), while in scope.
class DiagnosticCollector {
public:
  DiagnosticCollector(mlir::MLIRContext &context,
                      std::vector<Diagnostic> &diagnostics);
  ~DiagnosticCollector();

private:
  mlir::MLIRContext &context;
  mlir::DiagnosticEngine::HandlerID id;
};

struct CompileOptions {
  /// The model function; default: the only model (train) or public (run)
  /// function.
  std::string function;
  /// Build and compile the train step and eval functions of the model
  /// instead of the model function itself.
  bool train = false;
  /// lp-build-train-step's options (its `function` is set here).
  BuildTrainStepOptions trainStep;
  /// Where to print the precision report (PrecisionReport.h) of the
  /// function that runs (the train step when training), before lowering;
  /// null: none.
  llvm::raw_ostream *precisionReport = nullptr;
  /// Post-training quantization (lp-run --quantize; needs `train`):
  /// lp-quant-convert on the eval function once the train step is built,
  /// so that its `_float`, `_frozen`, `_quantize` and `_quantized`
  /// functions are compiled too; `quantF16Weights` stores the weights of
  /// lowp ops that are not fake-quantized as f16.
  bool quantConvert = false, quantF16Weights = false;
  /// lp-lower-to-llvm's options; `inplaceResults` is set for training.
  LowerToLLVMOptions lowering;
  /// Compile for the GPU instead (lp-lower-to-nvvm with these options;
  /// `inplaceResults` is set for training): the functions' signatures say
  /// "device": "cuda" and the runtime calls them on device memory.
  bool cuda = false;
  LowerToNVVMOptions gpuLowering;
  /// When not null, receives the module's text after each stage, by name:
  /// "model" (as given), "train_step" (after lp-build-train-step, when
  /// training), "linalg", "bufferized" and "llvm" (after each stage of
  /// lp-lower-to-llvm; the GPU pipeline records only its end, as "nvvm").
  std::vector<std::pair<std::string, std::string>> *stageIR = nullptr;
};

/// A compiled module and the functions to run from it.
struct CompiledModule {
  std::unique_ptr<JitCode> code;
  /// run: the model function; train: the train step and the eval function.
  std::string function, trainStep, eval;
  double pipelineSeconds = 0, jitSeconds = 0;
};

/// The version-1 signature document of the function `options` selects in
/// `module` (before lowering: no entry point), so that a driver can bind
/// data before compiling. Emits located errors and fails otherwise.
mlir::FailureOr<std::string> describeSelected(mlir::ModuleOp module,
                                              const CompileOptions &options);

/// Compiles `module` (which it rewrites) as `options` say. Errors are
/// reported as diagnostics on the module's context (collect them with a
/// DiagnosticCollector) and returned.
llvm::Expected<CompiledModule> compile(mlir::ModuleOp module,
                                       const CompileOptions &options);

} // namespace lp

#endif // LP_RUNNER_COMPILE_H
