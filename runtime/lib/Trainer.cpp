//===- Trainer.cpp - the training loop around a compiled train step -------===//

#include "lp/Runtime/Trainer.h"
#include "Pruning.h"
#include "TrainState.h"
#include "lp/Dialect/LP/IR/AbiNames.h"
#include "lp/Runtime/Initializers.h"
#include "lp/Runtime/Values.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <fstream>
#include <numeric>
#include <optional>
#include <sys/stat.h>

using namespace lp;
using namespace lp::rt;
using namespace lp::rt::detail;

namespace {

/// printf into a std::string.
std::string format(const char *fmt, ...) {
  char buf[256];
  va_list args;
  va_start(args, fmt);
  vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

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

/// Binds the batch arguments of `sig` to `arrays`. Training needs at least
/// one full batch; evaluation (`partialOk`) pads a partial one.
std::string bindDataset(const Signature &sig, const ArrayMap &arrays,
                        const std::string &file, Dataset &ds,
                        bool partialOk = false) {
  // Every array feeds an input or a label: anything else is a mistake
  // (a misspelt name, or parameters given as data) that would be ignored.
  std::vector<std::string> names;
  for (const auto &entry : arrays)
    names.push_back(entry.first);
  if (std::string e = checkArrayNames(sig, names, file, /*state=*/false);
      !e.empty())
    return e;
  for (const TensorSlot &slot : sig.args) {
    if (!slot.isBatch())
      continue;
    auto it = arrays.find(slot.name);
    if (it == arrays.end())
      return file + ": no array named '" + slot.name + "'";
    const npy::Array &a = it->second;
    BatchSource src{&slot, &a};
    if (a.dtype != slot.dtype)
      return file + ": array '" + slot.name + "' is " +
             npy::dtypeName(a.dtype) + ", the model wants " +
             npy::dtypeName(slot.dtype);
    // Labels and indices are range-checked whatever their shape.
    if (std::string e =
            checkIndexBound(slot, a, file + ": array '" + slot.name + "'");
        !e.empty())
      return e;
    if (a.shape == slot.shape) {
      src.fixed = true;
      ds.sources.push_back(src);
      continue;
    }
    if (a.shape.empty() || a.shape[0] == 0)
      return file + ": array '" + slot.name + "' has no examples";
    int64_t perExample = a.numElements() / a.shape[0];
    if (perExample == 0 || slot.numElements() % perExample != 0)
      return file + ": array '" + slot.name +
             "' examples do not tile the model's argument";
    int64_t batch = slot.numElements() / perExample;
    if (ds.batch && batch != ds.batch)
      return file + ": arrays imply different batch sizes (" +
             std::to_string(ds.batch) + " and " + std::to_string(batch) +
             " for '" + slot.name + "')";
    if (ds.examples && a.shape[0] != ds.examples)
      return file + ": arrays have different numbers of examples";
    ds.batch = batch;
    ds.examples = a.shape[0];
    src.exampleBytes = perExample * npy::dtypeSize(a.dtype);
    ds.sources.push_back(src);
  }
  if (ds.batch == 0)
    return file + ": no batched array (leading dimension = examples)";
  if (ds.examples < ds.batch && !partialOk)
    return file + ": " + std::to_string(ds.examples) +
           " examples are fewer than one batch of " + std::to_string(ds.batch);
  return "";
}

/// Example order for an epoch: a seeded permutation, or the identity.
std::vector<int64_t> epochOrder(int64_t n, uint64_t seed, int64_t epoch,
                                bool shuffle) {
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (!shuffle)
    return order;
  Rng rng(seed * 1000003ull + uint64_t(epoch) + 1);
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(order[i], order[rng.next() % uint64_t(i + 1)]);
  return order;
}

/// Copies the examples order[first .. first + batch) of `src` into `out`.
void gatherRows(const BatchSource &src, const std::vector<int64_t> &order,
                int64_t first, int64_t batch, std::vector<uint8_t> &out) {
  out.resize(batch * src.exampleBytes);
  for (int64_t i = 0; i < batch; ++i)
    std::memcpy(out.data() + i * src.exampleBytes,
                src.data->data.data() + order[first + i] * src.exampleBytes,
                src.exampleBytes);
}

/// Fills `out` (one array per batch argument, in signature order) with the
/// examples order[first .. first + batch).
void fillBatch(const Dataset &ds, const std::vector<int64_t> &order,
               int64_t first, std::vector<npy::Array> &out) {
  out.resize(ds.sources.size());
  for (size_t k = 0; k < ds.sources.size(); ++k) {
    const BatchSource &src = ds.sources[k];
    npy::Array &a = out[k];
    a.dtype = src.slot->dtype;
    a.shape = src.slot->shape;
    if (src.fixed) {
      a.data = src.data->data;
      continue;
    }
    gatherRows(src, order, first, ds.batch, a.data);
  }
}

/// The element bytes of every argument of the step for the batch
/// order[first .. first + batch): state in place, fixed inputs in place,
/// batch arrays in place in the dataset when those examples are
/// consecutive (no shuffling), else gathered into `scratch`.
std::vector<void *> bindStep(const Signature &sig, ArrayMap &state,
                             const Dataset &ds,
                             const std::vector<int64_t> &order, int64_t first,
                             std::vector<npy::Array> &scratch) {
  bool consecutive = true;
  for (int64_t i = 1; i < ds.batch && consecutive; ++i)
    consecutive = order[first + i] == order[first] + i;
  std::vector<void *> data;
  size_t b = 0;
  for (const TensorSlot &slot : sig.args) {
    if (!slot.isBatch()) {
      data.push_back(state[slot.name].data.data());
      continue;
    }
    const BatchSource &src = ds.sources[b++];
    uint8_t *base = const_cast<uint8_t *>(src.data->data.data());
    if (src.fixed) {
      data.push_back(base);
    } else if (consecutive) {
      data.push_back(base + order[first] * src.exampleBytes);
    } else {
      if (scratch.size() < b)
        scratch.resize(b);
      std::vector<uint8_t> &rows = scratch[b - 1].data;
      gatherRows(src, order, first, ds.batch, rows);
      data.push_back(rows.data());
    }
  }
  return data;
}

/// Arguments of `sig`: state by name from `state`, batch from `batch`.
std::vector<npy::Array *> gatherArgs(const Signature &sig, ArrayMap &state,
                                     std::vector<npy::Array> &batch) {
  std::vector<npy::Array *> args;
  size_t b = 0;
  for (const TensorSlot &slot : sig.args)
    args.push_back(slot.isBatch() ? &batch[b++] : &state[slot.name]);
  return args;
}

/// One cross-entropy head of the eval function: its logits result, the
/// batch source of its labels, and its count of correct predictions.
struct Head {
  int64_t logits;
  int64_t labels;
  std::string name; // the label argument
  int64_t correct = 0, counted = 0;
};

/// The heads of `eval`: each `logits.<label>` result against argument
/// <label> (a `logits` result names no labels: no accuracy).
std::vector<Head> headsOf(const Signature &eval, const Dataset &ds) {
  std::vector<Head> heads;
  for (size_t i = 0; i < eval.results.size(); ++i) {
    if (eval.results[i].role != Role::Logits)
      continue;
    const std::string &name = eval.results[i].name;
    std::string label = name.size() > kLogitsPrefix.size()
                            ? name.substr(kLogitsPrefix.size())
                            : "";
    int64_t source = -1;
    for (size_t k = 0; k < ds.sources.size(); ++k)
      if (ds.sources[k].slot->role == Role::Label && !label.empty() &&
          ds.sources[k].slot->name == label)
        source = k;
    if (source >= 0)
      heads.push_back({int64_t(i), source, ds.sources[source].slot->name});
  }
  return heads;
}

/// Mean loss and the accuracy of each head of `eval` over all full batches
/// of `file`.
std::string evaluate(const Step &evalFn, ArrayMap &state, const Dataset *ds,
                     std::ostream &os) {
  const Signature &eval = evalFn.signature();
  int64_t totalIdx = eval.resultIndex(Role::LossTotal);
  std::vector<Head> heads = headsOf(eval, *ds);
  // The last, partial batch is filled up by wrapping around; its padding
  // rows count neither for the loss nor for the accuracy.
  int64_t full = ds->examples / ds->batch;
  int64_t batches = (ds->examples + ds->batch - 1) / ds->batch;
  std::vector<int64_t> order(batches * ds->batch);
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = int64_t(i) % ds->examples;
  double lossSum = 0;
  std::vector<npy::Array> batch, results;
  for (int64_t i = 0; i < batches; ++i) {
    fillBatch(*ds, order, i * ds->batch, batch);
    std::string err = evalFn.run(gatherArgs(eval, state, batch), results);
    if (!err.empty())
      return err;
    if (i < full)
      lossSum += elementAsDouble(results[totalIdx], 0);
    for (Head &head : heads) {
      const npy::Array &logits = results[head.logits];
      const npy::Array &labels = batch[head.labels];
      int64_t rows = logits.shape[0], classes = logits.shape[1];
      if (labels.numElements() != rows)
        continue;
      int64_t real = std::min(ds->batch, ds->examples - i * ds->batch);
      int64_t realRows = rows / ds->batch * real;
      for (int64_t r = 0; r < realRows; ++r) {
        int64_t best = 0;
        for (int64_t c = 1; c < classes; ++c)
          if (elementAsDouble(logits, r * classes + c) >
              elementAsDouble(logits, r * classes + best))
            best = c;
        head.correct += best == elementAsInt64(labels, r);
        ++head.counted;
      }
    }
  }
  os << "eval: " << ds->examples << " examples, loss ";
  if (full > 0)
    os << format("%.6f", lossSum / double(full)) << " (mean over " << full
       << " full batches)";
  else
    os << "n/a (no full batch)";
  for (const Head &head : heads)
    if (head.counted)
      os << ", accuracy" << (heads.size() > 1 ? " " + head.name : "") << " "
         << format("%.4f", double(head.correct) / head.counted) << " ("
         << head.correct << "/" << head.counted << ")";
  os << "\n";
  return "";
}

/// The training set and the held-out set, read and bound (the datasets
/// point into the arrays: a TrainingData does not move once loaded).
struct TrainingData {
  ArrayMap arrays, evalArrays;
  Dataset train;
  std::optional<Dataset> eval;
};

/// Reads and binds `opts.dataFile` to `step`'s batch arguments and
/// `opts.evalFile` (if any) to `eval`'s: names, dtypes, shapes, the batch
/// size, enough examples. Returns an empty string or a message.
std::string loadTrainingData(const Signature &step, const Signature &eval,
                             const TrainOptions &opts, TrainingData &data) {
  if (opts.dataFile.empty())
    return "training needs a data file";
  if (opts.steps < 0 || opts.logEvery < 0 || opts.checkpointEvery < 0)
    return "the step count, log and checkpoint intervals must not be "
           "negative";
  std::string e = npy::readNpz(opts.dataFile, data.arrays);
  if (!e.empty())
    return e;
  e = bindDataset(step, data.arrays, opts.dataFile, data.train);
  if (!e.empty())
    return e;
  if (opts.batchSize && opts.batchSize != data.train.batch)
    return "--batch-size " + std::to_string(opts.batchSize) +
           " differs from the model's batch size " +
           std::to_string(data.train.batch) +
           " (the batch size is part of the model's static shapes)";
  if (opts.evalFile.empty())
    return "";
  e = npy::readNpz(opts.evalFile, data.evalArrays);
  if (!e.empty())
    return e;
  data.eval.emplace();
  return bindDataset(eval, data.evalArrays, opts.evalFile, *data.eval,
                     /*partialOk=*/true);
}

} // namespace

std::string lp::rt::checkTrainingData(const Signature &model,
                                      const TrainOptions &opts) {
  TrainingData data;
  return loadTrainingData(model, model, opts, data);
}

std::string lp::rt::fixedInputs(const Signature &model,
                                const std::string &dataFile,
                                std::vector<std::string> &names) {
  ArrayMap arrays;
  if (std::string e = npy::readNpz(dataFile, arrays); !e.empty())
    return e;
  for (const TensorSlot &slot : model.args)
    if (auto it = arrays.find(slot.name);
        slot.isBatch() && it != arrays.end() && it->second.shape == slot.shape)
      names.push_back(slot.name);
  return "";
}

std::string lp::rt::train(const Step &stepFn, const Step &evalFn,
                          const TrainOptions &opts, std::ostream &os) {
  const Signature &step = stepFn.signature();
  const Signature &eval = evalFn.signature();
  // Where results go is checked before the first step, not after the
  // last: the checkpoint file (the last one of a `{step}` pattern) and the
  // output directory.
  if (!opts.checkpointFile.empty())
    if (std::string e =
            npy::checkWritable(checkpointName(opts.checkpointFile, opts.steps));
        !e.empty())
      return "--checkpoint " + e;
  if (!opts.outputDir.empty()) {
    if (std::string e = createDirectories(opts.outputDir); !e.empty())
      return "--output-dir: " + e;
    std::vector<const TensorSlot *> params;
    for (const TensorSlot &slot : step.args)
      if (slot.role == Role::Param)
        params.push_back(&slot);
    if (std::string e = checkOutputNames(params, opts.outputDir); !e.empty())
      return e;
  }
  TrainingData data;
  std::string e = loadTrainingData(step, eval, opts, data);
  if (!e.empty())
    return e;
  Dataset *ds = &data.train;
  ArrayMap state;
  e = loadState(step, opts, state);
  if (!e.empty())
    return e;
  std::optional<Dataset> &evalSet = data.eval;
  if (std::string e = checkPruning(step, opts, state); !e.empty())
    return e;

  int64_t first = 0;
  if (step.stepCounter)
    first =
        int64_t(elementAsDouble(state[step.args[*step.stepCounter].name], 0));
  // The count comes from --resume or --params (a checkpoint given as
  // initial values carries its step too).
  const std::string &stateFile =
      !opts.resumeFile.empty() ? opts.resumeFile : opts.paramsFile;
  if (first < 0)
    return stateFile + ": the step count is " + std::to_string(first) +
           "; a checkpoint's step is 0 or more";
  // --steps 0 evaluates the given parameters (a checkpoint at any step).
  if (first > 0 && first >= opts.steps && opts.steps != 0)
    return stateFile + ": the checkpoint is at step " + std::to_string(first) +
           " and --steps is " + std::to_string(opts.steps) +
           ": nothing to run (--steps counts from the start of training)";
  int64_t perEpoch = ds->examples / ds->batch;
  int64_t totalIdx = step.resultIndex(Role::LossTotal);
  if (totalIdx < 0)
    return "'" + step.function + "' returns no loss_total result to train on";
  // A step that can skip its update (step.skipped) goes on after a
  // non-finite loss: it has not applied that step's gradients.
  int64_t skippedIdx = step.resultIndex(Role::StepSkipped);
  int64_t skippedSteps = 0;
  int64_t gradNormIdx = step.resultIndex(Role::GradNorm);
  std::unique_ptr<std::ofstream> lossLog;
  if (!opts.lossLog.empty()) {
    lossLog = std::make_unique<std::ofstream>(
        opts.lossLog, first > 0 ? std::ios::app : std::ios::trunc);
    if (!*lossLog)
      return "cannot write '" + opts.lossLog + "': " + std::strerror(errno);
  }
  std::unique_ptr<std::ofstream> timeLog;
  if (!opts.stepTimes.empty()) {
    timeLog = std::make_unique<std::ofstream>(opts.stepTimes);
    if (!*timeLog)
      return "cannot write '" + opts.stepTimes + "': " + std::strerror(errno);
  }
  if (opts.steps == 0)
    os << "train: --steps 0: no training, the given parameters as they are\n";
  else
    os << "train: " << ds->examples << " examples, batch " << ds->batch
       << ", steps " << first << ".." << opts.steps << "\n";

  std::vector<npy::Array> batch, results;
  std::vector<int64_t> order;
  int64_t orderEpoch = -1;
  // The rate counts the steps' own time (binding, the call, copying state
  // back), not checkpoint writes or logging; the first step of a run
  // (warm-up: first touches of every buffer, thread start-up) is reported
  // on its own and left out of the rates and the mean.
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  };
  double intervalSeconds = 0, timedSeconds = 0;
  int64_t sinceLog = 0, timedSteps = 0;
  auto runStart = Clock::now();
  for (int64_t s = first; s < opts.steps; ++s) { // none for --steps 0
    int64_t epoch = s / perEpoch;
    if (epoch != orderEpoch) {
      order = epochOrder(ds->examples, opts.seed, epoch, opts.shuffle);
      orderEpoch = epoch;
    }
    if (std::optional<double> sparsity = pruningTarget(opts, s))
      applyPruning(step, state, *sparsity);
    auto stepStart = Clock::now();
    std::vector<void *> args =
        bindStep(step, state, *ds, order, (s % perEpoch) * ds->batch, batch);
    auto callStart = Clock::now();
    stepFn.call(args, results);
    if (timeLog)
      *timeLog << format("%.4f\n", std::chrono::duration<double, std::milli>(
                                       Clock::now() - callStart)
                                       .count());
    // Copy every result named like a state argument back into it (results
    // updated in place are already there): state buffers never move.
    for (size_t i = 0; i < step.results.size(); ++i)
      if (auto it = state.find(step.results[i].name);
          it != state.end() && step.isOutParam(i))
        std::memcpy(it->second.data.data(), results[i].data.data(),
                    results[i].data.size());
    double stepSeconds = seconds(stepStart, Clock::now());
    bool warmUp = s == first;
    if (!warmUp) {
      intervalSeconds += stepSeconds;
      timedSeconds += stepSeconds;
      ++sinceLog;
      ++timedSteps;
    }
    double loss = elementAsDouble(results[totalIdx], 0);
    bool skipped =
        skippedIdx >= 0 && elementAsDouble(results[skippedIdx], 0) != 0;
    if (skipped) {
      ++skippedSteps;
      os << "step " << s + 1 << "  skipped: no update applied (loss "
         << format("%g", loss) << ")\n";
    } else if (!std::isfinite(loss)) {
      return "step " + std::to_string(s + 1) + ": the loss is " +
             std::to_string(loss) + "; stopping";
    }
    if (lossLog) {
      *lossLog << s + 1;
      for (size_t i = 0; i < step.results.size(); ++i)
        if (step.results[i].role == Role::Loss ||
            step.results[i].role == Role::LossTotal)
          *lossLog << " " << format("%.9g", elementAsDouble(results[i], 0));
      *lossLog << "\n";
    }
    bool last = s + 1 == opts.steps;
    // What a step returns besides its losses: the pre-clip gradient norm.
    std::string extras;
    if (gradNormIdx >= 0)
      extras = "  grad_norm " +
               format("%.9g", elementAsDouble(results[gradNormIdx], 0));
    if (opts.logEvery > 0 && warmUp) {
      os << "step " << s + 1 << "  loss " << format("%.6f", loss)
         << "  (first step, warm-up: " << format("%.1f", stepSeconds * 1e3)
         << " ms)" << extras << "\n";
    } else if (opts.logEvery > 0 && ((s + 1) % opts.logEvery == 0 || last) &&
               sinceLog > 0) {
      os << "step " << s + 1 << "  loss " << format("%.6f", loss) << "  "
         << format("%.0f", sinceLog * ds->batch / intervalSeconds)
         << " examples/s";
      os << extras;
      if (auto scale = state.find(std::string(lp::kLossScale));
          scale != state.end())
        os << "  scale " << format("%.9g", elementAsDouble(scale->second, 0))
           << "  skipped " << skippedSteps;
      os << "\n";
      intervalSeconds = 0;
      sinceLog = 0;
    }
    if (!opts.checkpointFile.empty() && opts.checkpointEvery > 0 &&
        (s + 1) % opts.checkpointEvery == 0)
      if (std::string err = saveState(
              step, state, checkpointName(opts.checkpointFile, s + 1));
          !err.empty())
        return err;
  }
  if (opts.steps > first) {
    os << "trained " << opts.steps - first << " steps in "
       << format("%.2f", seconds(runStart, Clock::now())) << " s";
    if (timedSteps > 0)
      os << ": " << format("%.3f", timedSeconds / timedSteps * 1e3)
         << " ms/step after the first (steps only, no checkpoints or "
            "logging)";
    os << "\n";
  }
  if (opts.pruneSparsity > 0)
    reportSparsity(step, state, os);
  if (skippedSteps > 0)
    os << "skipped " << skippedSteps << " of " << opts.steps - first
       << " steps (step.skipped)\n";
  if (!opts.checkpointFile.empty())
    if (std::string err = saveState(
            step, state, checkpointName(opts.checkpointFile, opts.steps));
        !err.empty())
      return err;
  if (!opts.outputDir.empty()) {
    if (std::string err = writeParams(step, state, opts.outputDir, os);
        !err.empty())
      return err;
  } else if (opts.checkpointFile.empty() && opts.steps > first) {
    os << "note: the trained parameters are discarded (give --checkpoint "
          "or --output-dir to keep them)\n";
  }
  if (evalSet)
    return evaluate(evalFn, state, &*evalSet, os);
  return "";
}
