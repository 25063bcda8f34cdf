//===- ModelFuzzer.cpp - fuzz target: parse, verify and compile models ----===//
//
// libFuzzer entry point (scripts/fuzz.sh builds it in the sanitizer build,
// -DLP_SANITIZE=ON with clang) and the body of the corpus replay test
// (ReplayCorpus.cpp). The first byte of an input picks a pipeline from
// kPipelines; the rest is a model in the lp dialect. The model is parsed and
// verified, printed (custom and generic form), described as lp-run would
// describe it (the signature document the runtime binds by) and run
// through the pipeline: every LP pass on its own with its default options,
// the train-step builder with each optimizer, loss scaling and precision,
// and the lowering pipelines down to the LLVM dialect. Diagnostics are
// expected and swallowed; a crash, a sanitizer report or a hang is a
// defect.
//
//===----------------------------------------------------------------------===//

#include "lp/InitAll.h"
#include "lp/Runner/Compile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

namespace {

/// What an input's first byte selects (modulo the table's size).
const char *const kPipelines[] = {
    "", // parse, verify, print and describe only
    // Every LP pass on its own, default options.
    "lp-differentiate",
    "lp-autocast",
    "lp-widen-lowp-products",
    "lp-print-precision-classes",
    "lp-precision-report",
    "lp-build-gradients",
    "lp-clip-gradients",
    "lp-loss-scaling",
    "lp-apply-optimizer",
    "lp-outline-blocks",
    "lp-record-signature",
    "convert-lp-to-linalg",
    "lp-approximate-math",
    "lp-fold-transpose-into-matmul",
    "lp-convs-to-library",
    "lp-linalg-to-blas",
    "lp-outline-kernels",
    "lp-fuse-elementwise",
    "lp-drop-inplace-results",
    "lp-fold-result-copies",
    "lp-reassociate-reductions",
    "lp-vectorize-matmul",
    "lp-split-shared-inits",
    "lp-guard-exp-underflow",
    "lp-parallelize-kernels",
    "lp-inline-alloca-scopes",
    "lp-emit-entry-points",
    // The train-step builder.
    "lp-build-train-step",
    "lp-build-train-step{optimizer=adam}",
    "lp-build-train-step{optimizer=adamw weight-decay=0.01 amsgrad=true}",
    "lp-build-train-step{optimizer=sgd momentum=0.9 nesterov=true "
    "lr-schedule=cosine total-steps=10 warmup-steps=2}",
    "lp-build-train-step{precision=bf16}",
    "lp-build-train-step{precision=f16 loss-scale=dynamic}",
    "lp-build-train-step{precision=f16 loss-scale=static master-weights=0}",
    "lp-build-train-step{accumulate=2 clip-norm=1.0}",
    // The lowering pipelines.
    "lp-lower-to-linalg",
    "lp-lower-to-linalg{widen-lowp=bf16,f16}",
    "lp-lower-to-linalg{conv=im2col}",
    "lp-lower-to-linalg,lp-bufferize,lp-cpu-codegen{matmul=vector}",
    "lp-lower-to-llvm",
    "lp-lower-to-llvm{matmul=loops parallel=1}",
    "lp-build-train-step{optimizer=adam},"
    "lp-lower-to-llvm{inplace-results=1}",
    "lp-build-train-step{precision=bf16},lp-lower-to-llvm{inplace-results=1}",
    // Quantization-aware training.
    "lp-fake-quant",
    "lp-build-train-step{fake-quant='weights=int4 calibrate=1 freeze-after=3' "
    "precision=bf16},lp-lower-to-llvm",
    // Pruning masks; post-training quantization's conversion, lowered.
    "lp-prune",
    "lp-fake-quant{weights=int4},lp-prune,lp-quant-convert{f16-weights=1},"
    "lp-lower-to-llvm",
    // The GPU path: its passes alone, the mapping emulated on the CPU, and
    // the lowering to PTX (format=isa: no ptxas).
    "lp-map-to-gpu",
    "lp-merge-gpu-modules",
    "lp-gpu-host-calls",
    "lp-emulate-gpu-launches",
    "lp-lower-to-linalg,lp-bufferize,lp-map-to-gpu,lp-emulate-gpu-launches",
    "lp-lower-to-llvm{gpu-launches=1}",
    "lp-lower-to-nvvm{format=isa}",
};
// fuzz/make_seeds.py assigns seeds to pipelines by index.
static_assert(std::size(kPipelines) == 55, "update fuzz/make_seeds.py");

mlir::DialectRegistry &registry() {
  static mlir::DialectRegistry *r = [] {
    auto *reg = new mlir::DialectRegistry;
    lp::registerAllDialects(*reg);
    lp::registerAllPasses();
    return reg;
  }();
  return *r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  const char *pipeline = kPipelines[data[0] % std::size(kPipelines)];
  mlir::MLIRContext context(registry(), mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  std::string text(reinterpret_cast<const char *>(data) + 1, size - 1);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, &context);
  if (!module)
    return 0;
  module->print(llvm::nulls());
  module->print(llvm::nulls(), mlir::OpPrintingFlags().printGenericOpForm());
  lp::CompileOptions describe;
  (void)lp::describeSelected(*module, describe);
  describe.train = true;
  (void)lp::describeSelected(*module, describe);
  if (!*pipeline)
    return 0;
  // A pass restricted to functions runs on each function.
  mlir::PassManager pm(&context, mlir::ModuleOp::getOperationName(),
                       mlir::OpPassManager::Nesting::Implicit);
  if (mlir::failed(mlir::parsePassPipeline(pipeline, pm, llvm::nulls()))) {
    pm.clear();
    if (mlir::failed(mlir::parsePassPipeline(
            pipeline, pm.nest(mlir::func::FuncOp::getOperationName()))))
      LLVM_BUILTIN_TRAP; // a harness bug: every entry must parse
  }
  if (mlir::succeeded(pm.run(*module)))
    module->print(llvm::nulls());
  return 0;
}
