//===- TrainSettings.h - lp-run's training settings -------------*- C++ -*-===//
//
// What lp-run says about the train step it builds, and its --prune option.
//
//===----------------------------------------------------------------------===//

#ifndef LP_TOOLS_LPRUN_TRAINSETTINGS_H
#define LP_TOOLS_LPRUN_TRAINSETTINGS_H

#include "lp/Runtime/Trainer.h"
#include "lp/Transforms/Passes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace lp {

/// Prints the optimizer line and the precision line of a train step's
/// settings (defaults included).
void printTrainSettings(const BuildTrainStepOptions &t,
                        llvm::ArrayRef<std::string> paramGroups,
                        llvm::ArrayRef<std::string> overrides,
                        llvm::StringRef prune, llvm::raw_ostream &os);

/// Parses --prune (sparsity=S[,begin=B][,end=E][,every=K][,params=GLOB])
/// into `opts` and lp-prune's `glob`; empty or a message.
std::string parsePruneOption(llvm::StringRef text, rt::TrainOptions &opts,
                             std::string &glob);

} // namespace lp

#endif // LP_TOOLS_LPRUN_TRAINSETTINGS_H
