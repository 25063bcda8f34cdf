//===- lp-run.cpp - JIT-run a model function on NumPy data ----------------===//
//
// lp-run model.mlir [--function=f] [--data=batch.npz] [--input=x=x.npy]...
//        [--params=ckpt.npz] [--random-inputs] [--seed=N] [--output-dir=D]
//
// Parses flags and calls the compile API (lp/Runner/Compile.h: build the
// train step, lower, JIT) and the runtime (lp/Runtime: bind arguments by
// name, run once or train). Arguments are bound by name: inputs/labels from
// --input and --data, parameters from --params or their lp.init
// initialiser. Results are written as <output-dir>/<name>.npy and
// summarised on stdout.
//
//===----------------------------------------------------------------------===//

#include "Device.h"
#include "ModelText.h"
#include "PrecisionWarning.h"
#include "QuantizeMode.h"
#include "TrainSettings.h"
#include "lp/InitAll.h"
#include "lp/Runner/Compile.h"
#include "lp/Runtime/Contractions.h"
#include "lp/Runtime/CpuFeatures.h"
#include "lp/Runtime/Trainer.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include "lp/Runtime/BufferCache.h"
#include <iostream>

using namespace mlir;
namespace cl = llvm::cl;

// --help lists these three categories only (the LLVM and MLIR options stay
// reachable through --help-hidden).
static cl::OptionCategory runCat("Running a function");
static cl::OptionCategory trainCat("Training (--train)");
static cl::OptionCategory lowerCat("Lowering");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(runCat));
static cl::opt<std::string>
    functionName("function",
                 cl::desc("Function to run (default: the only public one)"),
                 cl::cat(runCat));
static cl::opt<std::string>
    dataFile("data", cl::desc(".npz whose arrays bind arguments by name"),
             cl::cat(runCat));
static cl::list<std::string>
    inputs("input", cl::desc("name=file.npy binds one argument"),
           cl::cat(runCat));
static cl::opt<std::string>
    paramsFile("params",
               cl::desc(".npz of parameter values (instead of lp.init)"),
               cl::cat(runCat));
static cl::opt<bool> randomInputs(
    "random-inputs",
    cl::desc("Fill inputs that have no data with seeded random values"),
    cl::cat(runCat));
static cl::opt<uint64_t> seed("seed",
                              cl::desc("Seed for initialisers, random inputs "
                                       "and the batch order (default 0)"),
                              cl::init(0), cl::cat(runCat));
static cl::opt<std::string>
    outputDir("output-dir",
              cl::desc("Write each result (with --train: each trained "
                       "parameter) as <name>.npy here"),
              cl::cat(runCat));

// Training.
static cl::opt<bool> trainMode(
    "train", cl::desc("Build the train step (lp-build-train-step) and train "
                      "on --data; evaluate on --eval-data"),
    cl::cat(trainCat));
static cl::opt<int64_t> steps("steps",
                              cl::desc("Total number of steps (default 100)"),
                              cl::init(100), cl::cat(trainCat));
static cl::opt<int64_t>
    batchSize("batch-size",
              cl::desc("Checked against the model's batch size (default: the "
                       "model's)"),
              cl::init(0), cl::cat(trainCat));
static cl::opt<std::string> optimizer("optimizer",
                                      cl::desc("sgd, adam or adamw (default "
                                               "sgd)"),
                                      cl::init("sgd"), cl::cat(trainCat));
static cl::opt<double> lr("lr", cl::desc("Learning rate (default 0.01)"),
                          cl::init(0.01), cl::cat(trainCat));
static cl::opt<double> momentum("momentum",
                                cl::desc("SGD momentum (default 0)"),
                                cl::init(0.0), cl::cat(trainCat));
static cl::opt<double>
    dampening("dampening",
              cl::desc("SGD dampening of the momentum's new term (default 0)"),
              cl::init(0.0), cl::cat(trainCat));
static cl::opt<bool>
    nesterov("nesterov",
             cl::desc("SGD Nesterov momentum (needs --momentum; default off)"),
             cl::cat(trainCat));
static cl::opt<double> weightDecay("weight-decay",
                                   cl::desc("Weight decay: L2 for sgd and "
                                            "adam, decoupled for adamw "
                                            "(default 0)"),
                                   cl::init(0.0), cl::cat(trainCat));
static cl::opt<double> beta1("beta1", cl::desc("Adam beta1 (default 0.9)"),
                             cl::init(0.9), cl::cat(trainCat));
static cl::opt<double> beta2("beta2", cl::desc("Adam beta2 (default 0.999)"),
                             cl::init(0.999), cl::cat(trainCat));
static cl::opt<double> eps("eps", cl::desc("Adam epsilon (default 1e-8)"),
                           cl::init(1e-8), cl::cat(trainCat));
static cl::opt<bool> amsgrad("amsgrad",
                             cl::desc("Adam/AdamW with AMSGrad (default off)"),
                             cl::cat(trainCat));
static cl::list<std::string> paramGroups(
    "param-group",
    cl::desc("GLOB:KEY=VALUE[,KEY=VALUE...]: settings for the parameters "
             "whose names match (keys lr, momentum, dampening, "
             "weight-decay, beta1, beta2, eps, nesterov, amsgrad); "
             "repeatable, the last match wins; e.g. "
             "--param-group='{*.b,*.gamma}:weight-decay=0'"),
    cl::cat(trainCat));
static cl::opt<std::string> precision(
    "precision",
    cl::desc("Mixed precision of the train step: f32 (default), bf16 or f16 "
             "(lp-autocast on the model: products in the low type with f32 "
             "accumulation, f32 master weights)"),
    cl::init("f32"), cl::cat(trainCat));
static cl::list<std::string> precisionOverrides(
    "precision-override",
    cl::desc("[layer:|param:]GLOB=VALUE[,...]: hybrid precision, per layer "
             "(lp.layer globs) or per parameter (name globs), values f32, "
             "bf16, f16 (int8, int4 with --fake-quant); repeatable, the last "
             "match wins; e.g. "
             "--precision-override='layer:fc3=f32'"),
    cl::cat(trainCat));
static cl::opt<std::string> fakeQuant(
    "fake-quant",
    cl::desc("Quantization-aware training: lp-fake-quant's options, e.g. "
             "--fake-quant='weights=int4 activations=int8 calibrate=50 "
             "freeze-after=1000' ('on': int8 weights and activations); "
             "--precision-override values int8/int4 then set a layer's or a "
             "parameter's weight bits (docs/Quantization.md)"),
    cl::cat(trainCat));
static cl::opt<std::string> prune(
    "prune",
    cl::desc("Magnitude pruning: sparsity=S[,begin=B][,end=E][,every=K]"
             "[,params=GLOB]: masks on every weight (rank >= 2) matching "
             "GLOB (default *), set before step B to the smallest-magnitude "
             "fraction, then every K steps on a cubic schedule up to S at "
             "step E (default E = B: one-shot); masked weights read as 0 "
             "and get no gradient (docs/Quantization.md)"),
    cl::cat(trainCat));
static cl::opt<std::string> lowpResult(
    "lowp-result",
    cl::desc("Result type of products under --precision: low (rounded once, "
             "as torch.autocast; default) or f32"),
    cl::init("low"), cl::cat(trainCat));
static cl::opt<int64_t> accumulate(
    "accumulate",
    cl::desc("Gradient accumulation: N micro-batches of the model's batch "
             "size per step, their gradients summed in f32 and applied once "
             "(unscaled, checked and clipped once); default 1"),
    cl::init(1), cl::cat(trainCat));
static cl::opt<bool> precisionReport(
    "precision-report",
    cl::desc("Print the precision report of the step before compiling it: "
             "ops per element type, casts, bytes of parameters, gradients, "
             "state and saved activations, per layer (as lp-opt "
             "--lp-precision-report)"),
    cl::cat(trainCat));
static cl::opt<bool> masterWeights(
    "master-weights",
    cl::desc("With --precision: keep the parameters in f32 (default true); "
             "--master-weights=false stores them, their gradients and the "
             "optimizer state in the low type (the naive loop, for "
             "comparison)"),
    cl::init(true), cl::cat(trainCat));
static cl::opt<std::string> lossScale(
    "loss-scale",
    cl::desc("Loss scaling (PyTorch GradScaler): none (default), static "
             "(--init-scale) or dynamic; a step whose gradients overflow is "
             "skipped"),
    cl::init("none"), cl::cat(trainCat));
static cl::opt<double> initScale("init-scale",
                                 cl::desc("The (initial) loss scale "
                                          "(default 65536)"),
                                 cl::init(65536.0), cl::cat(trainCat));
static cl::opt<double> growthFactor("growth-factor",
                                    cl::desc("Dynamic loss scaling: growth "
                                             "factor (default 2)"),
                                    cl::init(2.0), cl::cat(trainCat));
static cl::opt<double> backoffFactor("backoff-factor",
                                     cl::desc("Dynamic loss scaling: backoff "
                                              "factor on overflow (default "
                                              "0.5)"),
                                     cl::init(0.5), cl::cat(trainCat));
static cl::opt<int64_t> growthInterval(
    "growth-interval",
    cl::desc("Dynamic loss scaling: finite steps between growths (default "
             "2000)"),
    cl::init(2000), cl::cat(trainCat));
static cl::opt<double> minScale("min-scale",
                                cl::desc("Dynamic loss scaling: lower bound "
                                         "of the scale (default 0: none)"),
                                cl::init(0.0), cl::cat(trainCat));
static cl::opt<double> maxScale("max-scale",
                                cl::desc("Dynamic loss scaling: upper bound "
                                         "of the scale (default 0: none)"),
                                cl::init(0.0), cl::cat(trainCat));
static cl::opt<bool>
    maximize("maximize",
             cl::desc("Maximise the loss (PyTorch's maximize; default off)"),
             cl::cat(trainCat));
static cl::opt<std::string> lrSchedule(
    "lr-schedule",
    cl::desc("constant, linear-warmup (LinearLR), cosine (CosineAnnealingLR) "
             "or step (StepLR), computed in the step from its count "
             "(default constant)"),
    cl::init("constant"), cl::cat(trainCat));
static cl::opt<int64_t>
    warmupSteps("warmup-steps", cl::desc("linear-warmup: steps to reach --lr"),
                cl::init(0), cl::cat(trainCat));
static cl::opt<double> warmupStartFactor(
    "warmup-start-factor",
    cl::desc("linear-warmup: the first step's fraction of --lr (default "
             "1/3, LinearLR's)"),
    cl::init(1.0 / 3.0), cl::cat(trainCat));
static cl::opt<int64_t>
    lrTotalSteps("lr-total-steps",
                 cl::desc("cosine: T_max, steps from --lr to --min-lr"),
                 cl::init(0), cl::cat(trainCat));
static cl::opt<double> minLr("min-lr", cl::desc("cosine: eta_min (default 0)"),
                             cl::init(0.0), cl::cat(trainCat));
static cl::opt<int64_t> lrStepSize("lr-step-size",
                                   cl::desc("step: decay every K steps"),
                                   cl::init(0), cl::cat(trainCat));
static cl::opt<double> lrGamma("lr-gamma",
                               cl::desc("step: decay factor (default 0.1)"),
                               cl::init(0.1), cl::cat(trainCat));
static cl::opt<double> clipGradNorm(
    "clip-grad-norm",
    cl::desc("Clip the gradients' global 2-norm to this, as PyTorch's "
             "clip_grad_norm_ (default 0: off)"),
    cl::init(0.0), cl::cat(trainCat));
static cl::opt<double> clipGradValue(
    "clip-grad-value",
    cl::desc("Clamp every gradient element to [-v, v], as PyTorch's "
             "clip_grad_value_ (default 0: off)"),
    cl::init(0.0), cl::cat(trainCat));
static cl::opt<int64_t> logEvery("log-every",
                                 cl::desc("Print progress every K steps "
                                          "(default 10; 0: never)"),
                                 cl::init(10), cl::cat(trainCat));
static cl::opt<bool> noShuffle("no-shuffle",
                               cl::desc("Take batches in data order"),
                               cl::cat(trainCat));
static cl::opt<std::string> evalData("eval-data",
                                     cl::desc("Held-out .npz to evaluate on"),
                                     cl::cat(trainCat));
static cl::opt<std::string> checkpoint(
    "checkpoint",
    cl::desc("Write parameters and optimizer state here (.npz); `{step}` in "
             "the name is replaced by the step, keeping every checkpoint"),
    cl::cat(trainCat));
static cl::opt<int64_t> checkpointEvery(
    "checkpoint-every",
    cl::desc("Also checkpoint every K steps (default 0: at the end only)"),
    cl::init(0), cl::cat(trainCat));
static cl::opt<std::string> resume("resume",
                                   cl::desc("Continue from a checkpoint"),
                                   cl::cat(trainCat));
static cl::opt<std::string> stepTimes(
    "step-times",
    cl::desc("Write each step's wall time in milliseconds (the compiled "
             "call only), one per line, to this file"),
    cl::cat(trainCat));
static cl::opt<lp::MatmulLowering> matmulLowering(
    "matmul", cl::desc("How f32 matmuls run (lp-lower-to-llvm's option)"),
    cl::init(lp::MatmulLowering::Blas), cl::cat(lowerCat),
    cl::values(clEnumValN(lp::MatmulLowering::Blas, "blas",
                          "cblas_sgemm calls (the default)"),
               clEnumValN(lp::MatmulLowering::Vector, "vector",
                          "generated tiled vector code"),
               clEnumValN(lp::MatmulLowering::Loops, "loops", "plain loops")));
static cl::opt<lp::ConvLowering> convLowering(
    "conv", cl::desc("How f32 convolutions run (lp-lower-to-llvm's option)"),
    cl::init(lp::ConvLowering::Library), cl::cat(lowerCat),
    cl::values(clEnumValN(lp::ConvLowering::Library, "library",
                          "the runtime's direct convolutions (the default)"),
               clEnumValN(lp::ConvLowering::Im2col, "im2col",
                          "im2col copies and products")));
static cl::opt<std::string> contraction(
    "contraction",
    cl::desc("The library that runs the cblas_sgemm calls of --matmul=blas: "
             "auto (by the CPU's ISA class), openblas or onednn (default: "
             "LP_CONTRACTION, else auto)"),
    cl::cat(lowerCat));
static cl::opt<std::string> contractionIsa(
    "contraction-isa",
    cl::desc("Cap oneDNN's kernels at this ISA: sse41, avx2, avx512_core, "
             "avx512_core_bf16 or avx512_core_amx (default: "
             "LP_CONTRACTION_ISA, else the CPU's best)"),
    cl::cat(lowerCat));
static cl::opt<std::string> lowpProducts(
    "lowp-products",
    cl::desc("How bf16/f16 products and convolutions run: auto (by the "
             "CPU's features), native (the runtime's bf16/f16 products: "
             "oneDNN's kernels, or operands widened on every call where the "
             "CPU has none) or widened (operands widened to f32 once per "
             "step, f32 products) (default: LP_LOWP_PRODUCTS, else auto)"),
    cl::cat(lowerCat));
static cl::opt<bool>
    verbose("verbose",
            cl::desc("Print the CPU's features and the library and kernels "
                     "that ran each class of products"),
            cl::cat(runCat));
static cl::opt<bool> approximateMath(
    "approximate-math",
    cl::desc("Inline polynomial exp/log/tanh/erf (a few ulp; see "
             "docs/Performance.md; default off)"),
    cl::cat(lowerCat));
static cl::opt<bool> parallelKernels(
    "parallel",
    cl::desc("Split large kernels and products over the threads of the "
             "running process (OpenMP; default on, --parallel=0 runs them on "
             "one thread)"),
    cl::init(true), cl::cat(lowerCat));
static cl::opt<std::string> lossLog(
    "loss-log", cl::desc("Append 'step loss... total' lines to this file"),
    cl::cat(trainCat));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "lp-run") << message << "\n";
  return 1;
}

/// The 16-bit types whose products the step widens once per step
/// (lp::rt::chooseLowpProducts, from --lowp-products and the CPU).
static std::vector<std::string> widenedLowpTypes;

/// The compile options the command line selects.
static void setCompileOptions(lp::CompileOptions &options) {
  options.function = functionName;
  options.train = trainMode;
  options.trainStep.optimizer = optimizer;
  options.trainStep.lr = lr;
  options.trainStep.momentum = momentum;
  options.trainStep.dampening = dampening;
  options.trainStep.nesterov = nesterov;
  options.trainStep.amsgrad = amsgrad;
  options.trainStep.paramGroups = llvm::join(paramGroups, ";");
  options.trainStep.weightDecay = weightDecay;
  options.trainStep.beta1 = beta1;
  options.trainStep.beta2 = beta2;
  options.trainStep.eps = eps;
  options.trainStep.maximize = maximize;
  options.trainStep.accumulate = accumulate;
  options.trainStep.precision = precision;
  if (precisionReport)
    options.precisionReport = &llvm::outs();
  options.trainStep.precisionOverrides = llvm::join(precisionOverrides, ",");
  options.trainStep.lowpResult = lowpResult;
  options.trainStep.fakeQuant = fakeQuant;
  options.trainStep.masterWeights = masterWeights;
  options.trainStep.lossScale = lossScale;
  options.trainStep.initScale = initScale;
  options.trainStep.growthFactor = growthFactor;
  options.trainStep.backoffFactor = backoffFactor;
  options.trainStep.growthInterval = growthInterval;
  options.trainStep.minScale = minScale;
  options.trainStep.maxScale = maxScale;
  options.trainStep.clipNorm = clipGradNorm;
  options.trainStep.clipValue = clipGradValue;
  options.trainStep.lrSchedule = lrSchedule;
  options.trainStep.warmupSteps = warmupSteps;
  options.trainStep.warmupStartFactor = warmupStartFactor;
  options.trainStep.totalSteps = lrTotalSteps;
  options.trainStep.minLr = minLr;
  options.trainStep.stepSize = lrStepSize;
  options.trainStep.gamma = lrGamma;
  options.lowering.matmul = matmulLowering;
  options.lowering.conv = convLowering;
  options.lowering.approximateMath = approximateMath;
  // Split kernels and products into as many blocks as the runtime has
  // OpenMP threads when the step runs (the pipeline's default threads=0).
  options.lowering.parallel = parallelKernels;
}

/// Loads `function` from the compiled code.
static int loadStep(lp::CompiledModule &compiled, const std::string &function,
                    lp::rt::Step &step) {
  std::string error = lp::rt::Step::load(*compiled.code, function, step);
  return error.empty() ? 0 : fail(error);
}

/// The calling convention of the selected function, before compiling
/// anything (a located error or a message is reported: returns 1).
static int describe(ModuleOp module, const lp::CompileOptions &options,
                    lp::rt::Signature &signature) {
  FailureOr<std::string> described = lp::describeSelected(module, options);
  if (failed(described))
    return 1; // located error reported
  std::string error = lp::rt::parseSignature(*described, signature);
  if (error.empty())
    error = lp::rt::checkFitsInMemory(signature);
  return error.empty() ? 0 : fail(error);
}

/// The training loop's options the command line selects.
static lp::rt::TrainOptions trainOptions() {
  lp::rt::TrainOptions opts;
  opts.steps = steps;
  opts.logEvery = logEvery;
  opts.batchSize = batchSize;
  opts.seed = seed;
  opts.shuffle = !noShuffle;
  opts.dataFile = dataFile;
  opts.evalFile = evalData;
  opts.paramsFile = paramsFile;
  opts.resumeFile = resume;
  opts.checkpointFile = checkpoint;
  opts.checkpointEvery = checkpointEvery;
  opts.outputDir = outputDir;
  opts.lossLog = lossLog;
  opts.stepTimes = stepTimes;
  return opts;
}

/// --train: check the data against the model's batch arguments, compile
/// the step and eval functions, then run the loop.
static int runTraining(ModuleOp module, lp::CompileOptions &options) {
  if (dataFile.empty())
    return fail("--train needs --data with the training set");
  if (steps < 0 || logEvery < 0 || checkpointEvery < 0)
    return fail("--steps, --log-every and --checkpoint-every must not be "
                "negative");
  if (!paramsFile.empty() && !resume.empty())
    return fail("--params and --resume both give the parameters: --resume "
                "continues from a checkpoint, --params starts from initial "
                "values");
  if (checkpointEvery > 0 && checkpoint.empty())
    return fail("--checkpoint-every needs --checkpoint (the file to write)");
  if (!inputs.empty())
    return fail("--input binds the arguments of a single run; --train reads "
                "its batches from --data");
  lp::rt::TrainOptions opts = trainOptions();
  std::string pruneGlob;
  if (std::string e = lp::parsePruneOption(prune, opts, pruneGlob); !e.empty())
    return fail(e);
  options.trainStep.prune = pruneGlob;
  // Bad data fails before the (slow) compilation.
  lp::rt::Signature model;
  if (describe(module, options, model))
    return 1;
  std::string error = lp::rt::checkTrainingData(model, opts);
  if (!error.empty())
    return fail(error);
  // Accumulation slices the batch arguments the data gives per example and
  // passes the ones it gives whole (a mask) to every micro-batch.
  if (accumulate > 1) {
    std::vector<std::string> fixed;
    if (std::string e = lp::rt::fixedInputs(model, dataFile, fixed); !e.empty())
      return fail(e);
    options.trainStep.fixedInputs.assign(fixed.begin(), fixed.end());
  }
  // Say which settings the step is built with (defaults included).
  const auto &t = options.trainStep;
  lp::printTrainSettings(t, paramGroups, precisionOverrides, prune,
                         llvm::outs());
  llvm::outs().flush();
  lp::warnIfLowPrecisionIsSlow(t.precision);
  auto compiled = lp::compile(module, options);
  if (!compiled)
    return fail(toString(compiled.takeError()));
  llvm::outs() << llvm::format("compile: pipeline %.3f s, jit %.3f s\n",
                               compiled->pipelineSeconds, compiled->jitSeconds);
  llvm::outs().flush();
  lp::rt::Step step, eval;
  if (loadStep(*compiled, compiled->trainStep, step) ||
      loadStep(*compiled, compiled->eval, eval))
    return 1;
  error = lp::rt::train(step, eval, opts, std::cout);
  std::cout.flush();
  return error.empty() ? 0 : fail(error);
}

/// Binds the arguments first, so that bad data fails before compiling,
/// then compiles and calls the function once.
static int runOnce(ModuleOp module, const lp::CompileOptions &options) {
  if (!prune.empty() || !fakeQuant.empty())
    return fail("--prune and --fake-quant build a train step: they need "
                "--train");
  lp::rt::Signature signature;
  if (describe(module, options, signature))
    return 1;
  lp::rt::RunOptions run;
  run.dataFile = dataFile;
  for (const std::string &binding : inputs) {
    size_t eq = binding.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail("--input expects name=file.npy, got '" + binding + "'");
    std::string name = binding.substr(0, eq), file = binding.substr(eq + 1);
    if (auto [it, added] = run.inputFiles.emplace(name, file); !added)
      return fail("--input " + name + " is given twice ('" + it->second +
                  "' and '" + file + "')");
  }
  run.paramsFile = paramsFile;
  run.randomInputs = randomInputs;
  run.seed = seed;
  run.outputDir = outputDir;
  std::vector<lp::npy::Array> args;
  std::string error = lp::rt::bindArguments(signature, run, args);
  if (!error.empty())
    return fail(error);
  auto compiled = lp::compile(module, options);
  if (!compiled)
    return fail(toString(compiled.takeError()));
  lp::rt::Step fn;
  if (loadStep(*compiled, compiled->function, fn))
    return 1;
  error = lp::rt::runOnce(fn, args, run, std::cout);
  std::cout.flush();
  return error.empty() ? 0 : fail(error);
}

/// --quantize: the trained model's deployable form (QuantizeMode.cpp).
static int runQuantize(ModuleOp module, lp::CompileOptions &options) {
  // The parameters come from --params only.
  lp::rt::TrainOptions opts = trainOptions();
  opts.resumeFile.clear();
  std::string error = lp::runQuantize(module, options, opts, prune, trainMode);
  return error.empty() ? 0 : fail(error);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Buffers reused across steps (BufferCache.h).
  lp::rt::buffers::configureProcessAllocator();
  cl::HideUnrelatedOptions({&runCat, &trainCat, &lowerCat,
                            &lp::quantizeCategory(), &lp::deviceCategory()});
  cl::ParseCommandLineOptions(argc, argv, "LP model runner (CPU JIT)\n");

  DialectRegistry registry;
  lp::registerAllDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  MLIRContext context(registry);
  // Errors are located in the user's model; the generic form of the op
  // (often a whole generated train step) would bury them.
  context.printOpOnDiagnostic(false);

  std::string error;
  auto file = lp::readModel(inputFile, error);
  if (!file)
    return fail(error);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1; // the parser has reported a located error
  lp::CompileOptions options;
  setCompileOptions(options);
  if (std::string e = lp::checkDevice(options); !e.empty())
    return fail(e);
  if (std::string e = lp::rt::setContraction(contraction); !e.empty())
    return fail(e);
  lp::rt::setContractionIsa(contractionIsa);
  std::vector<std::string> widened;
  if (std::string e = lp::rt::chooseLowpProducts(lowpProducts, widened);
      !e.empty())
    return fail(e);
  options.lowering.widenLowp = ArrayRef<std::string>(widened);
  widenedLowpTypes = widened;
  int rc = lp::quantizeRequested() ? runQuantize(*module, options)
           : trainMode             ? runTraining(*module, options)
                                   : runOnce(*module, options);
  if (verbose && rc == 0)
    llvm::outs() << lp::rt::contractionReport();
  return rc;
}
