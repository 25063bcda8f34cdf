//===- Quantize.cpp - post-training quantization and export ---------------===//
//
// lp-run --quantize: ranges from a checkpoint or from calibration batches,
// the stored arrays written as .npz, and the held-out evaluation of the
// float, the fake-quantized and the converted model (docs/Quantization.md).
//
//===----------------------------------------------------------------------===//

#include "Datasets.h"
#include "lp/Runtime/Trainer.h"
#include "lp/Runtime/Values.h"

#include <cmath>
#include <cstring>

using namespace lp;
using namespace lp::rt;
using namespace lp::rt::detail;

namespace {

/// Bytes of an array's elements.
uint64_t bytesOf(const npy::Array &a) { return a.data.size(); }

/// Whether `name` is fake quantization's state: an observer's range or
/// the phases' step counter (lp-fake-quant's names).
bool isQuantState(const std::string &name) {
  return name.find(".fq.") != std::string::npos || name == "fq.steps";
}

/// Runs `model` on `steps` batches of `ds`, keeping the observers' updates
/// (other state the forward pass updates, running statistics, stays as
/// the checkpoint has it, as in PyTorch's eval-mode calibration). Empty,
/// or the error of a step run on a GPU.
std::string calibrate(const Step &model, ArrayMap &state, const Dataset &ds,
                      const TrainOptions &opts, int64_t steps) {
  const Signature &sig = model.signature();
  int64_t perEpoch = ds.examples / ds.batch;
  std::vector<int64_t> order;
  std::vector<npy::Array> scratch, results;
  for (int64_t s = 0; s < steps; ++s) {
    if (s % perEpoch == 0)
      order = epochOrder(ds.examples, opts.seed, s / perEpoch, opts.shuffle);
    if (std::string e = model.call(
            bindStep(sig, state, ds, order, (s % perEpoch) * ds.batch, scratch),
            results);
        !e.empty())
      return e;
    for (size_t i = 0; i < sig.results.size(); ++i)
      if (auto it = state.find(sig.results[i].name);
          it != state.end() && sig.isOutParam(i) && isQuantState(it->first))
        std::memcpy(it->second.data.data(), results[i].data.data(),
                    results[i].data.size());
  }
  return "";
}

/// The first non-finite value of the float arrays `out` writes (a scale
/// from a diverged observer, a weight beyond f16's range), as a message.
std::string checkFinite(const ArrayMap &out) {
  for (const auto &[name, a] : out) {
    if (a.dtype != npy::DType::F32 && a.dtype != npy::DType::F16)
      continue;
    for (int64_t i = 0, n = a.numElements(); i < n; ++i)
      if (!std::isfinite(elementAsDouble(a, i)))
        return "'" + name + "' would hold " +
               std::to_string(elementAsDouble(a, i)) + " at element " +
               std::to_string(i) +
               " (a range that is not finite, or a weight beyond the "
               "stored type's range); nothing written";
  }
  return "";
}

/// Every argument of `sig` that is not batch data must be in `arrays`.
std::string checkHas(const Signature &sig, const ArrayMap &arrays,
                     const std::string &source) {
  for (const TensorSlot &slot : sig.args)
    if (!slot.isBatch() && !arrays.count(slot.name))
      return source + " has no '" + slot.name + "', which '" + sig.function +
             "' reads";
  return "";
}

} // namespace

std::string lp::rt::quantize(const QuantizeFunctions &fns,
                             const TrainOptions &opts, int64_t calibrateSteps,
                             const std::string &outFile, std::ostream &os) {
  const Signature &model = fns.model.signature();
  if (opts.paramsFile.empty())
    return "--quantize needs --params: the trained parameters (a checkpoint)";
  if (calibrateSteps < 0)
    return "--calibrate-steps must not be negative";
  if (std::string e = npy::checkWritable(outFile); !e.empty())
    return "--quantize " + e;
  ArrayMap given;
  if (std::string e = npy::readNpz(opts.paramsFile, given); !e.empty())
    return e;
  // The trained parameters, all of them (none initialised at random);
  // ranges from the checkpoint of a QAT run or from calibration, never
  // from an observer's empty initial state.
  for (const TensorSlot &slot : model.args) {
    if (given.count(slot.name))
      continue;
    if (slot.role == Role::Param && slot.name.find(".fq.") == std::string::npos)
      return opts.paramsFile + " has no '" + slot.name +
             "': a trained model gives every parameter";
    if (calibrateSteps == 0 && slot.isState() && isQuantState(slot.name) &&
        slot.name != "fq.steps")
      return opts.paramsFile + " has no '" + slot.name +
             "': a fake-quantized model's ranges come from the checkpoint "
             "of its QAT run (the same --fake-quant options) or from "
             "calibration (--calibrate-steps N with --data)";
  }
  ArrayMap state;
  if (std::string e = loadState(model, opts, state); !e.empty())
    return e;
  // Calibration counts its own steps (its float phase), whatever the
  // checkpoint's counter says.
  if (auto it = state.find("fq.steps"); calibrateSteps > 0 && it != state.end())
    std::memset(it->second.data.data(), 0, it->second.data.size());
  ArrayMap trainArrays, evalArrays;
  Dataset train, held;
  if (calibrateSteps > 0) {
    if (opts.dataFile.empty())
      return "--calibrate-steps needs --data: the batches to observe";
    if (std::string e = npy::readNpz(opts.dataFile, trainArrays); !e.empty())
      return e;
    if (std::string e = bindDataset(model, trainArrays, opts.dataFile, train);
        !e.empty())
      return e;
  }
  bool evaluating = !opts.evalFile.empty();
  if (evaluating) {
    if (std::string e = npy::readNpz(opts.evalFile, evalArrays); !e.empty())
      return e;
    if (std::string e = bindDataset(fns.frozen.signature(), evalArrays,
                                    opts.evalFile, held, /*partialOk=*/true);
        !e.empty())
      return e;
  }
  if (calibrateSteps > 0) {
    if (std::string e =
            calibrate(fns.model, state, train, opts, calibrateSteps);
        !e.empty())
      return e;
    os << "calibrate: " << calibrateSteps << " batches of " << train.batch
       << " from " << opts.dataFile << "\n";
  }
  if (evaluating) {
    os << "float model:          ";
    if (std::string e = evaluate(fns.floatModel, state, &held, os); !e.empty())
      return e;
    os << "fake-quantized model: ";
    if (std::string e = evaluate(fns.frozen, state, &held, os); !e.empty())
      return e;
  }
  // What the deployable model stores: the codes and scales, then every
  // other array it reads (biases, f32 weights) as they are.
  const Signature &qsig = fns.quantize.signature();
  std::vector<npy::Array> none, results;
  if (std::string e = fns.quantize.run(gatherArgs(qsig, state, none), results);
      !e.empty())
    return e;
  ArrayMap out;
  for (size_t i = 0; i < qsig.results.size(); ++i)
    out[qsig.results[i].name] = std::move(results[i]);
  for (const TensorSlot &slot : fns.quantized.signature().args)
    if (!slot.isBatch() && !out.count(slot.name)) {
      auto it = state.find(slot.name);
      if (it == state.end())
        return "'" + slot.name + "' is neither stored nor a parameter";
      out[slot.name] = it->second;
    }
  if (std::string e = checkFinite(out); !e.empty())
    return e;
  if (std::string e = npy::writeNpz(outFile, out); !e.empty())
    return e;
  uint64_t before = 0, after = 0;
  for (const TensorSlot &slot : fns.floatModel.signature().args)
    if (slot.role == Role::Param)
      before += bytesOf(state[slot.name]);
  os << "quantize: wrote " << outFile << "\n";
  for (const auto &[name, a] : out) {
    after += bytesOf(a);
    std::string shape;
    for (int64_t d : a.shape)
      shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    os << "  " << name << "  " << npy::dtypeName(a.dtype) << " [" << shape
       << "]  " << bytesOf(a) << " bytes\n";
  }
  os << "quantize: " << after << " bytes of arrays; the f32 parameters are "
     << before << " bytes ("
     << format("%.1f", before ? 100.0 * double(after) / double(before) : 0.0)
     << " %)\n";
  if (!evaluating)
    return "";
  // The converted model, from the file alone.
  ArrayMap back;
  if (std::string e = npy::readNpz(outFile, back); !e.empty())
    return e;
  if (std::string e = checkHas(fns.quantized.signature(), back, outFile);
      !e.empty())
    return e;
  os << "quantized model:      ";
  return evaluate(fns.quantized, back, &held, os);
}
