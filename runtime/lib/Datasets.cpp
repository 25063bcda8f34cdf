//===- Datasets.cpp - batches of a training set and held-out evaluation ---===//

#include "Datasets.h"
#include "lp/Dialect/LP/IR/AbiNames.h"
#include "lp/Runtime/Initializers.h"
#include "lp/Runtime/Values.h"

#include <algorithm>
#include <cstdarg>
#include <cstring>
#include <numeric>

using namespace lp;
using namespace lp::rt;
using namespace lp::rt::detail;

/// printf into a std::string.
std::string detail::format(const char *fmt, ...) {
  char buf[256];
  va_list args;
  va_start(args, fmt);
  vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

/// Binds the batch arguments of `sig` to `arrays`. Training needs at least
/// one full batch; evaluation (`partialOk`) pads a partial one.
std::string detail::bindDataset(const Signature &sig, const ArrayMap &arrays,
                                const std::string &file, Dataset &ds,
                                bool partialOk) {
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
std::vector<int64_t> detail::epochOrder(int64_t n, uint64_t seed, int64_t epoch,
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

namespace {
/// Copies the examples order[first .. first + batch) of `src` into `out`.
void gatherRows(const BatchSource &src, const std::vector<int64_t> &order,
                int64_t first, int64_t batch, std::vector<uint8_t> &out) {
  out.resize(batch * src.exampleBytes);
  for (int64_t i = 0; i < batch; ++i)
    std::memcpy(out.data() + i * src.exampleBytes,
                src.data->data.data() + order[first + i] * src.exampleBytes,
                src.exampleBytes);
}
} // namespace

/// Fills `out` (one array per batch argument, in signature order) with the
/// examples order[first .. first + batch).
void detail::fillBatch(const Dataset &ds, const std::vector<int64_t> &order,
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
std::vector<void *> detail::bindStep(const Signature &sig, ArrayMap &state,
                                     const Dataset &ds,
                                     const std::vector<int64_t> &order,
                                     int64_t first,
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
std::vector<npy::Array *> detail::gatherArgs(const Signature &sig,
                                             ArrayMap &state,
                                             std::vector<npy::Array> &batch) {
  std::vector<npy::Array *> args;
  size_t b = 0;
  for (const TensorSlot &slot : sig.args)
    args.push_back(slot.isBatch() ? &batch[b++] : &state[slot.name]);
  return args;
}

namespace {
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
} // namespace

/// Mean loss and the accuracy of each head of `eval` over all full batches
/// of `file`.
std::string detail::evaluate(const Step &evalFn, ArrayMap &state,
                             const Dataset *ds, std::ostream &os) {
  const Signature &eval = evalFn.signature();
  int64_t totalIdx = eval.resultIndex(Role::LossTotal);
  std::vector<Head> heads = headsOf(eval, *ds);
  // A model of several losses also reports each one: a distilled student's
  // held-out cross entropy is its own loss, not the weighted total.
  std::vector<size_t> losses;
  for (size_t i = 0; i < eval.results.size(); ++i)
    if (eval.results[i].role == Role::Loss)
      losses.push_back(i);
  if (losses.size() < 2)
    losses.clear();
  std::vector<double> lossSums(losses.size(), 0.0);
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
    if (i < full) {
      lossSum += elementAsDouble(results[totalIdx], 0);
      for (size_t k = 0; k < losses.size(); ++k)
        lossSums[k] += elementAsDouble(results[losses[k]], 0);
    }
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
  if (full > 0) {
    os << format("%.6f", lossSum / double(full)) << " (mean over " << full
       << " full batches";
    for (size_t k = 0; k < losses.size(); ++k)
      os << (k ? ", " : "; ") << eval.results[losses[k]].name << " "
         << format("%.6f", lossSums[k] / double(full));
    os << ")";
  } else {
    os << "n/a (no full batch)";
  }
  for (const Head &head : heads)
    if (head.counted)
      os << ", accuracy" << (heads.size() > 1 ? " " + head.name : "") << " "
         << format("%.4f", double(head.correct) / head.counted) << " ("
         << head.correct << "/" << head.counted << ")";
  os << "\n";
  return "";
}

/// Reads and binds `opts.dataFile` to `step`'s batch arguments and
/// `opts.evalFile` (if any) to `eval`'s: names, dtypes, shapes, the batch
/// size, enough examples. Returns an empty string or a message.
std::string detail::loadTrainingData(const Signature &step,
                                     const Signature &eval,
                                     const TrainOptions &opts,
                                     TrainingData &data) {
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
