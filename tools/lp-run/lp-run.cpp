//===- lp-run.cpp - JIT-run a model function on NumPy data ----------------===//
//
// lp-run model.mlir [--function=f] [--data=batch.npz] [--input=x=x.npy]...
//        [--params=ckpt.npz] [--random-inputs] [--seed=N] [--output-dir=D]
//
// Lowers the module with lp-lower-to-llvm, compiles it once with the MLIR
// ExecutionEngine and calls the function. Arguments are bound by name:
// inputs/labels from --input and --data, parameters from --params or their
// lp.init initialiser. Results are written as <output-dir>/<name>.npy and
// summarised on stdout.
//
//===----------------------------------------------------------------------===//

#include "lp/InitAll.h"
#include "lp/Pipelines/Pipelines.h"
#include "lp/Runner/Initializers.h"
#include "lp/Runner/JitRunner.h"
#include "lp/Runner/ModelSignature.h"
#include "lp/Runner/Trainer.h"
#include "lp/Transforms/Autodiff.h"
#include "lp/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <chrono>
#include <cmath>
#include <malloc.h>
#include <map>
#include <thread>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required);
static cl::opt<std::string> functionName(
    "function", cl::desc("Function to run (default: the only public one)"));
static cl::opt<std::string>
    dataFile("data", cl::desc(".npz whose arrays bind arguments by name"));
static cl::list<std::string>
    inputs("input", cl::desc("name=file.npy binds one argument"));
static cl::opt<std::string> paramsFile(
    "params", cl::desc(".npz of parameter values (instead of lp.init)"));
static cl::opt<bool> randomInputs(
    "random-inputs",
    cl::desc("Fill inputs that have no data with seeded random values"));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed for initialisers and "
                                               "random inputs"),
                              cl::init(0));
static cl::opt<std::string>
    outputDir("output-dir", cl::desc("Write each result as <name>.npy here"));

// Training.
static cl::OptionCategory trainCat("Training (--train)");
static cl::opt<bool> trainMode(
    "train", cl::desc("Build the train step (lp-build-train-step) and train "
                      "on --data; evaluate on --eval-data"),
    cl::cat(trainCat));
static cl::opt<int64_t> steps("steps", cl::desc("Total number of steps"),
                              cl::init(100), cl::cat(trainCat));
static cl::opt<int64_t> batchSize(
    "batch-size", cl::desc("Checked against the model's batch size"),
    cl::init(0), cl::cat(trainCat));
static cl::opt<std::string> optimizer("optimizer",
                                      cl::desc("sgd, adam or adamw"),
                                      cl::init("sgd"), cl::cat(trainCat));
static cl::opt<double> lr("lr", cl::desc("Learning rate"), cl::init(0.01),
                          cl::cat(trainCat));
static cl::opt<double> momentum("momentum", cl::desc("SGD momentum"),
                                cl::init(0.0), cl::cat(trainCat));
static cl::opt<double> weightDecay("weight-decay", cl::desc("Weight decay"),
                                   cl::init(0.0), cl::cat(trainCat));
static cl::opt<double> beta1("beta1", cl::init(0.9), cl::cat(trainCat));
static cl::opt<double> beta2("beta2", cl::init(0.999), cl::cat(trainCat));
static cl::opt<double> eps("eps", cl::init(1e-8), cl::cat(trainCat));
static cl::opt<int64_t> logEvery("log-every",
                                 cl::desc("Print progress every K steps"),
                                 cl::init(10), cl::cat(trainCat));
static cl::opt<bool> noShuffle("no-shuffle",
                               cl::desc("Take batches in data order"),
                               cl::cat(trainCat));
static cl::opt<std::string> evalData("eval-data",
                                     cl::desc("Held-out .npz to evaluate on"),
                                     cl::cat(trainCat));
static cl::opt<std::string> checkpoint(
    "checkpoint", cl::desc("Write parameters and optimizer state here (.npz)"),
    cl::cat(trainCat));
static cl::opt<int64_t> checkpointEvery(
    "checkpoint-every", cl::desc("Also checkpoint every K steps"),
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
    cl::init(lp::MatmulLowering::Blas),
    cl::values(clEnumValN(lp::MatmulLowering::Blas, "blas",
                          "cblas_sgemm calls (the default)"),
               clEnumValN(lp::MatmulLowering::Vector, "vector",
                          "generated tiled vector code"),
               clEnumValN(lp::MatmulLowering::Loops, "loops",
                          "plain loops")));
static cl::opt<bool> approximateMath(
    "approximate-math",
    cl::desc("Inline polynomial exp/log/tanh/erf (a few ulp; see "
             "docs/Performance.md)"));
static cl::opt<bool> parallelKernels(
    "parallel",
    cl::desc("Split large generated kernels over the machine's threads "
             "(OpenMP; default on, --parallel=0 runs them on one thread)"),
    cl::init(true));
static cl::opt<std::string> lossLog(
    "loss-log", cl::desc("Append 'step loss... total' lines to this file"),
    cl::cat(trainCat));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "lp-run") << message << "\n";
  return 1;
}

/// Picks the function to run.
static func::FuncOp findFunction(ModuleOp module, std::string &error) {
  func::FuncOp found;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (fn.isExternal())
      continue;
    if (!functionName.empty()) {
      if (fn.getSymName() == functionName)
        return fn;
      continue;
    }
    if (fn.isPublic()) {
      if (found) {
        error = "the module has several public functions; choose one with "
                "--function";
        return nullptr;
      }
      found = fn;
    }
  }
  if (!found)
    error = functionName.empty()
                ? "the module has no function to run"
                : "no function named '" + functionName + "' in the module";
  return found;
}

static std::string summarize(const lp::TensorSlot &slot,
                             const lp::npy::Array &a) {
  std::string text = slot.name + ": " + lp::npy::dtypeName(a.dtype);
  int64_t n = a.numElements();
  char buf[160];
  if (a.shape.empty()) {
    snprintf(buf, sizeof buf, " = %.6g", lp::elementAsDouble(a, 0));
    return text + buf;
  }
  text += "[";
  for (size_t i = 0; i < a.shape.size(); ++i)
    text += (i ? "x" : "") + std::to_string(a.shape[i]);
  text += "]";
  if (n == 0)
    return text;
  double sum = 0, lo = INFINITY, hi = -INFINITY;
  for (int64_t i = 0; i < n; ++i) {
    double v = lp::elementAsDouble(a, i);
    sum += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  snprintf(buf, sizeof buf, " mean=%.6g min=%.6g max=%.6g", sum / n, lo, hi);
  return text + buf;
}

/// Adds lp-lower-to-llvm with the options the command line selects.
static void addLowering(PassManager &pm, bool inplaceResults = false) {
  lp::LowerToLLVMOptions options;
  options.inplaceResults = inplaceResults;
  options.matmul = matmulLowering;
  options.approximateMath = approximateMath;
  options.parallel = parallelKernels;
  // The pipeline never reads the host; the driver resolves the threads.
  options.threads = std::thread::hardware_concurrency();
  lp::buildLowerToLLVMPipeline(pm, options);
}

static double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
      .count();
}

/// --train: build the step, lower, compile once and run the loop.
static int runTraining(ModuleOp module, MLIRContext &context) {
  func::FuncOp model = lp::findModel(module, functionName);
  if (!model)
    return 1;
  std::string name = model.getSymName().str();
  auto pipelineStart = std::chrono::steady_clock::now();
  PassManager build(&context);
  lp::BuildTrainStepOptions options;
  options.optimizer = optimizer;
  options.lr = lr;
  options.momentum = momentum;
  options.weightDecay = weightDecay;
  options.beta1 = beta1;
  options.beta2 = beta2;
  options.eps = eps;
  options.function = name;
  build.addPass(lp::createBuildTrainStep(options));
  if (failed(build.run(module)))
    return fail("building the train step of '" + name + "' failed");
  auto stepFn = module.lookupSymbol<func::FuncOp>(name + "_train_step");
  auto evalFn = module.lookupSymbol<func::FuncOp>(name + "_eval");
  FailureOr<lp::ModelSignature> stepSig = lp::readSignature(stepFn);
  FailureOr<lp::ModelSignature> evalSig = lp::readSignature(evalFn);
  if (failed(stepSig) || failed(evalSig))
    return 1;
  // Only the step and eval run: the model function itself is not compiled.
  model.erase();
  PassManager pm(&context);
  // Parameters and optimizer state are updated in place: the step no
  // longer returns them, and the trainer's arrays stay where they are.
  addLowering(pm, /*inplaceResults=*/true);
  if (failed(pm.run(module)))
    return fail("lowering the train step failed");
  if (failed(lp::dropInplaceResults(module, *stepSig)) ||
      failed(lp::dropInplaceResults(module, *evalSig)))
    return fail("binding the in-place results failed");
  double pipelineSeconds = secondsSince(pipelineStart);
  auto jitStart = std::chrono::steady_clock::now();
  auto jit = lp::JitRunner::create(module);
  if (!jit)
    return fail("JIT compilation failed: " + toString(jit.takeError()));
  llvm::outs() << llvm::format("compile: pipeline %.3f s, jit %.3f s\n",
                               pipelineSeconds, secondsSince(jitStart));
  lp::TrainOptions opts;
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
  opts.lossLog = lossLog;
  opts.stepTimes = stepTimes;
  if (llvm::Error e = lp::train(**jit, *stepSig, *evalSig, opts, llvm::outs()))
    return fail(toString(std::move(e)));
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // A step allocates and frees the same buffers every time. glibc serves
  // blocks above 128 KiB with a fresh mmap and returns them with munmap,
  // so each step would page-fault its activations in again; keeping them
  // in the heap lets the allocator hand the same memory back (buffer
  // reuse across steps). 32 MiB is glibc's largest threshold.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  cl::ParseCommandLineOptions(argc, argv, "LP model runner (CPU JIT)\n");

  DialectRegistry registry;
  lp::registerAllDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  MLIRContext context(registry);

  std::string error;
  auto file = openInputFile(inputFile, &error);
  if (!file)
    return fail(error);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1; // the parser has reported a located error

  if (trainMode)
    return runTraining(*module, context);

  func::FuncOp fn = findFunction(*module, error);
  if (!fn)
    return fail(inputFile + ": " + error);
  FailureOr<lp::ModelSignature> signature = lp::readSignature(fn);
  if (failed(signature))
    return 1;

  // Bind every argument before compiling, so that bad data fails fast.
  std::map<std::string, lp::npy::Array> data, params;
  if (!dataFile.empty()) {
    std::string e = lp::npy::readNpz(dataFile, data);
    if (!e.empty())
      return fail(e);
  }
  for (const std::string &binding : inputs) {
    size_t eq = binding.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail("--input expects name=file.npy, got '" + binding + "'");
    lp::npy::Array a;
    std::string e = lp::npy::readNpy(binding.substr(eq + 1), a);
    if (!e.empty())
      return fail(e);
    data[binding.substr(0, eq)] = std::move(a);
  }
  if (!paramsFile.empty()) {
    std::string e = lp::npy::readNpz(paramsFile, params);
    if (!e.empty())
      return fail(e);
  }
  std::vector<lp::npy::Array> argValues;
  for (const lp::TensorSlot &slot : signature->args) {
    bool isParam =
        slot.role == lp::ArgRole::Param || slot.role == lp::ArgRole::State;
    auto &source = isParam ? params : data;
    if (auto it = source.find(slot.name); it != source.end())
      argValues.push_back(std::move(it->second));
    else if (isParam)
      argValues.push_back(lp::initializeParam(slot, seed));
    else if (randomInputs)
      argValues.push_back(lp::randomInput(slot, seed));
    else
      return fail("missing " + std::string(lp::stringifyArgRole(slot.role)) +
                  " '" + slot.name +
                  "': bind it with --data or --input, or pass --random-inputs");
    std::string e = lp::checkArgument(slot, argValues.back());
    if (!e.empty())
      return fail(e);
  }

  // Lower and compile once.
  PassManager pm(&context);
  addLowering(pm);
  if (failed(pm.run(*module)))
    return fail("lowering '" + signature->function + "' failed");
  auto runner = lp::JitRunner::create(*module);
  if (!runner)
    return fail("JIT compilation failed: " + toString(runner.takeError()));

  std::vector<lp::npy::Array *> argPtrs;
  for (lp::npy::Array &a : argValues)
    argPtrs.push_back(&a);
  std::vector<lp::npy::Array> results;
  if (llvm::Error e = (*runner)->run(*signature, argPtrs, results))
    return fail(toString(std::move(e)));

  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return fail("cannot create '" + outputDir + "': " + ec.message());
  }
  for (size_t i = 0; i < results.size(); ++i) {
    const lp::TensorSlot &slot = signature->results[i];
    llvm::outs() << summarize(slot, results[i]) << "\n";
    if (outputDir.empty())
      continue;
    llvm::SmallString<256> path(outputDir);
    llvm::sys::path::append(path, slot.name + ".npy");
    std::string e = lp::npy::writeNpy(std::string(path), results[i]);
    if (!e.empty())
      return fail(e);
  }
  return 0;
}
