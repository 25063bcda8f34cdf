//===- Native.h - what the Python extension binds -----------*- C++ -*-===//
//
// The extension's C++ side, free of nanobind: errors, the MLIR context with
// LP's dialects, a parsed model. LpModule.cpp binds these; ModelBuilder.h
// builds models op by op.
//
//===----------------------------------------------------------------------===//

#ifndef LP_PYTHON_NATIVE_H
#define LP_PYTHON_NATIVE_H

#include "lp/Runner/Compile.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace lp::python {

/// Errors of LP (located diagnostics, runtime messages): lp.Error.
struct LpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// `what` and then each error of `diagnostics` on a line of its own, as
/// "file:line:col: error: message".
std::string describe(const std::string &what,
                     const std::vector<lp::Diagnostic> &diagnostics);

/// An MLIR context with LP's dialects and the translations the JIT needs;
/// diagnostics are never printed (collect them with a
/// DiagnosticCollector).
std::shared_ptr<mlir::MLIRContext> makeContext();

/// A parsed and verified model.
struct Model {
  std::shared_ptr<mlir::MLIRContext> context;
  mutable mlir::OwningOpRef<mlir::ModuleOp> module; // print/clone: not const

  /// Parses `text`; `filename` names it in locations. Throws LpError.
  Model(const std::string &text, const std::string &filename);
  /// Takes a module built in `context` (ModelBuilder).
  Model(std::shared_ptr<mlir::MLIRContext> context,
        mlir::OwningOpRef<mlir::ModuleOp> module)
      : context(std::move(context)), module(std::move(module)) {}

  std::string text() const;
};

} // namespace lp::python

#endif // LP_PYTHON_NATIVE_H
