//===- QuantizeMode.cpp - lp-run --quantize -------------------------------===//

#include "QuantizeMode.h"
#include "TrainSettings.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <iostream>

using namespace llvm;

cl::OptionCategory &lp::quantizeCategory() {
  static cl::OptionCategory category("Post-training quantization and export");
  return category;
}

static cl::opt<std::string> quantizeFile(
    "quantize",
    cl::desc("Write the model's deployable form to this .npz: from --params "
             "(a trained checkpoint), integer weights with the ranges of "
             "--fake-quant (observed by --calibrate-steps, or those of the QAT "
             "run that wrote the checkpoint) and/or f16 weights "
             "(--f16-weights); reports bytes and --eval-data accuracy before "
             "and after"),
    cl::cat(lp::quantizeCategory()));
static cl::opt<bool>
    f16Weights("f16-weights",
               cl::desc("With --quantize: store the weights of lowp ops that "
                        "are not fake-quantized as f16"),
               cl::cat(lp::quantizeCategory()));
static cl::opt<int64_t> calibrateSteps(
    "calibrate-steps",
    cl::desc("With --quantize: observe the ranges on this many batches of "
             "--data first (post-training calibration; default 0: the ranges "
             "come from --params)"),
    cl::init(0), cl::cat(lp::quantizeCategory()));

bool lp::quantizeRequested() { return !quantizeFile.empty(); }

std::string lp::runQuantize(mlir::ModuleOp module, CompileOptions &options,
                            rt::TrainOptions opts, StringRef prune,
                            bool train) {
  if (train)
    return "--quantize converts a trained model (--params); it does not "
           "train: drop --train";
  // A pruned checkpoint's masks: the same --prune as its training run.
  if (std::string e = parsePruneOption(prune, opts, options.trainStep.prune);
      !e.empty())
    return e;
  std::string &spec = options.trainStep.fakeQuant;
  if (spec.empty() && !f16Weights)
    return "--quantize needs --fake-quant (integer weights) or --f16-weights";
  if (calibrateSteps < 0)
    return "--calibrate-steps must not be negative";
  if (calibrateSteps > 0 && spec.empty())
    return "--calibrate-steps observes the ranges of --fake-quant; "
           "--f16-weights alone has none";
  // Calibration observes the float model, as PyTorch's post-training
  // calibration does: fake quantization starts after it.
  if (calibrateSteps > 0) {
    if (spec.find("calibrate=") != std::string::npos ||
        spec.find("freeze-after=") != std::string::npos)
      return "--calibrate-steps observes the float model for that many "
             "batches; drop the phases (calibrate=, freeze-after=) from "
             "--fake-quant";
    spec = (spec == "on" ? std::string() : spec + " ") +
           "calibrate=" + std::to_string(calibrateSteps);
  }
  options.train = true;
  options.quantConvert = true;
  options.quantF16Weights = f16Weights;
  auto compiled = compile(module, options);
  if (!compiled)
    return toString(compiled.takeError());
  outs() << format("compile: pipeline %.3f s, jit %.3f s\n",
                   compiled->pipelineSeconds, compiled->jitSeconds);
  outs().flush();
  const std::string &eval = compiled->eval;
  rt::Step model, frozen, floatModel, quantize, quantized;
  for (auto [step, name] : {std::pair{&model, eval},
                            {&frozen, eval + "_frozen"},
                            {&floatModel, eval + "_float"},
                            {&quantize, eval + "_quantize"},
                            {&quantized, eval + "_quantized"}})
    if (std::string e = rt::Step::load(*compiled->code, name, *step);
        !e.empty())
      return e;
  std::string e = rt::quantize({model, frozen, floatModel, quantize, quantized},
                               opts, calibrateSteps, quantizeFile, std::cout);
  std::cout.flush();
  return e;
}
