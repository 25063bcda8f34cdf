//===- Datasets.h - batches of a training set and held-out evaluation -*- C++
//-*-===//
//
// What the training loop (Trainer.cpp) and post-training quantization
// (Quantize.cpp) share: datasets bound to a function's batch arguments,
// batches drawn in a seeded order, and the held-out evaluation.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_LIB_DATASETS_H
#define LP_RUNTIME_LIB_DATASETS_H

#include "TrainState.h"

#include <optional>
#include <ostream>

namespace lp::rt::detail {

/// printf into a std::string.
std::string format(const char *fmt, ...);

/// How one batch argument is drawn from a dataset array: either the array
/// is the argument itself (a fixed input such as an attention mask), or its
/// leading dimension counts examples and a batch takes `batch` of them.
struct BatchSource {
  const TensorSlot *slot;
  const npy::Array *data;
  bool fixed = false;
  int64_t exampleBytes = 0;
};

/// A dataset: its sources, the number of examples and the batch size.
struct Dataset {
  std::vector<BatchSource> sources;
  int64_t examples = 0;
  int64_t batch = 0;
};

/// The training set and the held-out set, read and bound (the datasets
/// point into the arrays: a TrainingData does not move once loaded).
struct TrainingData {
  ArrayMap arrays, evalArrays;
  Dataset train;
  std::optional<Dataset> eval;
};

/// Binds the batch arguments of `sig` to `arrays`. Training needs at least
/// one full batch; evaluation (`partialOk`) pads a partial one.
std::string bindDataset(const Signature &sig, const ArrayMap &arrays,
                        const std::string &file, Dataset &ds,
                        bool partialOk = false);

/// Example order for an epoch: a seeded permutation, or the identity.
std::vector<int64_t> epochOrder(int64_t n, uint64_t seed, int64_t epoch,
                                bool shuffle);

/// Fills `out` (one array per batch argument, in signature order) with the
/// examples order[first .. first + batch).
void fillBatch(const Dataset &ds, const std::vector<int64_t> &order,
               int64_t first, std::vector<npy::Array> &out);

/// The element bytes of every argument of the step for the batch
/// order[first .. first + batch): state in place, fixed inputs in place,
/// batch arrays in place in the dataset when those examples are
/// consecutive (no shuffling), else gathered into `scratch`.
std::vector<void *> bindStep(const Signature &sig, ArrayMap &state,
                             const Dataset &ds,
                             const std::vector<int64_t> &order, int64_t first,
                             std::vector<npy::Array> &scratch);

/// Arguments of `sig`: state by name from `state`, batch from `batch`.
std::vector<npy::Array *> gatherArgs(const Signature &sig, ArrayMap &state,
                                     std::vector<npy::Array> &batch);

/// Mean loss and the accuracy of each head of `eval` over all full batches
/// of `ds`, printed as one `eval:` line.
std::string evaluate(const Step &evalFn, ArrayMap &state, const Dataset *ds,
                     std::ostream &os);

/// Reads and binds `opts.dataFile` to `step`'s batch arguments and
/// `opts.evalFile` (if any) to `eval`'s: names, dtypes, shapes, the batch
/// size, enough examples. Returns an empty string or a message.
std::string loadTrainingData(const Signature &step, const Signature &eval,
                             const TrainOptions &opts, TrainingData &data);

} // namespace lp::rt::detail

#endif // LP_RUNTIME_LIB_DATASETS_H
