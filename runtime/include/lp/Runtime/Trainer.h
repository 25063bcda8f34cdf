//===- Trainer.h - the training loop around a compiled train step -*- C++
//-*-===//

#ifndef LP_RUNTIME_TRAINER_H
#define LP_RUNTIME_TRAINER_H

#include "lp/Runtime/Step.h"

#include <map>
#include <ostream>

namespace lp {
namespace rt {

struct TrainOptions {
  int64_t steps = 100;
  int64_t logEvery = 10;
  int64_t batchSize = 0; ///< 0: the model's; otherwise must equal it
  uint64_t seed = 0;
  bool shuffle = true;
  std::string dataFile, evalFile, paramsFile, resumeFile;
  std::string checkpointFile; ///< written at the end (and every K steps)
  std::string outputDir; ///< the trained parameters as <name>.npy, at the end
  int64_t checkpointEvery = 0;
  std::string lossLog;   ///< one line per step: step and every loss
  std::string stepTimes; ///< one line per step: its call's wall time, ms
  /// Magnitude pruning of a step compiled with masks (lp-prune): before
  /// the steps begin, begin + every, ..., end the masks are set to the
  /// cubic schedule's sparsity, reaching pruneSparsity at pruneEnd
  /// (one-shot when begin == end). 0: off.
  double pruneSparsity = 0;
  int64_t pruneBegin = 0, pruneEnd = 0, pruneEvery = 1;
};

/// Trains with `step` (an lp-build-train-step function) on batches drawn
/// from `opts.dataFile`, then evaluates `eval` on `opts.evalFile` (loss and,
/// when the eval function returns logits, accuracy). Batches depend only on
/// the seed and the step number, so a run resumed from a checkpoint sees
/// the same batches as an uninterrupted one. Parameters and state live in
/// buffers allocated once; results that are not updated in place are
/// copied into them. Progress lines report the first step on its own
/// (warm-up) and rates over the steps' own time; the run ends with its
/// total time and mean ms/step. Without a checkpoint file or an output
/// directory it says that the trained parameters are discarded. Returns an
/// empty string or a message.
std::string train(const Step &step, const Step &eval, const TrainOptions &opts,
                  std::ostream &os);

/// The functions lp-quant-convert makes from a fake-quantized model's
/// eval function (`model`, whose observers update their state).
struct QuantizeFunctions {
  const Step &model, &frozen, &floatModel, &quantize, &quantized;
};

/// Post-training quantization and export (lp-run --quantize): reads the
/// parameters and state of `opts.paramsFile`; with `calibrateSteps` > 0
/// runs `model` on that many batches of `opts.dataFile` (seeded order, as
/// training draws them) to observe the ranges, otherwise requires every
/// range (`*.fq.*`) from the file; evaluates the float and the
/// fake-quantized model on `opts.evalFile` (if any); writes what
/// `quantize` returns, with every other array `quantized` reads, to
/// `outFile`, with their sizes against the f32 parameters; then reads that
/// file back and evaluates `quantized` on it. Returns an empty string or a
/// message.
std::string quantize(const QuantizeFunctions &fns, const TrainOptions &opts,
                     int64_t calibrateSteps, const std::string &outFile,
                     std::ostream &os);

/// Checks the pruning options of `opts` (sparsity in (0, 1), 0 <= begin
/// <= end, every >= 1) when pruning is on; empty or a message.
std::string checkPruneOptions(const TrainOptions &opts);

/// Checks the training data of `opts` (and its held-out set) against the
/// batch arguments of `model` (the model function, or its train step: they
/// have the same batch arguments) before anything is compiled: names,
/// dtypes, shapes, batch size, enough examples. Returns an empty string or
/// a message, the one `train` would give.
std::string checkTrainingData(const Signature &model, const TrainOptions &opts);

/// The batch arguments of `model` that `dataFile` gives whole (an array of
/// the argument's own shape, bound unchanged every step, like a mask): what
/// gradient accumulation passes whole instead of slicing. Returns an empty
/// string or a message.
std::string fixedInputs(const Signature &model, const std::string &dataFile,
                        std::vector<std::string> &names);

/// Options of one call of a function on data bound by name.
struct RunOptions {
  std::string dataFile; ///< .npz whose arrays bind arguments by name
  std::map<std::string, std::string> inputFiles; ///< name -> .npy
  std::string paramsFile; ///< .npz of parameters (else their initialisers)
  bool randomInputs = false;
  uint64_t seed = 0;
  std::string outputDir; ///< each result as <name>.npy
};

/// Reads and checks every argument of `sig` before anything is compiled:
/// batch data from the files, parameters and state from `paramsFile` or
/// their initialisers. Returns an empty string or a message.
std::string bindArguments(const Signature &sig, const RunOptions &opts,
                          std::vector<npy::Array> &args);

/// Calls `fn` once on `args` (from bindArguments), prints a summary line
/// per result and writes them to `opts.outputDir`.
std::string runOnce(const Step &fn, std::vector<npy::Array> &args,
                    const RunOptions &opts, std::ostream &os);

/// mkdir -p `dir`; an empty string or a message.
std::string createDirectories(const std::string &dir);

/// Whether every array name of `names` (read from `source`, e.g. a file)
/// names an argument of `sig` of the kind it is given as: an input or a
/// label (`state` false: --data, --input) or a parameter or state (`state`
/// true), or of either kind with `eitherKind` (one file given as both). An
/// empty string or a message naming the first one that does not, and what
/// it is instead.
std::string checkArrayNames(const Signature &sig,
                            const std::vector<std::string> &names,
                            const std::string &source, bool state,
                            bool eitherKind = false);

/// Whether each of `slots` (results, or parameters) can be written as
/// `<dir>/<name>.npy` inside `dir`: a name with '/' or '\\' or NUL, or an
/// empty name, would escape or break the directory. An empty string
/// or a message naming the first bad name; checked before anything runs.
std::string checkOutputNames(const std::vector<const TensorSlot *> &slots,
                             const std::string &dir);

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_TRAINER_H
