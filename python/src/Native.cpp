//===- Native.cpp - what the Python extension binds -----------------------===//

#include "Native.h"

#include "lp/InitAll.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

std::string
lp::python::describe(const std::string &what,
                     const std::vector<lp::Diagnostic> &diagnostics) {
  std::string text = what;
  for (const lp::Diagnostic &d : diagnostics) {
    if (d.severity != lp::Diagnostic::Severity::Error)
      continue;
    text += "\n" + (d.location.empty() ? "" : d.location + ": ") +
            "error: " + d.message;
  }
  return text;
}

std::shared_ptr<MLIRContext> lp::python::makeContext() {
  DialectRegistry registry;
  lp::registerAllDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  auto context = std::make_shared<MLIRContext>(registry);
  context->loadAllAvailableDialects();
  context->printOpOnDiagnostic(false);
  context->getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return success(); });
  return context;
}

lp::python::Model::Model(const std::string &text, const std::string &filename)
    : context(makeContext()) {
  std::vector<lp::Diagnostic> diagnostics;
  lp::DiagnosticCollector collect(*context, diagnostics);
  module =
      parseSourceString<ModuleOp>(text, ParserConfig(context.get()), filename);
  if (!module)
    throw LpError(describe("invalid model " + filename, diagnostics));
}

std::string lp::python::Model::text() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  module->print(os);
  return s;
}
