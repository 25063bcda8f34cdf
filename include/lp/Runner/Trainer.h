//===- Trainer.h - the training loop around a compiled train step -*- C++ -*-===//

#ifndef LP_RUNNER_TRAINER_H
#define LP_RUNNER_TRAINER_H

#include "lp/Runner/JitRunner.h"

#include "llvm/Support/raw_ostream.h"

namespace lp {

struct TrainOptions {
  int64_t steps = 100;
  int64_t logEvery = 10;
  int64_t batchSize = 0; ///< 0: the model's; otherwise must equal it
  uint64_t seed = 0;
  bool shuffle = true;
  std::string dataFile, evalFile, paramsFile, resumeFile;
  std::string checkpointFile; ///< written at the end (and every K steps)
  int64_t checkpointEvery = 0;
  std::string lossLog; ///< one line per step: step and every loss
  std::string stepTimes; ///< one line per step: its call's wall time, ms
};

/// Trains with `step` (an lp-build-train-step function) on batches drawn
/// from `opts.dataFile`, then evaluates `eval` on `opts.evalFile` (loss and,
/// when the eval function returns logits, accuracy). Batches depend only on
/// the seed and the step number, so a run resumed from a checkpoint sees
/// the same batches as an uninterrupted one.
llvm::Error train(JitRunner &jit, const ModelSignature &step,
                  const ModelSignature &eval, const TrainOptions &opts,
                  llvm::raw_ostream &os);

} // namespace lp

#endif // LP_RUNNER_TRAINER_H
