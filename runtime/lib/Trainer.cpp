//===- Trainer.cpp - the training loop around a compiled train step -------===//

#include "lp/Runtime/Trainer.h"
#include "Datasets.h"
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
  std::vector<double> stepTimesSeen; // for the median
  int64_t sinceLog = 0, timedSteps = 0;
  // A GPU step keeps parameters and optimizer state on the device; the
  // host arrays are brought up to date where they are read (the loss
  // scale at a log line, checkpoints, the end) and announced where they are
  // written (pruning, state results copied back).
  stepFn.keepStateResident();
  // However training ends, the copies go (the host arrays they mirror are
  // this function's).
  struct ReleaseCopies {
    const Step &step;
    ~ReleaseCopies() { step.releaseCopies(); }
  } releaseCopies{stepFn};
  auto runStart = Clock::now();
  for (int64_t s = first; s < opts.steps; ++s) { // none for --steps 0
    int64_t epoch = s / perEpoch;
    if (epoch != orderEpoch) {
      order = epochOrder(ds->examples, opts.seed, epoch, opts.shuffle);
      orderEpoch = epoch;
    }
    if (std::optional<double> sparsity = pruningTarget(opts, s)) {
      if (std::string e = stepFn.syncToHost(); !e.empty())
        return e;
      applyPruning(step, state, *sparsity);
      stepFn.hostWrote();
    }
    auto stepStart = Clock::now();
    std::vector<void *> args =
        bindStep(step, state, *ds, order, (s % perEpoch) * ds->batch, batch);
    auto callStart = Clock::now();
    if (std::string e = stepFn.call(args, results); !e.empty())
      return "step " + std::to_string(s + 1) + ": " + e;
    if (timeLog)
      *timeLog << format("%.4f\n", std::chrono::duration<double, std::milli>(
                                       Clock::now() - callStart)
                                       .count());
    // Copy every result named like a state argument back into it (results
    // updated in place are already there, and so are those the step left
    // in its resident copy of the state): state buffers never move.
    for (size_t i = 0; i < step.results.size(); ++i)
      if (auto it = state.find(step.results[i].name);
          it != state.end() && step.isOutParam(i) &&
          !stepFn.resultStaysInState(i)) {
        std::memcpy(it->second.data.data(), results[i].data.data(),
                    results[i].data.size());
        stepFn.hostWrote(it->second.data.data());
      }
    double stepSeconds = seconds(stepStart, Clock::now());
    bool warmUp = s == first;
    if (!warmUp) {
      intervalSeconds += stepSeconds;
      timedSeconds += stepSeconds;
      stepTimesSeen.push_back(stepSeconds);
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
          scale != state.end()) {
        if (std::string e = stepFn.syncToHost(scale->second.data.data());
            !e.empty())
          return e;
        os << "  scale " << format("%.9g", elementAsDouble(scale->second, 0))
           << "  skipped " << skippedSteps;
      }
      os << "\n";
      intervalSeconds = 0;
      sinceLog = 0;
    }
    if (!opts.checkpointFile.empty() && opts.checkpointEvery > 0 &&
        (s + 1) % opts.checkpointEvery == 0) {
      std::string err = stepFn.syncToHost();
      if (err.empty())
        err =
            saveState(step, state, checkpointName(opts.checkpointFile, s + 1));
      if (!err.empty())
        return err;
    }
  }
  if (std::string err = stepFn.syncToHost(); !err.empty())
    return err;
  if (opts.steps > first) {
    os << "trained " << opts.steps - first << " steps in "
       << format("%.2f", seconds(runStart, Clock::now())) << " s";
    if (timedSteps > 0) {
      auto mid = stepTimesSeen.begin() + stepTimesSeen.size() / 2;
      std::nth_element(stepTimesSeen.begin(), mid, stepTimesSeen.end());
      os << ": " << format("%.3f", timedSeconds / timedSteps * 1e3)
         << " ms/step after the first, median " << format("%.3f", *mid * 1e3)
         << " (steps only, no checkpoints or logging)";
    }
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
