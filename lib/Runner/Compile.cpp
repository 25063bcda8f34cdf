//===- Compile.cpp - compile a model into runnable code -------------------===//

#include "lp/Runner/Compile.h"
#include "lp/Runtime/HostSymbols.h"
#include "lp/Transforms/FindFunction.h"
#include "lp/Transforms/PrecisionReport.h"
#include "lp/Transforms/Signature.h"

#include "mlir/Pass/PassManager.h"

#include <chrono>

using namespace mlir;
using namespace lp;

DiagnosticCollector::DiagnosticCollector(MLIRContext &context,
                                         std::vector<Diagnostic> &diagnostics)
    : context(context) {
  id = context.getDiagEngine().registerHandler(
      [&diagnostics](mlir::Diagnostic &diag) {
        Diagnostic d;
        switch (diag.getSeverity()) {
        case DiagnosticSeverity::Error:
          d.severity = Diagnostic::Severity::Error;
          break;
        case DiagnosticSeverity::Warning:
          d.severity = Diagnostic::Severity::Warning;
          break;
        case DiagnosticSeverity::Note:
          d.severity = Diagnostic::Severity::Note;
          break;
        case DiagnosticSeverity::Remark:
          d.severity = Diagnostic::Severity::Remark;
          break;
        }
        if (auto loc = dyn_cast<FileLineColLoc>(diag.getLocation()))
          d.location =
              (loc.getFilename().str() + ":" + std::to_string(loc.getLine()) +
               ":" + std::to_string(loc.getColumn()));
        d.message = diag.str();
        diagnostics.push_back(std::move(d));
        return failure(); // also reach the handlers registered before
      });
}

DiagnosticCollector::~DiagnosticCollector() {
  context.getDiagEngine().eraseHandler(id);
}

static double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

static func::FuncOp selectFunction(ModuleOp module,
                                   const CompileOptions &options) {
  return findFunction(module, options.function,
                      options.train ? FunctionKind::Model
                                    : FunctionKind::Public,
                      options.train ? "the 'function' option" : "--function");
}

FailureOr<std::string> lp::describeSelected(ModuleOp module,
                                            const CompileOptions &options) {
  func::FuncOp fn = selectFunction(module, options);
  if (!fn)
    return failure();
  FailureOr<llvm::json::Object> doc = describeFunction(fn);
  if (failed(doc))
    return failure();
  (*doc)["entry"] = entryPointSymbol(fn.getSymName());
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(std::move(*doc));
  return text;
}

llvm::Expected<CompiledModule> lp::compile(ModuleOp module,
                                           const CompileOptions &options) {
  auto fail = [](const llvm::Twine &message) {
    return llvm::createStringError(message);
  };
  CompiledModule compiled;
  auto start = std::chrono::steady_clock::now();
  func::FuncOp fn = selectFunction(module, options);
  if (!fn)
    return fail("no function to compile");
  compiled.function = fn.getSymName().str();
  auto record = [&](const char *stage) {
    if (!options.stageIR)
      return;
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os);
    options.stageIR->emplace_back(stage, std::move(text));
  };
  record("model");
  if (options.train) {
    PassManager build(module.getContext());
    BuildTrainStepOptions trainStep = options.trainStep;
    trainStep.function = compiled.function;
    build.addPass(createBuildTrainStep(trainStep));
    if (failed(build.run(module)))
      return fail("building the train step of '" + compiled.function +
                  "' failed");
    compiled.trainStep = compiled.function + "_train_step";
    compiled.eval = compiled.function + "_eval";
    record("train_step");
    std::vector<std::string> runnable = {compiled.trainStep, compiled.eval};
    if (options.quantConvert) {
      PassManager convert(module.getContext());
      QuantConvertOptions quant;
      quant.function = compiled.eval;
      quant.f16Weights = options.quantF16Weights;
      convert.addPass(createQuantConvert(quant));
      if (failed(convert.run(module)))
        return fail("converting '" + compiled.eval + "' failed");
      for (const char *suffix :
           {"_float", "_frozen", "_quantize", "_quantized"})
        runnable.push_back(compiled.eval + suffix);
    }
    // All must be bindable: report why not before lowering.
    for (const std::string &name : runnable)
      if (failed(describeFunction(module.lookupSymbol<func::FuncOp>(name))))
        return fail("'" + name + "' cannot be run");
    // Only the step and eval run: the model function itself is not compiled.
    fn.erase();
  } else if (failed(describeFunction(fn))) {
    return fail("'" + compiled.function + "' cannot be run");
  }
  if (options.precisionReport)
    printPrecisionReport(
        module.lookupSymbol<func::FuncOp>(options.train ? compiled.trainStep
                                                        : compiled.function),
        *options.precisionReport);
  auto loweringFailed = [&] {
    return fail(options.train ? "lowering the train step failed"
                              : "lowering '" + compiled.function + "' failed");
  };
  // Parameters and optimizer state are updated in place: the step no
  // longer returns them, and the trainer's arrays stay where they are.
  if (options.cuda) {
    PassManager pm(module.getContext());
    LowerToNVVMOptions lowering;
    lowering.copyOptionValuesFrom(options.gpuLowering);
    if (options.train)
      lowering.inplaceResults = true;
    buildLowerToNVVMPipeline(pm, lowering);
    if (failed(pm.run(module)))
      return loweringFailed();
    record("nvvm");
  } else {
    LowerToLLVMOptions lowering;
    lowering.copyOptionValuesFrom(options.lowering);
    if (options.train)
      lowering.inplaceResults = true;
    // The stages one at a time when their IR is kept, else one pipeline.
    std::vector<std::pair<LowerToLLVMStage, const char *>> stages = {
        {LowerToLLVMStage::Linalg, "linalg"},
        {LowerToLLVMStage::Bufferize, "bufferized"},
        {LowerToLLVMStage::Codegen, "llvm"}};
    PassManager whole(module.getContext());
    for (auto [stage, name] : stages) {
      if (!options.stageIR) {
        buildLowerToLLVMStage(whole, lowering, stage);
        continue;
      }
      PassManager pm(module.getContext());
      buildLowerToLLVMStage(pm, lowering, stage);
      if (failed(pm.run(module)))
        return loweringFailed();
      record(name);
    }
    if (!options.stageIR && failed(whole.run(module)))
      return loweringFailed();
  }
  compiled.pipelineSeconds = secondsSince(start);
  // The libraries the step's products run on (Contractions.h): a bad
  // choice (an ISA this CPU lacks, no library) is reported as it is.
  if (std::string e = rt::prepareHostSymbols(); !e.empty())
    return fail(e);
  auto jitStart = std::chrono::steady_clock::now();
  auto code = JitCode::create(module);
  if (!code)
    return fail("JIT compilation failed: " + toString(code.takeError()));
  compiled.code = std::move(*code);
  compiled.jitSeconds = secondsSince(jitStart);
  return compiled;
}
