//===- lp-opt.cpp - the LP optimizer driver -------------------------------===//
//
// mlir-opt's driver with LP's dialects, passes and pipelines. One change to
// it: a pass option that does not parse (`--lp-build-train-step=lr=abc`)
// is reported once, by the option parser, with the option and the value;
// MlirOptMain would add an empty `<unknown>:0: error:` line after it.
//
//===----------------------------------------------------------------------===//

#include "TestPasses.h"
#include "lp/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  lp::registerAllDialects(registry);
  lp::registerAllPasses();
  lp::test::registerTestPasses();
  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "LP optimizer driver\n", registry);

  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  // The pipeline parser has printed why an option did not parse; drop the
  // empty diagnostic MlirOptMain's error handler adds to it.
  config.setPassPipelineSetupFn(
      [parsePipeline = config](mlir::PassManager &pm) {
        mlir::ScopedDiagnosticHandler dropEmpty(
            pm.getContext(), [](mlir::Diagnostic &diag) {
              return mlir::success(diag.str().empty());
            });
        return parsePipeline.setupPassPipeline(pm);
      });
  if (config.shouldShowDialects() || config.shouldListPasses())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(
          mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}
