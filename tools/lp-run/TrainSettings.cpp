//===- TrainSettings.cpp - lp-run's training settings ---------------------===//

#include "TrainSettings.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Format.h"

using namespace llvm;

void lp::printTrainSettings(const BuildTrainStepOptions &t,
                            ArrayRef<std::string> paramGroups,
                            ArrayRef<std::string> overrides, StringRef prune,
                            raw_ostream &os) {
  auto g = [](double v) { return llvm::format("%g", v); };
  os << "optimizer: " << t.optimizer << " lr=" << g(t.lr);
  if (t.optimizer == "sgd")
    os << " momentum=" << g(t.momentum) << " dampening=" << g(t.dampening)
       << (t.nesterov ? " nesterov" : "");
  else
    os << " beta1=" << g(t.beta1) << " beta2=" << g(t.beta2)
       << " eps=" << g(t.eps) << (t.amsgrad ? " amsgrad" : "");
  os << " weight-decay=" << g(t.weightDecay) << (t.maximize ? " maximize" : "")
     << " lr-schedule=" << t.lrSchedule;
  for (const std::string &group : paramGroups)
    os << " param-group=" << group;
  if (t.clipNorm > 0)
    os << " clip-grad-norm=" << g(t.clipNorm);
  if (t.clipValue > 0)
    os << " clip-grad-value=" << g(t.clipValue);
  if (t.accumulate > 1)
    os << " accumulate=" << t.accumulate;
  os << "\nprecision: " << t.precision;
  if (t.precision != "f32" || !overrides.empty())
    os << (t.masterWeights ? " (f32 master weights)"
                           : " (parameters stored in the low type, "
                             "no master weights)")
       << " lowp-result=" << t.lowpResult;
  for (const std::string &o : overrides)
    os << " override=" << o;
  if (!t.fakeQuant.empty())
    os << " fake-quant=" << t.fakeQuant;
  if (!prune.empty())
    os << " prune=" << prune;
  if (t.lossScale != "none")
    os << " loss-scale=" << t.lossScale << " init-scale=" << g(t.initScale);
  if (t.lossScale == "dynamic") {
    os << " growth-factor=" << g(t.growthFactor)
       << " backoff-factor=" << g(t.backoffFactor)
       << " growth-interval=" << t.growthInterval;
    if (t.minScale > 0)
      os << " min-scale=" << g(t.minScale);
    if (t.maxScale > 0)
      os << " max-scale=" << g(t.maxScale);
  }
  os << "\n";
  os.flush();
}

std::string lp::parsePruneOption(StringRef text, rt::TrainOptions &opts,
                                 std::string &glob) {
  if (text.empty())
    return "";
  glob = "*";
  bool endGiven = false;
  SmallVector<StringRef> parts;
  text.split(parts, ',');
  for (StringRef part : parts) {
    auto [key, value] = part.trim().split('=');
    double number = 0;
    if (key == "params") {
      glob = value.str();
      continue;
    }
    if (value.getAsDouble(number))
      return "--prune: expected key=number (sparsity, begin, end, every) or "
             "params=GLOB, got '" +
             part.str() + "'";
    if (key == "sparsity")
      opts.pruneSparsity = number;
    else if (key == "begin")
      opts.pruneBegin = int64_t(number);
    else if (key == "end")
      opts.pruneEnd = int64_t(number), endGiven = true;
    else if (key == "every")
      opts.pruneEvery = int64_t(number);
    else
      return "--prune: unknown key '" + key.str() +
             "' (sparsity, begin, end, every, params)";
  }
  if (!endGiven)
    opts.pruneEnd = opts.pruneBegin;
  return rt::checkPruneOptions(opts);
}
