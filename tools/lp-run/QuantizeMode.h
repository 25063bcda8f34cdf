//===- QuantizeMode.h - lp-run --quantize ----------------------*- C++ -*-===//
//
// Post-training quantization and the export of a QAT model: lp-run's
// --quantize, --f16-weights and --calibrate-steps (docs/Quantization.md).
//
//===----------------------------------------------------------------------===//

#ifndef LP_TOOLS_LPRUN_QUANTIZEMODE_H
#define LP_TOOLS_LPRUN_QUANTIZEMODE_H

#include "lp/Runner/Compile.h"
#include "lp/Runtime/Trainer.h"

#include "llvm/Support/CommandLine.h"

namespace lp {

/// The category of the options below, for --help.
llvm::cl::OptionCategory &quantizeCategory();

/// Whether --quantize was given.
bool quantizeRequested();

/// Compiles `module` as `options` say (the train step's settings: its
/// `fakeQuant` gives the integer ranges; `prune`, lp-run's --prune, the
/// masks of a pruned checkpoint), with lp-quant-convert, then runs
/// lp::rt::quantize with `opts` (--params, --data, --eval-data, --seed).
/// `train` (--train) is refused. Empty or a message.
std::string runQuantize(mlir::ModuleOp module, CompileOptions &options,
                        rt::TrainOptions opts, llvm::StringRef prune,
                        bool train);

} // namespace lp

#endif // LP_TOOLS_LPRUN_QUANTIZEMODE_H
