//===- lp-exec.cpp - run a step compiled ahead of time --------------------===//
//
// lp-exec step.so [--function=F] [--list] [--train ...] [run options]
//
// Runs a shared object made by `lp-translate --lp-to-object` and
// `cc -shared` with the runtime alone (no LLVM/MLIR): the functions and
// their calling conventions come from the symbols lp-emit-entry-points put
// in it. Without --train it calls one function once, as lp-run does; with
// --train it trains the model's `<F>_train_step` and evaluates `<F>_eval`.
// The options mean what lp-run's mean (docs/Tools.md).
//
//===----------------------------------------------------------------------===//

#include "lp/Runtime/Contractions.h"
#include "lp/Runtime/Cuda.h"
#include "lp/Runtime/Trainer.h"

#include "lp/Runtime/BufferCache.h"
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>

using namespace lp::rt;

static int fail(const std::string &message) {
  std::cerr << "lp-exec: error: " << message << "\n";
  return 1;
}

namespace {
/// The command line: --name=value and --flag options, one positional.
struct CommandLine {
  std::string file;
  std::map<std::string, std::string> values;
  std::vector<std::string> inputs;
  std::string error;

  CommandLine(int argc, char **argv) {
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      if (arg.rfind("--", 0) != 0) {
        if (!file.empty())
          error = "unexpected argument '" + arg + "'";
        file = arg;
        continue;
      }
      size_t eq = arg.find('=');
      std::string name = arg.substr(2, eq == std::string::npos ? eq : eq - 2);
      std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
      if (name == "input")
        inputs.push_back(value);
      else
        values[name] = value;
    }
    if (file.empty() && error.empty())
      error = "usage: lp-exec step.so [--function=F] [--list] [--train] "
              "[--data=D.npz] [--eval-data=E.npz] [--steps=N] ...";
  }
  bool has(const std::string &name) const { return values.count(name); }
  std::string get(const std::string &name, const std::string &d = "") const {
    auto it = values.find(name);
    return it == values.end() ? d : it->second;
  }
  /// An integer option; sets `error` when it is not one.
  int64_t getInt(const std::string &name, int64_t d) {
    auto it = values.find(name);
    if (it == values.end())
      return d;
    char *end = nullptr;
    long long v = std::strtoll(it->second.c_str(), &end, 10);
    if (it->second.empty() || *end)
      error = "--" + name + " expects an integer, got '" + it->second + "'";
    return v;
  }
};

const char *kKnown[] = {"function",      "list",
                        "train",         "data",
                        "eval-data",     "steps",
                        "log-every",     "batch-size",
                        "seed",          "no-shuffle",
                        "params",        "resume",
                        "checkpoint",    "checkpoint-every",
                        "loss-log",      "step-times",
                        "random-inputs", "output-dir",
                        "contraction",   "contraction-isa",
                        "verbose",       "allow-tf32"};
} // namespace

int main(int argc, char **argv) {
  // Buffers reused across steps (BufferCache.h).
  lp::rt::buffers::configureProcessAllocator();
  setenv("KMP_BLOCKTIME", "5", /*overwrite=*/0);
  CommandLine cl(argc, argv);
  for (const auto &[name, value] : cl.values)
    if (std::find(std::begin(kKnown), std::end(kKnown), name) ==
        std::end(kKnown))
      return fail("unknown option '--" + name + "'");
  if (!cl.error.empty())
    return fail(cl.error);
  // The libraries behind the step's products, as lp-run's options.
  if (std::string e = lp::rt::setContraction(cl.get("contraction")); !e.empty())
    return fail(e);
  lp::rt::setContractionIsa(cl.get("contraction-isa"));
  std::string error;
  auto code = SharedObject::open(cl.file, error);
  if (!code)
    return fail(error);
  std::vector<std::string> entries = listEntryPoints(*code);
  if (entries.empty())
    return fail(cl.file + ": no LP functions (lp_entry_points) in it");
  if (cl.has("list")) {
    for (const std::string &e : entries)
      std::cout << e << "\n";
    return 0;
  }
  std::string function = cl.get("function");
  const std::string suffix = cl.has("train") ? "_train_step" : "";
  if (function.empty()) {
    for (const std::string &e : entries) {
      bool isStep =
          e.size() > 11 && e.compare(e.size() - 11, 11, "_train_step") == 0;
      if (cl.has("train") != isStep ||
          (!cl.has("train") && e.size() > 5 &&
           e.compare(e.size() - 5, 5, "_eval") == 0))
        continue;
      if (!function.empty())
        return fail(cl.file + ": several functions; choose one with "
                              "--function (--list shows them)");
      function = cl.has("train") ? e.substr(0, e.size() - 11) : e;
    }
    if (function.empty())
      return fail(cl.file + ": no function to run");
  }

  // f32 products of a GPU step through cuBLASLt may use TF32.
  if (cl.has("allow-tf32")) {
    Step probe;
    error = Step::load(*code, function + suffix, probe);
    if (!error.empty())
      return fail(error);
    if (!probe.signature().onCuda)
      return fail("--allow-tf32 is for GPU steps: '" + function + suffix +
                  "' runs on the CPU");
    lp::rt::cuda::setAllowTf32(true);
  }

  if (cl.has("train")) {
    Step step, eval;
    error = Step::load(*code, function + "_train_step", step);
    if (error.empty())
      error = Step::load(*code, function + "_eval", eval);
    if (!error.empty())
      return fail(error);
    TrainOptions opts;
    opts.steps = cl.getInt("steps", 100);
    opts.logEvery = cl.getInt("log-every", 10);
    opts.batchSize = cl.getInt("batch-size", 0);
    opts.seed = uint64_t(cl.getInt("seed", 0));
    opts.checkpointEvery = cl.getInt("checkpoint-every", 0);
    if (!cl.error.empty())
      return fail(cl.error);
    opts.shuffle = !cl.has("no-shuffle");
    opts.dataFile = cl.get("data");
    opts.evalFile = cl.get("eval-data");
    opts.paramsFile = cl.get("params");
    opts.resumeFile = cl.get("resume");
    opts.checkpointFile = cl.get("checkpoint");
    opts.outputDir = cl.get("output-dir");
    opts.lossLog = cl.get("loss-log");
    opts.stepTimes = cl.get("step-times");
    error = train(step, eval, opts, std::cout);
    if (error.empty() && cl.has("verbose"))
      std::cout << lp::rt::contractionReport();
    return error.empty() ? 0 : fail(error);
  }

  Step fn;
  error = Step::load(*code, function, fn);
  if (!error.empty())
    return fail(error);
  RunOptions run;
  run.dataFile = cl.get("data");
  for (const std::string &binding : cl.inputs) {
    size_t eq = binding.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail("--input expects name=file.npy, got '" + binding + "'");
    run.inputFiles[binding.substr(0, eq)] = binding.substr(eq + 1);
  }
  run.paramsFile = cl.get("params");
  run.randomInputs = cl.has("random-inputs");
  run.seed = uint64_t(cl.getInt("seed", 0));
  run.outputDir = cl.get("output-dir");
  if (!cl.error.empty())
    return fail(cl.error);
  std::vector<lp::npy::Array> args;
  error = bindArguments(fn.signature(), run, args);
  if (error.empty())
    error = runOnce(fn, args, run, std::cout);
  if (error.empty() && cl.has("verbose"))
    std::cout << lp::rt::contractionReport();
  return error.empty() ? 0 : fail(error);
}
